"""Tactical alerts: what the monitor found, and the life of each finding.

    new ──acknowledge──▶ acknowledged
     │                        │
     └────────clear───────────┴──────▶ cleared

A *finding* is what one monitor cycle sees (a predicted or current loss of
separation, a zone breach, a non-conformance); its ``key`` names the situation
(the pair, the platform and zone, the platform and operation), so while a
situation persists it stays one alert however many cycles see it. An alert is
cleared by the monitor once its finding has been absent for the hold time
(a finding flickering at a threshold does not raise and clear every second);
a party concerned acknowledges it (each party separately; it is
``acknowledged`` once either has). A finding that turns from predicted to
current (``severity`` rises) updates the alert rather than raising a new one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .errors import InvalidTransition, PermissionDenied

__all__ = [
    "Alert",
    "AlertKind",
    "AlertState",
    "Finding",
    "OpenAlert",
    "Reconciled",
    "Severity",
    "acknowledge_alert",
    "reconcile",
]


class AlertKind(StrEnum):
    SEPARATION = "separation"  # predicted or current loss of separation between platforms
    ZONE_BREACH = "zone_breach"  # a platform inside, or about to enter, another party's zone
    NON_CONFORMANCE = "non_conformance"  # a platform outside the volume of its own operation


class Severity(StrEnum):
    PREDICTED = "predicted"
    CURRENT = "current"


class AlertState(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CLEARED = "cleared"


@dataclass(frozen=True, slots=True)
class Finding:
    """One situation seen by one monitor cycle.

    ``parties``: every party concerned (told, and allowed to acknowledge).
    ``subjects``: what it is about, e.g. ``{"platforms": [...], "zone": {...}}``.
    ``detail``: the figures of this cycle (times, distances); they change while it persists.
    """

    kind: AlertKind
    key: str
    parties: tuple[str, ...]
    severity: Severity
    summary: str
    subjects: Mapping[str, Any] = field(default_factory=dict)
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    finding: Finding
    state: AlertState
    raised_at: datetime
    updated_at: datetime
    cleared_at: datetime | None = None
    acknowledged_by: tuple[str, ...] = ()
    message_id: str | None = None  # the FLASH hotline message it opened, if any

    @property
    def key(self) -> str:
        return self.finding.key

    @property
    def parties(self) -> tuple[str, ...]:
        return self.finding.parties

    def concerns(self, party: str) -> bool:
        return party in self.finding.parties

    @property
    def brief(self) -> OpenAlert:
        return OpenAlert(self.id, self.key, self.finding.severity, self.updated_at)


@dataclass(frozen=True, slots=True)
class OpenAlert:
    """What reconciling needs of an open alert (the monitor reads thousands each second)."""

    id: str
    key: str
    severity: Severity
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What one cycle changes: findings to raise, alerts whose severity rose, alerts to clear."""

    raised: tuple[Finding, ...]
    escalated: tuple[tuple[OpenAlert, Finding], ...]
    cleared: tuple[OpenAlert, ...]

    def __bool__(self) -> bool:
        return bool(self.raised or self.escalated or self.cleared)


def reconcile(
    open_alerts: Sequence[OpenAlert],
    findings: Sequence[Finding],
    last_seen: Mapping[str, datetime],
    now: datetime,
    hold: timedelta,
) -> Reconciled:
    """Compare a cycle's findings with the open alerts.

    ``last_seen`` holds, per key, when a finding was last seen (the caller keeps
    it across cycles); an open alert not seen now is cleared once it has been
    missing for ``hold`` (an alert with no record counts as seen when it was
    last updated, so a restarted monitor waits the hold time too).
    """
    by_key = {a.key: a for a in open_alerts}
    seen = {f.key: f for f in findings}
    raised = tuple(f for key, f in sorted(seen.items()) if key not in by_key)
    escalated = tuple(
        (alert, seen[key])
        for key, alert in sorted(by_key.items())
        if key in seen and alert.severity is Severity.PREDICTED and seen[key].severity is Severity.CURRENT
    )
    cleared = tuple(
        alert
        for key, alert in sorted(by_key.items())
        if key not in seen and now - max(last_seen.get(key, alert.updated_at), alert.updated_at) >= hold
    )
    return Reconciled(raised, escalated, cleared)


def acknowledge_alert(alert: Alert, party: str, at: datetime) -> Alert:
    """A concerned party acknowledges; acknowledging twice changes nothing."""
    if not alert.concerns(party):
        raise PermissionDenied("only a party the alert concerns may acknowledge it")
    if alert.state is AlertState.CLEARED:
        raise InvalidTransition("the alert is already cleared")
    if party in alert.acknowledged_by:
        return alert
    return replace(
        alert,
        state=AlertState.ACKNOWLEDGED,
        acknowledged_by=tuple(sorted((*alert.acknowledged_by, party))),
        updated_at=at,
    )
