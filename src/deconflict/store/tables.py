"""The schema (SQLAlchemy Core). Portable SQL: SQLite and PostgreSQL alike.

Times are stored as aware UTC ``DateTime(timezone=True)``; lengths in metres.
``volume_cells`` is the hot space-time index: one row per (H3 cell, live
volume); rows leave when their operation ends or is cancelled.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ..domain.access import Role

metadata = MetaData()

parties = Table(
    "parties",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(20), nullable=False, default=Role.PARTY.value),
    Column("contact", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

party_keys = Table(
    "party_keys",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.id"), nullable=False, index=True),
    Column("public_key", String(64), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

party_tokens = Table(
    "party_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.id"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

operations = Table(
    "operations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("party_id", String(64), ForeignKey("parties.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("category", String(40), nullable=False, default=""),
    Column("domain", String(16), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    Column("details", Text, nullable=False, default=""),
    Column("contact", Text, nullable=False, default=""),
    Column("notice_at", DateTime(timezone=True), nullable=False),
    Column("lead_time_s", Float, nullable=False),
    Column("late_notice", Boolean, nullable=False, default=False),
    Column("time_start", DateTime(timezone=True), nullable=False),
    Column("time_end", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # An emission's lease (migration 0004_spectrum); null for everything else.
    Column("lease_expires_at", DateTime(timezone=True), nullable=True, index=True),
)

volumes = Table(
    "volumes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("operation_id", String(64), ForeignKey("operations.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("idx", Integer, nullable=False),
    Column("footprint_kind", String(16), nullable=False),
    Column("footprint_spec", Text, nullable=False),
    Column("polygon_wkb", LargeBinary, nullable=False),
    Column("error_bound_m", Float, nullable=False),
    Column("alt_lower_m", Float, nullable=False),
    Column("alt_upper_m", Float, nullable=False),
    Column("alt_declared", Text, nullable=True),
    Column("time_start", DateTime(timezone=True), nullable=False),
    Column("time_end", DateTime(timezone=True), nullable=False),
    # Spectrum volumes only (migration 0004_spectrum): band in Hz, EIRP in dBm.
    Column("band_low_hz", Float, nullable=True),
    Column("band_high_hz", Float, nullable=True),
    Column("eirp_dbm", Float, nullable=True),
    UniqueConstraint("operation_id", "version", "idx", name="uq_volume_version_idx"),
)

volume_cells = Table(
    "volume_cells",
    metadata,
    Column("cell", BigInteger, primary_key=True),
    Column("volume_id", Integer, ForeignKey("volumes.id"), primary_key=True),
    Column("time_start", DateTime(timezone=True), nullable=False),
    Column("time_end", DateTime(timezone=True), nullable=False),
)
Index("ix_volume_cells_cell_end", volume_cells.c.cell, volume_cells.c.time_end)
Index("ix_volume_cells_volume", volume_cells.c.volume_id)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("a_operation_id", String(64), ForeignKey("operations.id"), nullable=False, index=True),
    Column("a_version", Integer, nullable=False),
    Column("a_index", Integer, nullable=False),
    Column("a_party", String(64), nullable=False, index=True),
    Column("b_operation_id", String(64), ForeignKey("operations.id"), nullable=False, index=True),
    Column("b_version", Integer, nullable=False),
    Column("b_index", Integer, nullable=False),
    Column("b_party", String(64), nullable=False, index=True),
    Column("state", String(16), nullable=False, index=True),
    Column("time_start", DateTime(timezone=True), nullable=False),
    Column("time_end", DateTime(timezone=True), nullable=False),
    Column("alt_lower_m", Float, nullable=False),
    Column("alt_upper_m", Float, nullable=False),
    Column("vertical_gap_m", Float, nullable=False),
    Column("distance_m", Float, nullable=False),
    Column("overlap_area_m2", Float, nullable=False),
    Column("acknowledged_by", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("found_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

ledger = Table(
    "ledger",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=True, index=True),
    Column("type", String(64), nullable=False, index=True),
    Column("entry", Text, nullable=False),  # canonical JSON of the whole entry
    Column("hash", String(64), nullable=False, unique=True),
)

# One row: the head of the chain. Locked FOR UPDATE only for the moment of appending.
ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("checkpoint_to_seq", BigInteger, nullable=False),
)
