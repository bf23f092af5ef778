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
:class:`Hysteresis` says when a finding is raised at all, and when a cleared situation
may be raised again (:func:`reconcile` applies it).
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
    "Cleared",
    "Finding",
    "Hysteresis",
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


@dataclass(frozen=True, slots=True)
class Hysteresis:
    """When a finding becomes an alert, and when an alert ends (all times on the monitor's clock).

    * A **predicted** loss is raised once it has been seen in every cycle for ``confirm``
      (a prediction that flickers for a cycle or two, as a climbing aircraft extrapolated
      through a level does, is not worth a FLASH), or at once when it is close in time:
      predicted within ``raise_within_s``. A **current** one is raised at once.
    * An alert clears once its finding has been absent for ``clear_hold``.
    * A situation cleared less than ``rearm`` ago is not raised again unless it is more
      severe than it was when it cleared (predicted then, current now).

    The defaults of the service are in the settings (``ALERT_*``); this class's own defaults
    are the plain rule (raise at once, clear after 10 s, re-raise at once).
    """

    clear_hold: timedelta = timedelta(seconds=10)
    confirm: timedelta = timedelta(0)
    raise_within_s: float = 0.0
    rearm: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class Cleared:
    """A situation the monitor cleared lately: when, and how severe it had become."""

    at: datetime
    severity: Severity


_RANK = {Severity.PREDICTED: 0, Severity.CURRENT: 1}


def _ready(
    finding: Finding,
    now: datetime,
    since: datetime,
    rules: Hysteresis,
    cleared: Cleared | None,
) -> bool:
    if (
        cleared is not None
        and now - cleared.at < rules.rearm
        and _RANK[finding.severity] <= _RANK[cleared.severity]
    ):
        return False
    if finding.severity is Severity.CURRENT or now - since >= rules.confirm:
        return True
    t_in = finding.detail.get("t_in_s")
    return isinstance(t_in, int | float) and t_in <= rules.raise_within_s


def reconcile(
    open_alerts: Sequence[OpenAlert],
    findings: Sequence[Finding],
    last_seen: Mapping[str, datetime],
    now: datetime,
    rules: Hysteresis | timedelta,
    *,
    seen_since: Mapping[str, datetime] | None = None,
    cleared: Mapping[str, Cleared] | None = None,
) -> Reconciled:
    """Compare a cycle's findings with the open alerts, under the :class:`Hysteresis` rules
    (a bare ``timedelta`` is the clearing hold of the plain rule).

    The caller keeps, across cycles, per key: ``last_seen``, when a finding was last seen;
    ``seen_since``, since when it has been seen in every cycle (absent: since now); and
    ``cleared``, the situations it cleared lately. An open alert not seen now is cleared once
    it has been missing for the hold (an alert with no record counts as seen when it was
    last updated, so a restarted monitor waits the hold time too).
    """
    if isinstance(rules, timedelta):
        rules = Hysteresis(clear_hold=rules)
    since = seen_since or {}
    ended = cleared or {}
    by_key = {a.key: a for a in open_alerts}
    seen = {f.key: f for f in findings}
    raised = tuple(
        f
        for key, f in sorted(seen.items())
        if key not in by_key and _ready(f, now, since.get(key, now), rules, ended.get(key))
    )
    escalated = tuple(
        (alert, seen[key])
        for key, alert in sorted(by_key.items())
        if key in seen and alert.severity is Severity.PREDICTED and seen[key].severity is Severity.CURRENT
    )
    hold = rules.clear_hold
    cleared_now = tuple(
        alert
        for key, alert in sorted(by_key.items())
        if key not in seen and now - max(last_seen.get(key, alert.updated_at), alert.updated_at) >= hold
    )
    return Reconciled(raised, escalated, cleared_now)


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
