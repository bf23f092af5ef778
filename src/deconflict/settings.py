"""Settings, read from the environment with the ``DECONFLICT_`` prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DECONFLICT_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and the service key live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite under data_dir."
    )
    sqlite_synchronous: Literal["FULL", "NORMAL"] = Field(
        default="FULL",
        description="FULL: a commit survives power loss. NORMAL (WAL): survives a process crash only; faster.",
    )
    nats_url: str | None = Field(default=None, description="NATS server for fan-out between replicas.")
    service_key_file: Path | None = Field(
        default=None, description="The service's Ed25519 key (default: data_dir/service.key)."
    )
    checkpoint_every: int = Field(default=100, ge=1, description="Ledger entries between checkpoints.")
    margin_h_m: float = Field(default=0.0, ge=0, description="Horizontal separation between parties, metres.")
    margin_v_m: float = Field(default=0.0, ge=0, description="Vertical separation between parties, metres.")
    max_area_km2: float = Field(default=250_000.0, gt=0, description="Largest footprint accepted.")
    max_vertices: int = Field(default=10_000, ge=3, description="Most vertices in one footprint.")
    max_request_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body.")
    planning_horizon_days: float = Field(
        default=366.0, gt=0, le=3650, description="Latest end of a declared volume, days after now."
    )
    flash_deadline_s: float = Field(default=60.0, gt=0, description="Hotline: FLASH ack deadline.")
    immediate_deadline_s: float = Field(default=300.0, gt=0, description="Hotline: IMMEDIATE deadline.")
    priority_deadline_s: float = Field(default=1800.0, gt=0, description="Hotline: PRIORITY deadline.")
    routine_deadline_s: float = Field(default=21600.0, gt=0, description="Hotline: ROUTINE deadline.")
    escalation_levels: int = Field(default=3, ge=1, description="Hotline: escalation levels.")
    escalation_poll_s: float = Field(default=0.5, gt=0, description="Hotline: max escalation check gap.")
    lease_s: float = Field(
        default=300.0, gt=0, description="Spectrum: an emission's lease, renewed by heartbeat."
    )
    lease_poll_s: float = Field(
        default=5.0, gt=0, description="Spectrum: max gap between lapsed-lease checks."
    )
    spectrum_protection_dbm: float = Field(
        default=-110.0,
        ge=-200,
        le=200,
        description="Spectrum: level an emission's reach is computed down to.",
    )
    spectrum_reach_cap_m: float = Field(
        default=100_000.0,
        ge=0,
        description="Spectrum: the most an emission's free-space reach may add, metres.",
    )
    monitor_interval_s: float = Field(
        default=1.0, ge=0, description="Watch: seconds between monitor cycles (0: no monitor)."
    )
    track_max_age_s: float = Field(
        default=60.0, gt=0, le=3600, description="Watch: a report older than this drops out of the picture."
    )
    monitor_look_ahead_s: float = Field(
        default=300.0, ge=0, le=3600, description="Watch: how far ahead zone entries are predicted."
    )
    alert_clear_hold_s: float = Field(
        default=10.0, ge=0, description="Watch: an alert clears once unseen for this long."
    )
    max_track_batch: int = Field(
        default=5000, ge=1, description="Watch: most reports in one POST /v1/tracks."
    )
    host: str = "127.0.0.1"
    port: int = 8000

    def resolved_service_key_file(self) -> Path:
        return self.service_key_file or self.data_dir / "service.key"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{(self.data_dir / 'deconflict.db').resolve()}"
