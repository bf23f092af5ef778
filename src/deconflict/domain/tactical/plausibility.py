"""Which position reports the watch believes: the clock, the class's bounds, and jumps.

Three rules, each giving a reason code (counted on ``/metrics``), the field and
a sentence, or None when the report passes:

- :func:`ahead_of_clock`: a report stamped more than a few seconds after the
  service's clock is refused (field ``t``). Only each platform's newest report
  is kept, so one report stamped a year ahead would otherwise shadow every
  correct one after it.
- :func:`implausible`: an altitude, speed or vertical rate outside what any
  platform of the class can do (:data:`LIMITS_BY_CLASS`).
- :func:`jump`: against the platform's previous report (within a minute), an
  altitude or a position that changed faster than the class can move (with a
  slack for the reports' own noise and resolution).

A pressure altitude (a flight level) is checked as one; any other altitude is
W84 metres, whose bounds are widened by the geoid's range (-106 m to +85 m).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from ..units import (
    METRES_PER_FOOT,
    METRES_PER_NAUTICAL_MILE,
    METRES_PER_SECOND_PER_FPM,
    METRES_PER_SECOND_PER_KNOT,
)
from .motion import EARTH_RADIUS_M
from .report import PositionReport

__all__ = [
    "FUTURE",
    "IMPLAUSIBLE",
    "JUMP",
    "JUMP_WINDOW_S",
    "LIMITS_BY_CLASS",
    "ClassLimits",
    "Doubt",
    "ahead_of_clock",
    "implausible",
    "jump",
]

FUTURE = "future"
IMPLAUSIBLE = "implausible"
JUMP = "jump"

# W84 = MSL + geoid height, which lies in [-106, 85] m on Earth.
_GEOID_MARGIN_M = 110.0
# Slack of the jump test over the class's top speeds: position noise (ADS-B
# integrity containment of a few hundred metres, AIS's GNSS) and altitude steps.
_JUMP_SLACK_H_M = 1000.0
_JUMP_SLACK_V_M = 300.0 * METRES_PER_FOOT
# A previous report further away in time than this says nothing about a jump, so a
# glitch that got in as a platform's first report shadows the good ones for a minute at most.
JUMP_WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class ClassLimits:
    """What a platform of one class can do: altitude (pressure or MSL), speed, climb."""

    min_alt_m: float
    max_alt_m: float
    max_speed_m_s: float
    max_vertical_rate_m_s: float


_AIRCRAFT = ClassLimits(
    # The lowest aerodromes (-1,240 ft) on a high-pressure day; above any aeroplane's ceiling.
    min_alt_m=-1500.0 * METRES_PER_FOOT,
    max_alt_m=80_000.0 * METRES_PER_FOOT,
    max_speed_m_s=1500.0 * METRES_PER_SECOND_PER_KNOT,  # fast jets at altitude
    max_vertical_rate_m_s=60_000.0 * METRES_PER_SECOND_PER_FPM,
)
LIMITS_BY_CLASS: Mapping[str, ClassLimits] = MappingProxyType(
    {
        "en_route": _AIRCRAFT,
        "terminal": _AIRCRAFT,
        "drone": ClassLimits(
            min_alt_m=-1500.0 * METRES_PER_FOOT,
            max_alt_m=65_000.0 * METRES_PER_FOOT,  # high-altitude long-endurance drones
            max_speed_m_s=400.0 * METRES_PER_SECOND_PER_KNOT,
            max_vertical_rate_m_s=10_000.0 * METRES_PER_SECOND_PER_FPM,
        ),
        "vessel": ClassLimits(
            min_alt_m=-50.0,
            max_alt_m=50.0,
            max_speed_m_s=100.0 * METRES_PER_SECOND_PER_KNOT,  # hovercraft, fast patrol craft
            max_vertical_rate_m_s=10.0,
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Doubt:
    """Why a report is not believed: a reason code, the field, and a sentence."""

    reason: str
    field: str
    message: str


def ahead_of_clock(report: PositionReport, now: datetime, max_future_s: float) -> Doubt | None:
    """A report stamped more than ``max_future_s`` after ``now`` (the service clock)."""
    skew = (report.at - now).total_seconds()
    if skew <= max_future_s:
        return None
    return Doubt(
        FUTURE,
        "t",
        f"{report.at.isoformat()} is {skew:.1f} s ahead of the service clock (at most "
        f"{max_future_s:g} s); is the sender's clock or time zone wrong?",
    )


def _feet(metres: float) -> str:
    return f"{metres / METRES_PER_FOOT:,.0f} ft"


def implausible(report: PositionReport, limits: ClassLimits) -> Doubt | None:
    """An altitude, speed or vertical rate no platform of the class can have."""
    klass = report.platform_class
    if report.pressure_alt_m is not None:
        altitude, low, high = report.pressure_alt_m, limits.min_alt_m, limits.max_alt_m
        what = f"pressure altitude {_feet(altitude)} (FL{altitude / METRES_PER_FOOT / 100:g})"
    else:
        altitude = report.alt_m
        low, high = limits.min_alt_m - _GEOID_MARGIN_M, limits.max_alt_m + _GEOID_MARGIN_M
        what = f"altitude {altitude:,.0f} m"
    if not low <= altitude <= high:
        return Doubt(IMPLAUSIBLE, "alt", f"{what} is outside [{_feet(low)}, {_feet(high)}] for class {klass}")
    if report.ground_speed_m_s > limits.max_speed_m_s:
        knots = report.ground_speed_m_s / METRES_PER_SECOND_PER_KNOT
        top = limits.max_speed_m_s / METRES_PER_SECOND_PER_KNOT
        return Doubt(
            IMPLAUSIBLE, "gs", f"ground speed {knots:,.0f} kt is above {top:,.0f} kt for class {klass}"
        )
    if abs(report.vertical_rate_m_s) > limits.max_vertical_rate_m_s:
        fpm = report.vertical_rate_m_s / METRES_PER_SECOND_PER_FPM
        top = limits.max_vertical_rate_m_s / METRES_PER_SECOND_PER_FPM
        return Doubt(
            IMPLAUSIBLE, "vs", f"vertical rate {fpm:,.0f} ft/min is beyond +/-{top:,.0f} for class {klass}"
        )
    return None


def _great_circle_m(a: PositionReport, b: PositionReport) -> float:
    lat1, lat2 = math.radians(a.lat_deg), math.radians(b.lat_deg)
    dlat, dlon = lat2 - lat1, math.radians(b.lon_deg - a.lon_deg)
    h = math.sin(dlat / 2.0) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def jump(previous: PositionReport, report: PositionReport, limits: ClassLimits) -> Doubt | None:
    """A change from the platform's previous report faster than its class can move (a
    previous report more than :data:`JUMP_WINDOW_S` away, or itself implausible, is ignored)."""
    dt = abs((report.at - previous.at).total_seconds())
    if dt > JUMP_WINDOW_S or implausible(previous, limits) is not None:
        return None
    if previous.pressure_alt_m is not None and report.pressure_alt_m is not None:
        climb = abs(report.pressure_alt_m - previous.pressure_alt_m)
    else:
        climb = abs(report.alt_m - previous.alt_m)
    if climb > limits.max_vertical_rate_m_s * dt + _JUMP_SLACK_V_M:
        return Doubt(
            JUMP,
            "alt",
            f"altitude changed by {_feet(climb)} in {dt:.1f} s since the previous report "
            f"(class {report.platform_class} climbs at most "
            f"{limits.max_vertical_rate_m_s / METRES_PER_SECOND_PER_FPM:,.0f} ft/min)",
        )
    moved = _great_circle_m(previous, report)
    if moved > limits.max_speed_m_s * dt + _JUMP_SLACK_H_M:
        return Doubt(
            JUMP,
            "lat",
            f"position moved {moved / METRES_PER_NAUTICAL_MILE:,.1f} NM in {dt:.1f} s since the previous report "
            f"(class {report.platform_class} flies at most "
            f"{limits.max_speed_m_s / METRES_PER_SECOND_PER_KNOT:,.0f} kt)",
        )
    return None
