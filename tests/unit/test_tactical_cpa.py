"""Tactical conflict detection: hand-computed geometry, and the fast detector against the oracle.

Hand-computed cases sit on the equator (or are rotated copies of it), where the
pair frame is the flat east/north plane: two points at longitudes 0 and ``arc``
with ``arc = 2 asin(d / 2R)`` are exactly ``d`` apart (the chord). Velocities
along the equator lose a factor ``cos(arc / 2)`` (< 1e-5 here) when carried into
the midpoint plane, hence the relative tolerances.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import Platform, track_scene
from deconflict.domain.errors import InvalidInput
from deconflict.domain.tactical import (
    DEFAULT_MINIMA,
    DRONE_MINIMA,
    EARTH_RADIUS_M,
    Minima,
    PredictedConflict,
    TrackState,
    cpa,
    detect,
    detect_brute_force,
    minima_for_classes,
)
from deconflict.domain.units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE

AT = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
NM = METRES_PER_NAUTICAL_MILE
SEP_H = 5 * NM  # 9,260 m
SEP_V = 1000 * METRES_PER_FOOT  # 304.8 m


P = Platform


def scene(*platforms: Platform) -> TrackState:
    return track_scene(AT, platforms)


def arc_deg(chord_m: float) -> float:
    """Central angle (degrees) whose chord is ``chord_m``."""
    return math.degrees(2 * math.asin(chord_m / (2 * EARTH_RADIUS_M)))


def both(state: TrackState, minima: Minima | list[Minima] = DEFAULT_MINIMA) -> tuple[PredictedConflict, ...]:
    """Run the fast detector and the oracle; they must agree; return the result."""
    fast, oracle = detect(state, minima), detect_brute_force(state, minima)
    assert_same(fast, oracle)
    return fast


def assert_same(fast: tuple[PredictedConflict, ...], oracle: tuple[PredictedConflict, ...]) -> None:
    assert [(c.a, c.b) for c in fast] == [(c.a, c.b) for c in oracle]
    for f, o in zip(fast, oracle, strict=True):
        assert f.current_loss == o.current_loss
        for name in ("tcpa_s", "dcpa_m", "t_in_s", "t_out_s"):
            assert getattr(f, name) == pytest.approx(getattr(o, name), rel=1e-6, abs=1e-6), name


def only(state: TrackState, minima: Minima | list[Minima] = DEFAULT_MINIMA) -> PredictedConflict:
    [conflict] = both(state, minima)
    return conflict


# hand-computed geometry
# ----------------------


def test_head_on_at_same_altitude() -> None:
    # 50 km apart, closing at 500 m/s: CPA at 100 s, distance 0;
    # inside 9,260 m from (50,000 - 9,260) / 500 = 81.48 s to 118.52 s.
    c = only(scene(P("A", "blue", 0, 0, gs=250, trk=90), P("B", "red", 0, arc_deg(50_000), gs=250, trk=270)))
    assert (c.a, c.b, c.current_loss) == ("A", "B", False)
    assert c.tcpa_s == pytest.approx(100.0, rel=1e-4)
    assert c.dcpa_m == pytest.approx(0.0, abs=1e-6)
    assert c.t_in_s == pytest.approx(81.48, rel=1e-4)
    assert c.t_out_s == pytest.approx(118.52, rel=1e-4)


def test_head_on_beyond_look_ahead_is_not_reported() -> None:
    # 200 km apart at 500 m/s closing: inside from 381.5 s, after the 300 s look-ahead.
    far = scene(P("A", "blue", 0, 0, gs=250, trk=90), P("B", "red", 0, arc_deg(200_000), gs=250, trk=270))
    assert both(far) == ()
    assert len(both(far, Minima(look_ahead_s=400))) == 1


def test_parallel_tracks_outside_the_minimum_never_conflict() -> None:
    # Side by side 6 NM apart heading north, the same speed or one overtaking.
    lon = arc_deg(6 * NM)
    assert both(scene(P("A", "blue", 0, 0, gs=230, trk=0), P("B", "red", 0, lon, gs=230, trk=0))) == ()
    assert both(scene(P("A", "blue", 0, 0, gs=230, trk=0), P("B", "red", 0, lon, gs=260, trk=0))) == ()


def test_parallel_tracks_inside_the_minimum_stay_in_loss_for_the_whole_look_ahead() -> None:
    c = only(scene(P("A", "blue", 0, 0, gs=230, trk=0), P("B", "red", 0, arc_deg(4 * NM), gs=230, trk=0)))
    assert c.current_loss
    assert (c.tcpa_s, c.t_in_s, c.t_out_s) == (0.0, 0.0, 300.0)
    assert c.dcpa_m == pytest.approx(4 * NM, rel=1e-9)


def test_crossing_at_right_angles() -> None:
    # Both 40 km from the origin at 200 m/s, one northbound, one eastbound: they meet at 200 s.
    # Relative speed 200 sqrt 2 = 282.84 m/s, so inside from 200 -/+ 9,260 / 282.84 = 32.74 s.
    d = arc_deg(40_000)
    c = only(scene(P("N", "blue", -d, 0, gs=200, trk=0), P("E", "red", 0, -d, gs=200, trk=90)))
    assert c.tcpa_s == pytest.approx(200.0, rel=1e-4)
    assert c.dcpa_m < 2.0  # curvature: the two great circles are not quite a flat cross
    assert c.t_in_s == pytest.approx(167.26, rel=1e-4)
    assert c.t_out_s == pytest.approx(232.74, rel=1e-4)


def test_climbing_into_conflict_from_below() -> None:
    # 2 NM apart in formation (always inside horizontally), B 1,000 m below, climbing 5 m/s:
    # vertically inside from (1,000 - 304.8) / 5 = 139.04 s to (1,000 + 304.8) / 5 = 260.96 s.
    a = P("A", "blue", 0, 0, alt_m=3000, gs=200, trk=0)
    b = P("B", "red", 0, arc_deg(2 * NM), alt_m=2000, gs=200, trk=0, vs=5)
    c = only(scene(a, b))
    assert not c.current_loss
    assert c.tcpa_s == 0.0
    assert c.dcpa_m == pytest.approx(2 * NM, rel=1e-9)
    # (to a micrometre of the minimum: exactly at it is no loss, whatever the rounding)
    assert c.t_in_s == pytest.approx(139.04, abs=1e-6)
    assert c.t_out_s == pytest.approx(260.96, abs=1e-6)
    # Climbing at 2 m/s it would arrive at 347.6 s, after the look-ahead.
    slow = P("B", "red", 0, arc_deg(2 * NM), alt_m=2000, gs=200, trk=0, vs=2)
    assert both(scene(a, slow)) == ()


def test_vertical_separation_alone_keeps_a_head_on_pair_clear() -> None:
    a = P("A", "blue", 0, 0, alt_m=10_000, gs=250, trk=90)
    b = P("B", "red", 0, arc_deg(50_000), alt_m=10_000 + 305, gs=250, trk=270)
    assert both(scene(a, b)) == ()


def test_diverging_pair_is_clear() -> None:
    assert (
        both(scene(P("A", "blue", 0, 0, gs=250, trk=270), P("B", "red", 0, arc_deg(20_000), gs=250, trk=90)))
        == ()
    )


def test_diverging_pair_still_inside_is_a_current_loss_until_it_opens() -> None:
    # 3 km apart, opening at 500 m/s: CPA was 6 s ago, out at (9,260 - 3,000) / 500 = 12.52 s.
    c = only(scene(P("A", "blue", 0, 0, gs=250, trk=270), P("B", "red", 0, arc_deg(3000), gs=250, trk=90)))
    assert c.current_loss
    assert c.tcpa_s == pytest.approx(-6.0, rel=1e-4)
    assert c.t_in_s == 0.0
    assert c.t_out_s == pytest.approx(12.52, rel=1e-4)


def test_current_loss_between_stationary_platforms() -> None:
    c = only(scene(P("A", "blue", 0, 0, alt_m=100), P("B", "red", 0, arc_deg(1000), alt_m=150)))
    assert c.current_loss
    assert (c.tcpa_s, c.t_in_s, c.t_out_s) == (0.0, 0.0, 300.0)
    assert c.dcpa_m == pytest.approx(1000.0, rel=1e-9)


def test_exactly_at_the_minimum_is_not_a_loss() -> None:
    # Horizontally a millimetre either side (the chord is computed, not exact).
    assert both(scene(P("A", "blue", 0, 0), P("B", "red", 0, arc_deg(SEP_H + 1e-3)))) == ()
    assert len(both(scene(P("A", "blue", 0, 0), P("B", "red", 0, arc_deg(SEP_H - 1e-3))))) == 1
    assert both(scene(P("A", "blue", 0, 0, alt_m=0), P("B", "red", 0, 0, alt_m=SEP_V))) == ()


def test_same_party_pairs_are_not_reported() -> None:
    a = P("A", "blue", 0, 0, gs=250, trk=90)
    b = P("B", "blue", 0, arc_deg(50_000), gs=250, trk=270)
    assert both(scene(a, b)) == ()
    # With a third party in the middle, only the cross-party pairs appear.
    c = P("C", "red", 0, arc_deg(25_000))
    assert [(x.a, x.b) for x in both(scene(a, b, c))] == [("A", "C"), ("B", "C")]


def test_pair_is_named_in_id_order_whatever_the_input_order() -> None:
    c = only(
        scene(P("zulu", "red", 0, arc_deg(50_000), gs=250, trk=270), P("alpha", "blue", 0, 0, gs=250, trk=90))
    )
    assert (c.a, c.b) == ("alpha", "zulu")


def test_pair_across_the_antimeridian_is_the_same_as_at_greenwich() -> None:
    half = arc_deg(50_000) / 2
    greenwich = only(scene(P("A", "blue", 0, -half, gs=250, trk=90), P("B", "red", 0, half, gs=250, trk=270)))
    dateline = only(
        scene(P("A", "blue", 0, 180 - half, gs=250, trk=90), P("B", "red", 0, -180 + half, gs=250, trk=270))
    )
    assert_same((dateline,), (greenwich,))
    assert dateline.tcpa_s == pytest.approx(100.0, rel=1e-4)


def test_head_on_at_85_degrees_matches_the_equator() -> None:
    d = arc_deg(50_000)
    equator = only(scene(P("A", "blue", 0, 10, gs=250, trk=0), P("B", "red", d, 10, gs=250, trk=180)))
    north = only(scene(P("A", "blue", 85, 10, gs=250, trk=0), P("B", "red", 85 + d, 10, gs=250, trk=180)))
    assert_same((north,), (equator,))


def test_east_west_pair_at_85_degrees_closes_head_on() -> None:
    # Along the parallel at 85 deg, 50 km apart (chord): each one's "east" is tangent to
    # the parallel, at half the longitude gap (2.58 deg) from the chord between them, equally,
    # so they meet head-on, closing at 500 cos(2.58 deg) m/s.
    half_gap = math.asin(50_000 / (2 * EARTH_RADIUS_M * math.cos(math.radians(85))))
    lon = math.degrees(2 * half_gap)
    c = only(scene(P("A", "blue", 85, 0, gs=250, trk=90), P("B", "red", 85, lon, gs=250, trk=270)))
    assert c.dcpa_m < 1e-3
    assert c.tcpa_s == pytest.approx(100.0 / math.cos(half_gap), rel=1e-9)


def test_pair_converging_over_the_pole() -> None:
    # Both 0.2 deg from the pole on opposite meridians, both heading north: head-on.
    # An equirectangular frame at 89.8 deg would see them 1.5 km apart, not 44.5 km.
    chord = 2 * EARTH_RADIUS_M * math.sin(math.radians(0.2))
    c = only(scene(P("A", "blue", 89.8, 0, gs=250, trk=0), P("B", "red", 89.8, 180, gs=250, trk=0)))
    assert c.dcpa_m < 1.0
    assert c.tcpa_s == pytest.approx(chord / 500, rel=1e-4)


def test_platforms_on_the_other_side_of_the_globe_never_conflict() -> None:
    assert both(scene(P("A", "blue", 0, 0), P("B", "red", 0, 180))) == ()
    assert both(scene(P("A", "blue", 90, 0), P("B", "red", -90, 0))) == ()


# minima
# ------


def test_a_pair_uses_the_larger_of_each_minimum() -> None:
    # 1 NM apart, 200 m vertically: clear for two drones (0.66 NM / 450 ft),
    # a loss when one of them flies under en-route minima (5 NM / 1,000 ft).
    a = P("A", "blue", 0, 0, alt_m=100)
    b = P("B", "red", 0, arc_deg(1 * NM), alt_m=300)
    drones = minima_for_classes(["drone", "drone"])
    assert both(scene(a, b), list(drones)) == ()
    c = only(scene(a, b), list(minima_for_classes(["drone", "en_route"])))
    assert c.current_loss


def test_pair_uses_the_longer_look_ahead() -> None:
    a = P("A", "blue", 0, 0, gs=250, trk=90)
    b = P("B", "red", 0, arc_deg(200_000), gs=250, trk=270)
    assert both(scene(a, b), [DEFAULT_MINIMA, DEFAULT_MINIMA]) == ()
    assert len(both(scene(a, b), [DEFAULT_MINIMA, Minima(look_ahead_s=600)])) == 1


def test_drone_minima_values() -> None:
    assert DRONE_MINIMA.horizontal_m == pytest.approx(0.66 * NM)
    assert DRONE_MINIMA.vertical_m == pytest.approx(450 * METRES_PER_FOOT)
    assert DEFAULT_MINIMA.combine(DRONE_MINIMA) == DEFAULT_MINIMA


@pytest.mark.parametrize(
    "kwargs", [{"horizontal_m": 0}, {"vertical_m": -1}, {"look_ahead_s": -1}, {"look_ahead_s": 1e5}]
)
def test_minima_refuse_nonsense(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        Minima(**kwargs)


def test_unknown_class_is_refused() -> None:
    with pytest.raises(InvalidInput, match="glider"):
        minima_for_classes(["drone", "glider"])


def test_one_minima_per_platform_or_one_for_all() -> None:
    with pytest.raises(InvalidInput):
        detect(scene(P("A", "blue", 0, 0), P("B", "red", 0, 0)), [DEFAULT_MINIMA])


# the state
# ---------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lat": 91.0}, "lat_deg"),
        ({"lon": -180.5}, "lon_deg"),
        ({"gs": -1.0}, "ground_speed_m_s"),
        ({"alt_m": math.nan}, "alt_m"),
    ],
)
def test_state_refuses_bad_values(change: dict[str, float], field: str) -> None:
    good = {"lat": 0.0, "lon": 0.0, "alt_m": 0.0, "gs": 0.0}
    values = {**good, **change}
    with pytest.raises(InvalidInput) as caught:
        scene(P("A", "blue", values["lat"], values["lon"], alt_m=values["alt_m"], gs=values["gs"]))
    assert caught.value.field == field


def test_state_refuses_duplicate_ids_naive_time_and_ragged_columns() -> None:
    with pytest.raises(InvalidInput, match="'A' appears 2 times"):
        scene(P("A", "blue", 0, 0), P("A", "red", 1, 1))
    with pytest.raises(InvalidInput):
        TrackState.from_columns(
            datetime(2026, 11, 22, 10, 0),
            ids=["A"], party=["blue"], lat_deg=[0], lon_deg=[0], alt_m=[0],
            ground_speed_m_s=[0], track_deg=[0], vertical_rate_m_s=[0],
        )  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        TrackState.from_columns(
            AT, ids=["A", "B"], party=["blue", "red"], lat_deg=[0], lon_deg=[0, 0], alt_m=[0, 0],
            ground_speed_m_s=[0, 0], track_deg=[0, 0], vertical_rate_m_s=[0, 0],
        )  # fmt: skip
    assert caught.value.field == "lat_deg"


def test_state_columns_are_read_only() -> None:
    state = scene(P("A", "blue", 0, 0))
    with pytest.raises(ValueError, match="read-only"):
        state.lat_deg[0] = 1.0


def test_empty_and_single_platform_scenes() -> None:
    assert both(scene()) == ()
    assert both(scene(P("A", "blue", 0, 0))) == ()


# an independent check of the pair test
# -------------------------------------


def flat_frame(a: P, b: P) -> tuple[float, float, float, float]:
    """b relative to a in an equirectangular frame about the mean latitude: dx, dy, dvx, dvy."""
    lat = math.radians((a.lat + b.lat) / 2)
    dlon = (b.lon - a.lon + 180) % 360 - 180
    dx = math.radians(dlon) * math.cos(lat) * EARTH_RADIUS_M
    dy = math.radians(b.lat - a.lat) * EARTH_RADIUS_M
    dvx = b.gs * math.sin(math.radians(b.trk)) - a.gs * math.sin(math.radians(a.trk))
    dvy = b.gs * math.cos(math.radians(b.trk)) - a.gs * math.cos(math.radians(a.trk))
    return dx, dy, dvx, dvy


def flat_loss(a: P, b: P, horizontal_m: float, vertical_m: float, look_ahead_s: float = 300.0) -> bool:
    """Sample the look-ahead every 15 ms for a loss of both minima at once."""
    dx, dy, dvx, dvy = flat_frame(a, b)
    t = np.linspace(0, look_ahead_s, 20_001)
    h = np.hypot(dx + dvx * t, dy + dvy * t)
    v = np.abs(b.alt_m - a.alt_m + (b.vs - a.vs) * t)
    return bool(np.any((h < horizontal_m) & (v < vertical_m)))


@st.composite
def close_pairs(draw: st.DrawFn) -> tuple[P, P]:
    lat = draw(st.floats(-20, 20))
    lon = draw(st.floats(-180, 180))

    def platform(name: str, party: str) -> P:
        return P(
            name, party,
            lat + draw(st.floats(-0.1, 0.1)),
            (lon + draw(st.floats(-0.1, 0.1)) + 180) % 360 - 180,
            alt_m=draw(st.floats(0, 1500)),
            gs=draw(st.floats(50, 300)),
            trk=draw(st.floats(0, 360)),
            vs=draw(st.floats(-10, 10)),
        )  # fmt: skip

    return platform("A", "blue"), platform("B", "red")


@settings(max_examples=300, deadline=None)
@given(close_pairs())
def test_pair_test_agrees_with_a_flat_scalar_reference(pair: tuple[P, P]) -> None:
    """BlueSky's formula written out in scalars in an equirectangular frame.

    Within 0.1 deg of each other at |lat| <= 20 deg, the frames differ by the meridian
    convergence (< 0.04 deg) and the chord (< 1e-6): metres over the look-ahead.
    """
    a, b = pair
    found = detect_brute_force(scene(a, b))
    if flat_loss(a, b, SEP_H * 0.97, SEP_V - 1):
        assert found, "the reference sees a clear loss"
    if not flat_loss(a, b, SEP_H * 1.03, SEP_V + 1):
        assert not found, "the reference sees clear separation"
    dx, dy, dvx, dvy = flat_frame(a, b)
    dv2 = dvx * dvx + dvy * dvy
    if found and dv2 > 50.0**2:
        tcpa = -(dx * dvx + dy * dvy) / dv2
        dcpa = math.hypot(dx + dvx * tcpa, dy + dvy * tcpa)
        assert found[0].tcpa_s == pytest.approx(tcpa, rel=1e-2, abs=0.5)
        assert found[0].dcpa_m == pytest.approx(dcpa, rel=1e-2, abs=30.0)


# the fast detector returns exactly the oracle's pairs
# ----------------------------------------------------


def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point reached from (lat, lon) along the tangent plane, back on the sphere."""
    phi, lam = math.radians(lat), math.radians(lon)
    u = np.array([math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)])
    east = np.array([-math.sin(lam), math.cos(lam), 0.0])
    north = np.cross(u, east)
    p = u + (east * east_m + north * north_m) / EARTH_RADIUS_M
    p /= np.linalg.norm(p)
    return math.degrees(math.asin(max(-1.0, min(1.0, p[2])))), math.degrees(math.atan2(p[1], p[0]))


minima_choices = st.builds(
    Minima,
    horizontal_m=st.floats(50, 20_000),
    vertical_m=st.floats(10, 1_000),
    look_ahead_s=st.floats(0, 900),
)


@st.composite
def scenes(draw: st.DrawFn) -> tuple[TrackState, Minima | list[Minima]]:
    n = draw(st.integers(0, 40))
    lat0 = draw(st.one_of(st.floats(-90, 90), st.sampled_from([-90.0, -89.99, 0.0, 85.0, 89.99, 90.0])))
    lon0 = draw(st.one_of(st.floats(-180, 180), st.sampled_from([-180.0, 179.99, 180.0])))
    spread_m = draw(st.sampled_from([0.0, 2_000.0, 20_000.0, 100_000.0, 400_000.0]))
    unit = st.floats(-1, 1)
    platforms = []
    for i in range(n):
        lat, lon = offset(lat0, lon0, draw(unit) * spread_m, draw(unit) * spread_m)
        platforms.append(
            P(
                f"P{draw(st.integers(0, 10**6)):07d}-{i}",
                draw(st.sampled_from(["blue", "red", "green"])),
                lat, lon,
                alt_m=draw(st.sampled_from([0.0, 300.0, 3_000.0])) + draw(st.floats(0, 1_000)),
                gs=draw(st.one_of(st.just(0.0), st.floats(0, 350))),
                trk=draw(st.floats(-360, 720)),
                vs=draw(st.one_of(st.just(0.0), st.floats(-30, 30))),
            )
        )  # fmt: skip
    minima: Minima | list[Minima]
    if draw(st.booleans()):
        minima = draw(minima_choices)
    else:
        table = draw(st.lists(minima_choices, min_size=1, max_size=3))
        minima = [table[draw(st.integers(0, len(table) - 1))] for _ in range(n)]
    return scene(*platforms), minima


@settings(max_examples=300, deadline=None)
@given(scenes())
def test_detect_returns_exactly_the_oracles_conflicts(case: tuple[TrackState, Minima | list[Minima]]) -> None:
    state, minima = case
    assert_same(detect(state, minima), detect_brute_force(state, minima))


def random_theatre(n: int, seed: int, size_m: float = 400_000.0) -> TrackState:
    rng = np.random.default_rng(seed)
    points = [offset(48.0, 179.0, x, y) for x, y in rng.uniform(-size_m / 2, size_m / 2, (n, 2))]
    return TrackState.from_columns(
        AT,
        ids=[f"T{i:05d}" for i in range(n)],
        party=rng.choice(["blue", "red", "green"], n).tolist(),
        lat_deg=[p[0] for p in points],
        lon_deg=[p[1] for p in points],
        alt_m=rng.uniform(0, 12_000, n),
        ground_speed_m_s=rng.uniform(60, 260, n),
        track_deg=rng.uniform(0, 360, n),
        vertical_rate_m_s=np.where(rng.random(n) < 0.7, 0.0, rng.uniform(-15, 15, n)),
    )


def test_large_random_scene_fast_equals_oracle_and_prunes(monkeypatch: pytest.MonkeyPatch) -> None:
    state = random_theatre(3_000, seed=20261122)
    tested: list[int] = []
    real = cpa._test_pairs

    def counting(k: cpa._Kinematics, a: cpa.IndexArray, b: cpa.IndexArray) -> cpa._Found:
        tested.append(int(a.shape[0]))
        return real(k, a, b)

    monkeypatch.setattr(cpa, "_test_pairs", counting)
    fast = detect(state)
    pairs_tested = sum(tested)
    oracle = detect_brute_force(state)
    assert len(oracle) > 100
    assert_same(fast, oracle)
    # The exact test ran on a small fraction of the 4.5 million pairs.
    assert pairs_tested < 0.05 * 3_000 * 2_999 / 2
