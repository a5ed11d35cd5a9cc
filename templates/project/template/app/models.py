"""Every table model, imported so Alembic's autogenerate sees its metadata.

fastgen adds one line per resource here, for example
``from app.posts.models import Post  # noqa: F401``.
"""
