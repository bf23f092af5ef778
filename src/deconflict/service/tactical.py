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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain.access import (
    Access,
    Reader,
    Role,
    Thing,
    Viewer,
    enforce,
    party_filter,
    relation,
    takes_messages,
)
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
from ..domain.tactical.plausibility import (
    LIMITS_BY_CLASS,
    ClassLimits,
    Doubt,
    ahead_of_clock,
    implausible,
    jump,
)
from ..domain.tactical.report import COAST_S_BY_CLASS, PositionReport, picture_at
from ..domain.tactical.terminal import TerminalAreas
from ..domain.tactical.watch import assess
from .hotline import post_message, stand_down, take_up
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
    "TrackChecks",
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
    """A report refused: its index in the batch, the field, why, and a reason code for
    the counters (``invalid``, ``party``, ``operation``, ``future``, ``implausible``, ``jump``)."""

    index: int
    field: str
    error: str
    reason: str = "invalid"


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int
    rejected: tuple[Reject, ...]


@dataclass(frozen=True, slots=True)
class TrackChecks:
    """What a report must pass besides its own fields: not ahead of the service clock by more
    than ``max_future_s``, within its class's bounds, no jump from the previous report."""

    max_future_s: float = 5.0
    limits: Mapping[str, ClassLimits] = field(default_factory=lambda: LIMITS_BY_CLASS)


def _doubt(
    report: PositionReport, previous: PositionReport | None, now: datetime, checks: TrackChecks
) -> Doubt | None:
    limits = checks.limits[report.platform_class]
    return (
        ahead_of_clock(report, now, checks.max_future_s)
        or implausible(report, limits)
        or (jump(previous, report, limits) if previous is not None else None)
    )


def ingest(
    uow: UnitOfWork,
    clock: Clock,
    party: str,
    reports: Sequence[tuple[int, PositionReport]],
    rejected: Sequence[Reject] = (),
    checks: TrackChecks = TrackChecks(),
) -> IngestOutcome:
    """Keep the reports of ``party`` (``(index in the batch, report)``) that pass ``checks``
    (each against the platform's previous report: the one held, or the batch's earlier one);
    a link to an operation that is not the party's own rejects that report only."""
    out = list(rejected)
    with uow:
        now = clock.now()
        linked = sorted({r.operation_id for _, r in reports if r.operation_id is not None})
        owners = uow.tracks.owners(linked) if linked else {}
        mine = sorted({r.platform for _, r in reports if r.party == party})
        previous = {r.platform: r for r in uow.tracks.latest_of(party, mine)}
        kept: list[PositionReport] = []
        for index, report in sorted(reports, key=lambda pair: (pair[1].platform, pair[1].at, pair[0])):
            if report.party != party:
                out.append(Reject(index, "party", f"reports are accepted for {party} only", "party"))
            elif report.operation_id is not None and owners.get(report.operation_id) != party:
                out.append(
                    Reject(
                        index,
                        "operation_id",
                        f"{party} has no operation {report.operation_id!r}",
                        "operation",
                    )
                )
            elif (doubt := _doubt(report, previous.get(report.platform), now, checks)) is not None:
                out.append(Reject(index, doubt.field, doubt.message, doubt.reason))
            else:
                kept.append(report)
                last = previous.get(report.platform)
                if last is None or report.at >= last.at:
                    previous[report.platform] = report
        uow.tracks.upsert(kept, now)
        uow.commit()
    return IngestOutcome(len(kept), tuple(sorted(out, key=lambda r: r.index)))


@dataclass(frozen=True, slots=True)
class MonitorRules:
    """How the monitor looks: how long each class coasts (never past ``max_age_s``), the
    look-ahead for zones, how long a climb or descent is extrapolated, when findings become
    alerts and alerts end (:class:`~deconflict.domain.alert.Hysteresis`), how soon after
    clearing a raised alert reuses its FLASH message, and the terminal areas."""

    max_age_s: float = 600.0
    look_ahead_s: float = 300.0
    clear_hold: timedelta = timedelta(seconds=10)
    coast_s: Mapping[str, float] = field(default_factory=lambda: COAST_S_BY_CLASS)
    vertical_horizon_s: float = 60.0
    flash_reuse: timedelta = timedelta(minutes=5)
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
    party = PartyRecord(SERVICE_PARTY, SERVICE_PARTY, Role.SERVICE, "", (public_key,))
    uow.parties.add(party, at)
    uow.record(
        "party.added",
        {
            "party_id": SERVICE_PARTY,
            "name": SERVICE_PARTY,
            "role": Role.SERVICE.value,
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
            oldest = min(self.rules.max_age_s, max(self.rules.coast_s.values(), default=self.rules.max_age_s))
            reports = read.tracks.columns_since(now - timedelta(seconds=oldest))
            zones = read.tracks.live_zones(now, now + look)
            linked = sorted({op for op in reports.operation_id if op is not None})
            volumes = read.tracks.operation_volumes(linked)
            everyone = [p.id for p in read.parties.all() if takes_messages(p.role)]
            open_alerts = read.alerts.open()
        loaded = time.perf_counter()
        rules = self.rules
        picture = picture_at(
            reports,
            now,
            rules.max_age_s,
            coast_s_by_class=rules.coast_s,
            vertical_horizon_s=rules.vertical_horizon_s,
        )
        findings = assess(
            picture, zones, volumes, rules.look_ahead_s, everyone, rules.terminal, rules.vertical_horizon_s
        )
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
                if gone.message_id is not None:
                    note = f"stand down: the alert has cleared ({held.finding.summary}); no further action"
                    stand_down(uow, now, gone.message_id, gone.id, note)
                cleared.append(gone)
            entries = uow.commit()
        out.raised += raised
        out.escalated += escalated
        out.cleared += cleared
        out.entries += entries

    def _raise(self, uow: UnitOfWork, finding: Finding, now: datetime) -> Alert:
        alert = Alert(str(uuid.uuid4()), finding, AlertState.NEW, now, now)
        if finding.kind in _FLASH_KINDS:
            alert = replace(alert, message_id=self._flash(uow, finding, alert.id, now))
        uow.alerts.add(alert)
        uow.record("alert.raised", alert_payload(alert), actor=None)
        return alert

    def _flash(self, uow: UnitOfWork, finding: Finding, alert_id: str, now: datetime) -> str:
        """The FLASH message of a new alert: the stood-down one of the same situation when it
        cleared within the reuse hold (taken up again), else a new one to both parties."""
        reused = self._reusable_message(uow, finding, now)
        if reused is not None:
            note = f"raised again: {finding.summary}. Acknowledge and coordinate on this hotline."
            if take_up(uow, now, self.policy, reused, alert_id, note) is not None:
                return reused
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
                refs=(Reference(ReferenceKind.ALERT, alert_id),),
            ),
        )
        return message.message.id

    def _reusable_message(self, uow: UnitOfWork, finding: Finding, now: datetime) -> str | None:
        """The FLASH of the same situation's alert cleared within the reuse hold, if any."""
        if self.rules.flash_reuse <= timedelta(0):
            return None
        before = uow.alerts.last_cleared(finding.key, now - self.rules.flash_reuse)
        return None if before is None else before.message_id


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


def _visible_alert(alert: Alert | None, reader: Reader, alert_id: str, access: Access) -> Alert:
    missing = NotFound(f"no alert {alert_id!r}", field="alert_id")
    if alert is None:
        raise missing
    enforce(reader, Thing.ALERT, access, relation(reader.party, None, alert.parties), missing)
    return alert


def get_alert(uow: UnitOfWork, reader: Reader, alert_id: str) -> Alert:
    """An alert, to the parties it concerns (observers, the administrator: any); else not found."""
    with uow:
        return _visible_alert(uow.alerts.get(alert_id), reader, alert_id, Access.SEE)


def list_alerts(
    uow: UnitOfWork,
    reader: Reader,
    state: AlertState | None = None,
    open_only: bool = False,
    limit: int = 500,
) -> list[Alert]:
    """Alerts the reader may see, newest first: those that concern it (observers, the administrator: all)."""
    with uow:
        return uow.alerts.list(
            party=party_filter(reader, Thing.ALERT), state=state, open_only=open_only, limit=limit
        )


def visible_tracks(
    uow: UnitOfWork, reader: Reader, since: datetime, party: str | None = None, limit: int = 10_000
) -> list[PositionReport]:
    """The latest report of each platform the reader may see, optionally of one ``party``: its own,
    and the other parties' in an open alert that concerns it (observers, the administrator: all)."""
    with uow:
        if party_filter(reader, Thing.TRACK) is None:
            return uow.tracks.since(since, party=party, limit=limit)
        own = [] if party not in (None, reader.party) else uow.tracks.since(since, reader.party, limit)
        alerts = uow.alerts.list(party=reader.party, open_only=True, limit=10_000)
        shared = {p for a in alerts for p in a.finding.subjects.get("platforms", [])}
        pairs = (track.split("/", 1) for track in sorted(shared))
        others = [(o, p) for o, p in pairs if o != reader.party and party in (None, o)]
        seen = uow.tracks.since(since, tracks=others) if others else []
    return (own + seen)[:limit]


def acknowledge(
    uow: UnitOfWork, clock: Clock, party: str, alert_id: str, role: Role = Role.PARTY
) -> tuple[Alert, list[LedgerEntry]]:
    """A concerned party acknowledges an alert (its FLASH message is acknowledged on the hotline)."""
    with uow:
        alert = _visible_alert(
            uow.alerts.get(alert_id, for_update=True), Viewer(party, role), alert_id, Access.ACT
        )
        moved = acknowledge_alert(alert, party, clock.now())
        if moved is alert:
            return alert, []
        uow.alerts.update(moved)
        uow.record("alert.acknowledged", {**alert_payload(moved), "party": party}, actor=party)
        entries = uow.commit()
    return moved, entries
