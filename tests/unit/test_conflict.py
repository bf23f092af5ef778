"""What is and is not a conflict: the edge cases, stated and checked."""

from __future__ import annotations

import pytest

from builders import T0, square, tagged, volume
from deconflict.domain.conflict import Separation, conflict_between, find_conflicts
from deconflict.domain.footprint import circle_footprint, corridor_footprint, polygon_footprint


def test_overlapping_volumes_of_two_parties_conflict_with_the_overlap_reported() -> None:
    a = tagged("blue", "op-a", volume(square(10.0, 50.0), 0, 1000, 0, 60))
    b = tagged("red", "op-b", volume(square(10.05, 50.05), 500, 2000, 30, 90))
    conflict = conflict_between(a, b)
    assert conflict is not None
    assert (conflict.a.party, conflict.b.party) == ("blue", "red")
    assert conflict.window.start == T0.replace(minute=30)
    assert conflict.window.end == T0.replace(hour=11)
    assert (conflict.alt_lower_m, conflict.alt_upper_m) == (500, 1000)
    assert conflict.distance_m == 0
    # A quarter of a 0.1° square at 50°N: about 0.05° × 0.05° = 3.58 km × 5.56 km.
    assert conflict.overlap_area_m2 == pytest.approx(3.58e3 * 5.56e3, rel=0.02)


def test_volumes_of_the_same_party_never_conflict() -> None:
    a = tagged("blue", "op-a", volume())
    b = tagged("blue", "op-b", volume())
    assert conflict_between(a, b) is None
    assert find_conflicts([a, b]) == []


def test_a_shared_instant_is_a_hand_over_not_a_conflict() -> None:
    a = tagged("blue", "a", volume(start_min=0, end_min=60))
    b = tagged("red", "b", volume(start_min=60, end_min=120))
    assert conflict_between(a, b) is None
    assert conflict_between(a, b, Separation(10_000, 1000)) is None  # margins are not in time


def test_touching_edges_conflict_only_under_a_horizontal_margin() -> None:
    a = tagged("blue", "a", volume(square(10.0, 50.0)))
    b = tagged("red", "b", volume(square(10.1, 50.0)))  # shares the meridian 10.1°
    assert conflict_between(a, b) is None
    touching = conflict_between(a, b, Separation(horizontal_m=1.0))
    assert touching is not None
    assert touching.distance_m == 0
    assert touching.overlap_area_m2 == 0


def test_stacked_altitude_blocks_conflict_only_under_a_vertical_margin() -> None:
    a = tagged("blue", "a", volume(lower_m=0, upper_m=3000))
    b = tagged("red", "b", volume(lower_m=3000, upper_m=6000))
    assert conflict_between(a, b) is None
    near_miss = conflict_between(a, b, Separation(vertical_m=300))
    assert near_miss is not None
    assert near_miss.vertical_gap_m == 0


def test_horizontal_margin_reports_the_gap_in_metres() -> None:
    a = tagged("blue", "a", volume(circle_footprint((10.0, 50.0), 1000)))
    b = tagged("red", "b", volume(circle_footprint((10.0, 50.05), 1000)))
    # Centres 5,560 m apart on the meridian; circles 1 km each: gap ≈ 3,560 m (+ bound).
    assert conflict_between(a, b) is None
    close = conflict_between(a, b, Separation(horizontal_m=5_000))
    assert close is not None
    assert close.distance_m == pytest.approx(3_560, abs=10)
    assert conflict_between(a, b, Separation(horizontal_m=3_000)) is None


def test_vertical_margin_reports_the_gap_band() -> None:
    a = tagged("blue", "a", volume(lower_m=0, upper_m=1000))
    b = tagged("red", "b", volume(lower_m=1200, upper_m=2000))
    conflict = conflict_between(a, b, Separation(vertical_m=300))
    assert conflict is not None
    assert conflict.vertical_gap_m == pytest.approx(200)
    assert (conflict.alt_lower_m, conflict.alt_upper_m) == (1000, 1200)
    assert conflict_between(a, b, Separation(vertical_m=200)) is None  # gap must be < margin


def test_conflict_across_the_antimeridian() -> None:
    west = polygon_footprint([(179.9, -16.0), (180.0, -16.0), (180.0, -15.9), (179.9, -15.9)])
    east = polygon_footprint([(-179.95, -16.0), (-179.9, -16.0), (-179.9, -15.9), (-179.95, -15.9)])
    straddling = polygon_footprint([(179.95, -16.0), (-179.95, -16.0), (-179.95, -15.9), (179.95, -15.9)])
    vols = [
        tagged("blue", "w", volume(west)),
        tagged("red", "e", volume(east)),
        tagged("green", "s", volume(straddling)),
    ]
    pairs = {(c.a.party, c.b.party) for c in find_conflicts(vols)}
    assert pairs == {("blue", "green")}  # green touches red at -179.95 only: no area
    with_margin = {(c.a.party, c.b.party) for c in find_conflicts(vols, Separation(6_000))}
    assert with_margin == {("blue", "green"), ("green", "red"), ("blue", "red")}


def test_high_latitude_corridors_conflict_where_they_cross() -> None:
    a = corridor_footprint([(-20.0, 84.0), (20.0, 84.5)], 2_000)
    b = corridor_footprint([(0.0, 83.5), (0.0, 85.0)], 2_000)
    conflict = conflict_between(tagged("blue", "a", volume(a)), tagged("red", "b", volume(b)))
    assert conflict is not None
    assert conflict.overlap_area_m2 == pytest.approx(4_000 * 4_000, rel=0.3)


def test_high_latitude_gap_is_measured_in_metres_not_degrees() -> None:
    # At 85°N, 0.1° of longitude is only ~970 m.
    a = circle_footprint((0.0, 85.0), 100)
    b = circle_footprint((0.1, 85.0), 100)
    conflict = conflict_between(
        tagged("blue", "a", volume(a)), tagged("red", "b", volume(b)), Separation(1_000)
    )
    assert conflict is not None
    assert conflict.distance_m == pytest.approx(973 - 200, abs=5)


def test_find_conflicts_reports_each_pair_once_in_stable_order() -> None:
    vols = [tagged(p, f"op-{p}", volume()) for p in ("red", "blue", "green")]
    found = find_conflicts(vols)
    assert [(c.a.party, c.b.party) for c in found] == [("blue", "green"), ("blue", "red"), ("green", "red")]


def test_find_conflicts_agrees_with_pairwise_checks_on_a_crowded_scene() -> None:
    import random

    rng = random.Random(7)
    vols = []
    for i in range(120):
        lon, lat = 10 + rng.random(), 50 + rng.random()
        size = rng.uniform(0.01, 0.2)
        lo = rng.uniform(0, 5000)
        start = rng.uniform(0, 600)
        vols.append(
            tagged(f"p{i % 4}", f"op{i}", volume(square(lon, lat, size), lo, lo + 2000, start, start + 90))
        )
    margin = Separation(2_000, 300)
    fast = {c.pair for c in find_conflicts(vols, margin)}
    slow = {
        c.pair
        for i, a in enumerate(vols)
        for b in vols[i + 1 :]
        if (c := conflict_between(a, b, margin)) is not None
    }
    assert fast == slow
    assert len(fast) > 20
