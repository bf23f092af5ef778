"""Footprints: the 2D part of a volume, as a WGS84 lon/lat polygon.

Four kinds are declared: polygon, circle (centre + radius), corridor (route +
half-width) and racetrack orbit (two points + width). Circles, corridors and
racetracks are turned into polygons here, at the edge of the model, with a
stated bound: the polygon *contains* the true shape (a conflict is never missed
for want of a vertex) and lies at most ``error_bound_m`` outside it, where

    error_bound_m = max(1 m, 0.1 % of the radius or half-width).

Edges are straight lines in lon/lat, as RFC 7946 §3.1.1 reads GeoJSON.
The bound is checked against pyproj's geodesic distances in the unit tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import pairwise

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Geod
from shapely.geometry import Polygon
from shapely.validation import explain_validity

from .errors import InvalidGeometry, InvalidInput
from .lonlat import near, recentre, turn_shift, unwrap_ring

__all__ = [
    "CircleSpec",
    "CorridorSpec",
    "Footprint",
    "FootprintKind",
    "PolygonSpec",
    "RacetrackSpec",
    "circle_footprint",
    "corridor_footprint",
    "error_bound_for",
    "geod",
    "polygon_footprint",
    "racetrack_footprint",
]

LonLat = tuple[float, float]

# Latitude beyond which a footprint is refused: the lon/lat plane degenerates at the
# poles and no theatre we coordinate lies there.
MAX_ABS_LATITUDE_DEG = 89.0
MIN_CIRCLE_VERTICES = 8
# The least radius, half-width or width declared: below a metre a shape is noise, not a plan.
MIN_LENGTH_M = 1.0


@cache
def geod() -> Geod:
    """The WGS84 ellipsoid for geodesic computations."""
    return Geod(ellps="WGS84")


class FootprintKind(StrEnum):
    POLYGON = "polygon"
    CIRCLE = "circle"
    CORRIDOR = "corridor"
    RACETRACK = "racetrack"


@dataclass(frozen=True, slots=True)
class PolygonSpec:
    exterior: tuple[LonLat, ...]
    holes: tuple[tuple[LonLat, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class CircleSpec:
    centre: LonLat
    radius_m: float


@dataclass(frozen=True, slots=True)
class CorridorSpec:
    route: tuple[LonLat, ...]
    half_width_m: float


@dataclass(frozen=True, slots=True)
class RacetrackSpec:
    """A racetrack orbit between two turn points, ``width_m`` wide in all."""

    first: LonLat
    second: LonLat
    width_m: float


FootprintSpec = PolygonSpec | CircleSpec | CorridorSpec | RacetrackSpec


@dataclass(frozen=True, slots=True)
class Footprint:
    """A declared 2D shape and its lon/lat polygon (unwrapped, see :mod:`.lonlat`)."""

    kind: FootprintKind
    spec: FootprintSpec
    polygon: Polygon
    error_bound_m: float = 0.0

    @property
    def centre_lon(self) -> float:
        minx, _, maxx, _ = self.polygon.bounds
        return float(minx + maxx) / 2.0

    def area_m2(self) -> float:
        area, _ = geod().geometry_area_perimeter(self.polygon)
        return abs(float(area))

    def vertex_count(self) -> int:
        return int(shapely.get_num_coordinates(self.polygon))


def error_bound_for(radius_m: float) -> float:
    """The polygonisation bound this module promises for a given radius."""
    return max(1.0, 0.001 * radius_m)


def _check_point(point: Sequence[float], field: str) -> LonLat:
    if len(point) < 2:
        raise InvalidInput("a position needs longitude and latitude", field=field)
    lon, lat = float(point[0]), float(point[1])
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput("coordinates must be finite numbers", field=field)
    if not -360.0 <= lon <= 360.0:
        raise InvalidInput(f"longitude {lon} is outside [-180, 180]", field=field)
    if not -MAX_ABS_LATITUDE_DEG <= lat <= MAX_ABS_LATITUDE_DEG:
        raise InvalidInput(f"latitude {lat} is outside ±{MAX_ABS_LATITUDE_DEG:g}°", field=field)
    return lon, lat


def _check_length(value: float, name: str, field: str) -> float:
    if not math.isfinite(value) or value < MIN_LENGTH_M:
        raise InvalidInput(f"{name} must be a finite number of at least {MIN_LENGTH_M:g} m", field=field)
    return float(value)


def _ring(coords: Sequence[Sequence[float]], field: str) -> tuple[LonLat, ...]:
    points = tuple(_check_point(p, f"{field}[{i}]") for i, p in enumerate(coords))
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(set(points)) < 3:
        raise InvalidGeometry("a ring needs at least three distinct positions", field=field)
    return points


def _validated(polygon: Polygon, field: str) -> Polygon:
    if not polygon.is_valid:
        raise InvalidGeometry(f"invalid polygon: {explain_validity(polygon)}", field=field)
    if polygon.area <= 0:
        raise InvalidGeometry("polygon has no area", field=field)
    return polygon


def _closed_unwrapped(ring: Sequence[LonLat], field: str) -> NDArray[np.float64]:
    arr = np.array([*ring, ring[0]], dtype=np.float64)
    arr[:, 0] = unwrap_ring(arr[:, 0], field=field)
    return arr


def polygon_footprint(
    exterior: Sequence[Sequence[float]],
    holes: Sequence[Sequence[Sequence[float]]] = (),
    *,
    field: str = "geometry.coordinates",
) -> Footprint:
    """A polygon footprint; refuses (never repairs) a self-intersecting ring."""
    outer = _ring(exterior, f"{field}[0]")
    inner = tuple(_ring(h, f"{field}[{i + 1}]") for i, h in enumerate(holes))
    shell = _closed_unwrapped(outer, f"{field}[0]")
    minx, maxx = float(shell[:, 0].min()), float(shell[:, 0].max())
    shell[:, 0], _ = recentre(shell[:, 0], (minx + maxx) / 2.0)
    reference = float(shell[0, 0])
    hole_arrays = []
    for i, hole in enumerate(inner):
        arr = _closed_unwrapped(hole, f"{field}[{i + 1}]")
        arr[:, 0] += turn_shift(reference, float(arr[0, 0]))
        hole_arrays.append(arr)
    polygon = _validated(Polygon(shell, hole_arrays), field)
    return Footprint(FootprintKind.POLYGON, PolygonSpec(outer, inner), polygon)


def _circle_ring(lon: float, lat: float, radius_m: float, field: str) -> NDArray[np.float64]:
    """Vertices of a polygon that contains the geodesic circle, within the stated bound."""
    g = geod()
    bound = error_bound_for(radius_m)
    pole_lat = 90.0 if lat >= 0 else -90.0
    _, _, to_pole_m = g.inv(lon, lat, lon, pole_lat)
    if radius_m + bound >= to_pole_m:
        raise InvalidGeometry("circle must not contain a pole", field=field)
    # Vertices at (r + bound/2) / cos(pi/N) keep every chord midpoint half the bound
    # outside r (slack for the edges' curvature on the ellipsoid); N is the fewest
    # for which the vertices stay within r + bound.
    inner = radius_m + bound / 2.0
    n = max(MIN_CIRCLE_VERTICES, math.ceil(math.pi / math.acos(inner / (radius_m + bound))))
    while True:
        outer = inner / math.cos(math.pi / n)
        azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
        lons, lats, _ = g.fwd(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, outer))
        lons = near(lons, lon)
        ring = np.column_stack([lons, lats])
        if _ring_stays_outside(ring, lon, lat, radius_m):
            return np.vstack([ring, ring[:1]])
        if n > 4096:
            raise InvalidGeometry("circle cannot be polygonised within bound", field=field)
        n *= 2


def _ring_stays_outside(ring: NDArray[np.float64], lon: float, lat: float, radius_m: float) -> bool:
    """True when points along every lon/lat-straight edge lie at or beyond ``radius_m``.

    Near the poles a straight lon/lat edge bows towards the centre; this is where
    a polygon with too few vertices would cut into the circle.
    """
    nxt = np.roll(ring, -1, axis=0)
    fractions = np.array([0.25, 0.5, 0.75])[:, None, None]
    samples = (ring[None, :, :] * (1 - fractions) + nxt[None, :, :] * fractions).reshape(-1, 2)
    count = len(samples)
    _, _, dist = geod().inv(np.full(count, lon), np.full(count, lat), samples[:, 0], samples[:, 1])
    return bool(np.min(dist) >= radius_m)


def circle_footprint(centre: Sequence[float], radius_m: float, *, field: str = "geometry") -> Footprint:
    lon, lat = _check_point(centre, f"{field}.coordinates")
    radius = _check_length(radius_m, "radius_m", "properties.radius_m")
    ring = _circle_ring(lon, lat, radius, field)
    ring[:, 0], _ = recentre(ring[:, 0], lon)
    polygon = _validated(Polygon(ring), field)
    return Footprint(FootprintKind.CIRCLE, CircleSpec((lon, lat), radius), polygon, error_bound_for(radius))


def _max_step_m(latitude_deg: float, half_width_m: float, bound_m: float) -> float:
    """Longest route step for which offset edges stay within ``bound_m`` of the true edge.

    A lon/lat-straight edge of length L at latitude φ departs from the geodesic by
    about L² tan|φ| / (8 R); the curve at distance w from a geodesic, by L² w / (8 R²).
    """
    earth_radius_m = 6_371_008.8
    curvature = math.tan(math.radians(min(abs(latitude_deg), MAX_ABS_LATITUDE_DEG))) / earth_radius_m
    curvature += half_width_m / earth_radius_m**2
    curvature = max(curvature, 1e-12)
    return max(50.0, min(20_000.0, math.sqrt(8.0 * bound_m / curvature)))


def _segment_strip(a: LonLat, b: LonLat, offset_m: float, bound_m: float, reference: float) -> Polygon | None:
    """The band of width 2 × ``offset_m`` along the geodesic a→b (flat ends)."""
    g = geod()
    az_ab, _, length_m = g.inv(a[0], a[1], b[0], b[1])
    if length_m <= 0:
        return None
    step = _max_step_m(max(abs(a[1]), abs(b[1])) + offset_m / 111_000.0, offset_m, bound_m)
    between = math.ceil(length_m / step) - 1
    inner = g.npts(a[0], a[1], b[0], b[1], between) if between > 0 else []  # npts refuses 0
    points = np.array([a, *inner, b], dtype=np.float64)
    count = len(points)
    # Azimuth of the geodesic at each point, from the point to the next (last: from previous).
    fwd_az, back_az, _ = g.inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    azimuths = np.concatenate([np.atleast_1d(fwd_az), [np.atleast_1d(back_az)[-1] + 180.0]])
    del az_ab
    left = g.fwd(points[:, 0], points[:, 1], azimuths - 90.0, np.full(count, offset_m))
    right = g.fwd(points[:, 0], points[:, 1], azimuths + 90.0, np.full(count, offset_m))
    ring = np.vstack(
        [
            np.column_stack([near(left[0], reference), left[1]]),
            np.column_stack([near(right[0], reference), right[1]])[::-1],
        ]
    )
    strip = Polygon(ring)
    return strip if strip.is_valid else shapely.make_valid(strip)


def corridor_footprint(
    route: Sequence[Sequence[float]], half_width_m: float, *, field: str = "geometry"
) -> Footprint:
    """A corridor: every point within ``half_width_m`` of the route (round caps and joins).

    The route's legs are geodesics. The polygon is the union of one strip per leg
    and one circle per route point, each built to contain its true shape.
    """
    points = tuple(_check_point(p, f"{field}.coordinates[{i}]") for i, p in enumerate(route))
    deduped = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if len(deduped) < 2:
        raise InvalidGeometry("a corridor route needs at least two distinct positions", field=field)
    width = _check_length(half_width_m, "half_width_m", "properties.half_width_m")
    footprint = _buffered_route(deduped, width, field)
    return Footprint(FootprintKind.CORRIDOR, CorridorSpec(points, width), footprint, error_bound_for(width))


def _buffered_route(route: Sequence[LonLat], width_m: float, field: str) -> Polygon:
    bound = error_bound_for(width_m)
    reference = route[0][0]
    # Offsets sit half the bound outside the true edge; edge sag takes at most the other half.
    offset = width_m + bound / 2.0
    parts: list[Polygon] = []
    for point in route:
        ring = _circle_ring(point[0], point[1], width_m, field)
        parts.append(Polygon(np.column_stack([near(ring[:, 0], reference), ring[:, 1]])))
    for a, b in pairwise(route):
        strip = _segment_strip(a, b, offset, bound / 2.0, reference)
        if strip is not None:
            parts.append(strip)
    merged = shapely.union_all(parts)
    if not isinstance(merged, Polygon):
        raise InvalidGeometry("corridor does not form one connected area", field=field)
    coords = np.asarray(merged.exterior.coords)
    minx, maxx = float(coords[:, 0].min()), float(coords[:, 0].max())
    _, shift = recentre(coords[:, 0], (minx + maxx) / 2.0)
    if shift:
        merged = shapely.transform(merged, lambda xy: xy + np.array([shift, 0.0]))
    return _validated(merged, field)


def racetrack_footprint(
    first: Sequence[float], second: Sequence[float], width_m: float, *, field: str = "geometry"
) -> Footprint:
    """A racetrack orbit: the stadium around the leg first→second, ``width_m`` across."""
    a = _check_point(first, f"{field}.coordinates[0]")
    b = _check_point(second, f"{field}.coordinates[1]")
    if a == b:
        raise InvalidGeometry("a racetrack needs two distinct turn points", field=field)
    width = _check_length(width_m, "width_m", "properties.width_m")
    polygon = _buffered_route([a, b], width / 2.0, field)
    return Footprint(
        FootprintKind.RACETRACK, RacetrackSpec(a, b, width), polygon, error_bound_for(width / 2.0)
    )
