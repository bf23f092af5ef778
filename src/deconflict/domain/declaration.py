"""A declaration: what a party declares as one operation or zone, and the caps it must keep.

Every reader (the GeoJSON format, NAVAREA warnings, ACO measures, the demo
theatre) produces a :class:`Declaration`; every entry point declares it
through the one ``declare`` use case, which holds it to :class:`Limits` with
:func:`check_limits`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .activity import ActivityDomain
from .altitude import AltitudeBand, AltitudeSpec, Geoid, band_in_w84
from .errors import InvalidInput, LimitExceeded
from .footprint import CircleSpec, CorridorSpec, Footprint, PolygonSpec
from .volume import Volume4D

__all__ = ["Declaration", "Limits", "band_over", "check_limits", "declared_vertices"]


@dataclass(frozen=True, slots=True)
class Declaration:
    """One operation's (or zone's) volumes, all in one domain, with what the owner tells about it."""

    domain: ActivityDomain
    volumes: tuple[Volume4D, ...]
    category: str = ""
    details: str = ""
    contact: str = ""
    priority: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "volumes", tuple(self.volumes))
        if not self.volumes:
            raise InvalidInput("at least one volume is needed", field="features")


@dataclass(frozen=True, slots=True)
class Limits:
    """The caps on one declaration (settings ``MAX_AREA_KM2``, ``MAX_VERTICES``)."""

    max_area_km2: float = 250_000.0
    max_vertices: int = 10_000
    max_volumes: int = 100


def declared_vertices(footprint: Footprint) -> int:
    """Positions as declared: every ring's vertices, a route's points, a circle's centre."""
    spec = footprint.spec
    if isinstance(spec, PolygonSpec):
        return len(spec.exterior) + sum(len(hole) for hole in spec.holes)
    if isinstance(spec, CorridorSpec):
        return len(spec.route)
    if isinstance(spec, CircleSpec):
        return 1
    return 2  # a racetrack's two turn points


def check_limits(volumes: Sequence[Volume4D], limits: Limits) -> None:
    """Refuse (LimitExceeded, naming the volume) too many volumes, vertices or too large an area."""
    if len(volumes) > limits.max_volumes:
        raise LimitExceeded(f"at most {limits.max_volumes} volumes per declaration", field="features")
    for i, volume in enumerate(volumes):
        field = f"features[{i}].geometry"
        if declared_vertices(volume.footprint) > limits.max_vertices:
            raise LimitExceeded(f"at most {limits.max_vertices} vertices", field=field)
        area_km2 = volume.footprint.area_m2() / 1e6
        if not math.isfinite(area_km2) or area_km2 > limits.max_area_km2:
            raise LimitExceeded(
                f"footprint of {area_km2:,.0f} km² exceeds the cap of {limits.max_area_km2:,.0f} km²",
                field=field,
            )


def band_over(spec: AltitudeSpec, footprint: Footprint, geoid: Geoid | None) -> AltitudeBand:
    """A declared band in W84 metres, held at every vertex of the footprint's outline."""
    ring = footprint.polygon.exterior.coords
    return band_in_w84(spec, [c[0] for c in ring], [c[1] for c in ring], geoid)
