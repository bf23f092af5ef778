"""Polygonisation keeps its promise: contains the true shape, at most the bound outside."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from deconflict.domain.errors import InvalidGeometry, InvalidInput
from deconflict.domain.footprint import (
    FootprintKind,
    circle_footprint,
    corridor_footprint,
    error_bound_for,
    geod,
    polygon_footprint,
    racetrack_footprint,
)


def boundary_samples(polygon: shapely.Polygon, per_edge: int = 8) -> np.ndarray:
    """Points along every lon/lat-straight edge of the exterior ring."""
    ring = np.asarray(polygon.exterior.coords)
    t = np.linspace(0.0, 1.0, per_edge, endpoint=False)[:, None, None]
    return (ring[None, :-1] * (1 - t) + ring[None, 1:] * t).reshape(-1, 2)


def distances_to(lon: float, lat: float, points: np.ndarray) -> np.ndarray:
    n = len(points)
    _, _, d = geod().inv(np.full(n, lon), np.full(n, lat), points[:, 0], points[:, 1])
    return np.asarray(d)


def distance_to_route(points: np.ndarray, route: list[tuple[float, float]]) -> np.ndarray:
    """Geodesic distance from each point to a route sampled every 20 m (brute force)."""
    samples = []
    for a, b in pairwise(route):
        _, _, length = geod().inv(a[0], a[1], b[0], b[1])
        n = max(2, int(length / 20.0))
        inner = geod().npts(a[0], a[1], b[0], b[1], n)
        samples.extend([a, *inner, b])
    route_pts = np.asarray(samples)
    best = np.full(len(points), np.inf)
    for rp in route_pts:
        best = np.minimum(best, distances_to(rp[0], rp[1], points))
    return best


@pytest.mark.parametrize("lat", [0.0, 45.0, -60.0, 80.0, 85.0])
@pytest.mark.parametrize("radius_m", [50.0, 1_000.0, 25_000.0, 150_000.0])
def test_circle_contains_the_true_circle_within_the_stated_bound(lat: float, radius_m: float) -> None:
    fp = circle_footprint((179.5, lat), radius_m)
    bound = error_bound_for(radius_m)
    d = distances_to(179.5, lat, boundary_samples(fp.polygon))
    assert d.min() >= radius_m - 1e-6 * radius_m  # never cuts into the circle
    assert d.max() <= radius_m + bound + 1e-6 * radius_m
    assert fp.error_bound_m == bound
    assert fp.kind is FootprintKind.CIRCLE


def test_circle_vertex_count_stays_small() -> None:
    assert circle_footprint((0.0, 0.0), 100_000.0).vertex_count() <= 200
    assert circle_footprint((0.0, 0.0), 10.0).vertex_count() <= 40


@pytest.mark.parametrize("lat", [0.0, 50.0, 84.0])
def test_corridor_contains_the_route_buffer_within_the_bound(lat: float) -> None:
    route = [(10.0, lat), (10.3, lat + 0.1), (10.6, lat)]
    half = 2_000.0
    fp = corridor_footprint(route, half)
    d = distance_to_route(boundary_samples(fp.polygon, 4), route)
    assert d.min() >= half - 0.5  # 20 m route sampling leaves < 0.1 m; rounding joins
    assert d.max() <= half + fp.error_bound_m + 0.5


def test_corridor_across_the_antimeridian_is_one_area() -> None:
    fp = corridor_footprint([(179.8, -17.0), (-179.7, -17.2)], 5_000.0)
    minx, _, maxx, _ = fp.polygon.bounds
    assert maxx - minx < 1.0  # not stretched the long way round the world
    assert fp.area_m2() == pytest.approx(2 * 5_000 * 57_000 + np.pi * 5_000**2, rel=0.05)


def test_racetrack_is_a_stadium_of_the_given_width() -> None:
    fp = racetrack_footprint((30.0, 35.0), (30.5, 35.0), 20_000.0)
    _, _, leg = geod().inv(30.0, 35.0, 30.5, 35.0)
    expected = leg * 20_000.0 + np.pi * 10_000.0**2
    assert fp.area_m2() == pytest.approx(expected, rel=0.01)


def test_self_intersecting_polygon_is_refused_not_repaired() -> None:
    with pytest.raises(InvalidGeometry, match="Self-intersection"):
        polygon_footprint([(0, 0), (1, 1), (1, 0), (0, 1)])


def test_polygon_across_the_antimeridian_keeps_its_small_side() -> None:
    fp = polygon_footprint([(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0)])
    minx, _, maxx, _ = fp.polygon.bounds
    assert maxx - minx == pytest.approx(2.0)
    assert fp.area_m2() == pytest.approx(2 * 111_320.0 * 110_574.0, rel=0.01)


def test_polygon_around_a_pole_is_refused() -> None:
    with pytest.raises(InvalidGeometry, match="pole"):
        polygon_footprint([(0, 80), (90, 80), (180, 80), (-90, 80)])


def test_circle_over_a_pole_is_refused() -> None:
    with pytest.raises(InvalidGeometry, match="pole"):
        circle_footprint((0.0, 88.5), 200_000.0)


@pytest.mark.parametrize(
    "ring",
    [[(0, 0), (1, 0)], [(0, 0), (0, 0), (0, 0), (0, 0)], [(0, 0), (1, 0), (2, 0)]],
)
def test_degenerate_rings_are_refused(ring: list[tuple[float, float]]) -> None:
    with pytest.raises(InvalidGeometry):
        polygon_footprint(ring)


@pytest.mark.parametrize("point", [(0.0, 95.0), (400.0, 0.0), (float("nan"), 0.0)])
def test_positions_out_of_range_are_refused(point: tuple[float, float]) -> None:
    with pytest.raises(InvalidInput):
        circle_footprint(point, 1000.0)


def test_non_positive_radius_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        circle_footprint((0.0, 0.0), 0.0)
    assert caught.value.field == "properties.radius_m"


def test_polygon_with_a_hole_keeps_the_hole() -> None:
    outer = [(0, 0), (1, 0), (1, 1), (0, 1)]
    hole = [(0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)]
    fp = polygon_footprint(outer, [hole])
    assert not fp.polygon.contains(shapely.Point(0.5, 0.5))
    assert fp.polygon.contains(LineString([(0.1, 0.1), (0.2, 0.2)]))


def test_corridor_with_a_leg_shorter_than_a_densification_step() -> None:
    fp = corridor_footprint([(34.0, 35.0), (34.0, 35.003)], 1_000.0)  # a 330 m leg
    assert fp.area_m2() == pytest.approx(2_000 * 333 + np.pi * 1_000**2, rel=0.02)


def test_a_polygon_keeps_its_vertices_bit_for_bit_and_a_u_shape_is_valid() -> None:
    # Summing longitude steps used to move vertices by rounding (0.1 -> 0.1000000000000085)
    # and open the ring, refusing this valid U as self-intersecting.
    ring = [(0.1, 0.1), (0.4, 0.1), (0.4, 0.4), (0.3, 0.4), (0.3, 0.2), (0.2, 0.2), (0.2, 0.4), (0.1, 0.4)]
    footprint = polygon_footprint(ring)
    assert list(footprint.polygon.exterior.coords)[:-1] == ring
