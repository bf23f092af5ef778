"""Horizontal relations between two footprints: overlap, gap in metres, shared area.

Overlap is decided exactly in the lon/lat plane (edges are straight there, as
the footprints are defined). The gap between disjoint footprints is measured in
a spherical azimuthal-equidistant plane centred between them, then refined: the
nearest pair of points found there is measured again on the WGS84 ellipsoid,
and the plane is re-centred on that pair once. Against brute-force geodesic
sampling the result agrees within 0.1 % + 1 m for gaps up to a few hundred
kilometres (tested).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Point, Polygon
from shapely.ops import nearest_points

from .footprint import Footprint, geod
from .lonlat import turn_shift

__all__ = ["aligned", "gap_m", "interiors_overlap", "overlap_area_m2"]

EARTH_RADIUS_M = 6_371_008.8
# Segment length (degrees) edges are cut into before leaving the lon/lat plane.
DENSIFY_DEG = 0.05


def aligned(a: Footprint, b: Footprint) -> Polygon:
    """b's polygon, shifted by whole turns so that it sits next to a (antimeridian)."""
    shift = turn_shift(a.centre_lon, b.centre_lon)
    if shift == 0.0:
        return b.polygon
    return shapely.transform(b.polygon, lambda xy: xy + np.array([shift, 0.0]))


def interiors_overlap(a: Polygon, b: Polygon) -> bool:
    """True when the footprints share area; touching edges or corners do not count."""
    return bool(a.intersects(b)) and not bool(a.touches(b))


def overlap_area_m2(a: Polygon, b: Polygon) -> float:
    shared = a.intersection(b)
    if shared.is_empty:
        return 0.0
    area, _ = geod().geometry_area_perimeter(shared)
    return abs(float(area))


def _project(
    lons: NDArray[np.float64], lats: NDArray[np.float64], lon0: float, lat0: float
) -> NDArray[np.float64]:
    lam = np.radians(lons - lon0)
    phi = np.radians(lats)
    phi0 = math.radians(lat0)
    cos_c = np.clip(math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(lam), -1.0, 1.0)
    c = np.arccos(cos_c)
    sin_c = np.sin(c)
    k = np.where(sin_c > 1e-15, c / np.where(sin_c > 1e-15, sin_c, 1.0), 1.0) * EARTH_RADIUS_M
    x = k * np.cos(phi) * np.sin(lam)
    y = k * (math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(lam))
    return np.column_stack([x, y])


def _unproject(x: float, y: float, lon0: float, lat0: float) -> tuple[float, float]:
    rho = math.hypot(x, y)
    if rho < 1e-9:
        return lon0, lat0
    c = rho / EARTH_RADIUS_M
    phi0 = math.radians(lat0)
    lat = math.asin(math.cos(c) * math.sin(phi0) + y * math.sin(c) * math.cos(phi0) / rho)
    lon = lon0 + math.degrees(
        math.atan2(x * math.sin(c), rho * math.cos(phi0) * math.cos(c) - y * math.sin(phi0) * math.sin(c))
    )
    return lon, math.degrees(lat)


def _in_plane(polygon: Polygon, lon0: float, lat0: float) -> Polygon:
    dense = shapely.segmentize(polygon, DENSIFY_DEG)
    return shapely.transform(dense, lambda xy: _project(xy[:, 0], xy[:, 1], lon0, lat0))


def _nearest_pair(
    a: Polygon, b: Polygon, lon0: float, lat0: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    pa, pb = nearest_points(_in_plane(a, lon0, lat0), _in_plane(b, lon0, lat0))
    return _unproject(pa.x, pa.y, lon0, lat0), _unproject(pb.x, pb.y, lon0, lat0)


def gap_m(a: Polygon, b: Polygon) -> float:
    """Shortest distance in metres between two aligned footprints; 0 when they meet."""
    if a.intersects(b):
        return 0.0
    pa, pb = nearest_points(a, b)
    centre: Point = shapely.line_interpolate_point(shapely.LineString([pa, pb]), 0.5, normalized=True)
    lon0, lat0 = centre.x, centre.y
    for _ in range(2):
        (lon_a, lat_a), (lon_b, lat_b) = _nearest_pair(a, b, lon0, lat0)
        lon0, lat0 = (lon_a + lon_b) / 2.0, (lat_a + lat_b) / 2.0
    _, _, distance = geod().inv(lon_a, lat_a, lon_b, lat_b)
    return float(distance)
