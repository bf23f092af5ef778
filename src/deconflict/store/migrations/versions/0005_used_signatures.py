"""requests: signatures of the signed requests already served (no replay)

Revision ID: 0005_used_signatures
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_used_signatures"  # unique: other features branch from 0001 too
down_revision = "0001"
branch_labels = ("requests",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "used_signatures",
        sa.Column("signature_sha256", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature_sha256"),
    )
    op.create_index("ix_used_signatures_used_at", "used_signatures", ["used_at"])


def downgrade() -> None:
    op.drop_table("used_signatures")
