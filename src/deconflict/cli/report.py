"""``deconflict report KIND``: the review reports on the local store, as tables or JSON.

The operator of the store sees every figure (as an observer does over HTTP).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import typer
from pydantic import TypeAdapter
from rich.table import Table

from ..domain.errors import DomainError, InvalidInput
from ..domain.review import (
    DEFAULT_SHARE,
    HotlineReport,
    NoticeReport,
    Period,
    ReciprocityReport,
    Report,
    ReportKind,
    Spread,
    Tally,
)
from ..formats.geojson import parse_time
from ..service.reports import EVERYTHING, ReportQuery, review_report
from .context import DataDirOption, DbOption, open_service
from .output import console, fail, print_json

_AS_JSON: TypeAdapter[Report] = TypeAdapter(Report)  # the same JSON as GET /v1/reports/{kind}


def _kind(text: str) -> ReportKind:
    try:
        return ReportKind(text)
    except ValueError:
        raise InvalidInput(f"no report {text!r}: one of {', '.join(ReportKind)}", field="KIND") from None


def report_command(
    kind: Annotated[str, typer.Argument(help="notice | hotline | reciprocity | conflicts")],
    start: Annotated[str | None, typer.Option("--start", help="Period start, RFC 3339 (inclusive).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Period end, RFC 3339 (exclusive).")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only figures about this party.")] = None,
    share: Annotated[
        float, typer.Option("--share", help="Reciprocity: flag a direction under this share of the other.")
    ] = DEFAULT_SHARE,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    data_dir: DataDirOption = None,
    db: DbOption = None,
) -> None:
    """Figures over a period from the ledger, each citing the entries it rests on."""
    try:
        period = Period(
            None if start is None else parse_time(start, "--start"),
            None if end is None else parse_time(end, "--end"),
        )
        query = ReportQuery(_kind(kind), period, party, share)
        with open_service(data_dir, db) as service:
            report = review_report(service.uow(write=False), query, EVERYTHING)
    except DomainError as error:
        fail(error)
    if json_output:
        print_json(_AS_JSON.dump_python(report, mode="json"))
        return
    for table in _tables(report):
        console().print(table)


def _ranges(seqs: Iterable[int]) -> str:
    """Ledger sequences as ranges: 3-5,9."""
    out: list[str] = []
    ordered = sorted(set(seqs))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _spread(s: Spread, *stats: str) -> str:
    return " / ".join(_s(getattr(s, stat)) for stat in stats)


def _cited(*figures: Tally | Spread) -> str:
    return _ranges(seq for f in figures for seq in f.seqs)


def _table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    table = Table(title=title)
    for column in (*columns, "ledger entries"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    return table


def _tables(report: Report) -> list[Table]:
    start = "the start" if report.start is None else report.start.isoformat()
    end = "now" if report.end is None else report.end.isoformat()
    period = f"{start} to {end}, as of ledger entry {report.as_of_seq}"
    if isinstance(report, NoticeReport):
        return [
            _table(
                f"Notice, {period}",
                ("party", "domain", "declared", "late", "lead time s (min / p50 / p90)"),
                (
                    (
                        r.party,
                        r.domain,
                        r.declared.count,
                        r.late.count,
                        _spread(r.lead_time_s, "min", "p50", "p90"),
                        _cited(r.declared, r.late),
                    )
                    for r in report.rows
                ),
            ),
            _table(
                "Late notices",
                ("party", "domain", "operation", "lead time s", "minimum s", "concerned"),
                (
                    (
                        n.party,
                        n.domain,
                        n.operation_id,
                        _s(n.lead_time_s),
                        _s(n.minimum_s),
                        ", ".join(n.concerns) or "–",
                        _ranges(n.seqs),
                    )
                    for n in report.late
                ),
            ),
        ]
    if isinstance(report, HotlineReport):
        stats = ("p50", "p95", "max")
        return [
            _table(
                f"Hotline, {period}",
                (
                    "from → to",
                    "precedence",
                    "sent",
                    "deliver s (p50 / p95 / max)",
                    "read s",
                    "acknowledge s",
                    "escalations",
                    "never acknowledged",
                ),
                (
                    (
                        f"{r.sender} → {r.recipient}",
                        r.precedence,
                        r.sent.count,
                        _spread(r.delivered_s, *stats),
                        _spread(r.read_s, *stats),
                        _spread(r.acknowledged_s, *stats),
                        r.escalations.count,
                        r.never_acknowledged.count,
                        _cited(r.sent, r.delivered_s, r.read_s, r.acknowledged_s, r.escalations),
                    )
                    for r in report.rows
                ),
            )
        ]
    if isinstance(report, ReciprocityReport):
        return [
            _table(
                f"Reciprocity, {period}; flagged under {report.share_threshold:.0%} of the other way",
                (
                    "from → to",
                    "operations",
                    "zones",
                    "messages",
                    "acknowledgements",
                    "told",
                    "told back",
                    "share",
                    "flag",
                ),
                (
                    (
                        f"{r.party} → {r.other}",
                        r.operations.count,
                        r.zones.count,
                        r.messages.count,
                        r.acknowledgements.count,
                        r.told,
                        r.told_back,
                        "–" if r.share is None else f"{r.share:.0%}",
                        "ONE-WAY" if r.flagged else "",
                        _cited(r.operations, r.zones, r.messages, r.acknowledgements),
                    )
                    for r in report.rows
                ),
            )
        ]
    stats = ("p50", "p95", "max")
    return [
        _table(
            f"Conflicts, {period}",
            (
                "pair",
                "found",
                "acknowledged",
                "resolved",
                "waived",
                "unsettled",
                "to acknowledge s (p50 / p95 / max)",
                "to resolve s",
                "amended by",
            ),
            (
                (
                    " / ".join(r.pair),
                    r.found.count,
                    r.acknowledged.count,
                    r.resolved.count,
                    r.waived.count,
                    r.unsettled.count,
                    _spread(r.time_to_acknowledge_s, *stats),
                    _spread(r.time_to_resolve_s, *stats),
                    ", ".join(f"{p} ({t.count})" for p, t in r.amended_by.items()) or "–",
                    _cited(r.found, r.acknowledged, r.resolved, r.waived, *r.amended_by.values()),
                )
                for r in report.rows
            ),
        )
    ]
