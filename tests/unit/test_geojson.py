"""The shared GeoJSON format: every footprint kind parses; bad input names the field."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from deconflict.domain.activity import ActivityDomain
from deconflict.domain.errors import InvalidInput
from deconflict.domain.footprint import FootprintKind
from deconflict.domain.timewindow import TimeWindow, check_planning_horizon
from deconflict.formats.geojson import count_positions, parse_bbox, parse_feature_collection, volume_feature
from deconflict.geoid import egm96

BASE_PROPS = {
    "party": "blue",
    "operation": "op-1",
    "domain": "air",
    "alt_lower": 0,
    "alt_upper": 3000,
    "alt_ref": "W84",
    "time_start": "2026-11-22T10:00:00Z",
    "time_end": "2026-11-22T11:00:00+00:00",
}


def feature(geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": {**BASE_PROPS, **props}}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


SQUARE = {"type": "Polygon", "coordinates": [[[10, 50], [10.1, 50], [10.1, 50.1], [10, 50.1], [10, 50]]]}
EXAMPLES = {
    FootprintKind.POLYGON: feature(SQUARE),
    FootprintKind.CIRCLE: feature({"type": "Point", "coordinates": [10, 50]}, radius_m=5000),
    FootprintKind.CORRIDOR: feature(
        {"type": "LineString", "coordinates": [[10, 50], [11, 50.5]]}, half_width_m=2000
    ),
    FootprintKind.RACETRACK: feature(
        {"type": "LineString", "coordinates": [[10, 50], [10.5, 50]]}, footprint="racetrack", width_m=9000
    ),
}


@pytest.mark.parametrize("kind", list(FootprintKind))
def test_each_footprint_kind_parses_and_writes_back_the_same(kind: FootprintKind) -> None:
    [declared] = parse_feature_collection(collection(EXAMPLES[kind]), None)
    assert declared.volume.footprint.kind is kind
    assert declared.domain is ActivityDomain.AIR
    again = volume_feature(declared.volume, party="blue", operation="op-1", domain="air")
    [reparsed] = parse_feature_collection(collection(again), None)
    assert reparsed.volume == declared.volume


def test_msl_feet_and_flight_levels_become_w84_metres() -> None:
    msl = feature(SQUARE, alt_ref="MSL", alt_units="ft", alt_lower=1000, alt_upper=2000)
    fl = feature(SQUARE, alt_ref="FL", alt_lower=100, alt_upper=200)
    [a, b] = parse_feature_collection(collection(msl, fl), egm96())
    assert a.volume.altitude.lower_m == pytest.approx(304.8 + 47.7, abs=1.5)
    assert b.volume.altitude.lower_m == pytest.approx(3048 + 47.7, abs=1.5)
    assert a.volume.altitude.declared is not None
    assert a.volume.altitude.declared.lower == 1000


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (lambda f: f["properties"].pop("party"), "features[1].properties.party", "missing"),
        (lambda f: f["properties"].update(alt_upper=-5), "features[1].properties.alt_upper", "above"),
        (
            lambda f: f["properties"].update(time_end="2026-11-22T09:00:00Z"),
            "features[1].properties.time_end",
            "after",
        ),
        (lambda f: f["properties"].update(alt_ref="AGL"), "features[1].properties.alt_ref", "unknown"),
        (lambda f: f["properties"].update(domain="space"), "features[1].properties.domain", "unknown"),
        (
            lambda f: f["properties"].update(time_start="tomorrow"),
            "features[1].properties.time_start",
            "RFC 3339",
        ),
        (
            lambda f: f["properties"].update(time_start="2026-11-22T10:00:00"),
            "features[1].properties.time_start",
            "offset",
        ),
        (
            lambda f: f["geometry"].update(coordinates=[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]),
            "features[1].geometry.coordinates",
            "Self-intersection",
        ),
        (lambda f: f["geometry"].update(type="MultiPoint"), "features[1].geometry.type", "unsupported"),
    ],
)
def test_bad_input_names_the_feature_and_the_field(mutate: Any, field: str, message: str) -> None:
    bad = copy.deepcopy(EXAMPLES[FootprintKind.POLYGON])
    mutate(bad)
    with pytest.raises(InvalidInput, match=message) as caught:
        parse_feature_collection(collection(EXAMPLES[FootprintKind.CIRCLE], bad), egm96())
    assert caught.value.field == field


def test_circle_without_radius_names_radius() -> None:
    bad = feature({"type": "Point", "coordinates": [10, 50]})
    with pytest.raises(InvalidInput) as caught:
        parse_feature_collection(collection(bad), None)
    assert caught.value.field == "features[0].properties.radius_m"


def test_not_a_feature_collection_is_refused() -> None:
    with pytest.raises(InvalidInput, match="FeatureCollection"):
        parse_feature_collection({"type": "Feature"}, None)


def _unclosed(f: dict[str, Any]) -> None:
    f["geometry"]["coordinates"][0].pop()


def _nested(f: dict[str, Any]) -> None:
    deep: Any = [10, 50]
    for _ in range(2_000):
        deep = [deep]
    f["geometry"]["coordinates"] = deep


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [
        (_unclosed, "features[1].geometry.coordinates[0]", "closed"),
        (_nested, "features[1].geometry.coordinates[0][0]", "position"),
        (
            lambda f: f["properties"].update(alt_upper=1e308, alt_units="ft"),
            "features[1].properties.alt_upper",
            "100000",
        ),
        (
            lambda f: f["properties"].update(alt_lower=-1_000_000, alt_upper=10, alt_ref="FL"),
            "features[1].properties.alt_lower",
            "-500",
        ),
        (
            lambda f: f["properties"].update(time_end="9999-12-31T23:59:59-14:00"),
            "features[1].properties.time_end",
            "years 1 to 9999",
        ),
        (
            lambda f: f["properties"].update(time_start="0001-01-01T00:00:00+14:00"),
            "features[1].properties.time_start",
            "years 1 to 9999",
        ),
        (lambda f: f["properties"].update(party="blue \ud800"), "features[1].properties.party", "surrogate"),
        (lambda f: f["properties"].update(operation="op\x00"), "features[1].properties.operation", "NUL"),
    ],
    ids=[
        "unclosed-ring",
        "nested-2000",
        "alt-1e308-ft",
        "fl-minus-a-million",
        "year-10000",
        "year-0",
        "surrogate",
        "nul",
    ],
)
def test_absurd_values_are_refused_by_field(mutate: Any, field: str, message: str) -> None:
    bad = copy.deepcopy(EXAMPLES[FootprintKind.POLYGON])
    mutate(bad)
    with pytest.raises(InvalidInput, match=message) as caught:
        parse_feature_collection(collection(EXAMPLES[FootprintKind.CIRCLE], bad), egm96())
    assert caught.value.field == field


@pytest.mark.parametrize("name", ["radius_m", "half_width_m", "width_m"])
def test_lengths_under_a_metre_are_refused(name: str) -> None:
    kind = {
        "radius_m": FootprintKind.CIRCLE,
        "half_width_m": FootprintKind.CORRIDOR,
        "width_m": FootprintKind.RACETRACK,
    }
    bad = copy.deepcopy(EXAMPLES[kind[name]])
    bad["properties"][name] = 1e-300
    with pytest.raises(InvalidInput, match="at least 1 m") as caught:
        parse_feature_collection(collection(bad), None)
    assert caught.value.field == f"features[0].properties.{name}"


def test_positions_are_counted_without_recursing_into_any_depth() -> None:
    deep: Any = [0]
    for _ in range(100_000):
        deep = [deep]
    assert count_positions(deep) == 0
    assert count_positions(SQUARE["coordinates"]) == 5
    assert count_positions([10, 50]) == 1


@pytest.mark.parametrize(
    "text",
    [
        "nan,nan,nan,nan",
        "0,0,nan,1",
        "0,0,inf,1",
        "1,0,0,1",
        "0,1,1,0",
        "0,0,1,95",
        "-181,0,0,1",
        "0,0,1",
        "a,b,c,d",
    ],
)
def test_a_bad_bbox_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_bbox(text)
    assert caught.value.field == "bbox"


def test_a_bbox_reads_as_four_numbers() -> None:
    assert parse_bbox("-10,-5.5,10,5") == (-10.0, -5.5, 10.0, 5.0)


def test_the_planning_horizon_names_the_first_volume_beyond_it() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    near = TimeWindow(now, now + timedelta(days=1))
    far = TimeWindow(now, now + timedelta(days=367))
    check_planning_horizon([near], now, timedelta(days=366))
    with pytest.raises(InvalidInput, match="366 days") as caught:
        check_planning_horizon([near, far], now, timedelta(days=366))
    assert caught.value.field == "features[1].properties.time_end"
