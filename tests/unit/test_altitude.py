"""Altitude references: everything becomes metres above the WGS84 ellipsoid."""

from __future__ import annotations

import pytest

from deconflict.domain.altitude import (
    AltitudeBand,
    AltitudeRef,
    AltitudeSpec,
    AltitudeUnit,
    band_in_w84,
    flight_level_to_msl_m,
)
from deconflict.domain.errors import InvalidInput
from deconflict.geoid import egm96


class FlatGeoid:
    def __init__(self, *heights: float) -> None:
        self.heights = heights

    def undulation_m(self, lons, lats):  # type: ignore[no-untyped-def]
        return [self.heights[i % len(self.heights)] for i in range(len(lons))]


def test_w84_is_taken_as_is_and_feet_are_converted() -> None:
    band = band_in_w84(AltitudeSpec(0, 1000, AltitudeRef.W84, AltitudeUnit.FT), [0], [0], None)
    assert (band.lower_m, band.upper_m) == pytest.approx((0.0, 304.8))
    assert band.declared == AltitudeSpec(0, 1000, AltitudeRef.W84, AltitudeUnit.FT)


def test_msl_adds_the_geoid_height_and_widens_over_the_footprint() -> None:
    spec = AltitudeSpec(100, 200, AltitudeRef.MSL)
    band = band_in_w84(spec, [0, 1, 2], [0, 0, 0], FlatGeoid(40.0, 45.0, 50.0))
    assert band.lower_m == pytest.approx(140.0)  # lowest undulation for the floor
    assert band.upper_m == pytest.approx(250.0)  # highest for the ceiling


def test_flight_levels_use_the_standard_atmosphere() -> None:
    assert flight_level_to_msl_m(100) == pytest.approx(3048.0)
    band = band_in_w84(AltitudeSpec(100, 200, AltitudeRef.FL), [0], [0], FlatGeoid(10.0))
    assert (band.lower_m, band.upper_m) == pytest.approx((3058.0, 6106.0))


def test_real_egm96_grid_gives_known_undulations() -> None:
    # EGM96: ~ +48 m over central Germany, the Indian Ocean low (~ -105 m south of
    # India) and the New Guinea high (~ +74 m).
    germany, indian_ocean, new_guinea = egm96().undulation_m([10.0, 78.0, 147.0], [50.0, 5.0, -5.0])
    assert germany == pytest.approx(48.0, abs=1.0)
    assert indian_ocean == pytest.approx(-105.0, abs=3.0)
    assert new_guinea == pytest.approx(74.0, abs=3.0)


def test_msl_without_a_geoid_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="geoid"):
        band_in_w84(AltitudeSpec(0, 1, AltitudeRef.MSL), [0], [0], None)


def test_inverted_band_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        AltitudeBand(1000.0, 500.0)
    assert caught.value.field == "alt_upper"


def test_gap_is_negative_inside_an_overlap() -> None:
    assert AltitudeBand(0, 100).gap_m(AltitudeBand(50, 200)) == -50
    assert AltitudeBand(0, 100).gap_m(AltitudeBand(100, 200)) == 0
    assert AltitudeBand(0, 100).gap_m(AltitudeBand(130, 200)) == 30
