"""Cell coverings: which H3 cells a footprint (plus a margin) may touch.

A covering is a *superset*: every cell that overlaps the footprint's padded
lon/lat bounding box (H3 "overlap" containment). Two volumes that come within
the margin of each other therefore always share a cell of the writer's padded
covering — which is what makes both the candidate lookup and the cell locks
complete. Boxes that cross the antimeridian are split at it.
"""

from __future__ import annotations

import math
from functools import lru_cache

import h3
import shapely
from shapely.geometry import Polygon

from ..domain.conflict import padded_bounds

# Index cells: H3 resolution 5 (~253 km², ~8.5 km edge). Lock cells: their parents at
# resolution 4 (~1,770 km²), so that a large zone takes hundreds of locks, not thousands.
INDEX_RESOLUTION = 5
LOCK_RESOLUTION = 4
# A query box covering more index cells than this (about 5 million km²) is read without the
# index: the IN list would cost more than it saves.
MAX_QUERY_CELLS = 20_000
_EARTH_RADIUS_KM = 6371.0088


def _boxes(minx: float, miny: float, maxx: float, maxy: float) -> list[tuple[float, float, float, float]]:
    """Split a lon/lat box into pieces inside [-180, 180]."""
    miny, maxy = max(miny, -89.9), min(maxy, 89.9)
    if maxx - minx >= 360.0:
        return [(-180.0, miny, 180.0, maxy)]
    shift = ((minx + 180.0) // 360.0) * 360.0
    minx, maxx = minx - shift, maxx - shift
    if maxx <= 180.0:
        return [(minx, miny, maxx, maxy)]
    return [(minx, miny, 180.0, maxy), (-180.0, miny, maxx - 360.0, maxy)]


def _cover_box(minx: float, miny: float, maxx: float, maxy: float, resolution: int) -> set[int]:
    if maxx - minx > 179.0:  # H3 polygons must span under half a turn
        mid = (minx + maxx) / 2.0
        return _cover_box(minx, miny, mid, maxy, resolution) | _cover_box(mid, miny, maxx, maxy, resolution)
    shape = h3.LatLngPoly([(miny, minx), (miny, maxx), (maxy, maxx), (maxy, minx)])
    cells = h3.h3shape_to_cells_experimental(shape, resolution, contain="overlap")
    return {h3.str_to_int(c) for c in cells}


def covering(polygon: Polygon, margin_m: float = 0.0, resolution: int = INDEX_RESOLUTION) -> list[int]:
    """Sorted H3 cells (as integers) covering the polygon grown by ``margin_m``."""
    return list(_covering_of_box(padded_bounds(polygon, margin_m), resolution))


@lru_cache(maxsize=4096)
def _covering_of_box(bounds: tuple[float, float, float, float], resolution: int) -> tuple[int, ...]:
    # Cached: the write path asks for the same box when it locks, looks up and indexes.
    cells: set[int] = set()
    for box in _boxes(*bounds):
        cells |= _cover_box(*box, resolution)
    return tuple(sorted(cells))


def box_covering(
    minx: float, miny: float, maxx: float, maxy: float, max_cells: int = MAX_QUERY_CELLS
) -> list[int] | None:
    """Index cells covering a lon/lat box; None when it would take over ``max_cells`` of them
    (estimated from the box's area before any is computed) or the box is not finite."""
    lats = sorted((max(-90.0, min(90.0, miny)), max(-90.0, min(90.0, maxy))))
    span = math.radians(min(abs(maxx - minx), 360.0))
    rise = math.sin(math.radians(lats[1])) - math.sin(math.radians(lats[0]))
    area_km2 = _EARTH_RADIUS_KM**2 * span * rise
    cell_km2 = h3.average_hexagon_area(INDEX_RESOLUTION, "km^2")
    if not math.isfinite(area_km2) or area_km2 / cell_km2 > max_cells:
        return None
    return covering(shapely.box(minx, miny, maxx, maxy))


def lock_keys(cells: list[int]) -> list[int]:
    """Advisory-lock keys: the coarser parents of index cells, sorted (no deadlocks)."""
    parents = {h3.str_to_int(h3.cell_to_parent(h3.int_to_str(c), LOCK_RESOLUTION)) for c in cells}
    # PostgreSQL advisory keys are signed 64-bit; H3 ids fit in 63 bits.
    return sorted(parents)
