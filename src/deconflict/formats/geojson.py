"""The GeoJSON format for operations, shared by the CLI, the API and the tests.

A FeatureCollection, one Feature per volume::

    geometry  Polygon                      -> polygon footprint
              Point + radius_m             -> circle
              LineString + half_width_m    -> corridor
              LineString (2 points) + width_m + "footprint": "racetrack" -> racetrack orbit
    properties
      party, operation        strings
      domain                  air | sea | ground | spectrum
      alt_lower, alt_upper    numbers
      alt_ref                 W84 | MSL | FL | SFC   (alt_units m | ft for W84, MSL and SFC;
                              default m; SFC: alt_lower 0, alt_upper a height above ground)
      time_start, time_end    RFC 3339 with an offset
      band_low_hz, band_high_hz   spectrum only, and required there: the frequency band
      eirp_dbm                spectrum only: maximum power (EIRP, dBm) of an emission

Every error names the feature index and the field, e.g.
``features[3].properties.alt_upper: alt_upper must be above alt_lower``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from ..domain.activity import ActivityDomain
from ..domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit, Geoid
from ..domain.declaration import Declaration, band_over
from ..domain.errors import DomainError, InvalidGeometry, InvalidInput
from ..domain.footprint import (
    CircleSpec,
    CorridorSpec,
    Footprint,
    PolygonSpec,
    circle_footprint,
    corridor_footprint,
    polygon_footprint,
    racetrack_footprint,
)
from ..domain.spectrum import FrequencyBand, check_eirp_dbm
from ..domain.text import check_text
from ..domain.timewindow import TimeWindow, as_utc
from ..domain.volume import TaggedVolume, Volume4D, VolumeRef

_E = TypeVar("_E", ActivityDomain, AltitudeRef, AltitudeUnit)

__all__ = [
    "DeclaredVolume",
    "count_positions",
    "declaration_of",
    "feature_collection",
    "footprint_geometry",
    "load_file",
    "parse_bbox",
    "parse_feature",
    "parse_feature_collection",
    "parse_time",
    "volume_feature",
]


@dataclass(frozen=True, slots=True)
class DeclaredVolume:
    """One feature of the file: a volume with its owner, operation and domain."""

    index: int
    party: str
    operation: str
    domain: ActivityDomain
    volume: Volume4D

    def tagged(self) -> TaggedVolume:
        return TaggedVolume(VolumeRef(self.party, self.operation, self.index), self.volume)


class _Fields:
    """Reads one feature's members, naming the full path in every error."""

    def __init__(self, mapping: Mapping[str, Any], path: str) -> None:
        self.mapping = mapping
        self.path = path

    def field(self, name: str) -> str:
        return f"{self.path}.{name}"

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.mapping.get(name)
        if value is None:
            if required:
                raise InvalidInput("missing", field=self.field(name))
            return None
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput("must be a non-empty string", field=self.field(name))
        return check_text(value.strip(), self.field(name))

    def number(self, name: str, *, required: bool = True) -> float | None:
        value = self.mapping.get(name)
        if value is None:
            if required:
                raise InvalidInput("missing", field=self.field(name))
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput("must be a finite number", field=self.field(name))
        return float(value)

    def choice(self, name: str, kind: type[_E], default: _E | None = None) -> _E:
        raw = self.text(name, required=default is None)
        if raw is None:
            if default is None:  # text() already refused a missing required value
                raise InvalidInput("missing", field=self.field(name))
            return default
        try:
            return kind(raw.upper() if kind is AltitudeRef else raw)
        except ValueError:
            allowed = " | ".join(member.value for member in kind)
            raise InvalidInput(f"unknown value {raw!r}; expected {allowed}", field=self.field(name)) from None


def parse_time(value: object, field: str) -> datetime:
    """An RFC 3339 instant with an explicit offset, in UTC."""
    if not isinstance(value, str):
        raise InvalidInput("missing" if value is None else "must be an RFC 3339 string", field=field)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not an RFC 3339 time: {value!r}", field=field) from None
    if moment.tzinfo is None:
        raise InvalidInput("time must carry an offset (e.g. Z)", field=field)
    return as_utc(moment, field=field)


# How deep positions sit in each geometry's coordinates (a position itself is depth 0).
_POSITION_DEPTH = {"Point": 0, "LineString": 1, "Polygon": 2}


def count_positions(coordinates: object) -> int:
    """How many positions ``coordinates`` holds, looking no deeper than a Polygon's
    (anything nested further is no geometry of this format; the reader refuses it)."""
    level = [coordinates]
    count = 0
    for _ in range(max(_POSITION_DEPTH.values()) + 1):
        lists = [v for v in level if isinstance(v, list)]
        count += sum(1 for v in lists if v and all(isinstance(n, int | float) for n in v))
        level = [item for v in lists for item in v if isinstance(item, list)]
    return count


def parse_bbox(text: str, field: str = "bbox") -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (RFC 7946 §5, not crossing the antimeridian): four
    finite numbers in range, minimum before maximum."""
    usage = "is minlon,minlat,maxlon,maxlat: four finite numbers, lon in [-180, 180], lat in [-90, 90]"
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InvalidInput(usage, field=field) from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidInput(usage, field=field)
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise InvalidInput(usage, field=field)
    if minx > maxx or miny > maxy:
        raise InvalidInput("the minimum comes first: minlon,minlat,maxlon,maxlat", field=field)
    return minx, miny, maxx, maxy


def _positions(value: object, depth: int, field: str) -> Any:
    if not isinstance(value, list):
        raise InvalidInput("coordinates have the wrong nesting", field=field)
    if depth == 0:
        if len(value) < 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            raise InvalidInput("a position is [lon, lat]", field=field)
        return value
    return [_positions(v, depth - 1, f"{field}[{i}]") for i, v in enumerate(value)]


def _footprint(geometry: object, props: _Fields, path: str) -> Footprint:
    field = f"{path}.geometry"
    if not isinstance(geometry, Mapping):
        raise InvalidInput("missing", field=field)
    kind = geometry.get("type")
    coords_field = f"{field}.coordinates"
    coords = geometry.get("coordinates")
    try:
        if kind == "Polygon":
            rings = _positions(coords, _POSITION_DEPTH["Polygon"], coords_field)
            if not rings:
                raise InvalidInput("a polygon needs an exterior ring", field=coords_field)
            for i, ring in enumerate(rings):
                if not ring or ring[0][:2] != ring[-1][:2]:
                    raise InvalidGeometry(
                        "a ring must be closed: its last position repeats the first (RFC 7946)",
                        field=f"{coords_field}[{i}]",
                    )
            return polygon_footprint(rings[0], rings[1:], field=coords_field)
        if kind == "Point":
            radius = props.number("radius_m")
            position = _positions(coords, _POSITION_DEPTH["Point"], coords_field)
            return circle_footprint(position, radius or 0.0, field=field)
        if kind == "LineString":
            line = _positions(coords, _POSITION_DEPTH["LineString"], coords_field)
            if props.mapping.get("footprint") == "racetrack":
                if len(line) != 2:
                    raise InvalidInput("a racetrack has exactly two turn points", field=coords_field)
                width = props.number("width_m")
                return racetrack_footprint(line[0], line[1], width or 0.0, field=field)
            half_width = props.number("half_width_m")
            return corridor_footprint(line, half_width or 0.0, field=field)
    except DomainError as error:
        if error.field and not error.field.startswith(path):
            error.field = f"{path}.{error.field}"
        raise
    raise InvalidInput(
        f"unsupported geometry type {kind!r}; expected Polygon, Point or LineString", field=f"{field}.type"
    )


_SPECTRUM_FIELDS = ("band_low_hz", "band_high_hz", "eirp_dbm")


def _spectrum(props: _Fields, domain: ActivityDomain) -> tuple[FrequencyBand | None, float | None]:
    """The band and power of a spectrum feature; other domains must not state them."""
    if domain is not ActivityDomain.SPECTRUM:
        for name in _SPECTRUM_FIELDS:
            if props.mapping.get(name) is not None:
                raise InvalidInput(f"only spectrum volumes carry {name}", field=props.field(name))
        return None, None
    low, high = props.number("band_low_hz") or 0.0, props.number("band_high_hz") or 0.0
    try:
        frequencies = FrequencyBand(low, high)
    except InvalidInput as error:
        error.field = props.field(error.field or "band_low_hz")
        raise
    eirp = props.number("eirp_dbm", required=False)
    if eirp is not None:
        check_eirp_dbm(eirp, props.field("eirp_dbm"))
    return frequencies, eirp


def parse_feature(feature: object, index: int, geoid: Geoid | None) -> DeclaredVolume:
    path = f"features[{index}]"
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InvalidInput("must be a GeoJSON Feature", field=path)
    raw_props = feature.get("properties")
    if not isinstance(raw_props, Mapping):
        raise InvalidInput("missing", field=f"{path}.properties")
    props = _Fields(raw_props, f"{path}.properties")
    party = props.text("party") or ""
    operation = props.text("operation") or ""
    domain = props.choice("domain", ActivityDomain)
    start = parse_time(raw_props.get("time_start"), props.field("time_start"))
    end = parse_time(raw_props.get("time_end"), props.field("time_end"))
    if not start < end:
        raise InvalidInput("time_end must be after time_start", field=props.field("time_end"))
    footprint = _footprint(feature.get("geometry"), props, path)
    ref = props.choice("alt_ref", AltitudeRef)
    units = props.choice("alt_units", AltitudeUnit, AltitudeUnit.M)
    if ref is AltitudeRef.FL and "alt_units" in raw_props:
        raise InvalidInput("flight levels take no alt_units", field=props.field("alt_units"))
    spec = AltitudeSpec(props.number("alt_lower") or 0.0, props.number("alt_upper") or 0.0, ref, units)
    try:
        band = band_over(spec, footprint, geoid)
    except InvalidInput as error:
        error.field = props.field(error.field or "alt_ref")
        raise
    frequencies, eirp = _spectrum(props, domain)
    return DeclaredVolume(
        index, party, operation, domain, Volume4D(footprint, band, TimeWindow(start, end), frequencies, eirp)
    )


def parse_feature_collection(data: object, geoid: Geoid | None) -> list[DeclaredVolume]:
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise InvalidInput("must be a GeoJSON FeatureCollection", field="type")
    features = data.get("features")
    if not isinstance(features, list):
        raise InvalidInput("must be a list of Features", field="features")
    return [parse_feature(feature, i, geoid) for i, feature in enumerate(features)]


def declaration_of(
    declared: Sequence[DeclaredVolume],
    *,
    category: str = "",
    details: str = "",
    contact: str = "",
    priority: int = 0,
) -> Declaration:
    """The features of one operation as a declaration: they must share one domain."""
    domains = {d.domain for d in declared}
    if len(domains) > 1:
        raise InvalidInput("all volumes of one declaration share one domain", field="features")
    if not domains:
        raise InvalidInput("at least one volume is needed", field="features")
    return Declaration(domains.pop(), tuple(d.volume for d in declared), category, details, contact, priority)


def load_file(path: Path, geoid: Geoid | None) -> list[DeclaredVolume]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}", field="file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"{path} is not JSON: {error}", field="file") from None
    except RecursionError:
        raise InvalidInput(f"{path} is nested too deeply to be a FeatureCollection", field="file") from None
    return parse_feature_collection(data, geoid)


def footprint_geometry(footprint: Footprint) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = footprint.spec
    if isinstance(spec, PolygonSpec):
        rings = [[list(p) for p in (*ring, ring[0])] for ring in (spec.exterior, *spec.holes)]
        return {"type": "Polygon", "coordinates": rings}, {}
    if isinstance(spec, CircleSpec):
        return {"type": "Point", "coordinates": list(spec.centre)}, {"radius_m": spec.radius_m}
    if isinstance(spec, CorridorSpec):
        return {"type": "LineString", "coordinates": [list(p) for p in spec.route]}, {
            "half_width_m": spec.half_width_m
        }
    line = {"type": "LineString", "coordinates": [list(spec.first), list(spec.second)]}
    return line, {"footprint": "racetrack", "width_m": spec.width_m}


def volume_feature(
    volume: Volume4D, *, party: str, operation: str, domain: ActivityDomain | str
) -> dict[str, Any]:
    """A Feature in this format; the declared altitude band is written back as declared."""
    geometry, extra = footprint_geometry(volume.footprint)
    declared = volume.altitude.declared
    altitude: dict[str, Any]
    if declared is None:
        altitude = {
            "alt_lower": volume.altitude.lower_m,
            "alt_upper": volume.altitude.upper_m,
            "alt_ref": "W84",
        }
    else:
        altitude = {"alt_lower": declared.lower, "alt_upper": declared.upper, "alt_ref": declared.ref.value}
        if declared.ref is not AltitudeRef.FL:
            altitude["alt_units"] = declared.units.value
    spectrum: dict[str, Any] = {}
    if volume.band is not None:
        spectrum = {"band_low_hz": volume.band.low_hz, "band_high_hz": volume.band.high_hz}
    if volume.eirp_dbm is not None:
        spectrum["eirp_dbm"] = volume.eirp_dbm
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "party": party,
            "operation": operation,
            "domain": str(domain),
            **altitude,
            "time_start": volume.window.start.isoformat().replace("+00:00", "Z"),
            "time_end": volume.window.end.isoformat().replace("+00:00", "Z"),
            **spectrum,
            **extra,
        },
    }


def feature_collection(features: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}
