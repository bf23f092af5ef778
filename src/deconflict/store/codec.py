"""Turning domain values into rows and back (serialisation lives at the edge)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import shapely

from ..domain.altitude import AltitudeBand, AltitudeRef, AltitudeSpec, AltitudeUnit
from ..domain.footprint import (
    CircleSpec,
    CorridorSpec,
    Footprint,
    FootprintKind,
    FootprintSpec,
    PolygonSpec,
    RacetrackSpec,
)
from ..domain.spectrum import FrequencyBand
from ..domain.timewindow import TimeWindow
from ..domain.volume import Volume4D


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def spec_to_json(spec: FootprintSpec) -> str:
    if isinstance(spec, PolygonSpec):
        body: dict[str, Any] = {"exterior": spec.exterior, "holes": spec.holes}
    elif isinstance(spec, CircleSpec):
        body = {"centre": spec.centre, "radius_m": spec.radius_m}
    elif isinstance(spec, CorridorSpec):
        body = {"route": spec.route, "half_width_m": spec.half_width_m}
    else:
        body = {"first": spec.first, "second": spec.second, "width_m": spec.width_m}
    return json.dumps(body, separators=(",", ":"))


def _points(values: Any) -> tuple[tuple[float, float], ...]:
    return tuple((float(p[0]), float(p[1])) for p in values)


def spec_from_json(kind: FootprintKind, text: str) -> FootprintSpec:
    body = json.loads(text)
    if kind is FootprintKind.POLYGON:
        return PolygonSpec(_points(body["exterior"]), tuple(_points(h) for h in body["holes"]))
    if kind is FootprintKind.CIRCLE:
        centre = body["centre"]
        return CircleSpec((float(centre[0]), float(centre[1])), float(body["radius_m"]))
    if kind is FootprintKind.CORRIDOR:
        return CorridorSpec(_points(body["route"]), float(body["half_width_m"]))
    first, second = _points([body["first"], body["second"]])
    return RacetrackSpec(first, second, float(body["width_m"]))


def declared_to_json(spec: AltitudeSpec | None) -> str | None:
    if spec is None:
        return None
    return json.dumps(
        {"lower": spec.lower, "upper": spec.upper, "ref": spec.ref.value, "units": spec.units.value}
    )


def declared_from_json(text: str | None) -> AltitudeSpec | None:
    if not text:
        return None
    body = json.loads(text)
    return AltitudeSpec(body["lower"], body["upper"], AltitudeRef(body["ref"]), AltitudeUnit(body["units"]))


def volume_row(volume: Volume4D) -> dict[str, Any]:
    fp = volume.footprint
    return {
        "footprint_kind": fp.kind.value,
        "footprint_spec": spec_to_json(fp.spec),
        "polygon_wkb": shapely.to_wkb(fp.polygon),
        "error_bound_m": fp.error_bound_m,
        "alt_lower_m": volume.altitude.lower_m,
        "alt_upper_m": volume.altitude.upper_m,
        "alt_declared": declared_to_json(volume.altitude.declared),
        "time_start": volume.window.start,
        "time_end": volume.window.end,
        "band_low_hz": volume.band.low_hz if volume.band is not None else None,
        "band_high_hz": volume.band.high_hz if volume.band is not None else None,
        "eirp_dbm": volume.eirp_dbm,
    }


def volume_from_row(row: Mapping[str, Any] | Any) -> Volume4D:
    kind = FootprintKind(row["footprint_kind"])
    footprint = Footprint(
        kind,
        spec_from_json(kind, row["footprint_spec"]),
        shapely.from_wkb(row["polygon_wkb"]),
        row["error_bound_m"],
    )
    band = AltitudeBand(row["alt_lower_m"], row["alt_upper_m"], declared_from_json(row["alt_declared"]))
    # .get: volume rows kept as JSON before migration 0004 (the hotline's areas) have no band.
    low, high = row.get("band_low_hz"), row.get("band_high_hz")
    frequencies = FrequencyBand(low, high) if low is not None and high is not None else None
    window = TimeWindow(utc(row["time_start"]), utc(row["time_end"]))
    return Volume4D(footprint, band, window, frequencies, row.get("eirp_dbm"))
