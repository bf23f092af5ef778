"""Use cases of the watch during: take in position reports, run the monitor, acknowledge alerts.

Reports are kept as each platform's latest position (no ledger entry: a
position is not an event between parties; what the monitor finds is). A
monitor cycle reads the picture, runs :func:`~deconflict.domain.tactical.watch.assess`
and, only when something changed, writes new alerts, a FLASH hotline message
from the service to the parties of each new loss of separation or zone
breach, escalations (predicted turned current) and clearances, each with its
ledger entry, a few alerts per transaction (so a storm of alerts does not hold
the write lock for long). One replica at a time runs the monitor (it holds
the monitor lease, :func:`hold_monitor_lease`); should two ever overlap, each
write re-reads its alerts under a lock, so an alert is still raised once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain.alert import (
    Alert,
    AlertKind,
    AlertState,
    Cleared,
    Finding,
    Hysteresis,
    Reconciled,
    Severity,
    acknowledge_alert,
    reconcile,
)
from ..domain.errors import NotFound
from ..domain.ledger import LedgerEntry
from ..domain.message import HotlinePolicy, MessageType, Precedence, Reference, ReferenceKind
from ..domain.tactical.report import PositionReport, picture_at
from ..domain.tactical.terminal import TerminalAreas
from ..domain.tactical.watch import assess
from .hotline import post_message
from .hotline_commands import SendMessage
from .ports import Clock, PartyRecord, UnitOfWork, UnitOfWorkFactory
from .records import iso

__all__ = [
    "SERVICE_PARTY",
    "CycleOutcome",
    "IngestOutcome",
    "Monitor",
    "MonitorRules",
    "Reject",
    "acknowledge",
    "alert_payload",
    "hold_monitor_lease",
    "ingest",
]

# The service's own party: the sender of the FLASH messages it opens. Party ids
# made from names are slugs ([a-z0-9-]), so no party can take this one.
SERVICE_PARTY = "_deconflict"
# PostgreSQL advisory lock key of the monitor's write (H3 cell keys are far larger).
MONITOR_LOCK_KEY = 7
_FLASH_KINDS = (AlertKind.SEPARATION, AlertKind.ZONE_BREACH)


@dataclass(frozen=True, slots=True)
class Reject:
    index: int
    field: str
    error: str


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int
    rejected: tuple[Reject, ...]


def ingest(
    uow: UnitOfWork,
    clock: Clock,
    party: str,
    reports: Sequence[tuple[int, PositionReport]],
    rejected: Sequence[Reject] = (),
) -> IngestOutcome:
    """Keep the reports of ``party`` (``(index in the batch, report)``); a link to an
    operation that is not the party's own rejects that report only."""
    out = list(rejected)
    with uow:
        linked = sorted({r.operation_id for _, r in reports if r.operation_id is not None})
        owners = uow.tracks.owners(linked) if linked else {}
        kept: list[PositionReport] = []
        for index, report in reports:
            if report.party != party:
                out.append(Reject(index, "party", f"reports are accepted for {party} only"))
            elif report.operation_id is not None and owners.get(report.operation_id) != party:
                out.append(Reject(index, "operation_id", f"{party} has no operation {report.operation_id!r}"))
            else:
                kept.append(report)
        uow.tracks.upsert(kept, clock.now())
        uow.commit()
    return IngestOutcome(len(kept), tuple(sorted(out, key=lambda r: r.index)))


@dataclass(frozen=True, slots=True)
class MonitorRules:
    """How the monitor looks: report age, look-ahead for zones, and when findings become
    alerts and alerts end (:class:`~deconflict.domain.alert.Hysteresis`)."""

    max_age_s: float = 60.0
    look_ahead_s: float = 300.0
    clear_hold: timedelta = timedelta(seconds=10)
    confirm: timedelta = timedelta(0)
    raise_within_s: float = 0.0
    rearm: timedelta = timedelta(0)
    terminal: TerminalAreas | None = None  # aerodromes whose terminal rules apply

    @property
    def hysteresis(self) -> Hysteresis:
        return Hysteresis(self.clear_hold, self.confirm, self.raise_within_s, self.rearm)


@dataclass(frozen=True, slots=True)
class CycleOutcome:
    at: datetime
    platforms: int
    findings: int
    raised: tuple[Alert, ...]
    escalated: tuple[Alert, ...]
    cleared: tuple[Alert, ...]
    entries: tuple[LedgerEntry, ...]
    timings_ms: dict[str, float]


def alert_payload(alert: Alert) -> dict[str, Any]:
    f = alert.finding
    payload: dict[str, Any] = {
        "alert_id": alert.id,
        "kind": f.kind.value,
        "key": f.key,
        "state": alert.state.value,
        "severity": f.severity.value,
        "parties": list(f.parties),
        "summary": f.summary,
        "subjects": dict(f.subjects),
        "detail": dict(f.detail),
        "raised_at": iso(alert.raised_at),
    }
    if alert.message_id is not None:
        payload["message_id"] = alert.message_id
    if alert.cleared_at is not None:
        payload["cleared_at"] = iso(alert.cleared_at)
    if alert.acknowledged_by:
        payload["acknowledged_by"] = list(alert.acknowledged_by)
    return payload


def _ensure_service_party(uow: UnitOfWork, public_key: str, at: datetime) -> None:
    if uow.parties.get(SERVICE_PARTY) is not None:
        return
    party = PartyRecord(SERVICE_PARTY, SERVICE_PARTY, "service", "", (public_key,))
    uow.parties.add(party, at)
    uow.record(
        "party.added",
        {
            "party_id": SERVICE_PARTY,
            "name": SERVICE_PARTY,
            "role": "service",
            "contact": "",
            "public_key": public_key,
        },
        actor=None,
    )


@dataclass
class _Written:
    raised: list[Alert] = field(default_factory=list)
    escalated: list[Alert] = field(default_factory=list)
    cleared: list[Alert] = field(default_factory=list)
    entries: list[LedgerEntry] = field(default_factory=list)


def _chunks(changes: Reconciled, size: int) -> list[Reconciled]:
    """Split the changes of a cycle into pieces of at most ``size`` (clearances first: they end alarms)."""
    steps: list[tuple[str, Any]] = [("cleared", a) for a in changes.cleared]
    steps += [("escalated", pair) for pair in changes.escalated]
    steps += [("raised", f) for f in changes.raised]
    out = []
    for i in range(0, len(steps), size):
        part = steps[i : i + size]
        out.append(
            Reconciled(
                raised=tuple(x for kind, x in part if kind == "raised"),
                escalated=tuple(x for kind, x in part if kind == "escalated"),
                cleared=tuple(x for kind, x in part if kind == "cleared"),
            )
        )
    return out


@dataclass
class Monitor:
    """Runs monitor cycles; remembers, per situation, when it was last seen (for the clearing
    hold), since when it has been seen in every cycle, and when it was cleared (the hysteresis)."""

    rules: MonitorRules
    policy: HotlinePolicy
    service_public_key: str
    last_seen: dict[str, datetime] = field(default_factory=dict)
    seen_since: dict[str, datetime] = field(default_factory=dict)
    cleared: dict[str, Cleared] = field(default_factory=dict)
    # Changes per transaction: the writer lock is let go between chunks, so a storm of
    # alerts does not hold up reports coming in.
    write_chunk: int = 25

    def forget(self) -> None:
        """Drop the memory (another replica leads the monitor: its memory is the one that counts)."""
        self.last_seen.clear()
        self.seen_since.clear()
        self.cleared.clear()

    def cycle(self, uow: UnitOfWorkFactory, clock: Clock) -> CycleOutcome:
        """One cycle at ``clock.now()``: read the picture, assess, write what changed."""
        started = time.perf_counter()
        now = clock.now()
        look = timedelta(seconds=self.rules.look_ahead_s)
        with uow(write=False) as read:
            reports = read.tracks.columns_since(now - timedelta(seconds=self.rules.max_age_s))
            zones = read.tracks.live_zones(now, now + look)
            linked = sorted({op for op in reports.operation_id if op is not None})
            volumes = read.tracks.operation_volumes(linked)
            everyone = [p.id for p in read.parties.all() if p.role in ("party", "admin")]
            open_alerts = read.alerts.open()
        loaded = time.perf_counter()
        picture = picture_at(reports, now, self.rules.max_age_s)
        findings = assess(picture, zones, volumes, self.rules.look_ahead_s, everyone, self.rules.terminal)
        assessed = time.perf_counter()
        seen_now = {f.key for f in findings}
        for key in [k for k in self.seen_since if k not in seen_now]:
            del self.seen_since[key]
        for finding in findings:
            self.last_seen[finding.key] = now
            self.seen_since.setdefault(finding.key, now)
        changes = reconcile(
            open_alerts,
            findings,
            self.last_seen,
            now,
            self.rules.hysteresis,
            seen_since=self.seen_since,
            cleared=self.cleared,
        )
        written = _Written()
        for chunk in _chunks(changes, self.write_chunk):
            self._write(uow(), now, chunk, written)
        for gone in written.cleared:
            self.cleared[gone.key] = Cleared(now, gone.finding.severity)
        for key in [k for k, c in self.cleared.items() if now - c.at >= self.rules.rearm]:
            del self.cleared[key]
        still_open = ({a.key for a in open_alerts} | {a.key for a in written.raised}) - {
            a.key for a in written.cleared
        }
        for key in [k for k in self.last_seen if k not in seen_now and k not in still_open]:
            del self.last_seen[key]
        done = time.perf_counter()
        return CycleOutcome(
            now,
            len(picture),
            len(findings),
            tuple(written.raised),
            tuple(written.escalated),
            tuple(written.cleared),
            tuple(written.entries),
            {
                "load": 1000 * (loaded - started),
                "assess": 1000 * (assessed - loaded),
                "write": 1000 * (done - assessed),
            },
        )

    def _write(self, uow: UnitOfWork, now: datetime, chunk: Reconciled, out: _Written) -> None:
        """Write one chunk of changes in one transaction, re-checked against the store."""
        keys = (
            [f.key for f in chunk.raised]
            + [a.key for a, _ in chunk.escalated]
            + [a.key for a in chunk.cleared]
        )
        with uow:
            uow.lock_cells([MONITOR_LOCK_KEY])
            # Another replica may have written since our read: look at these keys again.
            current = {a.key: a for a in uow.alerts.open_by_keys(keys)}
            raised = [self._raise(uow, f, now) for f in chunk.raised if f.key not in current]
            escalated = []
            for brief, finding in chunk.escalated:
                held = current.get(brief.key)
                if held is None or held.finding.severity is not Severity.PREDICTED:
                    continue
                moved = replace(held, finding=finding, updated_at=now)
                uow.alerts.update(moved)
                uow.record("alert.escalated", alert_payload(moved), actor=None)
                escalated.append(moved)
            cleared = []
            for brief in chunk.cleared:
                held = current.get(brief.key)
                if held is None or held.id != brief.id:
                    continue
                gone = replace(held, state=AlertState.CLEARED, cleared_at=now, updated_at=now)
                uow.alerts.update(gone)
                uow.record("alert.cleared", alert_payload(gone), actor=None)
                cleared.append(gone)
            entries = uow.commit()
        out.raised += raised
        out.escalated += escalated
        out.cleared += cleared
        out.entries += entries

    def _raise(self, uow: UnitOfWork, finding: Finding, now: datetime) -> Alert:
        alert = Alert(str(uuid.uuid4()), finding, AlertState.NEW, now, now)
        if finding.kind in _FLASH_KINDS:
            _ensure_service_party(uow, self.service_public_key, now)
            when = "now" if finding.severity is Severity.CURRENT else "predicted"
            message = post_message(
                uow,
                now,
                self.policy,
                SendMessage(
                    party=SERVICE_PARTY,
                    recipients=finding.parties,
                    text=f"FLASH {when}: {finding.summary}. Acknowledge and coordinate on this hotline.",
                    precedence=Precedence.FLASH,
                    type=MessageType.ALERT,
                    refs=(Reference(ReferenceKind.ALERT, alert.id),),
                ),
            )
            alert = replace(alert, message_id=message.message.id)
        uow.alerts.add(alert)
        uow.record("alert.raised", alert_payload(alert), actor=None)
        return alert


def hold_monitor_lease(uow: UnitOfWork, clock: Clock, holder: str, ttl: timedelta) -> bool:
    """Should ``holder`` (one replica) run the monitor now? It takes the lease when the last
    holder let it run out, and keeps it by renewing each cycle; a replica that dies loses it
    after ``ttl``. One monitor at a time keeps one memory of what was last seen, so replicas
    never clear each other's alerts, and the picture is not computed twice."""
    with uow:
        now = clock.now()
        held = uow.monitor_lease.claim(holder, now, now + ttl)
        uow.commit()
    return held


def acknowledge(uow: UnitOfWork, clock: Clock, party: str, alert_id: str) -> tuple[Alert, list[LedgerEntry]]:
    """A concerned party acknowledges an alert (its FLASH message is acknowledged on the hotline)."""
    with uow:
        alert = uow.alerts.get(alert_id, for_update=True)
        if alert is None or not alert.concerns(party):
            raise NotFound(f"no alert {alert_id!r}", field="alert_id")
        moved = acknowledge_alert(alert, party, clock.now())
        if moved is alert:
            return alert, []
        uow.alerts.update(moved)
        uow.record("alert.acknowledged", {**alert_payload(moved), "party": party}, actor=party)
        entries = uow.commit()
    return moved, entries
