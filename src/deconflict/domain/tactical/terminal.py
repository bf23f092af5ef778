"""Terminal areas: where the en-route minimum gives way, and where the tower has the traffic.

Around an aerodrome two rules replace the en-route ones for manned aircraft (classes
``en_route`` and ``terminal``; drones and vessels keep their own minima everywhere):

* **Terminal area** — within ``area_radius_m`` of the aerodrome and below ``area_height_m``
  above it, the *terminal* radar minima apply (default 3 NM / 1,000 ft: ICAO Doc 4444,
  8.7.3, where the radar permits, as in approach control), not the en-route 5 NM.
* **Tower zone** — within ``tower_radius_m`` and below ``tower_height_m`` above the
  aerodrome (default 5 NM / 2,500 ft, a control zone's usual extent: ICAO Annex 11 asks at
  least 5 NM), aircraft are left out of separation alerts: spacing on one final, or two
  aircraft on parallel runways, is the tower's business, not a loss of separation between
  parties. Zone breach and non-conformance still apply to them.

The aerodrome list is loaded at the edge and passed in (elevations already in metres above
the WGS84 ellipsoid); :class:`TerminalAreas` indexes it in a grid of 1-degree cells so that
finding the aerodromes near N platforms costs N cell look-ups and a few distances.
Distances are great-circle on the sphere of :data:`.motion.EARTH_RADIUS_M` (within 0.5 % of
the ellipsoid: metres at these radii). The position used is the aerodrome reference point
(the list carries no runways), so the radius is counted from there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE
from .motion import EARTH_RADIUS_M
from .state import TERMINAL_MINIMA, Minima, TrackState

__all__ = ["MANNED_CLASSES", "Aerodrome", "TerminalAreas", "TerminalRules", "TerminalView", "terminal_view"]

MANNED_CLASSES = frozenset({"en_route", "terminal"})
_CELL_DEG = 1.0


@dataclass(frozen=True, slots=True)
class Aerodrome:
    ident: str  # ICAO location indicator
    lat_deg: float
    lon_deg: float
    elevation_m: float  # metres above the WGS84 ellipsoid


@dataclass(frozen=True, slots=True)
class TerminalRules:
    """Extents and minima of the terminal rules (heights above the aerodrome)."""

    area_radius_m: float = 30.0 * METRES_PER_NAUTICAL_MILE
    area_height_m: float = 10_000.0 * METRES_PER_FOOT
    minima: Minima = TERMINAL_MINIMA
    tower_radius_m: float = 5.0 * METRES_PER_NAUTICAL_MILE
    tower_height_m: float = 2_500.0 * METRES_PER_FOOT


@dataclass(frozen=True, slots=True)
class TerminalView:
    """Per platform of a state: the minima that apply, and whether the tower has it."""

    minima: tuple[Minima, ...]
    with_tower: NDArray[np.bool_]
    aerodrome: tuple[str | None, ...]  # the nearest aerodrome whose terminal area holds it


@dataclass(frozen=True, eq=False)
class TerminalAreas:
    """Aerodromes in a grid of 1-degree cells, each registered in every cell its terminal area meets."""

    aerodromes: Sequence[Aerodrome]
    rules: TerminalRules = field(default_factory=TerminalRules)
    _cells: dict[tuple[int, int], list[int]] = field(init=False, repr=False)
    _lat: NDArray[np.float64] = field(init=False, repr=False)
    _lon: NDArray[np.float64] = field(init=False, repr=False)
    _elevation: NDArray[np.float64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        reach = max(self.rules.area_radius_m, self.rules.tower_radius_m)
        half_lat = math.degrees(reach / EARTH_RADIUS_M)
        cells: dict[tuple[int, int], list[int]] = {}
        for i, a in enumerate(self.aerodromes):
            top = min(abs(a.lat_deg) + half_lat, 89.9)
            half_lon = min(180.0, half_lat / max(math.cos(math.radians(top)), 1e-6))
            rows = range(
                math.floor((a.lat_deg - half_lat) / _CELL_DEG),
                math.floor((a.lat_deg + half_lat) / _CELL_DEG) + 1,
            )
            first = math.floor((a.lon_deg - half_lon) / _CELL_DEG)
            last = math.floor((a.lon_deg + half_lon) / _CELL_DEG)
            columns = {c % 360 for c in range(first, min(last, first + 359) + 1)}
            for row in rows:
                for column in columns:
                    cells.setdefault((row, column), []).append(i)
        object.__setattr__(self, "_cells", cells)
        object.__setattr__(self, "_lat", np.array([a.lat_deg for a in self.aerodromes], dtype=np.float64))
        object.__setattr__(self, "_lon", np.array([a.lon_deg for a in self.aerodromes], dtype=np.float64))
        object.__setattr__(
            self, "_elevation", np.array([a.elevation_m for a in self.aerodromes], dtype=np.float64)
        )

    def __len__(self) -> int:
        return len(self.aerodromes)

    def near(self, lat_deg: float, lon_deg: float) -> list[int]:
        """Indices of the aerodromes whose terminal area may hold this position (a superset)."""
        key = (math.floor(lat_deg / _CELL_DEG), math.floor(lon_deg / _CELL_DEG) % 360)
        return self._cells.get(key, [])

    def distance_m(self, index: Sequence[int], lat_deg: float, lon_deg: float) -> NDArray[np.float64]:
        lat1, lon1 = math.radians(lat_deg), math.radians(lon_deg)
        lat2, lon2 = np.radians(self._lat[list(index)]), np.radians(self._lon[list(index)])
        h = (
            np.sin((lat2 - lat1) / 2.0) ** 2
            + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2
        )
        return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=np.float64)

    def elevation_m(self, index: Sequence[int]) -> NDArray[np.float64]:
        return np.asarray(self._elevation[list(index)], dtype=np.float64)


def terminal_view(
    state: TrackState,
    classes: Sequence[str],
    minima: Sequence[Minima],
    areas: TerminalAreas | None,
) -> TerminalView:
    """Which minima apply to each platform of ``state`` (``classes`` and ``minima`` by row),
    and which ones the tower has (see the module docstring)."""
    n = len(state)
    out = list(minima)
    tower = np.zeros(n, dtype=np.bool_)
    nearest: list[str | None] = [None] * n
    if areas is None or not len(areas):
        return TerminalView(tuple(out), tower, tuple(nearest))
    rules = areas.rules
    for i in range(n):
        if classes[i] not in MANNED_CLASSES:
            continue
        lat, lon = float(state.lat_deg[i]), float(state.lon_deg[i])
        candidates = areas.near(lat, lon)
        if not candidates:
            continue
        distance = areas.distance_m(candidates, lat, lon)
        height = float(state.alt_m[i]) - areas.elevation_m(candidates)
        in_tower = (distance < rules.tower_radius_m) & (height < rules.tower_height_m)
        in_area = (distance < rules.area_radius_m) & (height < rules.area_height_m)
        if in_tower.any():
            tower[i] = True
        if in_area.any():
            j = int(np.argmin(np.where(in_area, distance, np.inf)))
            nearest[i] = areas.aerodromes[candidates[j]].ident
            out[i] = rules.minima
    return TerminalView(tuple(out), tower, tuple(nearest))
