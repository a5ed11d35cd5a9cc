# Written by fastgen for resources/tag.yaml. Migrations are append-only:
# a later spec change gets a new revision, this one is never rewritten.
"""Drop the tags table (Tag was removed).

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
    """Drop ``tags`` and everything it owns, with its rows."""
    op.drop_table("tags")


def downgrade() -> None:
    """Recreate ``tags`` with its indexes and constraints (empty)."""
    op.create_table(
        "tags",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("cents", sa.Numeric(precision=2, scale=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token", sa.Uuid(), nullable=False),
        sa.Column("mail", sa.String(length=320), nullable=False),
        sa.Column("link", sa.String(length=2048), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("label", name=op.f("uq_tags_label")),
        sa.UniqueConstraint("number", name=op.f("uq_tags_number")),
        sa.UniqueConstraint("weight", name=op.f("uq_tags_weight")),
        sa.UniqueConstraint("amount", name=op.f("uq_tags_amount")),
        sa.UniqueConstraint("cents", name=op.f("uq_tags_cents")),
        sa.UniqueConstraint("day", name=op.f("uq_tags_day")),
        sa.UniqueConstraint("at", name=op.f("uq_tags_at")),
        sa.UniqueConstraint("token", name=op.f("uq_tags_token")),
        sa.UniqueConstraint("mail", name=op.f("uq_tags_mail")),
        sa.UniqueConstraint("link", name=op.f("uq_tags_link")),
    )
