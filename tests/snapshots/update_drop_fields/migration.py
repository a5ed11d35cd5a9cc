# header
"""Update the posts table: drop code, drop kind, drop author_id.

Revision ID: cccccccccccc
Revises: dddddddddd
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cccccccccccc"
down_revision: str | None = "dddddddddd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision to ``posts``."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_index(op.f("ix_posts_kind"))
        batch_op.drop_index(op.f("ix_posts_author_id"))
        batch_op.drop_constraint(op.f("uq_posts_owner_id_code"), type_="unique")
        batch_op.drop_constraint(op.f("ck_posts_post_kind"), type_="check")
        batch_op.drop_constraint(op.f("fk_posts_author_id_authors"), type_="foreignkey")
        # REVIEW: drops column posts.code and the data in it.
        batch_op.drop_column("code")
        # REVIEW: drops column posts.kind and the data in it.
        batch_op.drop_column("kind")
        # REVIEW: drops column posts.author_id and the data in it.
        batch_op.drop_column("author_id")


def downgrade() -> None:
    """Undo this revision: ``posts`` as it was before."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(
            sa.Column(
                "code",
                sa.String(length=12),
                nullable=False,
                server_default=sa.literal_column("'abc'"),
            )
        )
        batch_op.add_column(sa.Column("kind", sa.String(length=1)))
        batch_op.add_column(sa.Column("author_id", sa.Uuid()))
        batch_op.create_unique_constraint(
            op.f("uq_posts_owner_id_code"), ["owner_id", "code"]
        )
        batch_op.create_check_constraint(
            op.f("ck_posts_post_kind"), "kind IN ('a', 'b', 'c')"
        )
        batch_op.create_foreign_key(
            op.f("fk_posts_author_id_authors"),
            "authors",
            ["author_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_index(op.f("ix_posts_kind"), ["kind"], unique=False)
        batch_op.create_index(op.f("ix_posts_author_id"), ["author_id"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column(
            "code",
            existing_type=sa.String(length=12),
            existing_nullable=False,
            server_default=None,
        )
        # REVIEW: posts.author_id is NOT NULL without a default: fill it in for existing
        #   rows (e.g. with op.execute) before this block, or this fails on a
        #   table with rows.
        batch_op.alter_column("author_id", existing_type=sa.Uuid(), nullable=False)
