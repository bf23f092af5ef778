"""Altitude bands and references.

Inside the model every altitude is metres above the WGS84 ellipsoid (``W84``).
Declared bands may also be given as

- ``MSL`` in metres or feet: orthometric height over the EGM96 geoid. The geoid
  is a port (:class:`Geoid`); the adapter reads Debian's ``egm96_15.gtx`` grid.
- ``FL``: flight levels, hundreds of feet of pressure altitude in the ICAO
  standard atmosphere (QNH 1013.25 hPa), taken as height above MSL. This is
  **approximate**: the true height of a flight level moves with the weather by
  hundreds of feet.
- ``SFC`` in metres or feet: from the surface (``lower`` must be 0) up to a
  height above ground, for ground operations, standing ground areas and
  low-level activity. There is no terrain model, so the band is made to hold
  wherever the surface may be *below* it: the lower bound is
  ``SURFACE_FLOOR_W84_M`` (−500 m W84, below any land or sea surface on Earth —
  the Dead Sea shore is about −410 m W84), and the upper bound takes the
  surface as MSL (the stated height above MSL, with the geoid's highest
  undulation over the footprint). **Limitation:** over high ground the true
  ceiling is higher by the terrain elevation, so there a ground volume
  under-states its top; declare such an area in ``MSL`` (terrain + height).

Because the geoid undulates across a footprint, a converted band is widened to
hold at every vertex: the lower bound uses the lowest undulation, the upper
bound the highest. The declared band is kept for display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from .errors import InvalidInput
from .units import METRES_PER_FOOT

__all__ = [
    "HIGHEST_W84_M",
    "LOWEST_W84_M",
    "SURFACE_FLOOR_W84_M",
    "AltitudeBand",
    "AltitudeRef",
    "AltitudeSpec",
    "AltitudeUnit",
    "Geoid",
    "band_in_w84",
    "flight_level_to_msl_m",
    "flight_level_uncertainty_m",
]

FEET_PER_FLIGHT_LEVEL = 100.0
# The floor of a band declared from the surface (SFC): below every land and sea surface.
SURFACE_FLOOR_W84_M = -500.0
# A declared band, converted, lies within these (m W84): from below any surface to the
# Kármán line. Anything outside is a typo or a unit slip, not an operation.
LOWEST_W84_M = SURFACE_FLOOR_W84_M
HIGHEST_W84_M = 100_000.0


class AltitudeRef(StrEnum):
    W84 = "W84"
    MSL = "MSL"
    FL = "FL"
    SFC = "SFC"


class AltitudeUnit(StrEnum):
    M = "m"
    FT = "ft"


class Geoid(Protocol):
    """Height of the geoid above the WGS84 ellipsoid, metres, at lon/lat degrees."""

    def undulation_m(self, lons: Sequence[float], lats: Sequence[float]) -> Sequence[float]: ...


@dataclass(frozen=True, slots=True)
class AltitudeSpec:
    """A band exactly as declared: the numbers, their reference and unit."""

    lower: float
    upper: float
    ref: AltitudeRef
    units: AltitudeUnit = AltitudeUnit.M


@dataclass(frozen=True, slots=True)
class AltitudeBand:
    """A closed band [lower_m, upper_m] above the WGS84 ellipsoid."""

    lower_m: float
    upper_m: float
    declared: AltitudeSpec | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lower_m) and math.isfinite(self.upper_m)):
            raise InvalidInput("altitude must be a finite number", field="alt_lower")
        if not self.lower_m < self.upper_m:
            raise InvalidInput("alt_upper must be above alt_lower", field="alt_upper")

    def gap_m(self, other: AltitudeBand) -> float:
        """Vertical gap to ``other``: negative when they overlap (minus the overlap depth)."""
        return max(self.lower_m, other.lower_m) - min(self.upper_m, other.upper_m)


def flight_level_to_msl_m(flight_level: float) -> float:
    """Approximate height above MSL of a flight level (ISA, QNH 1013.25 hPa)."""
    return flight_level * FEET_PER_FLIGHT_LEVEL * METRES_PER_FOOT


def flight_level_uncertainty_m(pressure_alt_m: float) -> float:
    """How far the true height of a pressure altitude may be from :func:`flight_level_to_msl_m`:
    the sea-level pressure ranges over about +/- 30 hPa (+/- 250 m) and the air's
    temperature over about +/- 15 K from ISA (+/- 5 % of the height)."""
    return 250.0 + 0.05 * abs(pressure_alt_m)


def _to_msl_m(value: float, spec: AltitudeSpec) -> float:
    if spec.ref is AltitudeRef.FL:
        return flight_level_to_msl_m(value)
    return value * METRES_PER_FOOT if spec.units is AltitudeUnit.FT else value


def _within_bounds(band: AltitudeBand) -> AltitudeBand:
    for name, value in (("alt_lower", band.lower_m), ("alt_upper", band.upper_m)):
        if not LOWEST_W84_M <= value <= HIGHEST_W84_M:
            raise InvalidInput(
                f"{name} is {value:.6g} m W84; a band lies within {LOWEST_W84_M:g} m to {HIGHEST_W84_M:g} m",
                field=name,
            )
    return band


def band_in_w84(
    spec: AltitudeSpec,
    lons: Sequence[float],
    lats: Sequence[float],
    geoid: Geoid | None,
) -> AltitudeBand:
    """Convert a declared band to W84 metres over the footprint sampled at ``lons/lats``;
    the result lies within ``LOWEST_W84_M`` to ``HIGHEST_W84_M``."""
    return _within_bounds(_converted(spec, lons, lats, geoid))


def _converted(
    spec: AltitudeSpec, lons: Sequence[float], lats: Sequence[float], geoid: Geoid | None
) -> AltitudeBand:
    if not spec.lower < spec.upper:
        raise InvalidInput("alt_upper must be above alt_lower", field="alt_upper")
    if spec.ref is AltitudeRef.W84:
        factor = METRES_PER_FOOT if spec.units is AltitudeUnit.FT else 1.0
        return AltitudeBand(spec.lower * factor, spec.upper * factor, spec)
    if spec.ref is AltitudeRef.SFC and spec.lower != 0:
        raise InvalidInput("an SFC band starts at the surface: alt_lower must be 0", field="alt_lower")
    if geoid is None:
        raise InvalidInput(f"alt_ref {spec.ref} needs the geoid model", field="alt_ref")
    undulations = [float(n) for n in geoid.undulation_m(lons, lats)]
    if not undulations or not all(math.isfinite(n) for n in undulations):
        raise InvalidInput("no geoid height for this footprint", field="alt_ref")
    upper_m = _to_msl_m(spec.upper, spec) + max(undulations)
    if spec.ref is AltitudeRef.SFC:
        # The surface is unknown: from below any surface to the height taken above MSL.
        return AltitudeBand(SURFACE_FLOOR_W84_M, upper_m, spec)
    return AltitudeBand(_to_msl_m(spec.lower, spec) + min(undulations), upper_m, spec)
