"""``deconflict monitor replay RECORDING... --party PARTY=FILE``: the monitor over recorded feeds.

The real monitor (the rules and settings ``serve`` uses) runs on a simulated clock, the
recording's own time, in a throwaway store; no server is needed. It prints every alert it
would raise (raised, escalated and cleared times, kind, subject, the figures at raising, the
FLASH escalations) and a summary, as a table, or with ``--json`` as a list of
``GET /v1/alerts`` items. Exit 0 when no alert, 1 when any, 2 on bad input.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..bootstrap import bootstrap
from ..domain.alert import AlertKind
from ..domain.errors import DomainError, InvalidInput
from ..domain.units import METRES_PER_NAUTICAL_MILE
from ..settings import Settings
from ..sim.replay import (
    Feed,
    RecordingFormat,
    ReplayedAlert,
    ReplayResult,
    SimulatedClock,
    read_recording,
    replay,
)
from .output import EXIT_FOUND, EXIT_OK, console, fail, print_json

monitor_app = typer.Typer(help="The tactical monitor, offline.", no_args_is_help=True)


def _speed(text: str) -> float | None:
    if text.strip().lower() == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"--speed {text!r} is 'max' or a factor such as 10", field="speed") from None
    if not value > 0:
        raise InvalidInput(f"--speed {text!r} must be positive", field="speed")
    return value


def _party_files(values: list[str]) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        party, sep, path = value.partition("=")
        if not sep or not party.strip() or not path:
            raise InvalidInput(f"--party {value!r} is not PARTY=FILE", field="party")
        out.append((party.strip(), Path(path)))
    return out


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%H:%M:%S")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _subject(item: ReplayedAlert) -> str:
    subjects = item.raised.finding.subjects
    names = list(subjects.get("platforms", []))
    zone = subjects.get("zone")
    if zone:
        names.append(f"{zone['party']}/{zone['operation_id']}")
    elif item.raised.finding.kind is AlertKind.NON_CONFORMANCE:
        names += list(subjects.get("operations", []))
    return " ↔ ".join(names)


def _figures(item: ReplayedAlert) -> str:
    detail = item.raised.finding.detail
    parts = []
    if "t_in_s" in detail:
        parts.append(f"in {detail['t_in_s']:.0f} s")
    if "dcpa_m" in detail:
        parts.append(
            f"closest {detail['dcpa_m'] / METRES_PER_NAUTICAL_MILE:.2f} NM at {detail['tcpa_s']:.0f} s"
        )
    if "distance_m" in detail:
        parts.append(f"{detail['distance_m']:.0f} m out")
    return ", ".join(parts)


def alert_item(item: ReplayedAlert) -> dict[str, Any]:
    """A ``GET /v1/alerts`` item, plus when it escalated, what it said when raised, and its FLASH."""
    from ..api.routes.alerts import alert_view

    out: dict[str, Any] = alert_view(item.final).model_dump(mode="json")
    out["escalated_at"] = None if item.escalated_at is None else _iso(item.escalated_at)
    out["raised"] = {
        "severity": item.raised.finding.severity.value,
        "detail": dict(item.raised.finding.detail),
    }
    out["flash_escalations"] = item.flash_escalations
    out["flash_escalations_after_clear"] = item.flash_escalations_after_clear
    return out


def summary(result: ReplayResult) -> dict[str, Any]:
    return {
        "start": None if result.start is None else _iso(result.start),
        "end": None if result.end is None else _iso(result.end),
        "cycles": result.cycles,
        "reports": result.reports,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "most_platforms": result.most_platforms,
        "alerts": result.count(),
        "by_kind": {k.value: result.count(k) for k in AlertKind if result.count(k)},
        "repeats": result.repeats,
        "escalated_to_current": sum(1 for a in result.alerts if a.escalated_at is not None),
        "flash_escalations_after_clear": sum(a.flash_escalations_after_clear for a in result.alerts),
    }


def _table(result: ReplayResult) -> Table:
    table = Table(title=f"{result.count()} alert(s) over {result.cycles} monitor cycles")
    for column in ("raised", "escalated", "cleared", "kind", "subject", "at raising", "FLASH steps"):
        table.add_column(column)
    for item in result.alerts:
        finding = item.raised.finding
        table.add_row(
            _time(item.raised.raised_at),
            _time(item.escalated_at),
            _time(item.final.cleared_at),
            f"{finding.kind.value} ({finding.severity.value})",
            escape(_subject(item)),
            _figures(item),
            f"{item.flash_escalations} ({item.flash_escalations_after_clear} after clear)"
            if item.raised.message_id
            else "",
        )
    return table


def replay_command(
    recordings: Annotated[
        list[Path] | None, typer.Argument(help="Recordings whose rows name their party (CSV).")
    ] = None,
    party: Annotated[
        list[str] | None, typer.Option("--party", help="PARTY=FILE: a recording of one party's feed.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="sbs | ais | csv.")] = "csv",
    speed: Annotated[
        str, typer.Option("--speed", help="'max', or a factor of the recording's pace.")
    ] = "max",
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Replay recorded feeds through the monitor; print every alert it would raise. Exit 0 none, 1 some, 2 bad input."""
    try:
        if fmt not in ("sbs", "ais", "csv"):
            raise InvalidInput(f"--format {fmt!r} is sbs, ais or csv", field="format")
        kind: RecordingFormat = fmt  # type: ignore[assignment]
        pace = _speed(speed)
        feeds: list[Feed] = []
        for path in recordings or []:
            feeds += read_recording(path, kind)
        for name, path in _party_files(party or []):
            feeds += read_recording(path, kind, name)
        if not feeds:
            raise InvalidInput("give a RECORDING or --party PARTY=FILE", field="recording")
        with tempfile.TemporaryDirectory(prefix="deconflict-replay-") as scratch:
            data = Path(scratch)
            settings = Settings(
                data_dir=data,
                database_url=f"sqlite+pysqlite:///{data / 'replay.db'}",
                service_key_file=data / "service.key",
                sqlite_synchronous="NORMAL",
            )
            clock = SimulatedClock(datetime.fromtimestamp(0, UTC))
            service = bootstrap(settings, clock)
            try:
                result = replay(service, clock, feeds, speed=pace)
            finally:
                service.close()
    except DomainError as error:
        fail(escape(str(error)))
    if json_output:
        print_json([alert_item(a) for a in result.alerts])
    else:
        out = console()
        if result.alerts:
            out.print(_table(result))
        figures = summary(result)
        out.print(", ".join(f"{k} {v}" for k, v in figures.items()))
    raise typer.Exit(EXIT_FOUND if result.alerts else EXIT_OK)


monitor_app.command("replay")(replay_command)
