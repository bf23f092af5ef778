"""The tactical monitor's tables, on the shared ``metadata`` of :mod:`deconflict.store.tables`.

``tracks`` holds each platform's *latest* report only (one row per party and
platform, replaced by a newer report, never by an older one that arrives late):
the live picture is what the monitor needs, and a position is not a ledger
event. Its times are Unix seconds (floats): the monitor loads every live row
each cycle, and numbers cost nothing to read back, where timestamps are parsed. ``alerts`` holds every alert; an open one (not cleared) is unique by
``key`` while it lasts, which the monitor keeps by reconciling under a lock.
``monitor_lease`` (one row) names the replica whose monitor runs: one picture,
one memory of what was last seen, no CPU spent twice.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from .tables import metadata

__all__ = ["alerts", "monitor_lease", "tracks"]

tracks = Table(
    "tracks",
    metadata,
    Column("party_id", String(64), ForeignKey("parties.id"), primary_key=True),
    Column("platform", String(64), primary_key=True),
    Column("t_s", Float, nullable=False),  # when measured: seconds since the Unix epoch
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("alt_m", Float, nullable=False),  # W84
    Column("gs_m_s", Float, nullable=False),
    Column("trk_deg", Float, nullable=False),
    Column("vs_m_s", Float, nullable=False),
    Column("platform_class", String(16), nullable=False),
    Column("operation_id", String(64), nullable=True),
    Column("source", String(16), nullable=False),
    Column("received_s", Float, nullable=False),  # service clock, Unix seconds
    Column("pressure_alt_m", Float, nullable=True),  # ISA pressure altitude of a flight level report
    Column("on_ground", Boolean, nullable=False, default=False, server_default=false()),
)
Index("ix_tracks_t_s", tracks.c.t_s)

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("key", String(400), nullable=False),
    Column("state", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("parties", Text, nullable=False),  # JSON list
    Column("summary", Text, nullable=False),
    Column("subjects", Text, nullable=False),  # JSON object
    Column("detail", Text, nullable=False),  # JSON object
    Column("acknowledged_by", Text, nullable=False, default="[]"),  # JSON list
    Column("message_id", String(64), nullable=True),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("cleared_at", DateTime(timezone=True), nullable=True),
)
Index("ix_alerts_key", alerts.c.key)
Index("ix_alerts_state", alerts.c.state)
Index("ix_alerts_raised_at", alerts.c.raised_at)

monitor_lease = Table(
    "monitor_lease",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("holder", String(100), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
