"""Ground: bands from the surface (SFC) and what they meet, without a terrain model."""

from __future__ import annotations

from typing import Any

import pytest

from builders import T0, square, tagged
from deconflict.domain.altitude import (
    SURFACE_FLOOR_W84_M,
    AltitudeRef,
    AltitudeSpec,
    AltitudeUnit,
    band_in_w84,
)
from deconflict.domain.conflict import conflict_between
from deconflict.domain.errors import InvalidInput
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import Volume4D
from deconflict.formats.geojson import parse_feature, volume_feature


class FlatGeoid:
    def __init__(self, *heights: float) -> None:
        self.heights = heights

    def undulation_m(self, lons, lats):  # type: ignore[no-untyped-def]
        return [self.heights[i % len(self.heights)] for i in range(len(lons))]


def test_sfc_band_runs_from_below_any_surface_to_the_height_above_msl() -> None:
    band = band_in_w84(AltitudeSpec(0, 150, AltitudeRef.SFC), [0, 1], [0, 0], FlatGeoid(20.0, 30.0))
    assert band.lower_m == SURFACE_FLOOR_W84_M == -500.0
    assert band.upper_m == pytest.approx(150.0 + 30.0)  # highest undulation over the footprint
    feet = band_in_w84(AltitudeSpec(0, 400, AltitudeRef.SFC, AltitudeUnit.FT), [0], [0], FlatGeoid(0.0))
    assert feet.upper_m == pytest.approx(121.92)


def test_sfc_band_must_start_at_the_surface_and_needs_the_geoid() -> None:
    with pytest.raises(InvalidInput) as lower:
        band_in_w84(AltitudeSpec(10, 150, AltitudeRef.SFC), [0], [0], FlatGeoid(0.0))
    assert lower.value.field == "alt_lower"
    with pytest.raises(InvalidInput) as geoid:
        band_in_w84(AltitudeSpec(0, 150, AltitudeRef.SFC), [0], [0], None)
    assert geoid.value.field == "alt_ref"


def _sfc_volume(height_m: float, geoid: Any) -> Volume4D:
    fp = square(10.0, 50.0)
    ring = fp.polygon.exterior.coords
    band = band_in_w84(
        AltitudeSpec(0, height_m, AltitudeRef.SFC), [c[0] for c in ring], [c[1] for c in ring], geoid
    )
    return Volume4D(fp, band, TimeWindow(T0, T0.replace(hour=12)))


def _msl_volume(lower_ft: float, upper_ft: float, geoid: Any) -> Volume4D:
    fp = square(10.05, 50.05)
    ring = fp.polygon.exterior.coords
    spec = AltitudeSpec(lower_ft, upper_ft, AltitudeRef.MSL, AltitudeUnit.FT)
    band = band_in_w84(spec, [c[0] for c in ring], [c[1] for c in ring], geoid)
    return Volume4D(fp, band, TimeWindow(T0, T0.replace(hour=12)))


def test_ground_work_meets_low_level_flying_and_ground_activity_but_not_high_flights() -> None:
    geoid = FlatGeoid(45.0)
    works = tagged("blue", "works", _sfc_volume(60, geoid))
    helicopter = tagged("red", "heli", _msl_volume(100, 1_000, geoid))  # 30–305 m MSL
    airliner = tagged("red", "high", _msl_volume(10_000, 20_000, geoid))
    convoy = tagged("red", "convoy", _sfc_volume(5, geoid))
    assert conflict_between(works, helicopter) is not None
    assert conflict_between(works, convoy) is not None
    assert conflict_between(works, airliner) is None


def test_geojson_reads_and_writes_back_sfc() -> None:
    props = {
        "party": "blue", "operation": "works", "domain": "ground", "alt_lower": 0, "alt_upper": 200,
        "alt_ref": "sfc", "alt_units": "ft", "time_start": "2026-11-22T10:00:00Z",
        "time_end": "2026-11-22T12:00:00Z",
    }  # fmt: skip
    ring = [[10, 50], [10.1, 50], [10.1, 50.1], [10, 50.1], [10, 50]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": props}
    declared = parse_feature(feature, 0, FlatGeoid(47.0))
    assert declared.volume.altitude.lower_m == SURFACE_FLOOR_W84_M
    back = volume_feature(declared.volume, party="blue", operation="works", domain="ground")["properties"]
    assert (back["alt_ref"], back["alt_lower"], back["alt_upper"], back["alt_units"]) == ("SFC", 0, 200, "ft")
    bad = {**feature, "properties": {**props, "alt_lower": 50}}
    with pytest.raises(InvalidInput) as error:
        parse_feature(bad, 3, FlatGeoid(47.0))
    assert error.value.field == "features[3].properties.alt_lower"
