"""Review: figures over a period, computed from the ledger, each citing the entries it rests on.

Four reports settle the arguments an incident starts: did the notice come in time
(``notice``), how fast did the hotline answer (``hotline``), did information flow
both ways (``reciprocity``), how were conflicts handled (``conflicts``).

Pure: the input is ledger entries as recorded (service-clock times, the payloads
the service wrote), the output is plain figures. The period ``[start, end)``
selects the *subjects* by the time of the entry that opens them (a declaration,
a message sent, a conflict found); what followed (receipts, acknowledgements,
escalations, resolutions, amendments) counts whenever it was recorded, up to the
report's ``as_of_seq``. So a report over a closed period changes only while its
subjects are still unsettled, and anyone holding an export of the ledger up to
``as_of_seq`` can recount every figure from the sequences it cites.

Percentiles are **nearest-rank**: the p-th percentile of n values is the value
at rank ⌈p·n/100⌉ of the sorted values (rank 1 at least), so it is always one
of the recorded values. The rank is computed in integers: 7 % of 100 values is
rank 7, which floating point (0.07 × 100 = 7.000000000000001) would make 8.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from .errors import InvalidInput
from .ledger import LedgerEntry

__all__ = [
    "DEFAULT_SHARE",
    "ConflictReport",
    "ConflictRow",
    "HotlineReport",
    "HotlineRow",
    "LateNotice",
    "NoticeReport",
    "NoticeRow",
    "Period",
    "ReciprocityReport",
    "ReciprocityRow",
    "Report",
    "ReportKind",
    "Spread",
    "Tally",
    "build_report",
    "nearest_rank",
    "only",
    "spread",
]

DEFAULT_SHARE = 0.25  # reciprocity: a direction carrying less than this share of the other is flagged


class ReportKind(StrEnum):
    NOTICE = "notice"
    HOTLINE = "hotline"
    RECIPROCITY = "reciprocity"
    CONFLICTS = "conflicts"

    @property
    def event_types(self) -> frozenset[str]:
        """The ledger entry types the report reads."""
        return _EVENT_TYPES[self]


_DECLARATIONS = frozenset({"operation.submitted", "zone.declared", "operation.amended"})
_RECEIPTS = ("message.delivered", "message.read", "message.acknowledged")
_EVENT_TYPES = {
    ReportKind.NOTICE: frozenset({"operation.submitted", "notice.late"}),
    ReportKind.HOTLINE: frozenset({"message.sent", *_RECEIPTS, "message.escalated"}),
    ReportKind.RECIPROCITY: _DECLARATIONS | {"conflict.found", "message.sent", "message.acknowledged"},
    ReportKind.CONFLICTS: frozenset(
        {
            "conflict.found",
            "conflict.acknowledged",
            "conflict.resolved",
            "conflict.waived",
            "operation.amended",
        }
    ),
}


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)`` in service-clock time (held in UTC); None leaves that side open."""

    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            moment = getattr(self, name)
            if moment is None:
                continue
            if moment.utcoffset() is None:
                raise InvalidInput("a time needs its UTC offset (e.g. 2026-11-22T10:00:00Z)", field=name)
            try:
                object.__setattr__(self, name, moment.astimezone(UTC))
            except OverflowError:
                raise InvalidInput("the time is out of range", field=name) from None
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise InvalidInput("end must be after start", field="end")

    def holds(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


# the figures
# -----------


@dataclass(frozen=True, slots=True)
class Tally:
    """How many, and the ledger entries counted."""

    count: int
    seqs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Spread:
    """A distribution of durations in seconds (nearest-rank percentiles); None when empty.

    ``seqs`` are the entries at both ends of every duration."""

    count: int
    min: float | None
    p50: float | None
    p90: float | None
    p95: float | None
    max: float | None
    seqs: tuple[int, ...]


def nearest_rank(values: Sequence[float], percent: int) -> float:
    """The ``percent``-th percentile (1 to 100) of ``values`` by nearest rank."""
    if not values:
        raise ValueError("no values")
    if not 0 < percent <= 100:
        raise ValueError("a percentile is 1 to 100")
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))  # ⌈p·n/100⌉ in integers
    return ordered[rank - 1]


def spread(samples: Iterable[tuple[float, Iterable[int]]]) -> Spread:
    """The spread of ``(seconds, seqs it rests on)`` samples."""
    values: list[float] = []
    seqs: set[int] = set()
    for seconds, cited in samples:
        values.append(seconds)
        seqs.update(cited)
    if not values:
        return Spread(0, None, None, None, None, None, ())
    return Spread(
        len(values),
        min(values),
        nearest_rank(values, 50),
        nearest_rank(values, 90),
        nearest_rank(values, 95),
        max(values),
        tuple(sorted(seqs)),
    )


def _tally(groups: Iterable[Iterable[int]]) -> Tally:
    """One count per group (a subject), citing every entry of every group."""
    listed = [tuple(g) for g in groups]
    return Tally(len(listed), tuple(sorted({s for g in listed for s in g})))


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """One party's operations of one domain declared in the period."""

    party: str
    domain: str
    declared: Tally
    late: Tally
    lead_time_s: Spread

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.party,)


@dataclass(frozen=True, slots=True)
class LateNotice:
    """An operation declared with less than its domain's minimum notice, and whom it concerned."""

    party: str
    domain: str
    operation_id: str
    notice_at: datetime
    time_start: datetime
    lead_time_s: float
    minimum_s: float | None
    concerns: tuple[str, ...]
    seqs: tuple[int, ...]

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.party, *self.concerns)


@dataclass(frozen=True, slots=True)
class HotlineRow:
    """Messages from ``sender`` to ``recipient`` of one precedence, sent in the period."""

    sender: str
    recipient: str
    precedence: str
    sent: Tally
    delivered_s: Spread
    read_s: Spread
    acknowledged_s: Spread
    escalations: Tally
    never_acknowledged: Tally

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.sender, self.recipient)


@dataclass(frozen=True, slots=True)
class ReciprocityRow:
    """What ``party`` told ``other`` in the period, against what ``other`` told ``party``."""

    party: str
    other: str
    operations: Tally
    zones: Tally
    messages: Tally
    acknowledgements: Tally
    told: int
    told_back: int
    share: float | None
    flagged: bool

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.party, self.other)


@dataclass(frozen=True, slots=True)
class ConflictRow:
    """Conflicts between two parties found in the period, and how they were handled."""

    pair: tuple[str, str]
    found: Tally
    acknowledged: Tally
    resolved: Tally
    waived: Tally
    unsettled: Tally
    time_to_acknowledge_s: Spread
    time_to_resolve_s: Spread
    amended_by: dict[str, Tally]

    @property
    def parties(self) -> tuple[str, ...]:
        return self.pair


@dataclass(frozen=True, slots=True)
class _Heading:
    """What every report states: its period and the last ledger entry it read."""

    start: datetime | None
    end: datetime | None
    as_of_seq: int


@dataclass(frozen=True, slots=True)
class NoticeReport(_Heading):
    rows: tuple[NoticeRow, ...]
    late: tuple[LateNotice, ...]
    kind: Literal["notice"] = "notice"


@dataclass(frozen=True, slots=True)
class HotlineReport(_Heading):
    rows: tuple[HotlineRow, ...]
    kind: Literal["hotline"] = "hotline"


@dataclass(frozen=True, slots=True)
class ReciprocityReport(_Heading):
    share_threshold: float
    rows: tuple[ReciprocityRow, ...]
    kind: Literal["reciprocity"] = "reciprocity"


@dataclass(frozen=True, slots=True)
class ConflictReport(_Heading):
    rows: tuple[ConflictRow, ...]
    kind: Literal["conflicts"] = "conflicts"


Report = NoticeReport | HotlineReport | ReciprocityReport | ConflictReport


# need to know
# ------------


def only(report: Report, keep: Callable[[tuple[str, ...]], bool]) -> Report:
    """The report with just the figures whose parties ``keep`` accepts."""
    changes: dict[str, Any] = {
        f.name: tuple(row for row in getattr(report, f.name) if keep(row.parties))
        for f in dataclasses.fields(report)
        if f.name in ("rows", "late")
    }
    return dataclasses.replace(report, **changes)


# computing them
# --------------


def build_report(
    kind: ReportKind,
    entries: Iterable[LedgerEntry],
    period: Period,
    as_of_seq: int,
    *,
    members: Collection[str] | None = None,
    share: float = DEFAULT_SHARE,
) -> Report:
    """The ``kind`` report over ``period`` from ``entries`` (in sequence order, up to ``as_of_seq``).

    ``members`` are the parties reciprocity is counted between (None: anyone named);
    ``share`` the reciprocity flag's threshold."""
    if not 0 <= share <= 1:
        raise InvalidInput("share is between 0 and 1", field="share")
    wanted = kind.event_types
    chosen = [e for e in entries if e.type in wanted and e.payload]  # a redacted copy cannot count
    start, end = period.start, period.end
    if kind is ReportKind.NOTICE:
        rows, late = _notice(chosen, period)
        return NoticeReport(start, end, as_of_seq, rows, late)
    if kind is ReportKind.HOTLINE:
        return HotlineReport(start, end, as_of_seq, _hotline(chosen, period))
    if kind is ReportKind.RECIPROCITY:
        return ReciprocityReport(start, end, as_of_seq, share, _reciprocity(chosen, period, members, share))
    return ConflictReport(start, end, as_of_seq, _conflicts(chosen, period))


def _seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


def _notice(
    entries: Sequence[LedgerEntry], period: Period
) -> tuple[tuple[NoticeRow, ...], tuple[LateNotice, ...]]:
    warnings = {e.payload["operation_id"]: e for e in entries if e.type == "notice.late"}
    groups: dict[tuple[str, str], list[LedgerEntry]] = defaultdict(list)
    late: list[LateNotice] = []
    for e in entries:
        if e.type != "operation.submitted" or not period.holds(e.ts):
            continue
        p = e.payload
        groups[p["party"], p["domain"]].append(e)
        if p["late_notice"]:
            warning = warnings.get(p["operation_id"])
            late.append(
                LateNotice(
                    party=p["party"],
                    domain=p["domain"],
                    operation_id=p["operation_id"],
                    notice_at=datetime.fromisoformat(p["notice_at"]),
                    time_start=datetime.fromisoformat(p["time_start"]),
                    lead_time_s=float(p["lead_time_s"]),
                    minimum_s=None if warning is None else float(warning.payload["minimum_s"]),
                    concerns=() if warning is None else tuple(warning.payload["concerns"]),
                    seqs=(e.seq,) if warning is None else (e.seq, warning.seq),
                )
            )
    late_seqs = {n.operation_id: n.seqs for n in late}
    rows = tuple(
        NoticeRow(
            party=party,
            domain=domain,
            declared=_tally((e.seq,) for e in declared),
            late=_tally(late_seqs[e.payload["operation_id"]] for e in declared if e.payload["late_notice"]),
            lead_time_s=spread((float(e.payload["lead_time_s"]), (e.seq,)) for e in declared),
        )
        for (party, domain), declared in sorted(groups.items())
    )
    return rows, tuple(late)


@dataclass(slots=True)
class _Delivery:
    """One message to one recipient: when it was sent, and what followed."""

    sent: LedgerEntry
    steps: dict[str, LedgerEntry] = field(default_factory=dict)  # first entry of each receipt step
    escalations: list[int] = field(default_factory=list)


def _hotline(entries: Sequence[LedgerEntry], period: Period) -> tuple[HotlineRow, ...]:
    deliveries: dict[tuple[str, str], _Delivery] = {}
    for e in entries:
        p = e.payload
        if e.type == "message.sent":
            if period.holds(e.ts):
                for recipient in p["recipients"]:
                    deliveries[p["message_id"], recipient] = _Delivery(e)
        elif (delivery := deliveries.get((p["message_id"], p["party"]))) is not None:
            if e.type == "message.escalated":
                delivery.escalations.append(e.seq)
            else:
                delivery.steps.setdefault(e.type, e)
    groups: dict[tuple[str, str, str], list[_Delivery]] = defaultdict(list)
    for (_, recipient), d in deliveries.items():
        groups[d.sent.payload["sender"], recipient, d.sent.payload["precedence"]].append(d)

    def times(ds: list[_Delivery], step: str) -> Spread:
        return spread(
            (_seconds(d.steps[step].ts, d.sent.ts), (d.sent.seq, d.steps[step].seq))
            for d in ds
            if step in d.steps
        )

    return tuple(
        HotlineRow(
            sender=sender,
            recipient=recipient,
            precedence=precedence,
            sent=_tally((d.sent.seq,) for d in ds),
            delivered_s=times(ds, "message.delivered"),
            read_s=times(ds, "message.read"),
            acknowledged_s=times(ds, "message.acknowledged"),
            escalations=Tally(
                sum(len(d.escalations) for d in ds), tuple(sorted(s for d in ds for s in d.escalations))
            ),
            never_acknowledged=_tally((d.sent.seq,) for d in ds if "message.acknowledged" not in d.steps),
        )
        for (sender, recipient, precedence), ds in sorted(
            groups.items(), key=lambda kv: _precedence_order(kv[0])
        )
    )


_PRECEDENCE_ORDER = ("FLASH", "IMMEDIATE", "PRIORITY", "ROUTINE")


def _precedence_order(key: tuple[str, str, str]) -> tuple[str, str, int]:
    sender, recipient, precedence = key
    rank = _PRECEDENCE_ORDER.index(precedence) if precedence in _PRECEDENCE_ORDER else len(_PRECEDENCE_ORDER)
    return sender, recipient, rank


def _reciprocity(
    entries: Sequence[LedgerEntry], period: Period, members: Collection[str] | None, share: float
) -> tuple[ReciprocityRow, ...]:
    def member(party: str) -> bool:
        return members is None or party in members

    declared: dict[tuple[str, int], LedgerEntry] = {}  # (operation, version) declared in the period
    met: dict[tuple[str, str], dict[tuple[str, int], list[int]]] = defaultdict(lambda: defaultdict(list))
    # what A told B, by kind: each item a group of the seqs it rests on
    told: dict[tuple[str, str], dict[str, list[tuple[int, ...]]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        p = e.payload
        if e.type in _DECLARATIONS:
            if period.holds(e.ts):
                declared[p["operation_id"], int(p["version"])] = e
        elif e.type == "conflict.found":
            for side, other in (("a", "b"), ("b", "a")):
                ours, theirs = p[side], p[other]
                key = (ours["operation"], int(ours["version"]))
                if key in declared and ours["party"] != theirs["party"]:
                    met[ours["party"], theirs["party"]][key].append(e.seq)
        elif period.holds(e.ts) and e.type == "message.sent":
            for recipient in p["recipients"]:
                told[p["sender"], recipient]["messages"].append((e.seq,))
        elif period.holds(e.ts) and e.type == "message.acknowledged":
            told[p["party"], p["sender"]]["acknowledgements"].append((e.seq,))
    for pair, declarations in met.items():
        for key, conflict_seqs in declarations.items():
            entry = declared[key]
            kind = "zones" if entry.payload.get("kind") == "zone" else "operations"
            told[pair][kind].append((entry.seq, *conflict_seqs))

    def total(pair: tuple[str, str]) -> int:
        return sum(len(items) for items in told.get(pair, {}).values())

    pairs = {pair for pair in told if member(pair[0]) and member(pair[1])}
    pairs |= {(b, a) for a, b in pairs}
    rows = []
    for a, b in sorted(pairs):
        items = told.get((a, b), {})
        ours, theirs = total((a, b)), total((b, a))
        rows.append(
            ReciprocityRow(
                party=a,
                other=b,
                operations=_tally(items.get("operations", [])),
                zones=_tally(items.get("zones", [])),
                messages=_tally(items.get("messages", [])),
                acknowledgements=_tally(items.get("acknowledgements", [])),
                told=ours,
                told_back=theirs,
                share=ours / theirs if theirs else None,
                flagged=ours < share * theirs,
            )
        )
    return tuple(rows)


@dataclass(slots=True)
class _Handling:
    found: LedgerEntry
    acknowledged: LedgerEntry | None = None
    settled: LedgerEntry | None = None


def _conflicts(entries: Sequence[LedgerEntry], period: Period) -> tuple[ConflictRow, ...]:
    handled: dict[str, _Handling] = {}
    amendments: dict[tuple[str, int], LedgerEntry] = {}  # (operation, version it replaced) -> the amendment
    for e in entries:
        p = e.payload
        if e.type == "operation.amended":
            amendments[p["operation_id"], int(p["amends_version"])] = e
            continue
        if e.type == "conflict.found":
            if period.holds(e.ts):
                handled[p["conflict_id"]] = _Handling(e)
            continue
        h = handled.get(p["conflict_id"])
        if h is None:
            continue
        if e.type == "conflict.acknowledged" and h.acknowledged is None:
            h.acknowledged = e
        elif e.type in ("conflict.resolved", "conflict.waived") and h.settled is None:
            h.settled = e
    groups: dict[tuple[str, str], list[_Handling]] = defaultdict(list)
    for h in handled.values():
        a, b = h.found.payload["a"]["party"], h.found.payload["b"]["party"]
        groups[min(a, b), max(a, b)].append(h)

    def settled_as(hs: list[_Handling], kind: str) -> list[_Handling]:
        return [h for h in hs if h.settled is not None and h.settled.type == kind]

    rows = []
    for pair, hs in sorted(groups.items()):
        amended_by: dict[str, list[tuple[int, ...]]] = defaultdict(list)
        for h in hs:
            for side in ("a", "b"):
                ref = h.found.payload[side]
                amendment = amendments.get((ref["operation"], int(ref["version"])))
                if amendment is not None and amendment.seq > h.found.seq:
                    amended_by[ref["party"]].append((h.found.seq, amendment.seq))
        resolved, waived = settled_as(hs, "conflict.resolved"), settled_as(hs, "conflict.waived")
        rows.append(
            ConflictRow(
                pair=pair,
                found=_tally((h.found.seq,) for h in hs),
                acknowledged=_tally((h.acknowledged.seq,) for h in hs if h.acknowledged is not None),
                resolved=_tally((h.settled.seq,) for h in resolved if h.settled is not None),
                waived=_tally((h.settled.seq,) for h in waived if h.settled is not None),
                unsettled=_tally((h.found.seq,) for h in hs if h.settled is None),
                time_to_acknowledge_s=spread(
                    (_seconds(h.acknowledged.ts, h.found.ts), (h.found.seq, h.acknowledged.seq))
                    for h in hs
                    if h.acknowledged is not None
                ),
                time_to_resolve_s=spread(
                    (_seconds(h.settled.ts, h.found.ts), (h.found.seq, h.settled.seq))
                    for h in resolved
                    if h.settled is not None
                ),
                amended_by={party: _tally(groups_) for party, groups_ in sorted(amended_by.items())},
            )
        )
    return tuple(rows)
