"""The position report on the wire (``POST /v1/tracks``), and its conversion to the domain.

Each report is checked on its own: a bad one is rejected by index with the
field and the reason, the others are kept. Altitudes are turned into metres
above the WGS84 ellipsoid here (the geoid lookup runs once per batch); a flight
level also keeps its pressure altitude, so that two flight levels are compared
as such, not through the geoid under each.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..domain.altitude import Geoid, flight_level_to_msl_m
from ..domain.errors import DomainError
from ..domain.tactical.report import PLATFORM_PATTERN, PositionReport
from ..domain.units import METRES_PER_FOOT, METRES_PER_SECOND_PER_FPM, METRES_PER_SECOND_PER_KNOT
from ..service.tactical import Reject

__all__ = ["ReportIn", "parse_reports"]


class ReportIn(BaseModel):
    """One platform at one instant. Velocity: ``gs_kt`` + ``trk_deg`` (+ ``vs_fpm``), or the
    components ``v_east_m_s`` + ``v_north_m_s`` (+ ``v_up_m_s``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    platform: str = Field(pattern=PLATFORM_PATTERN.pattern, description="Your platform's id, 1-64 chars.")
    t: AwareDatetime = Field(description="When the position was measured (RFC 3339 with an offset).")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    alt: float = Field(description="Altitude in alt_units; for FL, the flight level (350 = 35,000 ft).")
    alt_ref: Literal["W84", "MSL", "FL"] = Field(description="W84 ellipsoid, MSL (EGM96) or flight level.")
    alt_units: Literal["m", "ft"] = "ft"
    gs_kt: float | None = Field(default=None, ge=0, le=5000, description="Ground speed, knots.")
    trk_deg: float | None = Field(default=None, ge=0, le=360, description="Track, true degrees.")
    vs_fpm: float | None = Field(default=None, ge=-100_000, le=100_000, description="Vertical rate, ft/min.")
    v_east_m_s: float | None = Field(default=None, ge=-3000, le=3000)
    v_north_m_s: float | None = Field(default=None, ge=-3000, le=3000)
    v_up_m_s: float | None = Field(default=None, ge=-600, le=600)
    platform_class: Literal["en_route", "terminal", "drone", "vessel"] = Field(
        default="en_route", alias="class", description="Picks the separation minima."
    )
    operation_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Your operation it flies."
    )
    source: str = Field(default="api", min_length=1, max_length=16)
    on_ground: bool = Field(
        default=False,
        description="A surface report (landed, taxiing): kept out of airborne separation.",
    )

    @field_validator("t", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        # The standard library's parser hands back the UTC singleton for "Z", which the
        # domain takes as is; pydantic's own zone objects cost microseconds per report.
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return value  # pydantic's message explains what is wrong
        return value

    @model_validator(mode="after")
    def _one_velocity(self) -> ReportIn:
        polar = self.gs_kt is not None and self.trk_deg is not None
        components = self.v_east_m_s is not None and self.v_north_m_s is not None
        if polar == components:
            raise ValueError("give gs_kt and trk_deg, or v_east_m_s and v_north_m_s (one of the two)")
        if self.vs_fpm is not None and self.v_up_m_s is not None:
            raise ValueError("give vs_fpm or v_up_m_s, not both")
        return self

    def velocity(self) -> tuple[float, float, float]:
        """Ground speed m/s, track degrees, vertical rate m/s."""
        if self.gs_kt is not None and self.trk_deg is not None:
            speed, track = self.gs_kt * METRES_PER_SECOND_PER_KNOT, self.trk_deg
        else:
            east, north = float(self.v_east_m_s or 0.0), float(self.v_north_m_s or 0.0)
            speed, track = math.hypot(east, north), math.degrees(math.atan2(east, north)) % 360.0
        if self.v_up_m_s is not None:
            return speed, track, self.v_up_m_s
        return speed, track, (self.vs_fpm or 0.0) * METRES_PER_SECOND_PER_FPM


def _pressure_m(report: ReportIn) -> float | None:
    """The pressure altitude of a flight level report (kept beside the W84 one), else None."""
    return flight_level_to_msl_m(report.alt) if report.alt_ref == "FL" else None


def _orthometric_m(report: ReportIn) -> float:
    if report.alt_ref == "FL":
        return flight_level_to_msl_m(report.alt)
    return report.alt * METRES_PER_FOOT if report.alt_units == "ft" else report.alt


def _reject(index: int, error: ValidationError) -> Reject:
    first = error.errors(include_url=False)[0]
    field = ".".join(str(part) for part in first["loc"]) or "report"
    return Reject(index, field, str(first["msg"]))


def parse_reports(
    items: Sequence[Any], party: str, geoid: Geoid
) -> tuple[list[tuple[int, PositionReport]], list[Reject]]:
    """Each item checked alone: ``(index, report)`` for the good ones, a reject for each bad one."""
    good: list[tuple[int, ReportIn]] = []
    rejected: list[Reject] = []
    for index, item in enumerate(items):
        try:
            good.append((index, ReportIn.model_validate(item)))
        except ValidationError as error:
            rejected.append(_reject(index, error))
    needs_geoid = [(i, r) for i, r in good if r.alt_ref != "W84"]
    undulation: dict[int, float] = {}
    if needs_geoid:
        heights = geoid.undulation_m([r.lon for _, r in needs_geoid], [r.lat for _, r in needs_geoid])
        undulation = {i: float(n) for (i, _), n in zip(needs_geoid, heights, strict=True)}
    reports: list[tuple[int, PositionReport]] = []
    for index, wire in good:
        height = _orthometric_m(wire)
        if wire.alt_ref != "W84":
            if not math.isfinite(undulation[index]):
                rejected.append(Reject(index, "alt_ref", "no geoid height at this position"))
                continue
            height += undulation[index]
        speed, track, climb = wire.velocity()
        try:
            reports.append(
                (
                    index,
                    PositionReport(
                        party=party,
                        platform=wire.platform,
                        at=wire.t,
                        lat_deg=wire.lat,
                        lon_deg=wire.lon,
                        alt_m=height,
                        ground_speed_m_s=speed,
                        track_deg=track,
                        vertical_rate_m_s=climb,
                        platform_class=wire.platform_class,
                        operation_id=wire.operation_id,
                        source=wire.source,
                        pressure_alt_m=_pressure_m(wire),
                        on_ground=wire.on_ground,
                    ),
                )
            )
        except DomainError as error:
            rejected.append(Reject(index, error.field or "report", error.message))
    return reports, rejected
