# header
"""Update the posts table: rename code to ref_code.

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
        batch_op.drop_constraint(op.f("uq_posts_owner_id_code"), type_="unique")
        batch_op.alter_column(
            "code",
            new_column_name="ref_code",
            existing_type=sa.String(length=12),
            existing_nullable=False,
        )
    with op.batch_alter_table("posts") as batch_op:
        batch_op.create_unique_constraint(
            op.f("uq_posts_owner_id_ref_code"), ["owner_id", "ref_code"]
        )


def downgrade() -> None:
    """Undo this revision: ``posts`` as it was before."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_constraint(op.f("uq_posts_owner_id_ref_code"), type_="unique")
        batch_op.alter_column(
            "ref_code",
            new_column_name="code",
            existing_type=sa.String(length=12),
            existing_nullable=False,
        )
    with op.batch_alter_table("posts") as batch_op:
        batch_op.create_unique_constraint(
            op.f("uq_posts_owner_id_code"), ["owner_id", "code"]
        )
