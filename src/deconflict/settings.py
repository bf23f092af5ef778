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
    request_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Longest a request's head may take to arrive, and its body may pause (408).",
    )
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
        default=600.0,
        gt=0,
        le=3600,
        description="Watch: no report older than this is in the picture (each class coasts less).",
    )
    monitor_look_ahead_s: float = Field(
        default=300.0, ge=0, le=3600, description="Watch: how far ahead zone entries are predicted."
    )
    track_max_future_s: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        description="Watch: a report stamped further ahead of our clock is refused.",
    )
    track_coast_aircraft_s: float = Field(
        default=10.0, gt=0, le=3600, description="Watch: how long a silent aircraft is dead-reckoned."
    )
    track_coast_drone_s: float = Field(
        default=10.0, gt=0, le=3600, description="Watch: how long a silent drone is dead-reckoned."
    )
    track_coast_vessel_s: float = Field(
        default=360.0, gt=0, le=3600, description="Watch: how long a silent vessel is dead-reckoned."
    )
    monitor_vertical_horizon_s: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        description="Watch: a climb or descent is extrapolated this long, then level.",
    )
    flash_reuse_s: float = Field(
        default=300.0,
        ge=0,
        description="Watch: an alert raised again this soon after clearing reuses its FLASH message.",
    )
    alert_clear_hold_s: float = Field(
        default=30.0, ge=0, description="Watch: an alert clears once unseen for this long."
    )
    alert_confirm_s: float = Field(
        default=10.0,
        ge=0,
        description="Watch: a predicted loss is raised once seen in every cycle for this long...",
    )
    alert_raise_within_s: float = Field(
        default=60.0, ge=0, description="Watch: ...or at once when predicted within this many seconds."
    )
    alert_rearm_s: float = Field(
        default=120.0,
        ge=0,
        description="Watch: a situation cleared this recently is raised again only if more severe.",
    )
    terminal_aerodromes: str = Field(
        default="iata",
        description="Watch: aerodromes with terminal rules: iata (those with an IATA code), all, none, "
        "or ICAO indicators separated by commas.",
    )
    terminal_area_radius_nm: float = Field(
        default=30.0, ge=0, description="Watch: terminal area radius around an aerodrome, NM."
    )
    terminal_area_height_ft: float = Field(
        default=10_000.0, ge=0, description="Watch: terminal area top, ft above the aerodrome."
    )
    terminal_sep_h_nm: float = Field(
        default=3.0, gt=0, description="Watch: horizontal minimum inside a terminal area, NM."
    )
    terminal_sep_v_ft: float = Field(
        default=1000.0, gt=0, description="Watch: vertical minimum inside a terminal area, ft."
    )
    tower_radius_nm: float = Field(
        default=5.0, ge=0, description="Watch: aircraft this close to an aerodrome and below..."
    )
    tower_height_ft: float = Field(
        default=2500.0,
        ge=0,
        description="Watch: ...this height above it are the tower's: no separation alert.",
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
