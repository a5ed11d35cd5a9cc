# header
"""Update the posts table: drop owner_id, drop unique code, unique code.

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
        batch_op.drop_index(op.f("ix_posts_owner_id"))
        batch_op.drop_constraint(op.f("uq_posts_owner_id_code"), type_="unique")
        # REVIEW: drops column posts.owner_id and the data in it.
        batch_op.drop_column("owner_id")
        # REVIEW: unique (code) on posts: fails if existing rows hold duplicates.
        batch_op.create_unique_constraint(op.f("uq_posts_code"), ["code"])


def downgrade() -> None:
    """Undo this revision: ``posts`` as it was before."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_constraint(op.f("uq_posts_code"), type_="unique")
        batch_op.add_column(sa.Column("owner_id", sa.String(length=255)))
        batch_op.create_unique_constraint(
            op.f("uq_posts_owner_id_code"), ["owner_id", "code"]
        )
        batch_op.create_index(op.f("ix_posts_owner_id"), ["owner_id"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        # REVIEW: posts.owner_id is NOT NULL without a default: fill it in for existing
        #   rows (e.g. with op.execute) before this block, or this fails on a
        #   table with rows.
        batch_op.alter_column(
            "owner_id", existing_type=sa.String(length=255), nullable=False
        )
