# Written by fastgen for resources/author.yaml. Migrations are append-only:
# a later spec change gets a new revision, this one is never rewritten.
"""Create the authors table.

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
    """Create ``authors`` with its indexes and constraints."""
    op.create_table(
        "authors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authors")),
        sa.UniqueConstraint(
            "owner_id", "email", name=op.f("uq_authors_owner_id_email")
        ),
    )
    op.create_index(op.f("ix_authors_owner_id"), "authors", ["owner_id"], unique=False)


def downgrade() -> None:
    """Drop ``authors`` and everything it owns."""
    op.drop_index(op.f("ix_authors_owner_id"), table_name="authors")
    op.drop_table("authors")
