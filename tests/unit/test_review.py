"""The review figures' arithmetic: nearest-rank percentiles, spreads, periods, need to know, the share flag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from builders import T0
from deconflict.domain.access import Access, Role, Thing, Viewer, may, relation
from deconflict.domain.errors import InvalidInput
from deconflict.domain.ledger import ChainHead, LedgerEntry, make_entry, redact
from deconflict.domain.review import Period, ReportKind, build_report, nearest_rank, spread
from deconflict.domain.signing import generate_keypair

KEY = generate_keypair()[0]


def test_nearest_rank_is_a_recorded_value_at_rank_ceil_p_n_over_100() -> None:
    ten = [10.0, 2.0, 7.0, 1.0, 9.0, 3.0, 8.0, 4.0, 6.0, 5.0]
    assert [nearest_rank(ten, p) for p in (1, 10, 11, 50, 90, 95, 100)] == [1, 1, 2, 5, 9, 10, 10]
    assert nearest_rank([4.5], 50) == nearest_rank([4.5], 95) == 4.5
    assert nearest_rank([1.0, 2.0], 50) == 1.0  # no interpolation: rank ⌈1.0⌉ = 1


def test_nearest_rank_counts_the_rank_in_integers() -> None:
    hundred = [float(i) for i in range(1, 101)]
    assert nearest_rank(hundred, 7) == 7.0  # 0.07 × 100 is 7.000000000000001 in floating point


def test_nearest_rank_refuses_nothing_and_out_of_range_percentiles() -> None:
    with pytest.raises(ValueError, match="no values"):
        nearest_rank([], 50)
    with pytest.raises(ValueError, match="1 to 100"):
        nearest_rank([1.0], 0)


def test_a_spread_cites_every_entry_its_samples_rest_on() -> None:
    s = spread([(40.0, (3, 7)), (10.0, (3, 5)), (60.0, (9, 12))])
    assert (s.count, s.min, s.p50, s.p90, s.p95, s.max, s.seqs) == (3, 10, 40, 60, 60, 60, (3, 5, 7, 9, 12))
    assert spread([]).p50 is None and spread([]).count == 0


def test_a_period_is_half_open_and_needs_aware_times_in_order() -> None:
    period = Period(T0, T0 + timedelta(hours=1))
    assert period.holds(T0) and not period.holds(T0 + timedelta(hours=1))
    assert Period().holds(T0)
    with pytest.raises(InvalidInput) as naive:
        Period(T0.replace(tzinfo=None))
    assert naive.value.field == "start"
    with pytest.raises(InvalidInput) as empty:
        Period(T0, T0)
    assert empty.value.field == "end"
    with pytest.raises(InvalidInput) as overflow:
        Period(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))))
    assert overflow.value.field == "start"
    assert Period(T0.astimezone(timezone(timedelta(hours=2)))).start.tzinfo is UTC  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("role", "viewer", "sees"),
    [
        ("party", "blue", True),
        ("party", "green", False),
        ("observer", "watcher", True),
        ("admin", "root", True),
    ],
)
def test_a_party_sees_figures_about_pairs_it_belongs_to(role: str, viewer: str, sees: bool) -> None:
    reader = Viewer(viewer, Role(role))
    assert may(reader, Thing.FIGURE, Access.SEE, relation(viewer, None, ("blue", "red"))) is sees


def _messages(sender: str, recipient: str, count: int, prev: LedgerEntry | ChainHead) -> list[LedgerEntry]:
    out = []
    for i in range(count):
        prev = make_entry(prev, T0, sender, "message.sent",
                          {"message_id": f"{sender}-{i}", "sender": sender, "recipients": [recipient],
                           "precedence": "ROUTINE"}, KEY)  # fmt: skip
        out.append(prev)
    return out


@pytest.mark.parametrize(("back", "flagged"), [(4, False), (5, True)])
def test_a_direction_carrying_less_than_the_share_of_the_other_is_flagged(back: int, flagged: bool) -> None:
    told = _messages("blue", "red", 1, ChainHead())
    told += _messages("red", "blue", back, told[-1])
    report = build_report(ReportKind.RECIPROCITY, told, Period(), told[-1].seq, share=0.25)
    rows = {(r.party, r.other): r for r in report.rows}  # type: ignore[union-attr]
    assert (rows["blue", "red"].share, rows["blue", "red"].flagged) == (1 / back, flagged)
    assert not rows["red", "blue"].flagged


def test_a_redacted_entry_counts_for_nothing() -> None:
    (entry,) = _messages("blue", "red", 1, ChainHead())
    assert build_report(ReportKind.HOTLINE, [redact(entry)], Period(), 1).rows == ()
