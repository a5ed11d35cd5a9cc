# header
"""Rename the authors table to writers, rows and all.

Revision ID: eeeeeeeeeeee
Revises: ffffffffffff
"""

from collections.abc import Sequence

from alembic import op

revision: str = "eeeeeeeeeeee"
down_revision: str | None = "ffffffffffff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision to ``writers``."""
    op.rename_table("authors", "writers")
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE writers RENAME CONSTRAINT pk_authors TO " "pk_writers")
    with op.batch_alter_table("writers") as batch_op:
        batch_op.drop_index(op.f("ix_authors_owner_id"))
        batch_op.drop_constraint(op.f("uq_authors_owner_id_email"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_writers_owner_id_email"), ["owner_id", "email"]
        )
        batch_op.create_index(op.f("ix_writers_owner_id"), ["owner_id"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_constraint(op.f("fk_posts_author_id_authors"), type_="foreignkey")
        batch_op.create_foreign_key(
            op.f("fk_posts_author_id_writers"),
            "writers",
            ["author_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    """Undo this revision: ``writers`` as it was before."""
    op.rename_table("writers", "authors")
    if op.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE authors RENAME CONSTRAINT pk_writers TO " "pk_authors")
    with op.batch_alter_table("authors") as batch_op:
        batch_op.drop_index(op.f("ix_writers_owner_id"))
        batch_op.drop_constraint(op.f("uq_writers_owner_id_email"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_authors_owner_id_email"), ["owner_id", "email"]
        )
        batch_op.create_index(op.f("ix_authors_owner_id"), ["owner_id"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_constraint(op.f("fk_posts_author_id_writers"), type_="foreignkey")
        batch_op.create_foreign_key(
            op.f("fk_posts_author_id_authors"),
            "authors",
            ["author_id"],
            ["id"],
            ondelete="RESTRICT",
        )
