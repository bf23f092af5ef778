"""The horizontal gap agrees with brute-force geodesic sampling."""

from __future__ import annotations

import numpy as np
import pytest

from deconflict.domain.footprint import circle_footprint, geod, polygon_footprint
from deconflict.domain.horizontal import aligned, gap_m


def brute_gap(a, b, step_deg: float = 0.002) -> float:  # type: ignore[no-untyped-def]
    """Min geodesic distance over boundary points sampled every ``step_deg``."""

    def samples(poly):  # type: ignore[no-untyped-def]
        import shapely

        dense = shapely.segmentize(poly, step_deg)
        return np.asarray(dense.exterior.coords)

    pa, pb = samples(a), samples(b)
    best = np.inf
    for lon, lat in pa:
        n = len(pb)
        _, _, d = geod().inv(np.full(n, lon), np.full(n, lat), pb[:, 0], pb[:, 1])
        best = min(best, float(np.min(d)))
    return best


@pytest.mark.parametrize(
    ("a_args", "b_args"),
    [
        (((10.0, 50.0), 2_000), ((10.3, 50.1), 3_000)),
        (((0.0, 84.0), 5_000), ((3.0, 84.2), 5_000)),
        (((179.9, -30.0), 1_000), ((-179.8, -30.05), 1_000)),
    ],
)
def test_gap_between_circles_matches_brute_force(a_args, b_args) -> None:  # type: ignore[no-untyped-def]
    a, b = circle_footprint(*a_args), circle_footprint(*b_args)
    got = gap_m(a.polygon, aligned(a, b))
    expected = brute_gap(a.polygon, aligned(a, b))
    assert got <= expected + 1.0
    assert got == pytest.approx(expected, rel=1e-3, abs=1.0)


def test_gap_between_large_polygons_matches_brute_force() -> None:
    a = polygon_footprint([(20, 40), (23, 40), (23, 43), (20, 43)])
    b = polygon_footprint([(23.5, 41), (26, 41.5), (25, 44)])
    got = gap_m(a.polygon, b.polygon)
    # ~40 km apart: 0.01° sampling overstates the minimum by a few metres at most.
    expected = brute_gap(a.polygon, b.polygon, 0.01)
    assert got == pytest.approx(expected, rel=1e-3, abs=1.0)


def test_gap_is_zero_when_footprints_meet() -> None:
    a = polygon_footprint([(0, 0), (1, 0), (1, 1), (0, 1)])
    b = polygon_footprint([(1, 0), (2, 0), (2, 1), (1, 1)])
    assert gap_m(a.polygon, b.polygon) == 0.0
