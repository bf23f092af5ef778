"""The composition root: builds the store, keys, clock and rules from settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from .domain.conflict import Separation
from .domain.declaration import Limits
from .domain.message import HotlinePolicy, Precedence
from .domain.signing import generate_keypair, public_key_of
from .domain.spectrum import EmissionReach
from .service.operations import Rules
from .service.ports import Clock, SystemClock
from .settings import Settings
from .store.engine import make_engine
from .store.ledger_store import ServiceKey
from .store.migrate import upgrade
from .store.uow import SqlUnitOfWork


def load_or_create_service_key(path: Path) -> ServiceKey:
    """The service's own signing key, created on first start with mode 0600."""
    if path.exists():
        private = path.read_text(encoding="ascii").strip()
        return ServiceKey(private, public_key_of(private))
    path.parent.mkdir(parents=True, exist_ok=True)
    private, public = generate_keypair()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(private + "\n")
    return ServiceKey(private, public)


@dataclass
class Deconflict:
    """Everything a use case needs, built once per process."""

    settings: Settings
    engine: Engine
    key: ServiceKey
    clock: Clock = field(default_factory=SystemClock)
    rules: Rules = field(default_factory=Rules)

    def uow(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine,
            self.key,
            self.clock.now,
            write=write,
            checkpoint_every=self.settings.checkpoint_every,
        )

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings, clock: Clock | None = None) -> Deconflict:
    engine = make_engine(settings.resolved_database_url(), sqlite_synchronous=settings.sqlite_synchronous)
    upgrade(engine)
    key = load_or_create_service_key(settings.resolved_service_key_file())
    reach = EmissionReach(settings.spectrum_protection_dbm, settings.spectrum_reach_cap_m)
    rules = Rules(
        margin=Separation(settings.margin_h_m, settings.margin_v_m, reach),
        lease=timedelta(seconds=settings.lease_s),
        limits=Limits(settings.max_area_km2, settings.max_vertices),
        planning_horizon=timedelta(days=settings.planning_horizon_days),
    )
    return Deconflict(settings, engine, key, clock or SystemClock(), rules)


def hotline_policy(settings: Settings) -> HotlinePolicy:
    """The hotline's acknowledgement deadlines and escalation levels, from settings."""
    seconds = {
        Precedence.FLASH: settings.flash_deadline_s,
        Precedence.IMMEDIATE: settings.immediate_deadline_s,
        Precedence.PRIORITY: settings.priority_deadline_s,
        Precedence.ROUTINE: settings.routine_deadline_s,
    }
    return HotlinePolicy({p: timedelta(seconds=s) for p, s in seconds.items()}, settings.escalation_levels)
