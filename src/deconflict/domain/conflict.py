"""What a conflict is, and finding every one among a set of volumes.

Two volumes of **different** parties conflict when, in every dimension at
once, their interiors overlap or their gap is smaller than the margin:

- time: windows are half-open ``[start, end)`` and must share a positive
  interval — ``a.end == b.start`` is a hand-over, not a conflict (no margin);
- altitude: vertical gap < ``margin.vertical_m``; with a zero margin the bands
  must overlap by a positive depth (stacked blocks sharing a level do not
  conflict);
- horizontal: gap < ``margin.horizontal_m``; with a zero margin the
  footprints must share area (touching edges do not conflict).

With any positive margin, touching volumes conflict (their gap is 0).
Volumes of the same party never conflict with each other.

Spectrum (see :mod:`.spectrum`): two volumes that both carry a frequency band
conflict only if the bands also share a positive width (closed intervals; a
common edge frequency is not an overlap), and their horizontal margin grows to
the farther emission's free-space reach (``Separation.reach``). A volume with a
band and one without never conflict: an emission and a flight use different
resources (the platform carrying an emitter is declared in its own domain).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from shapely import STRtree, box
from shapely.geometry import Polygon

from .errors import InvalidInput
from .horizontal import aligned, gap_m, interiors_overlap, overlap_area_m2
from .lonlat import FULL_TURN
from .spectrum import EmissionReach
from .timewindow import TimeWindow
from .volume import TaggedVolume, Volume4D, VolumeRef

__all__ = ["Conflict", "Separation", "conflict_between", "conflicts_against", "find_conflicts"]

# Fewest metres in a degree of latitude (at the equator), and of longitude per cos(lat).
METRES_PER_DEG_LAT_MIN = 110_574.0
METRES_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True, slots=True)
class Separation:
    """The margin two parties' volumes must keep: metres horizontally and vertically."""

    horizontal_m: float = 0.0
    vertical_m: float = 0.0
    # How far emissions reach beyond their area (None: not at all); see domain/spectrum.py.
    reach: EmissionReach | None = None

    def __post_init__(self) -> None:
        for name in ("horizontal_m", "vertical_m"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise InvalidInput("margin must be a non-negative number of metres", field=name)

    def horizontal_between(self, a: Volume4D, b: Volume4D) -> float:
        """The horizontal margin for a pair: for two volumes sharing a band, grown to the
        farther emission's reach at the shared band's lowest frequency. Symmetric."""
        if self.reach is None or a.band is None or b.band is None:
            return self.horizontal_m
        shared = a.band.shared(b.band)
        if shared is None:
            return self.horizontal_m
        reach_a = self.reach.reach_m(a.eirp_dbm, shared.low_hz)
        reach_b = self.reach.reach_m(b.eirp_dbm, shared.low_hz)
        return max(self.horizontal_m, reach_a, reach_b)

    def search_m(self, volume: Volume4D) -> float:
        """How far from ``volume`` another volume may lie and still conflict with it."""
        if self.reach is None or volume.band is None:
            return self.horizontal_m
        return max(self.horizontal_m, self.reach.cap_m)


@dataclass(frozen=True, slots=True)
class Conflict:
    """A pair of volumes too close together; ``a`` sorts before ``b``.

    ``alt_lower_m``/``alt_upper_m`` is the shared band, or — for a conflict by
    vertical margin alone — the gap between the bands (``vertical_gap_m`` > 0).
    ``distance_m`` is 0 when the footprints meet; ``overlap_area_m2`` is the
    area they share (0 for a conflict by horizontal margin alone).
    """

    a: VolumeRef
    b: VolumeRef
    window: TimeWindow
    alt_lower_m: float
    alt_upper_m: float
    vertical_gap_m: float
    distance_m: float
    overlap_area_m2: float

    @property
    def pair(self) -> tuple[VolumeRef, VolumeRef]:
        return self.a, self.b


def _close_enough(gap: float, margin: float) -> bool:
    return gap < margin if margin > 0 else gap < 0


def conflict_between(
    first: TaggedVolume, second: TaggedVolume, margin: Separation = Separation()
) -> Conflict | None:
    """The conflict between two volumes, or None. Symmetric in its arguments."""
    if first.ref.party == second.ref.party:
        return None
    a, b = (first, second) if first.ref <= second.ref else (second, first)
    # Spectrum: a banded volume (emission or restricted frequency) meets only banded
    # volumes, and only where the bands share a positive width; an emission's reach
    # then widens the horizontal margin.
    band_a, band_b = a.volume.band, b.volume.band
    if (band_a is None) != (band_b is None):
        return None
    if band_a is not None and band_b is not None and not band_a.overlaps(band_b):
        return None
    horizontal_m = margin.horizontal_between(a.volume, b.volume)
    window = a.volume.window.intersection(b.volume.window)
    if window is None:
        return None
    vertical_gap = a.volume.altitude.gap_m(b.volume.altitude)
    if not _close_enough(vertical_gap, margin.vertical_m):
        return None
    poly_a = a.volume.footprint.polygon
    poly_b = aligned(a.volume.footprint, b.volume.footprint)
    if not _boxes_within(poly_a, poly_b, horizontal_m):
        return None
    if horizontal_m > 0:
        distance = gap_m(poly_a, poly_b)
        if distance >= horizontal_m:
            return None
        area = overlap_area_m2(poly_a, poly_b) if distance == 0 else 0.0
    else:
        if not interiors_overlap(poly_a, poly_b):
            return None
        distance, area = 0.0, overlap_area_m2(poly_a, poly_b)
    lower = min(a.volume.altitude.upper_m, b.volume.altitude.upper_m)
    upper = max(a.volume.altitude.lower_m, b.volume.altitude.lower_m)
    if vertical_gap < 0:
        lower, upper = upper, lower
    return Conflict(a.ref, b.ref, window, lower, upper, max(vertical_gap, 0.0), distance, area)


def padded_bounds(polygon: Polygon, margin_m: float) -> tuple[float, float, float, float]:
    """The polygon's lon/lat bounds grown by at least ``margin_m`` in every direction."""
    minx, miny, maxx, maxy = polygon.bounds
    if margin_m <= 0:
        return minx, miny, maxx, maxy
    dlat = margin_m / METRES_PER_DEG_LAT_MIN * 1.01
    lat_edge = min(89.999, max(abs(miny), abs(maxy)) + dlat)
    dlon = margin_m / (METRES_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat_edge))) * 1.01
    if dlon >= FULL_TURN / 2:
        return minx - FULL_TURN, miny - dlat, maxx + FULL_TURN, maxy + dlat
    return minx - dlon, miny - dlat, maxx + dlon, maxy + dlat


def _boxes_within(a: Polygon, b: Polygon, margin_m: float) -> bool:
    ax0, ay0, ax1, ay1 = padded_bounds(a, margin_m)
    bx0, by0, bx1, by1 = b.bounds
    return bool(ax0 <= bx1 and bx0 <= ax1 and ay0 <= by1 and by0 <= ay1)


def _search_boxes(polygon: Polygon, margin_m: float) -> list[Polygon]:
    """The padded box, and its copies one turn east and west (antimeridian)."""
    x0, y0, x1, y1 = padded_bounds(polygon, margin_m)
    return [box(x0 + s, y0, x1 + s, y1) for s in (-FULL_TURN, 0.0, FULL_TURN)]


def conflicts_against(
    candidates: Sequence[TaggedVolume],
    existing: Sequence[TaggedVolume],
    margin: Separation = Separation(),
) -> list[Conflict]:
    """Every conflict between a volume of ``candidates`` and one of ``existing``."""
    if not candidates or not existing:
        return []
    tree = STRtree([tv.volume.footprint.polygon.envelope for tv in existing])
    found: dict[tuple[VolumeRef, VolumeRef], Conflict] = {}
    for new in candidates:
        hits: set[int] = set()
        for search in _search_boxes(new.volume.footprint.polygon, margin.search_m(new.volume)):
            hits.update(int(i) for i in tree.query(search))
        for i in sorted(hits):
            conflict = conflict_between(new, existing[i], margin)
            if conflict is not None:
                found.setdefault(conflict.pair, conflict)
    return sorted(found.values(), key=lambda c: c.pair)


def find_conflicts(volumes: Iterable[TaggedVolume], margin: Separation = Separation()) -> list[Conflict]:
    """Every conflicting pair among ``volumes``, each pair once, in a stable order."""
    items = list(volumes)
    if len(items) < 2:
        return []
    tree = STRtree([tv.volume.footprint.polygon.envelope for tv in items])
    starts = np.array([tv.volume.window.start.timestamp() for tv in items])
    ends = np.array([tv.volume.window.end.timestamp() for tv in items])
    found: list[Conflict] = []
    for i, tv in enumerate(items):
        hits: set[int] = set()
        for search in _search_boxes(tv.volume.footprint.polygon, margin.search_m(tv.volume)):
            hits.update(int(j) for j in tree.query(search))
        for j in sorted(hits):
            if j <= i or not (starts[i] < ends[j] and starts[j] < ends[i]):
                continue
            conflict = conflict_between(tv, items[j], margin)
            if conflict is not None:
                found.append(conflict)
    return sorted(found, key=lambda c: c.pair)
