# header
"""Update the posts table: unindex title, unique title, unindex views, index day.

Revision ID: cccccccccccc
Revises: dddddddddd
"""

from collections.abc import Sequence

from alembic import op

revision: str = "cccccccccccc"
down_revision: str | None = "dddddddddd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision to ``posts``."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_index(op.f("ix_posts_title"))
        batch_op.drop_index(op.f("ix_posts_views"))
        # REVIEW: unique (owner_id, title) on posts: fails if existing rows hold
        #   duplicates.
        batch_op.create_unique_constraint(
            op.f("uq_posts_owner_id_title"), ["owner_id", "title"]
        )
        batch_op.create_index(op.f("ix_posts_day"), ["day"], unique=False)


def downgrade() -> None:
    """Undo this revision: ``posts`` as it was before."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_index(op.f("ix_posts_day"))
        batch_op.drop_constraint(op.f("uq_posts_owner_id_title"), type_="unique")
        batch_op.create_index(op.f("ix_posts_title"), ["title"], unique=False)
        batch_op.create_index(op.f("ix_posts_views"), ["views"], unique=False)
