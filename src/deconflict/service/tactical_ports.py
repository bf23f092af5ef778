"""What the tactical monitor needs from the store: the latest reports, zones, alerts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..domain.alert import Alert, AlertState, OpenAlert
from ..domain.tactical.report import PositionReport, ReportColumns
from ..domain.volume import TaggedVolume, Volume4D

__all__ = ["AlertRepository", "MonitorLease", "TrackRepository"]


class TrackRepository(Protocol):
    def upsert(self, reports: Sequence[PositionReport], received_at: datetime) -> None:
        """Keep each platform's newest report; an older one arriving late changes nothing."""
        ...

    def since(
        self,
        at: datetime,
        party: str | None = None,
        limit: int | None = None,
        tracks: Sequence[tuple[str, str]] | None = None,
    ) -> list[PositionReport]:
        """Latest reports made at ``at`` or later (of one party, or all; of these
        ``(party, platform)`` only, when given)."""
        ...

    def latest_of(self, party: str, platforms: Sequence[str]) -> list[PositionReport]:
        """The report held for each of these platforms of ``party`` (those it has)."""
        ...

    def columns_since(self, at: datetime) -> ReportColumns:
        """The same as :meth:`since` for every party, in columns (the monitor's load)."""
        ...

    def live_zones(self, start: datetime, end: datetime) -> list[TaggedVolume]:
        """Current volumes of live zones (not spectrum) whose window meets [start, end)."""
        ...

    def operation_volumes(self, operation_ids: Sequence[str]) -> dict[str, list[Volume4D]]:
        """Current volumes of the given live operations (ids not found or not live are left out)."""
        ...

    def owners(self, operation_ids: Sequence[str]) -> dict[str, str]:
        """Operation id -> owning party, for the ids that exist."""
        ...


class AlertRepository(Protocol):
    def add(self, alert: Alert) -> None: ...
    def update(self, alert: Alert) -> None: ...
    def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None: ...
    def open(self) -> list[OpenAlert]:
        """Every alert not cleared, in brief."""
        ...

    def last_cleared(self, key: str, since: datetime) -> Alert | None:
        """The alert with this key cleared most recently, at ``since`` or later."""
        ...

    def open_by_keys(self, keys: Sequence[str]) -> list[Alert]:
        """The open alerts with these keys, rows locked until the transaction ends."""
        ...

    def list(
        self,
        party: str | None = None,
        state: AlertState | None = None,
        open_only: bool = False,
        limit: int = 500,
    ) -> list[Alert]: ...


class MonitorLease(Protocol):
    def claim(self, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lease when it is ``holder``'s or has run out; True when held now."""
        ...
