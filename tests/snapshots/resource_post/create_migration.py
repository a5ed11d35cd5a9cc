# Written by fastgen for resources/post.yaml. Migrations are append-only:
# a later spec change gets a new revision, this one is never rewritten.
"""Create the posts table.

Revision ID: aaaaaaaaaaaa
Revises: bbbbbbbbbbbb
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "aaaaaaaaaaaa"
down_revision: str | None = "bbbbbbbbbbbb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``posts`` with its indexes and constraints."""
    op.create_table(
        "posts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("subtitle", sa.String(length=255), nullable=True),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=True),
        sa.Column("price", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("tiny", sa.Numeric(precision=3, scale=3), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("is_pinned", sa.Boolean(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("key", sa.Uuid(), nullable=True),
        sa.Column("contact", sa.String(length=320), nullable=True),
        sa.Column("homepage", sa.String(length=2048), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["authors.id"],
            name=op.f("fk_posts_author_id_authors"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["posts.id"],
            name=op.f("fk_posts_parent_id_posts"),
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name=op.f("ck_posts_post_status")
        ),
        sa.CheckConstraint("kind IN ('a', 'b', 'c')", name=op.f("ck_posts_post_kind")),
        sa.UniqueConstraint("owner_id", "code", name=op.f("uq_posts_owner_id_code")),
    )
    op.create_index(op.f("ix_posts_owner_id"), "posts", ["owner_id"], unique=False)
    op.create_index(op.f("ix_posts_title"), "posts", ["title"], unique=False)
    op.create_index(op.f("ix_posts_views"), "posts", ["views"], unique=False)
    op.create_index(op.f("ix_posts_due"), "posts", ["due"], unique=False)
    op.create_index(op.f("ix_posts_kind"), "posts", ["kind"], unique=False)
    op.create_index(op.f("ix_posts_author_id"), "posts", ["author_id"], unique=False)
    op.create_index(op.f("ix_posts_parent_id"), "posts", ["parent_id"], unique=False)


def downgrade() -> None:
    """Drop ``posts`` and everything it owns."""
    op.drop_index(op.f("ix_posts_parent_id"), table_name="posts")
    op.drop_index(op.f("ix_posts_author_id"), table_name="posts")
    op.drop_index(op.f("ix_posts_kind"), table_name="posts")
    op.drop_index(op.f("ix_posts_due"), table_name="posts")
    op.drop_index(op.f("ix_posts_views"), table_name="posts")
    op.drop_index(op.f("ix_posts_title"), table_name="posts")
    op.drop_index(op.f("ix_posts_owner_id"), table_name="posts")
    op.drop_table("posts")
