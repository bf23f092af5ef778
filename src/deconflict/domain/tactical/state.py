"""The state of N live platforms at one instant, in columns, and separation minima.

Data contract of :class:`TrackState` (one entry per platform, all columns of
length N):

==================== ======== ==================================================
column               unit     meaning
==================== ======== ==================================================
``ids``              --       unique platform identifier (str)
``party``            --       the party that owns the track (str)
``lat_deg``          deg      WGS84 latitude, in [-90, 90]
``lon_deg``          deg      WGS84 longitude, in [-180, 180]
``alt_m``            m        altitude (the same reference for every platform)
``ground_speed_m_s`` m/s      horizontal speed over the ground, >= 0
``track_deg``        deg      direction of travel, clockwise from true north
``vertical_rate_m_s`` m/s     positive climbing
``pressure_alt_m``   m        pressure altitude (ISA, 1013.25 hPa) when reported
                              as a flight level, else NaN (optional column)
``layer``            --       :data:`AIRBORNE`, :data:`SURFACE` (vessels at sea)
                              or :data:`GROUND` (landed aircraft, not separated);
                              separation is tested within one layer (optional
                              column, default airborne)
==================== ======== ==================================================

Two pressure altitudes are compared as pressure altitudes: two aircraft at
adjacent flight levels are exactly 1,000 ft apart whatever the geoid below
each. Their altitudes are reported in steps of
:data:`PRESSURE_ALTITUDE_RESOLUTION_M` (25 ft, ADS-B), so such a pair is in
vertical loss only when reported more than one step inside the minimum: two
aircraft reported 975 ft apart may be exactly 1,000 ft apart.

Arrays are copied on construction and made read-only, so a state is a value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import InvalidInput
from ..timewindow import as_utc
from ..units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE

__all__ = [
    "AIRBORNE",
    "DEFAULT_MINIMA",
    "DRONE_MINIMA",
    "GROUND",
    "MAX_LOOK_AHEAD_S",
    "MINIMA_BY_CLASS",
    "PRESSURE_ALTITUDE_RESOLUTION_M",
    "SURFACE",
    "TERMINAL_MINIMA",
    "VESSEL_MINIMA",
    "Minima",
    "TrackState",
    "minima_for_classes",
]

# The tactical model extrapolates straight lines in a local flat frame; past an
# hour that is no longer a prediction worth alerting on.
MAX_LOOK_AHEAD_S = 3600.0

# The step in which ADS-B (and Mode S) reports a pressure altitude.
PRESSURE_ALTITUDE_RESOLUTION_M = 25.0 * METRES_PER_FOOT

# Separation layers: a pair is tested only within one layer, and never on the ground.
AIRBORNE = 0
SURFACE = 1  # vessels at sea: separated from each other, not from aircraft
GROUND = 2  # landed or taxiing aircraft, ground vehicles: no airborne separation

_NO_FLOATS: NDArray[np.float64] = np.empty(0, dtype=np.float64)
_NO_LAYERS: NDArray[np.int8] = np.empty(0, dtype=np.int8)


@dataclass(frozen=True, slots=True)
class Minima:
    """Separation minima and how far ahead to look.

    A pair is in conflict when, within ``look_ahead_s``, it is predicted to be
    closer than ``horizontal_m`` horizontally *and* ``vertical_m`` vertically at
    the same time. Defaults: 5 NM, 1,000 ft, 300 s (en-route radar separation).
    """

    horizontal_m: float = 5.0 * METRES_PER_NAUTICAL_MILE
    vertical_m: float = 1000.0 * METRES_PER_FOOT
    look_ahead_s: float = 300.0

    def __post_init__(self) -> None:
        for name in ("horizontal_m", "vertical_m"):
            value = float(getattr(self, name))
            if not (math.isfinite(value) and value > 0.0):
                raise InvalidInput(f"must be a positive number of metres, got {value}", field=name)
            object.__setattr__(self, name, value)
        look = float(self.look_ahead_s)
        if not (math.isfinite(look) and 0.0 <= look <= MAX_LOOK_AHEAD_S):
            raise InvalidInput(
                f"must be between 0 and {MAX_LOOK_AHEAD_S:.0f} s, got {look}", field="look_ahead_s"
            )
        object.__setattr__(self, "look_ahead_s", look)

    def combine(self, other: Minima) -> Minima:
        """The minima of a pair: the larger of each."""
        return Minima(
            horizontal_m=max(self.horizontal_m, other.horizontal_m),
            vertical_m=max(self.vertical_m, other.vertical_m),
            look_ahead_s=max(self.look_ahead_s, other.look_ahead_s),
        )


DEFAULT_MINIMA = Minima()
TERMINAL_MINIMA = Minima(horizontal_m=3.0 * METRES_PER_NAUTICAL_MILE)
DRONE_MINIMA = Minima(horizontal_m=0.66 * METRES_PER_NAUTICAL_MILE, vertical_m=450.0 * METRES_PER_FOOT)
# Ships: a 1 NM closest-approach alarm (as radar plotting aids use); the vertical
# minimum only matters against aircraft, whose own larger minima then govern.
VESSEL_MINIMA = Minima(horizontal_m=1.0 * METRES_PER_NAUTICAL_MILE, vertical_m=100.0 * METRES_PER_FOOT)

MINIMA_BY_CLASS: Mapping[str, Minima] = MappingProxyType(
    {
        "en_route": DEFAULT_MINIMA,
        "terminal": TERMINAL_MINIMA,
        "drone": DRONE_MINIMA,
        "vessel": VESSEL_MINIMA,
    }
)


def minima_for_classes(
    classes: Sequence[str], table: Mapping[str, Minima] = MINIMA_BY_CLASS
) -> tuple[Minima, ...]:
    """One :class:`Minima` per platform, looked up by its class name."""
    out: list[Minima] = []
    for i, name in enumerate(classes):
        found = table.get(name)
        if found is None:
            known = ", ".join(sorted(table))
            raise InvalidInput(f"unknown class {name!r} at index {i} (known: {known})", field="class")
        out.append(found)
    return tuple(out)


def _floats(values: ArrayLike, field: str, n: int) -> NDArray[np.float64]:
    try:
        array = np.array(values, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"must be numbers ({error})", field=field) from None
    if array.shape != (n,):
        raise InvalidInput(f"must hold {n} values, one per platform, got shape {array.shape}", field=field)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise InvalidInput(f"value at index {int(bad[0])} is not finite", field=field)
    array.setflags(write=False)
    return array


def _strings(values: Sequence[str] | NDArray[np.str_], field: str) -> NDArray[np.str_]:
    array = np.array(values, dtype=np.str_, copy=True)
    if array.ndim != 1:
        raise InvalidInput(f"must be a flat list of strings, got shape {array.shape}", field=field)
    empty = np.flatnonzero(array == "")
    if empty.size:
        raise InvalidInput(f"value at index {int(empty[0])} is empty", field=field)
    array.setflags(write=False)
    return array


def _within(array: NDArray[np.float64], low: float, high: float, field: str) -> None:
    bad = np.flatnonzero((array < low) | (array > high))
    if bad.size:
        i = int(bad[0])
        raise InvalidInput(f"value {array[i]} at index {i} is outside [{low}, {high}]", field=field)


@dataclass(frozen=True, slots=True, eq=False)
class TrackState:
    """N platforms at one instant ``at`` (aware UTC), one column per quantity."""

    at: datetime
    ids: NDArray[np.str_]
    party: NDArray[np.str_]
    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    alt_m: NDArray[np.float64]
    ground_speed_m_s: NDArray[np.float64]
    track_deg: NDArray[np.float64]
    vertical_rate_m_s: NDArray[np.float64]
    pressure_alt_m: NDArray[np.float64] = field(default_factory=lambda: _NO_FLOATS)
    layer: NDArray[np.int8] = field(default_factory=lambda: _NO_LAYERS)

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", as_utc(self.at, field="at"))
        ids = _strings(self.ids, "ids")
        n = ids.shape[0]
        party = _strings(self.party, "party")
        if party.shape != (n,):
            raise InvalidInput(f"must hold {n} values, one per platform", field="party")
        unique, first, counts = np.unique(ids, return_index=True, return_counts=True)
        if unique.size != n:
            dup = int(np.argmax(counts > 1))
            raise InvalidInput(
                f"id {str(unique[dup])!r} appears {int(counts[dup])} times (first at index "
                f"{int(first[dup])}); ids must be unique",
                field="ids",
            )
        object.__setattr__(self, "ids", ids)
        object.__setattr__(self, "party", party)
        for name in (
            "lat_deg",
            "lon_deg",
            "alt_m",
            "ground_speed_m_s",
            "track_deg",
            "vertical_rate_m_s",
        ):
            object.__setattr__(self, name, _floats(getattr(self, name), name, n))
        pressure = np.array(self.pressure_alt_m, dtype=np.float64, copy=True)
        if pressure.size == 0:
            pressure = np.full(n, np.nan)
        if pressure.shape != (n,) or np.isinf(pressure).any():
            raise InvalidInput(
                f"must hold {n} finite values or NaN, one per platform", field="pressure_alt_m"
            )
        pressure.setflags(write=False)
        object.__setattr__(self, "pressure_alt_m", pressure)
        layer = np.array(self.layer, dtype=np.int8, copy=True)
        if layer.size == 0:
            layer = np.full(n, AIRBORNE, dtype=np.int8)
        if layer.shape != (n,) or not np.isin(layer, (AIRBORNE, SURFACE, GROUND)).all():
            raise InvalidInput(f"must hold {n} layers (0 airborne, 1 surface, 2 ground)", field="layer")
        layer.setflags(write=False)
        object.__setattr__(self, "layer", layer)
        _within(self.lat_deg, -90.0, 90.0, "lat_deg")
        _within(self.lon_deg, -180.0, 180.0, "lon_deg")
        _within(self.ground_speed_m_s, 0.0, math.inf, "ground_speed_m_s")

    @classmethod
    def from_columns(
        cls,
        at: datetime,
        *,
        ids: Sequence[str] | NDArray[np.str_],
        party: Sequence[str] | NDArray[np.str_],
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        alt_m: ArrayLike,
        ground_speed_m_s: ArrayLike,
        track_deg: ArrayLike,
        vertical_rate_m_s: ArrayLike,
        pressure_alt_m: ArrayLike | None = None,
        layer: ArrayLike | None = None,
    ) -> TrackState:
        """Build a state from any sequences; they are copied and checked."""
        n = len(ids)
        return cls(
            at,
            _strings(ids, "ids"),
            _strings(party, "party"),
            _floats(lat_deg, "lat_deg", n),
            _floats(lon_deg, "lon_deg", n),
            _floats(alt_m, "alt_m", n),
            _floats(ground_speed_m_s, "ground_speed_m_s", n),
            _floats(track_deg, "track_deg", n),
            _floats(vertical_rate_m_s, "vertical_rate_m_s", n),
            _NO_FLOATS if pressure_alt_m is None else np.asarray(pressure_alt_m, dtype=np.float64),
            _NO_LAYERS if layer is None else np.asarray(layer, dtype=np.int8),
        )

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def take(self, rows: NDArray[np.intp]) -> TrackState:
        """The platforms at ``rows``, in that order: every column, so none added later is dropped."""
        columns = {f.name: getattr(self, f.name)[rows] for f in fields(self) if f.name != "at"}
        return TrackState(self.at, **columns)
