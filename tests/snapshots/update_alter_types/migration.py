# header
"""Update the posts table: unindex title, alter title, alter subtitle, alter code,
unindex views, alter views, alter rank, alter price, alter status.

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
        batch_op.drop_index(op.f("ix_posts_title"))
        batch_op.drop_index(op.f("ix_posts_views"))
        batch_op.drop_constraint(op.f("ck_posts_post_status"), type_="check")
        # REVIEW: posts.title changes type from str{200} to text: existing values are
        #   cast; review: may lose data.
        batch_op.alter_column(
            "title",
            existing_type=sa.String(length=200),
            type_=sa.Text(),
            existing_nullable=False,
        )
        # REVIEW: posts.subtitle shrinks from 255 to 1 characters: longer values make
        #   this fail (PostgreSQL).
        batch_op.alter_column(
            "subtitle",
            existing_type=sa.String(length=255),
            type_=sa.String(length=1),
            existing_nullable=True,
        )
        # REVIEW: posts.code shrinks from 12 to 8 characters: longer values make this
        #   fail (PostgreSQL).
        batch_op.alter_column(
            "code",
            existing_type=sa.String(length=12),
            type_=sa.String(length=8),
            existing_nullable=False,
        )
        # REVIEW: posts.views changes type from int to float: existing values are cast;
        #   review: may lose data.
        batch_op.alter_column(
            "views",
            existing_type=sa.Integer(),
            type_=sa.Float(),
            existing_nullable=False,
        )
        # REVIEW: posts.price narrows from decimal{10,2} to decimal{8,1}: values that do
        #   not fit make this fail or are rounded.
        batch_op.alter_column(
            "price",
            existing_type=sa.Numeric(precision=10, scale=2),
            type_=sa.Numeric(precision=8, scale=1),
            existing_nullable=False,
        )
        # REVIEW: posts.status shrinks from 9 to 5 characters: longer values make this
        #   fail (PostgreSQL).
        # REVIEW: posts.status loses the choices published: rows holding them make this
        #   fail; update them first.
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=9),
            type_=sa.String(length=5),
            existing_nullable=False,
        )
        # REVIEW: posts.subtitle only accepts subtitle IN ('a', 'b'): fails if existing
        #   rows hold other values.
        batch_op.create_check_constraint(
            op.f("ck_posts_post_subtitle"), "subtitle IN ('a', 'b')"
        )
        batch_op.create_check_constraint(
            op.f("ck_posts_post_status"), "status IN ('draft', 'live')"
        )
    with op.batch_alter_table("posts") as batch_op:
        # REVIEW: posts.rank becomes NOT NULL: fill in the rows where it is NULL first
        #   (e.g. with op.execute), or this fails.
        batch_op.alter_column("rank", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    """Undo this revision: ``posts`` as it was before."""
    with op.batch_alter_table("posts") as batch_op:
        batch_op.drop_constraint(op.f("ck_posts_post_subtitle"), type_="check")
        batch_op.drop_constraint(op.f("ck_posts_post_status"), type_="check")
        # REVIEW: posts.title changes type from text to str{200}: existing values are
        #   cast; review: may lose data.
        batch_op.alter_column(
            "title",
            existing_type=sa.Text(),
            type_=sa.String(length=200),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "subtitle",
            existing_type=sa.String(length=1),
            type_=sa.String(length=255),
            existing_nullable=True,
        )
        batch_op.alter_column(
            "code",
            existing_type=sa.String(length=8),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
        # REVIEW: posts.views changes type from float to int: existing values are cast;
        #   review: may lose data.
        batch_op.alter_column(
            "views",
            existing_type=sa.Float(),
            type_=sa.Integer(),
            existing_nullable=False,
        )
        batch_op.alter_column("rank", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column(
            "price",
            existing_type=sa.Numeric(precision=8, scale=1),
            type_=sa.Numeric(precision=10, scale=2),
            existing_nullable=False,
        )
        # REVIEW: posts.status loses the choices live: rows holding them make this fail;
        #   update them first.
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=5),
            type_=sa.String(length=9),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            op.f("ck_posts_post_status"), "status IN ('draft', 'published')"
        )
        batch_op.create_index(op.f("ix_posts_title"), ["title"], unique=False)
        batch_op.create_index(op.f("ix_posts_views"), ["views"], unique=False)
