"""spectrum: frequency band and power on volumes, the emission lease on operations

Revision ID: 0004_spectrum
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_spectrum"  # unique: other features branch from 0001 too
down_revision = "0001"
branch_labels = ("spectrum",)
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot alter a table in place; on PostgreSQL these are plain ALTERs.
    with op.batch_alter_table("volumes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("band_low_hz", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("band_high_hz", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("eirp_dbm", sa.Float(), nullable=True))
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_operations_lease_expires_at"), ["lease_expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_lease_expires_at"))
        batch_op.drop_column("lease_expires_at")
    with op.batch_alter_table("volumes", schema=None) as batch_op:
        batch_op.drop_column("eirp_dbm")
        batch_op.drop_column("band_high_hz")
        batch_op.drop_column("band_low_hz")
