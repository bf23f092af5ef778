"""Zone breaches and non-conformance: hand-computed geometry, and the fast path against the oracle.

Hand-computed motion runs along the equator or a meridian, where
:func:`advance` stays on the line exactly and the angle flown after ``t``
seconds is ``atan(g t / R)``: a platform reaches a line ``a`` degrees ahead at
``t = R tan(a) / g``, which is ``distance / speed`` to a relative 1e-5 over the
distances used here (``tan(a) - a ~ a^3 / 3``), i.e. well under 0.01 s.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from builders import Platform, track_scene
from deconflict.domain.altitude import AltitudeBand
from deconflict.domain.errors import InvalidInput
from deconflict.domain.footprint import circle_footprint, polygon_footprint
from deconflict.domain.tactical import (
    CHORD_ERROR_M,
    EARTH_RADIUS_M,
    NonConformance,
    TrackState,
    ZoneBreach,
    non_conformances,
    zone_breaches,
    zone_breaches_brute_force,
)
from deconflict.domain.tactical import zones as zones_module
from deconflict.domain.tactical.motion import advance
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import TaggedVolume, Volume4D, VolumeRef

AT = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ALL_DAY = TimeWindow(AT - timedelta(hours=12), AT + timedelta(hours=12))
LOW = AltitudeBand(0.0, 3_000.0)
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0


def P(*args: Any, alt_m: float = 1_000.0, **kw: Any) -> Platform:
    """A platform at 1,000 m unless told: the zones here are low."""
    return Platform(*args, alt_m=alt_m, **kw)


def scene(*platforms: Platform) -> TrackState:
    return track_scene(AT, platforms)


def box(lon0: float, lat0: float, lon1: float, lat1: float) -> Volume4D:
    return Volume4D(polygon_footprint([(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1)]), LOW, ALL_DAY)


def zone(volume: Volume4D, party: str = "red", name: str = "Z", index: int = 0) -> TaggedVolume:
    return TaggedVolume(VolumeRef(party, name, index), volume)


def reach_s(degrees: float, speed: float) -> float:
    """Time to fly ``degrees`` of arc along a great circle (see the module docstring)."""
    return EARTH_RADIUS_M * math.tan(math.radians(degrees)) / speed


def only(found: tuple[ZoneBreach, ...]) -> ZoneBreach:
    assert len(found) == 1, found
    return found[0]


# hand-computed cases
# -------------------


def test_eastbound_at_the_equator_enters_after_distance_over_speed() -> None:
    square = zone(box(0.1, -0.05, 0.2, 0.05))
    state = scene(P("A", "blue", 0.0, 0.0, gs=200.0, trk=90.0))
    b = only(zone_breaches(state, [square], 300.0))
    distance = 0.1 * METRES_PER_DEGREE
    assert b.t_in_s == pytest.approx(distance / 200.0, abs=0.01)
    assert b.t_in_s == pytest.approx(reach_s(0.1, 200.0), abs=1e-3)
    assert b.t_out_s == pytest.approx(reach_s(0.2, 200.0), abs=1e-3)
    assert (b.platform, b.party, b.zone, b.current) == ("A", "blue", VolumeRef("red", "Z"), False)


def test_entry_beyond_the_look_ahead_is_not_reported_and_the_stay_is_clipped() -> None:
    square = zone(box(0.1, -0.05, 0.2, 0.05))
    state = scene(P("A", "blue", 0.0, 0.0, gs=200.0, trk=90.0))
    assert zone_breaches(state, [square], 50.0) == ()
    b = only(zone_breaches(state, [square], 80.0))
    assert b.t_out_s == 80.0


def test_platform_above_the_band_descends_into_it() -> None:
    square = zone(box(-1.0, -1.0, 1.0, 1.0))
    state = scene(P("A", "blue", 0.0, 0.0, alt_m=4_000.0, gs=100.0, trk=45.0, vs=-10.0))
    b = only(zone_breaches(state, [square], 300.0))
    assert (b.t_in_s, b.t_out_s, b.current) == (pytest.approx(100.0), 300.0, False)
    # And out through the bottom: from 3,000 m down to 0 m takes 300 s more.
    b = only(zone_breaches(state, [square], 3_600.0))
    assert b.t_out_s == pytest.approx(400.0)


def test_band_edges_count_as_inside() -> None:
    square = zone(box(-1.0, -1.0, 1.0, 1.0))
    at_top = only(zone_breaches(scene(P("A", "blue", 0.0, 0.0, alt_m=3_000.0)), [square], 60.0))
    assert at_top.current and at_top.t_out_s == 60.0
    assert zone_breaches(scene(P("A", "blue", 0.0, 0.0, alt_m=3_000.001)), [square], 60.0) == ()


def test_zone_window_starting_in_100_s() -> None:
    later = TimeWindow(AT + timedelta(seconds=100), AT + timedelta(seconds=250))
    square = zone(replace(box(-1.0, -1.0, 1.0, 1.0), window=later))
    state = scene(P("A", "blue", 0.0, 0.0, gs=50.0, trk=10.0))
    b = only(zone_breaches(state, [square], 300.0))
    assert (b.t_in_s, b.t_out_s, b.current) == (100.0, 250.0, False)
    assert zone_breaches(state, [square], 99.0) == ()


def test_window_is_half_open() -> None:
    square = box(-1.0, -1.0, 1.0, 1.0)
    ended = zone(replace(square, window=TimeWindow(AT - timedelta(hours=1), AT)))
    starts = zone(replace(square, window=TimeWindow(AT, AT + timedelta(hours=1))), name="Y")
    state = scene(P("A", "blue", 0.0, 0.0))
    b = only(zone_breaches(state, [ended, starts], 60.0))
    assert b.zone.operation == "Y" and b.current
    assert zone_breaches(state, [ended], 60.0) == ()


def test_same_party_zone_is_ignored() -> None:
    own = zone(box(-1.0, -1.0, 1.0, 1.0), party="blue")
    assert zone_breaches(scene(P("A", "blue", 0.0, 0.0)), [own], 300.0) == ()
    assert zone_breaches_brute_force(scene(P("A", "blue", 0.0, 0.0)), [own], 300.0) == ()


def test_inside_now_is_current_with_t_in_zero() -> None:
    square = zone(box(-0.1, -0.1, 0.1, 0.1))
    state = scene(P("A", "blue", 0.0, 0.0, gs=200.0, trk=90.0))
    b = only(zone_breaches(state, [square], 300.0))
    assert b.current and b.t_in_s == 0.0
    assert b.t_out_s == pytest.approx(reach_s(0.1, 200.0), abs=1e-3)


def test_footprint_boundary_counts_as_inside() -> None:
    square = zone(box(0.1, -0.05, 0.2, 0.05))
    # The footprint's own coordinates (unwrapping may move a vertex by an ulp or so).
    west, south, east, north = square.volume.footprint.polygon.bounds
    on_edge = only(zone_breaches(scene(P("A", "blue", 0.0, west)), [square], 10.0))
    assert on_edge.current
    on_corner = only(zone_breaches(scene(P("A", "blue", north, east)), [square], 10.0))
    assert on_corner.current
    assert zone_breaches(scene(P("A", "blue", south, float(np.nextafter(west, -1)))), [square], 10.0) == ()
    assert zone_breaches(scene(P("A", "blue", 0.0, 0.0999999)), [square], 10.0) == ()


def test_hovering_platform_is_one_exact_point() -> None:
    square = zone(box(-0.1, -0.1, 0.1, 0.1))
    state = scene(P("A", "blue", 0.0, 0.0, alt_m=-100.0, vs=2.0), P("B", "blue", 0.0, 0.2, vs=2.0))
    b = only(zone_breaches(state, [square], 600.0))
    assert (b.platform, b.t_in_s, b.t_out_s, b.current) == ("A", 50.0, 600.0, False)


def test_antimeridian_zone() -> None:
    # 179.5 .. 180.5 (= -179.5): the footprint is unwrapped across the line.
    across = zone(box(179.5, -0.5, 180.5, 0.5))
    state = scene(
        P("inside", "blue", 0.0, -179.8),
        P("west", "blue", 0.0, -179.0, gs=200.0, trk=270.0),
        P("east", "blue", 0.0, 179.0, gs=200.0, trk=90.0),
        P("away", "blue", 0.0, -178.0, gs=200.0, trk=90.0),
    )
    found = {b.platform: b for b in zone_breaches(state, [across], 600.0)}
    assert set(found) == {"inside", "west", "east"}
    assert found["inside"].current and found["inside"].t_out_s == 600.0
    assert found["west"].t_in_s == pytest.approx(reach_s(0.5, 200.0), abs=1e-3)
    assert found["east"].t_in_s == pytest.approx(reach_s(0.5, 200.0), abs=1e-3)
    assert_consistent(state, [across], 600.0, step_s=0.01)


def test_near_the_pole_along_a_meridian() -> None:
    cap = zone(box(0.0, 88.0, 20.0, 89.0))
    state = scene(P("A", "blue", 87.9, 10.0, gs=250.0, trk=0.0))
    b = only(zone_breaches(state, [cap], 600.0))
    assert b.t_in_s == pytest.approx(reach_s(0.1, 250.0), abs=1e-3)
    assert b.t_out_s == pytest.approx(reach_s(1.1, 250.0), abs=1e-3)


def test_near_the_pole_eastbound_the_great_circle_bows_into_the_zone() -> None:
    # Flying north-east from 88.3 deg the great circle climbs to 88.8 deg while sweeping
    # 50 deg of longitude: in the lon/lat plane a strong curve, what the chord bound is about.
    cap = zone(box(0.0, 88.6, 40.0, 89.0))
    state = scene(P("A", "blue", 88.3, -10.0, gs=250.0, trk=45.0))
    b = only(zone_breaches(state, [cap], 600.0))
    assert not b.current
    assert 200.0 < b.t_in_s < 220.0 and 560.0 < b.t_out_s < 600.0
    assert_consistent(state, [cap], 600.0, step_s=0.01)


def test_over_the_pole_into_a_zone_across_the_antimeridian() -> None:
    cap = zone(box(170.0, 88.5, 190.0, 89.0))
    state = scene(P("A", "blue", 89.5, 0.0, gs=250.0, trk=0.0))
    b = only(zone_breaches(state, [cap], 900.0))
    # 0.5 deg up to the pole and 1 deg down the other side to 89 deg.
    assert b.t_in_s == pytest.approx(reach_s(1.5, 250.0), abs=1e-3)
    assert b.t_out_s == pytest.approx(reach_s(2.0, 250.0), abs=1e-3)
    assert_consistent(state, [cap], 900.0, step_s=0.01)


def test_results_are_sorted_by_platform_then_zone() -> None:
    square = box(-1.0, -1.0, 1.0, 1.0)
    zones = [zone(square, "red", "b"), zone(square, "green", "a"), zone(square, "red", "a", 1)]
    state = scene(P("B", "blue", 0.0, 0.0), P("A", "blue", 0.1, 0.1))
    found = zone_breaches(state, zones, 10.0)
    assert [(b.platform, b.zone) for b in found] == [
        (p, ref)
        for p in ("A", "B")
        for ref in (VolumeRef("green", "a"), VolumeRef("red", "a", 1), VolumeRef("red", "b"))
    ]
    assert found == zone_breaches_brute_force(state, zones, 10.0)


def test_a_concave_zone_reports_the_first_stay() -> None:
    # A U open to the north; flying east through both arms: the first stay is the west arm.
    # (Binary-exact corners: the footprint's unwrapping keeps them to the bit.)
    u = Volume4D(
        polygon_footprint([(0.125, -0.125), (0.5, -0.125), (0.5, 0.125), (0.375, 0.125), (0.375, 0.0), (0.25, 0.0), (0.25, 0.125), (0.125, 0.125)]),
        LOW,
        ALL_DAY,
    )  # fmt: skip
    state = scene(P("A", "blue", 0.0625, 0.0, gs=250.0, trk=90.0))
    b = only(zone_breaches(state, [zone(u)], 600.0))
    assert b.t_in_s == pytest.approx(reach_s(0.125, 250.0), abs=0.01)
    assert b.t_out_s == pytest.approx(reach_s(0.25, 250.0), abs=0.01)
    assert_consistent(state, [zone(u)], 600.0, step_s=0.01)


def test_empty_inputs_and_bad_arguments() -> None:
    square = zone(box(-1.0, -1.0, 1.0, 1.0))
    assert zone_breaches(scene(), [square], 60.0) == ()
    assert zone_breaches(scene(P("A", "blue", 0.0, 0.0)), [], 60.0) == ()
    assert zone_breaches(scene(P("A", "blue", 0.0, 0.0)), [square], 0.0)[0].current
    for look in (-1.0, math.nan, math.inf, 3_601.0):
        with pytest.raises(InvalidInput):
            zone_breaches(scene(), [square], look)
        with pytest.raises(InvalidInput):
            zone_breaches_brute_force(scene(), [square], look)
    with pytest.raises(InvalidInput):
        zone_breaches_brute_force(scene(), [square], 60.0, step_s=0.0)
    with pytest.raises(InvalidInput):
        non_conformances(scene(), {}, {}, tolerance_m=-1.0)


@pytest.mark.parametrize("band", [(0.0, 1.0), (40.0, 50.0), (70.0, 80.0), (85.0, 89.0)])
def test_polyline_chord_error_is_within_the_stated_bound(band: tuple[float, float]) -> None:
    """Segments as long as the bound allows, measured against the flown arc (sphere metres)."""
    rng = np.random.default_rng(7)
    n = 20_000
    lat = rng.uniform(*band, n) * rng.choice([-1.0, 1.0], n)
    lon = rng.uniform(-180, 180, n)
    gs = rng.uniform(50, 2_000, n)
    trk = rng.uniform(0, 360, n)
    t0 = rng.uniform(0, 3_000, n)
    lat0, lon0 = advance(lat, lon, gs, trk, t0)
    # The bound at the highest latitude a segment from there can reach (as the code does).
    reach_deg = np.degrees(zones_module.MAX_SEGMENT_M / EARTH_RADIUS_M)
    t1 = t0 + zones_module._segment_limit_m(np.abs(lat0) + reach_deg) / gs
    lat1, lon1 = advance(lat, lon, gs, trk, t1)
    lon1 = lon0 + ((lon1 - lon0 + 180) % 360 - 180)
    worst = 0.0
    for f in np.linspace(0.05, 0.95, 19):
        true_lat, true_lon = advance(lat, lon, gs, trk, t0 + f * (t1 - t0))
        chord_lat, chord_lon = lat0 + f * (lat1 - lat0), lon0 + f * (lon1 - lon0)
        worst = max(worst, float(np.max(haversine_m(true_lat, true_lon, chord_lat, chord_lon))))
    assert 0.3 * CHORD_ERROR_M < worst <= CHORD_ERROR_M


# the fast path against the oracle
# --------------------------------


def haversine_m(lat1: object, lon1: object, lat2: object, lon2: object) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0))))


def edge_distance_m(polygon: Polygon, lon: float, lat: float) -> float:
    """Distance from a point to the footprint's edge, in a local equirectangular frame."""
    centre = sum(polygon.bounds[0::2]) / 2
    x = centre + ((lon - centre + 180) % 360 - 180)
    sx = max(math.cos(math.radians(lat)), 1e-9) * METRES_PER_DEGREE
    local = shapely.transform(
        polygon.boundary,
        lambda xy: np.column_stack([(xy[:, 0] - x) * sx, (xy[:, 1] - lat) * METRES_PER_DEGREE]),
    )
    return float(shapely.distance(shapely.Point(0, 0), local))


# Positions within this of the edge may be classified either way by the polyline: the
# stated chord bound, with room for the local frame's distortion near the poles.
EDGE_M = 2.0 * CHORD_ERROR_M
EPS_S = 1e-6


def assert_consistent(
    state: TrackState, zones: list[TaggedVolume], look: float, step_s: float = 1.0
) -> tuple[ZoneBreach, ...]:
    """The fast path against the sampling oracle, with every allowed difference named.

    * Current breaches: exactly the same pairs (both use the exact point test).
    * Every oracle finding is a fast finding.
    * A fast finding the oracle lacks, or a first stay the oracle skipped, is a
      stay the samples straddle: shorter than a step, or (chord error) every
      sample inside it lies within ``EDGE_M`` of the footprint's edge.
    * For the same stay: the fast entry is no later than the first inside sample
      and no sample between them is inside (or it lies within ``EDGE_M`` of the
      edge); the fast exit is no earlier than the last inside sample and before
      the next sample. Exceptions only where the sample concerned lies within
      ``EDGE_M`` of the edge.
    """
    fast = zone_breaches(state, zones, look)
    oracle = zone_breaches_brute_force(state, zones, look, step_s)
    assert list(fast) == sorted(fast, key=lambda b: (b.platform, b.zone))
    row = {name: n for n, name in enumerate(state.ids.tolist())}
    polygon_of = {z.ref: z.volume.footprint.polygon for z in zones}
    samples = np.arange(0.0, look, step_s)
    samples = np.append(samples, look) if samples.size == 0 or samples[-1] < look else samples

    def near_edge(b: ZoneBreach, t: float) -> bool:
        r = row[b.platform]
        lat, lon = advance(
            state.lat_deg[r], state.lon_deg[r], state.ground_speed_m_s[r], state.track_deg[r], t
        )
        return edge_distance_m(polygon_of[b.zone], float(lon), float(lat)) <= EDGE_M

    def straddled(b: ZoneBreach) -> bool:
        inside = samples[(samples >= b.t_in_s) & (samples <= b.t_out_s)]
        return b.t_out_s - b.t_in_s < step_s + EPS_S or all(near_edge(b, float(t)) for t in inside)

    f = {(b.platform, b.zone): b for b in fast}
    o = {(b.platform, b.zone): b for b in oracle}
    assert {k for k, b in f.items() if b.current} == {k for k, b in o.items() if b.current}
    assert set(o) <= set(f), sorted(set(o) - set(f))[:5]
    for key, b in f.items():
        assert 0.0 <= b.t_in_s <= b.t_out_s <= look
        assert not b.current or b.t_in_s == 0.0
        if key not in o:
            assert straddled(b), (b, "oracle has no sample inside")
            continue
        ob = o[key]
        assert b.t_in_s <= ob.t_in_s + EPS_S or near_edge(b, ob.t_in_s), (b, ob)
        skipped = samples[(samples >= b.t_in_s) & (samples < ob.t_in_s)]
        if not all(near_edge(b, float(t)) for t in skipped):
            # Not the same stay begun a sample early: a first stay the oracle did not see.
            assert straddled(b), (b, ob, "the oracle skipped the first stay")
            continue
        after = samples[samples > ob.t_out_s]
        assert b.t_out_s >= ob.t_out_s - EPS_S or near_edge(b, ob.t_out_s), (b, ob)
        if after.size:
            assert b.t_out_s < after[0] + EPS_S or near_edge(b, float(after[0])), (b, ob)
    return fast


def offset(lat: float, lon: float, east_m: np.ndarray, north_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points reached from (lat, lon) along the tangent plane, back on the sphere."""
    distance = np.hypot(east_m, north_m)
    bearing = np.degrees(np.arctan2(east_m, north_m))
    return advance(lat, lon, distance, bearing, 1.0)


def random_zones(
    rng: np.random.Generator, n: int, lat: float, lon: float, spread_m: float
) -> list[TaggedVolume]:
    out: list[TaggedVolume] = []
    centres = offset(lat, lon, *rng.uniform(-spread_m / 2, spread_m / 2, (2, n)))
    for k in range(n):
        c_lat, c_lon = float(centres[0][k]), float(centres[1][k])
        radius = float(rng.uniform(2_000, 25_000))
        if k % 3 == 0:
            footprint = circle_footprint((c_lon, c_lat), radius)
        else:
            # A random star-shaped (often concave) polygon.
            # Vertices in angular order with gaps under 180 deg: a simple polygon.
            m = int(rng.integers(4, 9))
            angles = (np.arange(m) + rng.uniform(0.0, 0.9, m)) * 360.0 / m
            radii = radius * rng.uniform(0.3, 1.0, m)
            ring = offset(
                c_lat, c_lon, radii * np.sin(np.radians(angles)), radii * np.cos(np.radians(angles))
            )
            # On a 2^-20 deg grid (0.1 m): the footprint's unwrapping sums longitudes, and
            # only binary-exact ones close the ring to the bit across the antimeridian.
            lons, lats = (np.round(np.asarray(v) * 2.0**20) / 2.0**20 for v in (ring[1], ring[0]))
            footprint = polygon_footprint(list(zip(lons.tolist(), lats.tolist(), strict=True)))
        lower = float(rng.choice([-500.0, 0.0, 1_000.0, 3_000.0]))
        band = AltitudeBand(lower, lower + float(rng.uniform(500, 9_000)))
        start = AT + timedelta(seconds=float(rng.choice([-3_600.0, -3_600.0, 40.0, 150.0])))
        window = TimeWindow(start, start + timedelta(seconds=float(rng.uniform(60, 7_200))))
        out.append(TaggedVolume(VolumeRef(f"p{k % 3}", f"zone{k:03d}"), Volume4D(footprint, band, window)))
    return out


def random_tracks(
    rng: np.random.Generator, n: int, lat: float, lon: float, spread_m: float, max_speed: float = 260.0
) -> TrackState:
    lats, lons = offset(lat, lon, *rng.uniform(-spread_m / 2, spread_m / 2, (2, n)))
    return TrackState.from_columns(
        AT,
        ids=[f"T{i:05d}" for i in range(n)],
        party=[f"p{int(q)}" for q in rng.integers(0, 4, n)],
        lat_deg=np.clip(lats, -90, 90),
        lon_deg=lons,
        alt_m=rng.uniform(0, 11_000, n),
        ground_speed_m_s=np.where(rng.random(n) < 0.05, 0.0, rng.uniform(20, max_speed, n)),
        track_deg=rng.uniform(0, 360, n),
        vertical_rate_m_s=np.where(rng.random(n) < 0.6, 0.0, rng.uniform(-20, 20, n)),
    )


def test_large_random_scene_fast_agrees_with_the_oracle_and_prunes(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(20261129)
    zones = random_zones(rng, 50, 47.0, 179.0, 300_000.0)
    state = random_tracks(rng, 2_000, 47.0, 179.0, 300_000.0)
    exact: list[int] = []
    real = zones_module._horizontal_pieces

    def counting(*args: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        exact.append(len(args[3]))  # type: ignore[arg-type]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(zones_module, "_horizontal_pieces", counting)
    fast = assert_consistent(state, zones, 300.0)
    # The exact part ran on a small fraction of the 100,000 pairs.
    assert 0 < sum(exact) < 0.05 * 2_000 * 50
    assert len(fast) > 100
    assert sum(b.current for b in fast) > 20
    assert sum(not b.current for b in fast) > 50


@st.composite
def small_scenes(draw: st.DrawFn) -> tuple[TrackState, list[TaggedVolume], float]:
    seed = draw(st.integers(0, 2**32 - 1))
    lat = draw(st.one_of(st.floats(-80, 80), st.sampled_from([-87.5, 0.0, 60.0, 86.0, 87.5])))
    lon = draw(st.one_of(st.floats(-180, 180), st.sampled_from([-180.0, 179.9, 180.0])))
    spread = draw(st.sampled_from([20_000.0, 60_000.0, 200_000.0]))
    rng = np.random.default_rng(seed)
    zones = random_zones(rng, draw(st.integers(1, 6)), lat, lon, spread)
    state = random_tracks(
        rng, draw(st.integers(1, 30)), lat, lon, spread, max_speed=draw(st.sampled_from([60.0, 300.0]))
    )
    look = draw(st.sampled_from([0.0, 60.0, 300.0, 900.0]))
    return state, zones, look


@settings(max_examples=300, deadline=None)
@given(small_scenes())
def test_fast_path_agrees_with_the_oracle_on_random_scenes(
    case: tuple[TrackState, list[TaggedVolume], float],
) -> None:
    state, zones, look = case
    assert_consistent(state, zones, look)


# non-conformance
# ---------------

OP = box(0.0, 0.0, 0.1, 0.1)


def conformance(p: P, *volumes: Volume4D, tolerance_m: float = 0.0) -> tuple[NonConformance, ...]:
    return non_conformances(scene(p), {p.id: "op-1"}, {"op-1": list(volumes)}, tolerance_m=tolerance_m)


def test_inside_conforms() -> None:
    assert conformance(P("A", "blue", 0.05, 0.05), OP) == ()
    assert conformance(P("A", "blue", 0.0, 0.05, alt_m=3_000.0), OP) == ()  # edges count as inside


def test_outside_the_footprint_by_2_km() -> None:
    east = 0.1 + 2_000.0 / METRES_PER_DEGREE
    (n,) = conformance(P("A", "blue", 0.05, east), OP)
    assert (n.platform, n.party, n.operation_id) == ("A", "blue", "op-1")
    assert "footprint" in n.reason and "2.0 km" in n.reason
    assert n.distance_m == pytest.approx(2_000.0, rel=0.01)


def test_outside_the_footprint_at_60_degrees_and_across_a_corner() -> None:
    square = box(10.0, 60.0, 10.2, 60.1)
    # 3 km north of the north edge.
    (n,) = conformance(P("A", "blue", 60.1 + 3_000.0 / METRES_PER_DEGREE, 10.1), square)
    assert n.distance_m == pytest.approx(3_000.0, rel=0.01)
    # 3 km east and 4 km north of the corner: 5 km.
    lat = 60.1 + 4_000.0 / METRES_PER_DEGREE
    lon = 10.2 + 3_000.0 / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    (n,) = conformance(P("A", "blue", lat, lon), square)
    assert n.distance_m == pytest.approx(5_000.0, rel=0.01)


def test_outside_across_the_antimeridian() -> None:
    across = box(179.9, 0.0, 180.1, 0.1)
    assert conformance(P("A", "blue", 0.05, -179.95), across) == ()
    (n,) = conformance(P("A", "blue", 0.05, -179.9 + 1_000.0 / METRES_PER_DEGREE), across)
    assert n.distance_m == pytest.approx(1_000.0, rel=0.01)


def test_above_and_below_the_band() -> None:
    (n,) = conformance(P("A", "blue", 0.05, 0.05, alt_m=3_150.0), OP)
    assert n.reason == "above the declared band by 150 m" and n.distance_m == 0.0
    (n,) = conformance(P("A", "blue", 0.05, 0.05, alt_m=-20.0), OP)
    assert n.reason == "below the declared band by 20 m"


def test_outside_footprint_and_band_names_both() -> None:
    (n,) = conformance(P("A", "blue", 0.05, 0.1 + 400.0 / METRES_PER_DEGREE, alt_m=3_150.0), OP)
    # WGS84 at the equator: 0.1 % more than the sphere's degree.
    assert n.reason == "outside the declared footprint (400 m); above the declared band by 150 m"
    assert n.distance_m == pytest.approx(400.0, rel=0.01)


def test_outside_the_time_window() -> None:
    gone = replace(OP, window=TimeWindow(AT - timedelta(hours=2), AT))
    (n,) = conformance(P("A", "blue", 0.05, 0.05), gone)
    assert n.reason == "outside the declared time window" and n.distance_m == 0.0


def test_second_volume_holds_it() -> None:
    first = box(1.0, 1.0, 1.1, 1.1)
    assert conformance(P("A", "blue", 0.05, 0.05), first, OP) == ()
    # The first volume's window does not hold it; the second is what names the reason.
    later = replace(OP, window=TimeWindow(AT + timedelta(hours=1), AT + timedelta(hours=2)))
    (n,) = conformance(P("A", "blue", 1.05, 1.05, alt_m=3_500.0), later, first)
    assert n.reason == "above the declared band by 500 m"


def test_the_nearest_volume_names_the_reason() -> None:
    far, near_ = box(1.0, 1.0, 1.1, 1.1), box(0.0, 0.0, 0.1, 0.1)
    (n,) = conformance(P("A", "blue", 0.05, 0.1 + 1_000.0 / METRES_PER_DEGREE), far, near_)
    assert n.distance_m == pytest.approx(1_000.0, rel=0.01)


def test_tolerance_applies_horizontally_and_vertically() -> None:
    east = 0.1 + 40.0 / METRES_PER_DEGREE
    assert conformance(P("A", "blue", 0.05, east, alt_m=3_040.0), OP, tolerance_m=50.0) == ()
    (n,) = conformance(P("A", "blue", 0.05, east, alt_m=3_060.0), OP, tolerance_m=50.0)
    assert n.reason == "above the declared band by 60 m" and n.distance_m == 0.0


def test_unknown_platforms_and_operations_are_skipped_and_results_sorted() -> None:
    state = scene(P("B", "blue", 5.0, 5.0), P("A", "red", 5.0, 5.0), P("C", "red", 0.05, 0.05))
    links = {"B": "op-1", "A": "op-1", "C": "op-1", "ghost": "op-1", "D": "op-2"}
    found = non_conformances(state, links, {"op-1": [OP], "op-3": []})
    assert [(n.platform, n.party) for n in found] == [("A", "red"), ("B", "blue")]
    assert non_conformances(state, {"A": "op-3"}, {"op-3": []}) == ()
