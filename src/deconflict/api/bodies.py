"""The request bodies of declarations as pydantic models: what ``/openapi.json`` says the
operation and zone endpoints take, and the first check of a body's shape.

Two shapes (see :mod:`.declarations`): the GeoJSON format, a ``FeatureCollection`` with
foreign members, or ``{domain, volumes: [...]}``. The models check types (finite numbers,
strings that are storable text, the nesting of coordinates); the values (times, footprints,
bands, limits) are read by the GeoJSON reader, which serves the CLI too. Unknown members
are ignored, as GeoJSON foreign members are. The models are dumped back to plain JSON for
the reader (:func:`as_json`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

from ..domain.activity import ActivityDomain
from ..domain.altitude import AltitudeRef, AltitudeUnit
from ..domain.errors import InvalidInput
from ..domain.footprint import MIN_LENGTH_M
from ..domain.text import check_text
from .declarations import MAX_PRIORITY, MAX_TEXT

__all__ = [
    "UNION_TAGS",
    "AmendmentBody",
    "AreaBody",
    "Declaration",
    "DeclarationBody",
    "OverlapsBody",
    "as_json",
]


def _storable(value: str) -> str:
    try:
        return check_text(value, "")
    except InvalidInput as error:
        raise ValueError(error.message) from None


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_storable)]
Name = Annotated[str, Field(min_length=1), AfterValidator(_storable)]
Finite = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Metres = Annotated[Finite, Field(json_schema_extra={"minimum": MIN_LENGTH_M})]
Instant = Annotated[
    str,
    Field(
        json_schema_extra={"format": "date-time"},
        description="RFC 3339 with an offset; at most the planning horizon ahead (time_end).",
    ),
]
Position = Annotated[
    list[Finite], Field(min_length=2, description="[lon, lat], degrees WGS84 (a height is ignored).")
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PolygonGeometry(_Shape):
    type: Literal["Polygon"]
    coordinates: list[list[Position]] = Field(
        description="Rings, each closed (its last position repeats the first): the exterior, then holes."
    )


class PointGeometry(_Shape):
    """A circle's centre; the radius is the property ``radius_m``."""

    type: Literal["Point"]
    coordinates: Position


class LineStringGeometry(_Shape):
    """A corridor's route (``half_width_m``), or a racetrack's two turn points (``width_m``)."""

    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2)


Geometry = Annotated[PolygonGeometry | PointGeometry | LineStringGeometry, Field(discriminator="type")]


class VolumeProperties(_Shape):
    """One volume: footprint extras, altitude band, time window and, for spectrum, band and power.

    Converted to metres above the WGS84 ellipsoid, a band lies within −500 m to 100 km
    (``domain.altitude``); a volume ends within the planning horizon."""

    party: Name | None = Field(default=None, description="The declaring party (filled in by the service).")
    operation: Name | None = Field(default=None, description="Filled in by the service.")
    domain: ActivityDomain | None = Field(default=None, description="Or once for the whole declaration.")
    alt_lower: Finite
    alt_upper: Finite
    alt_ref: Annotated[AltitudeRef, BeforeValidator(_upper)]
    alt_units: AltitudeUnit | None = Field(default=None, description="For W84, MSL and SFC; default m.")
    time_start: Instant
    time_end: Instant
    radius_m: Metres | None = Field(default=None, description="Point: the circle's radius, metres.")
    half_width_m: Metres | None = Field(default=None, description="LineString: the corridor's half-width.")
    footprint: Literal["racetrack"] | None = Field(default=None, description="A two-point LineString orbit.")
    width_m: Metres | None = Field(default=None, description="Racetrack: the orbit's whole width, metres.")
    band_low_hz: Finite | None = Field(default=None, description="Spectrum only, and required there.")
    band_high_hz: Finite | None = Field(default=None, description="Spectrum only, and required there.")
    eirp_dbm: Finite | None = Field(default=None, description="Spectrum: an emission's maximum power.")


class Feature(_Shape):
    type: Literal["Feature"]
    geometry: Geometry
    properties: VolumeProperties


class Volume(VolumeProperties):
    """A volume of the ``{domain, volumes}`` form: a geometry and the properties, side by side."""

    geometry: Geometry


class _Members(_Shape):
    details: Text | None = Field(default=None, description="Owner-only free text.")
    contact: Text | None = Field(default=None, description="Shown to every party.")
    priority: Annotated[int, Field(strict=True)] | None = Field(
        default=None, json_schema_extra={"minimum": 0, "maximum": MAX_PRIORITY}
    )
    category: Text | None = Field(
        default=None,
        description="Zones: airspace, air_defence, hazard …; spectrum: TABOO, PROTECTED, GUARDED.",
    )
    seen: dict[str, Annotated[int, Field(strict=True)]] | None = Field(
        default=None,
        description="Proof of read: the version of every other party's operation and zone this overlaps.",
    )


class FeatureCollectionDeclaration(_Members):
    """The GeoJSON format: one Feature per volume."""

    type: Literal["FeatureCollection"]
    features: list[Feature]
    domain: ActivityDomain | None = Field(default=None, description="For features that name none.")


class VolumesDeclaration(_Members):
    domain: ActivityDomain | None = Field(default=None, description="For volumes that name none.")
    volumes: list[Volume]


class _Amends(BaseModel):
    amends_version: Annotated[int, Field(strict=True)] = Field(description="The version this replaces.")


class _Candidate(BaseModel):
    operation_id: str | None = Field(
        default=None, max_length=64, description="When amending: the operation, left out of its own overlaps."
    )


class FeatureCollectionAmendment(FeatureCollectionDeclaration, _Amends):
    pass


class VolumesAmendment(VolumesDeclaration, _Amends):
    pass


class FeatureCollectionCandidate(FeatureCollectionDeclaration, _Candidate):
    pass


class VolumesCandidate(VolumesDeclaration, _Candidate):
    pass


def _shape(body: Any) -> str:
    is_collection = isinstance(body, dict) and body.get("type") == "FeatureCollection"
    return "FeatureCollection" if is_collection else "Volumes"


# Tags pydantic puts in an error's location for the member of a union it tried; an error's
# field leaves them out (api/errors.py), so it reads features[0].geometry.coordinates.
UNION_TAGS = frozenset({"FeatureCollection", "Feature", "Volumes", "Polygon", "Point", "LineString"})

DeclarationBody = Annotated[
    Annotated[FeatureCollectionDeclaration, Tag("FeatureCollection")]
    | Annotated[VolumesDeclaration, Tag("Volumes")],
    Discriminator(_shape),
]
AmendmentBody = Annotated[
    Annotated[FeatureCollectionAmendment, Tag("FeatureCollection")]
    | Annotated[VolumesAmendment, Tag("Volumes")],
    Discriminator(_shape),
]
OverlapsBody = Annotated[
    Annotated[FeatureCollectionCandidate, Tag("FeatureCollection")]
    | Annotated[VolumesCandidate, Tag("Volumes")],
    Discriminator(_shape),
]


Declaration = FeatureCollectionDeclaration | VolumesDeclaration


def _area_shape(body: Any) -> str:
    return "FeatureCollection" if _shape(body) == "FeatureCollection" else "Feature"


# A hotline message's area: a Feature, or a FeatureCollection, in the volume format.
AreaBody = Annotated[
    Annotated[FeatureCollectionDeclaration, Tag("FeatureCollection")] | Annotated[Feature, Tag("Feature")],
    Discriminator(_area_shape),
]


def as_json(body: BaseModel) -> dict[str, Any]:
    """The members the client sent, as plain JSON for the reader."""
    return body.model_dump(mode="json", exclude_unset=True)
