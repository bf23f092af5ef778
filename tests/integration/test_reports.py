"""The review reports on real stores (SQLite and PostgreSQL): exact figures on a day with known answers,
the ledger entries each figure cites, and need to know for every role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from builders import T0
from deconflict.domain.access import Role, Viewer
from deconflict.domain.errors import InvalidInput, NotFound
from deconflict.domain.review import Period, ReportKind, Spread, Tally
from deconflict.service.reports import EVERYTHING, ReportQuery, review_report
from review_scenario import Scenario, build_day


@pytest.fixture
def day(service: Any) -> Scenario:
    return build_day(service)


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return T0.replace(hour=hh, minute=mm, second=ss)


def report(day: Scenario, kind: ReportKind, viewer: Viewer = EVERYTHING, **query: Any) -> Any:
    return review_report(day.service.uow(write=False), ReportQuery(kind, **query), viewer)


def spread(values: list[float], seqs: list[int], p50: float, p90: float, p95: float) -> Spread:
    return Spread(len(values), min(values), p50, p90, p95, max(values), tuple(sorted(seqs)))


def tally(*seqs: int, count: int | None = None) -> Tally:
    return Tally(len(seqs) if count is None else count, tuple(sorted(seqs)))


EMPTY = Spread(0, None, None, None, None, None, ())


def test_notice_counts_late_ones_and_whom_they_concerned(day: Scenario) -> None:
    s = day.seq
    b1, b2, b3 = (s("operation.submitted", operation_id=op) for op in ("B1", "B2", "B3"))
    r1, g1 = s("operation.submitted", operation_id="R1"), s("operation.submitted", operation_id="G1")
    late_b2, late_g1 = s("notice.late", operation_id="B2"), s("notice.late", operation_id="G1")

    notice = report(day, ReportKind.NOTICE)

    assert notice.as_of_seq == _head(day)
    rows = {(r.party, r.domain): r for r in notice.rows}
    assert set(rows) == {("blue", "air"), ("green", "sea"), ("red", "air")}  # zone Z1 gives no notice
    blue = rows["blue", "air"]
    assert blue.declared == tally(b1, b2, b3)
    assert blue.late == Tally(1, (b2, late_b2))
    assert blue.lead_time_s == spread([6600, 45, 1560], [b1, b2, b3], p50=1560, p90=6600, p95=6600)
    assert rows["green", "sea"].late == Tally(1, (g1, late_g1))
    assert rows["red", "air"].declared == tally(r1) and rows["red", "air"].late == tally()
    assert rows["red", "air"].lead_time_s == spread([7200], [r1], 7200, 7200, 7200)
    assert [(n.operation_id, n.lead_time_s, n.minimum_s, n.concerns, n.seqs) for n in notice.late] == [
        ("G1", 3600.0, 72 * 3600.0, (), (g1, late_g1)),
        ("B2", 45.0, 900.0, ("red",), (b2, late_b2)),
    ]
    assert notice.late[1].notice_at == at(9, 59, 15) and notice.late[1].time_start == at(10, 0)


def test_notice_over_a_period_counts_declarations_made_in_it(day: Scenario) -> None:
    notice = report(day, ReportKind.NOTICE, period=Period(at(10, 0), at(12, 0)))
    b3 = day.seq("operation.submitted", operation_id="B3")
    assert [(r.party, r.declared, r.late.count, r.lead_time_s.p50) for r in notice.rows] == [
        ("blue", tally(b3), 0, 1560.0)
    ]
    assert notice.late == ()


def test_hotline_times_to_deliver_read_and_acknowledge_per_pair_and_precedence(day: Scenario) -> None:
    s, ids = day.seq, day.ids

    def step(kind: str, message: str) -> int:
        return s(f"message.{kind}", message_id=ids[message])

    hotline = report(day, ReportKind.HOTLINE)

    rows = {(r.sender, r.recipient, r.precedence): r for r in hotline.rows}
    assert list(rows) == [
        ("blue", "red", "FLASH"),
        ("green", "blue", "ROUTINE"),
        ("red", "blue", "IMMEDIATE"),
    ]
    flash = rows["blue", "red", "FLASH"]
    m1, m3 = step("sent", "m1"), step("sent", "m3")
    assert flash.sent == tally(m1, m3)
    # m3 was acknowledged outright after 60 s: delivery and reading are implied at that moment
    assert flash.delivered_s == spread(
        [10, 60], [m1, step("delivered", "m1"), m3, step("delivered", "m3")], 10, 60, 60
    )
    assert flash.read_s == spread([30, 60], [m1, step("read", "m1"), m3, step("read", "m3")], 30, 60, 60)
    assert flash.acknowledged_s == spread(
        [40, 60], [m1, step("acknowledged", "m1"), m3, step("acknowledged", "m3")], 40, 60, 60
    )
    assert flash.escalations == tally() and flash.never_acknowledged == tally()
    immediate = rows["red", "blue", "IMMEDIATE"]
    m2 = step("sent", "m2")
    assert immediate.sent == tally(m2) and immediate.acknowledged_s == EMPTY
    assert immediate.escalations == tally(step("escalated", "m2"))
    assert immediate.never_acknowledged == tally(m2)
    routine = rows["green", "blue", "ROUTINE"]
    m4, m5 = step("sent", "m4"), step("sent", "m5")
    assert routine.sent == tally(m4, m5) and routine.never_acknowledged == tally(m4)
    assert routine.acknowledged_s == spread([1800], [m5, step("acknowledged", "m5")], 1800, 1800, 1800)


def test_hotline_follows_a_message_sent_in_the_period_beyond_its_end(day: Scenario) -> None:
    hotline = report(day, ReportKind.HOTLINE, period=Period(at(9, 59), at(10, 0)))
    (row,) = hotline.rows
    assert (row.sender, row.recipient, row.sent.count) == ("blue", "red", 1)
    assert row.acknowledged_s.max == 40.0  # acknowledged at 10:00, the period's end


def test_reciprocity_counts_what_each_side_told_the_other_and_flags_one_way_traffic(day: Scenario) -> None:
    s, ids = day.seq, day.ids
    decl = {op: s("operation.submitted", operation_id=op) for op in ("R1", "B1", "B2", "B3")}
    zone = s("zone.declared", operation_id="Z1")
    found = {c: s("conflict.found", conflict_id=ids[c]) for c in ("C1", "C2")}
    (c0,) = [e for e in _entries(day) if e.type == "conflict.found" and e.seq not in found.values()]
    sent = {m: s("message.sent", message_id=ids[m]) for m in ("m1", "m2", "m3", "m4", "m5")}
    acked = {m: s("message.acknowledged", message_id=ids[m]) for m in ("m1", "m3", "m5")}

    rec = report(day, ReportKind.RECIPROCITY)

    assert rec.share_threshold == 0.25
    rows = {(r.party, r.other): r for r in rec.rows}
    assert list(rows) == [("blue", "green"), ("blue", "red"), ("green", "blue"), ("red", "blue")]
    blue_red, red_blue = rows["blue", "red"], rows["red", "blue"]
    # B1 met red's zone Z1; B2 (version 1) and B3 met R1; B2's amended version met nothing
    assert blue_red.operations == tally(
        decl["B1"], c0.seq, decl["B2"], found["C1"], decl["B3"], found["C2"], count=3
    )
    assert blue_red.messages == tally(sent["m1"], sent["m3"]) and blue_red.acknowledgements == tally()
    assert red_blue.operations == tally(decl["R1"], found["C1"], found["C2"], count=1)
    assert red_blue.zones == tally(zone, c0.seq, count=1)
    assert red_blue.messages == tally(sent["m2"])
    assert red_blue.acknowledgements == tally(acked["m1"], acked["m3"])
    assert (blue_red.told, blue_red.told_back, blue_red.share, blue_red.flagged) == (5, 5, 1.0, False)
    blue_green, green_blue = rows["blue", "green"], rows["green", "blue"]
    assert blue_green.acknowledgements == tally(acked["m5"])
    assert (blue_green.told, blue_green.told_back, blue_green.share, blue_green.flagged) == (1, 2, 0.5, False)
    assert (green_blue.told, green_blue.share, green_blue.flagged) == (2, 2.0, False)

    stricter = {(r.party, r.other): r.flagged for r in report(day, ReportKind.RECIPROCITY, share=0.6).rows}
    assert stricter == {
        ("blue", "green"): True,
        ("blue", "red"): False,
        ("green", "blue"): False,
        ("red", "blue"): False,
    }

    quiet = report(day, ReportKind.RECIPROCITY, period=Period(at(10, 6), at(10, 30)))
    assert [(r.party, r.other, r.told, r.told_back, r.share, r.flagged) for r in quiet.rows] == [
        ("blue", "green", 0, 2, 0.0, True),
        ("green", "blue", 2, 0, None, False),
    ]


def test_conflicts_found_acknowledged_resolved_waived_and_who_amended(day: Scenario) -> None:
    s, ids = day.seq, day.ids
    c1, c2 = s("conflict.found", conflict_id=ids["C1"]), s("conflict.found", conflict_id=ids["C2"])
    (c0,) = [e.seq for e in _entries(day) if e.type == "conflict.found" and e.seq not in (c1, c2)]
    acked = s("conflict.acknowledged", conflict_id=ids["C1"])
    resolved = s("conflict.resolved", conflict_id=ids["C1"])
    waived = s("conflict.waived", conflict_id=ids["C2"])
    amended = s("operation.amended", operation_id="B2")

    (row,) = report(day, ReportKind.CONFLICTS).rows

    assert row.pair == ("blue", "red")
    assert row.found == tally(c0, c1, c2)
    assert (
        row.acknowledged == tally(acked) and row.resolved == tally(resolved) and row.waived == tally(waived)
    )
    assert row.unsettled == tally(c0)
    assert row.time_to_acknowledge_s == spread([75], [c1, acked], 75, 75, 75)
    assert row.time_to_resolve_s == spread([225], [c1, resolved], 225, 225, 225)
    assert row.amended_by == {"blue": tally(c1, amended, count=1)}


@pytest.mark.parametrize(
    ("viewer", "notice_parties", "late", "hotline_pairs", "conflict_rows"),
    [
        ("blue", ["blue"], ["B2"], [("blue", "red"), ("green", "blue"), ("red", "blue")], 1),
        ("red", ["red"], ["B2"], [("blue", "red"), ("red", "blue")], 1),
        ("green", ["green"], ["G1"], [("green", "blue")], 0),
        (
            "watcher",
            ["blue", "green", "red"],
            ["G1", "B2"],
            [("blue", "red"), ("green", "blue"), ("red", "blue")],
            1,
        ),
        (
            "root",
            ["blue", "green", "red"],
            ["G1", "B2"],
            [("blue", "red"), ("green", "blue"), ("red", "blue")],
            1,
        ),
    ],
)
def test_each_role_sees_the_figures_about_pairs_it_belongs_to(
    day: Scenario,
    viewer: str,
    notice_parties: list[str],
    late: list[str],
    hotline_pairs: list[Any],
    conflict_rows: int,
) -> None:
    role = {"watcher": "observer", "root": "admin"}.get(viewer, "party")
    who = Viewer(viewer, Role(role))
    notice = report(day, ReportKind.NOTICE, who)
    assert [r.party for r in notice.rows] == notice_parties
    assert [n.operation_id for n in notice.late] == late
    assert [(r.sender, r.recipient) for r in report(day, ReportKind.HOTLINE, who).rows] == hotline_pairs
    assert len(report(day, ReportKind.CONFLICTS, who).rows) == conflict_rows
    for row in report(day, ReportKind.RECIPROCITY, who).rows:
        assert role != "party" or viewer in (row.party, row.other)


def test_a_party_filter_keeps_the_figures_about_that_party(day: Scenario) -> None:
    watcher = Viewer("watcher", Role.OBSERVER)
    rows = report(day, ReportKind.RECIPROCITY, watcher, party="green").rows
    assert [(r.party, r.other) for r in rows] == [("blue", "green"), ("green", "blue")]
    assert report(day, ReportKind.CONFLICTS, Viewer("blue", Role.PARTY), party="green").rows == ()


def test_bad_queries_name_the_field(day: Scenario) -> None:
    with pytest.raises(NotFound) as unknown:
        report(day, ReportKind.NOTICE, party="purple")
    assert unknown.value.field == "party"
    with pytest.raises(InvalidInput) as backwards:
        Period(at(11, 0), at(10, 0))
    assert backwards.value.field == "end"
    with pytest.raises(InvalidInput) as share:
        report(day, ReportKind.RECIPROCITY, share=1.5)
    assert share.value.field == "share"


def _entries(day: Scenario) -> list[Any]:
    with day.service.uow(write=False) as uow:
        return list(uow.ledger.entries())


def _head(day: Scenario) -> int:
    with day.service.uow(write=False) as uow:
        return int(uow.ledger.head_seq())
