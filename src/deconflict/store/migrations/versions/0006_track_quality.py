"""tactical: a report's pressure altitude beside its W84 one, and whether it is on the ground

Revision ID: 0006_track_quality
Revises: 0003_tactical
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_track_quality"
down_revision = "0003_tactical"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracks") as batch:
        batch.add_column(sa.Column("pressure_alt_m", sa.Float(), nullable=True))
        batch.add_column(sa.Column("on_ground", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("tracks") as batch:
        batch.drop_column("on_ground")
        batch.drop_column("pressure_alt_m")
