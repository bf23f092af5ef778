"""Offline replay: the real monitor over recorded feeds, on the recording's own clock.

A replay builds a throwaway service (a SQLite store through :func:`~deconflict.bootstrap.bootstrap`,
the same settings as ``serve``), adds the parties, and then steps a simulated clock from the
first report to the last, one monitor interval at a time. At each step it takes in the reports
stamped up to that moment exactly as ``POST /v1/tracks`` does (:func:`.tracks_wire.parse_reports`
then :func:`.tactical.ingest`), runs one monitor cycle (:class:`.tactical.Monitor`, built by the
function ``serve`` uses) and escalates overdue hotline messages (:func:`.hotline.escalate_due`).
After the last report it goes on until every alert has cleared and no FLASH is waiting to
escalate, so clear times and late escalations are part of the result.

Recordings are read with the feed parsers (:mod:`.feeds.sbs`, :mod:`.feeds.ais`) or as track CSV
(:mod:`.formats.track_csv`, ``alt_ft`` a pressure altitude as ADS-B reports it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from ..api.periodic import monitor_for
from ..api.tracks_wire import ReportIn, parse_reports
from ..bootstrap import Deconflict, hotline_policy
from ..domain.alert import Alert, AlertKind
from ..domain.errors import InvalidInput
from ..domain.signing import generate_keypair
from ..feeds.ais import AisParser
from ..feeds.common import FeedParser, WireReport, wire_time
from ..feeds.sbs import SbsParser
from ..formats.track_csv import COLUMNS, read_track_rows
from ..service.commands import AddParty
from ..service.hotline import escalate_due, next_escalation_at
from ..service.parties import add_party, party_id_for
from ..service.tactical import ingest

__all__ = [
    "Feed",
    "RecordingFormat",
    "ReplayResult",
    "ReplayedAlert",
    "SimulatedClock",
    "read_recording",
    "replay",
]

RecordingFormat = Literal["sbs", "ais", "csv"]
# The wire learns an on_ground flag in another branch; pass it only where it is known.
_WIRE_HAS_ON_GROUND = "on_ground" in ReportIn.model_fields


@dataclass(frozen=True, slots=True)
class Feed:
    """One party's recorded reports, in the wire shape of ``POST /v1/tracks``."""

    party: str
    reports: tuple[WireReport, ...]


class SimulatedClock:
    """The service clock of a replay: the recording's time, moved one step at a time."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def _csv_feeds(path: Path, party: str | None) -> list[Feed]:
    required = [c for c in COLUMNS if c != "party"] if party is not None else list(COLUMNS)
    by_party: dict[str, list[WireReport]] = {}
    for row in read_track_rows(path, required):
        n = row.numbers
        report: dict[str, Any] = {
            "platform": row.text["id"],
            "t": wire_time(row.at),
            "lat": n["lat"],
            "lon": n["lon"],
            "alt": n["alt_ft"] / 100.0,
            "alt_ref": "FL",
            "alt_units": "ft",
            "gs_kt": n["gs_kt"],
            "trk_deg": n["trk_deg"] % 360.0,
            "vs_fpm": n["vs_fpm"],
            "class": "en_route",
            "operation_id": None,
            "source": "replay",
        }
        if row.on_ground is not None and _WIRE_HAS_ON_GROUND:
            report["on_ground"] = row.on_ground
        by_party.setdefault(party or row.text["party"], []).append(report)  # type: ignore[arg-type]
    return [Feed(p, tuple(r)) for p, r in by_party.items()]


def _parsed(path: Path, parser: FeedParser, party: str) -> Feed:
    out: list[WireReport] = []
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                out.extend(parser.feed(line))
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error}", field="recording") from None
    if isinstance(parser, AisParser):
        parser.finish()
    return Feed(party, tuple(out))


def read_recording(path: Path, fmt: RecordingFormat, party: str | None = None) -> list[Feed]:
    """The feeds in one recording: SBS-1 and AIS belong to ``party``; a CSV names each row's
    party in its ``party`` column unless ``party`` is given."""
    if fmt == "csv":
        return _csv_feeds(path, party)
    if party is None:
        raise InvalidInput(f"{fmt} recording {path} needs a party: --party PARTY={path}", field="party")
    parser: FeedParser = SbsParser(clock="generated") if fmt == "sbs" else AisParser()
    return [_parsed(path, parser, party)]


@dataclass
class ReplayedAlert:
    """One alert the monitor raised, with what became of it on the recording's clock."""

    raised: Alert  # as raised: the figures at raising
    final: Alert  # as it ended (cleared, or still open when the replay stopped)
    escalated_at: datetime | None = None
    flash_escalations: int = 0  # FLASH escalation steps (all recipients)
    flash_escalations_after_clear: int = 0


@dataclass
class ReplayResult:
    alerts: list[ReplayedAlert] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    cycles: int = 0
    reports: int = 0
    accepted: int = 0
    rejected: int = 0
    most_platforms: int = 0

    def count(self, kind: AlertKind | None = None) -> int:
        return sum(1 for a in self.alerts if kind is None or a.final.finding.kind is kind)

    @property
    def repeats(self) -> int:
        """Alerts raised for a situation (pair, platform and zone) already alerted before."""
        return len(self.alerts) - len({a.raised.key for a in self.alerts})


def _sorted(feeds: Sequence[Feed]) -> list[tuple[datetime, str, WireReport]]:
    out = []
    for feed in feeds:
        party = party_id_for(feed.party)
        out += [(datetime.fromisoformat(r["t"]), party, r) for r in feed.reports]
    out.sort(key=lambda item: item[0])
    return out


def _add_parties(service: Deconflict, feeds: Iterable[Feed]) -> None:
    for name in sorted({f.party for f in feeds}):
        add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))


def replay(
    service: Deconflict,
    clock: SimulatedClock,
    feeds: Sequence[Feed],
    *,
    speed: float | None = None,
    on_cycle: Callable[[datetime], None] | None = None,
) -> ReplayResult:
    """Run the monitor over ``feeds`` on ``clock`` (the service's clock), one monitor interval
    a step; ``speed`` (None: as fast as it goes) times the recording's pace in wall time."""
    from ..geoid import LazyEGM96  # the geoid grid is read on first use only

    settings = service.settings
    step = timedelta(seconds=settings.monitor_interval_s or 1.0)
    reports = _sorted(feeds)
    result = ReplayResult(reports=len(reports))
    if not reports:
        return result
    geoid = LazyEGM96()
    policy = hotline_policy(settings)
    monitor = monitor_for(service)
    clock.moment = reports[0][0]
    _add_parties(service, feeds)
    result.start = clock.moment
    last = reports[-1][0]
    by_id: dict[str, ReplayedAlert] = {}
    by_message: dict[str, ReplayedAlert] = {}
    taken, started = 0, time.monotonic()
    while True:
        now = clock.moment
        due: dict[str, list[WireReport]] = {}
        while taken < len(reports) and reports[taken][0] <= now:
            _, party, report = reports[taken]
            due.setdefault(party, []).append(report)
            taken += 1
        for party, items in due.items():
            parsed, rejected = parse_reports(items, party, geoid)
            outcome = ingest(service.uow(), clock, party, parsed, rejected)
            result.accepted += outcome.accepted
            result.rejected += len(outcome.rejected)
        cycle = monitor.cycle(service.uow, clock)
        result.cycles += 1
        result.most_platforms = max(result.most_platforms, cycle.platforms)
        for alert in cycle.raised:
            by_id[alert.id] = ReplayedAlert(alert, alert)
            result.alerts.append(by_id[alert.id])
            if alert.message_id is not None:
                by_message[alert.message_id] = by_id[alert.id]
        for alert in cycle.escalated:
            by_id[alert.id].final, by_id[alert.id].escalated_at = alert, now
        for alert in cycle.cleared:
            by_id[alert.id].final = alert
        pending = next_escalation_at(service.uow(write=False))
        if pending is not None and pending <= now:
            for escalation in escalate_due(service.uow(), clock, policy):
                owner = by_message.get(escalation.message_id)
                if owner is not None:
                    owner.flash_escalations += 1
                    cleared = owner.final.cleared_at
                    owner.flash_escalations_after_clear += cleared is not None and cleared <= now
            pending = next_escalation_at(service.uow(write=False))
        if on_cycle is not None:
            on_cycle(now)
        if taken == len(reports) and now >= last and pending is None and not monitor.last_seen:
            with service.uow(write=False) as read:
                if not read.alerts.open():
                    break
        clock.moment = now + step
        if speed is not None:
            ahead = (clock.moment - result.start).total_seconds() / speed - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    result.end = clock.moment
    return result
