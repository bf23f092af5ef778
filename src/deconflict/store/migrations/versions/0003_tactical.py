"""tactical: the latest report of each platform, alerts, and the monitor's lease

Revision ID: 0003_tactical
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_tactical"  # unique: other features branch from 0001 too
down_revision = "0001"
branch_labels = ("tactical",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("party_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("t_s", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("alt_m", sa.Float(), nullable=False),
        sa.Column("gs_m_s", sa.Float(), nullable=False),
        sa.Column("trk_deg", sa.Float(), nullable=False),
        sa.Column("vs_m_s", sa.Float(), nullable=False),
        sa.Column("platform_class", sa.String(length=16), nullable=False),
        sa.Column("operation_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("party_id", "platform"),
    )
    op.create_index("ix_tracks_t_s", "tracks", ["t_s"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("acknowledged_by", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_key", "alerts", ["key"])
    op.create_index("ix_alerts_state", "alerts", ["state"])
    op.create_index("ix_alerts_raised_at", "alerts", ["raised_at"])

    lease = op.create_table(
        "monitor_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The one row, free from the start (expired long ago).
    op.bulk_insert(lease, [{"id": 1, "holder": "", "expires_at": datetime(2000, 1, 1, tzinfo=UTC)}])


def downgrade() -> None:
    op.drop_table("monitor_lease")
    op.drop_table("alerts")
    op.drop_table("tracks")
