"""Non-conformance: a platform outside the declared volume of the operation it flies for.

Checked at the picture's instant only (a prediction of leaving the volume
would alert on every turn near its edge). A platform conforms when it is inside
at least one of its operation's volumes: footprint (boundary inside), band and
window together, with an optional tolerance in space.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

from ..errors import InvalidInput
from ..footprint import geod
from ..lonlat import next_to
from ..volume import Volume4D
from .motion import EARTH_RADIUS_M
from .state import TrackState

__all__ = ["NonConformance", "horizontal_distance_m", "non_conformances"]

_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0


@dataclass(frozen=True, slots=True)
class NonConformance:
    """A platform outside every volume of the operation it flies for, at ``state.at``."""

    platform: str
    party: str
    operation_id: str
    reason: str
    distance_m: float


def _format_m(metres: float) -> str:
    return f"{metres / 1000.0:.1f} km" if metres >= 1000.0 else f"{metres:.0f} m"


def horizontal_distance_m(polygon: Polygon, lon_deg: float, lat_deg: float) -> float:
    """How far (metres) the point lies outside the footprint polygon; 0 inside or on it.

    The polygon is projected into a local equirectangular frame centred on the
    point (east metres ``Δlon cos(lat) R``, north metres ``Δlat R``), the
    nearest polygon point is found there, and the distance to it is the WGS84
    geodesic. The geodesic is exact for that point; the point is the true
    nearest one to second order (relative error about ``d tan|lat| / R``: under
    0.1 % for ``d`` of 50 km below 80 deg).
    """
    centre = float(sum(polygon.bounds[0::2]) / 2.0)
    x = float(next_to(np.array(lon_deg), np.array(centre)))
    if shapely.intersects_xy(polygon, x, lat_deg):
        return 0.0
    scale_x = max(math.cos(math.radians(lat_deg)), 1e-9) * _METRES_PER_DEGREE
    local = shapely.transform(
        polygon,
        lambda xy: np.column_stack([(xy[:, 0] - x) * scale_x, (xy[:, 1] - lat_deg) * _METRES_PER_DEGREE]),
    )
    nearest = shapely.shortest_line(Point(0.0, 0.0), local).coords[1]
    lon_n = x + nearest[0] / scale_x
    lat_n = lat_deg + nearest[1] / _METRES_PER_DEGREE
    _, _, distance = geod().inv(x, lat_deg, lon_n, lat_n)
    return float(distance)


def non_conformances(
    state: TrackState,
    links: Mapping[str, str],
    volumes: Mapping[str, Sequence[Volume4D]],
    tolerance_m: float = 0.0,
) -> tuple[NonConformance, ...]:
    """Linked platforms outside every volume of their operation at ``state.at``.

    ``links`` maps a platform id to its operation id, ``volumes`` an operation
    id to its volumes. A platform conforms when, at ``state.at``, it is inside
    at least one volume: within ``tolerance_m`` of the footprint horizontally
    (boundary inside; distance as in :func:`horizontal_distance_m`), within the
    band widened by ``tolerance_m`` on both sides, and in the window (no
    tolerance in time). Links to a platform not in ``state``, or to an operation
    without volumes, are skipped.

    The reason comes from the volumes whose window holds ``state.at``: the
    nearest of them (horizontal excess first, then vertical) names what is off,
    e.g. ``"outside the declared footprint (2.3 km); above the declared band by
    150 m"``; the amounts are from the declared volume, not the tolerance.
    ``distance_m`` is that volume's horizontal distance when the horizontal part
    is off, else 0. When no window holds ``state.at`` the reason is ``"outside
    the declared time window"`` and ``distance_m`` the smallest horizontal
    distance to any of the operation's footprints.
    """
    tolerance = float(tolerance_m)
    if not (math.isfinite(tolerance) and tolerance >= 0.0):
        raise InvalidInput(f"must be a non-negative number of metres, got {tolerance}", field="tolerance_m")
    row_of = {name: n for n, name in enumerate(state.ids.tolist())}
    out: list[NonConformance] = []
    for platform in sorted(links):
        operation = links[platform]
        row = row_of.get(platform)
        declared = volumes.get(operation)
        if row is None or not declared:
            continue
        lon, lat, alt = float(state.lon_deg[row]), float(state.lat_deg[row]), float(state.alt_m[row])
        checks: list[tuple[float, float, float, bool]] = []
        for volume in declared:
            horizontal = horizontal_distance_m(volume.footprint.polygon, lon, lat)
            above = alt - volume.altitude.upper_m
            below = volume.altitude.lower_m - alt
            in_window = volume.window.contains(state.at)
            checks.append((horizontal, above, below, in_window))
        if any(w and h <= tolerance and up <= tolerance and down <= tolerance for h, up, down, w in checks):
            continue
        party = str(state.party[row])
        timely = [c for c in checks if c[3]]
        if not timely:
            distance = min(c[0] for c in checks)
            out.append(
                NonConformance(platform, party, operation, "outside the declared time window", distance)
            )
            continue
        horizontal, above, below, _ = min(
            timely, key=lambda c: (max(c[0] - tolerance, 0.0), max(max(c[1], c[2]) - tolerance, 0.0))
        )
        words: list[str] = []
        distance = 0.0
        if horizontal > tolerance:
            words.append(f"outside the declared footprint ({_format_m(horizontal)})")
            distance = horizontal
        if above > tolerance:
            words.append(f"above the declared band by {_format_m(above)}")
        elif below > tolerance:
            words.append(f"below the declared band by {_format_m(below)}")
        out.append(NonConformance(platform, party, operation, "; ".join(words), distance))
    return tuple(out)
