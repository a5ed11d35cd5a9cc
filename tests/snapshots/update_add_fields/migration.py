# header
"""Update the posts table: add extra, add note, add mood, add editor_id.

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
        batch_op.add_column(
            sa.Column(
                "extra",
                sa.Integer(),
                nullable=False,
                server_default=sa.literal_column("3"),
            )
        )
        batch_op.add_column(sa.Column("note", sa.String(length=50)))
        batch_op.add_column(sa.Column("mood", sa.String(length=4)))
        batch_op.add_column(sa.Column("editor_id", sa.Uuid()))
        batch_op.create_check_constraint(
            op.f("ck_posts_post_mood"), "mood IN ('up', 'down')"
        )
        batch_op.create_foreign_key(
            op.f("fk_posts_editor_id_authors"),
            "authors",
            ["editor_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_index(op.f("ix_posts_extra"), ["extra"], unique=False)
        batch_op.create_index(op.f("ix_posts_editor_id"), ["editor_id"], unique=False)
    with op.batch_alter_table("posts") as batch_op:
        batch_op.alter_column(
            "extra",
            existing_type=sa.Integer(),
            existing_nullable=False,
            server_default=None,
        )
        # REVIEW: posts.note is NOT NULL without a default: fill it in for existing rows
        #   (e.g. with op.execute) before this block, or this fails on a table
        #   with rows.
        batch_op.alter_column(
            "note", existing_type=sa.String(length=50), nullable=False
        )


def downgrade() -> None:
    """Undo this revision: ``posts`` as it was before."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_index(op.f("ix_posts_extra"))
        batch_op.drop_index(op.f("ix_posts_editor_id"))
        batch_op.drop_constraint(op.f("ck_posts_post_mood"), type_="check")
        batch_op.drop_constraint(op.f("fk_posts_editor_id_authors"), type_="foreignkey")
        # REVIEW: drops column posts.extra and the data in it.
        batch_op.drop_column("extra")
        # REVIEW: drops column posts.note and the data in it.
        batch_op.drop_column("note")
        # REVIEW: drops column posts.mood and the data in it.
        batch_op.drop_column("mood")
        # REVIEW: drops column posts.editor_id and the data in it.
        batch_op.drop_column("editor_id")
