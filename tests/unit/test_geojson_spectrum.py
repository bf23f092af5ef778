"""The GeoJSON format's spectrum properties: band and power, read, checked, written back."""

from __future__ import annotations

from typing import Any

import pytest

from deconflict.domain.errors import InvalidInput
from deconflict.domain.spectrum import FrequencyBand
from deconflict.formats.geojson import parse_feature, volume_feature

RING = [[35.0, 35.0], [35.1, 35.0], [35.1, 35.1], [35.0, 35.1], [35.0, 35.0]]


def feature(**props: Any) -> dict[str, Any]:
    base = {
        "party": "blue", "operation": "radar", "domain": "spectrum", "alt_lower": 0, "alt_upper": 100,
        "alt_ref": "W84", "time_start": "2026-11-22T10:00:00Z", "time_end": "2026-11-22T12:00:00Z",
        "band_low_hz": 2.7e9, "band_high_hz": 2.9e9, "eirp_dbm": 60,
    }  # fmt: skip
    merged = {k: v for k, v in {**base, **props}.items() if v is not None}
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [RING]}, "properties": merged}


def test_spectrum_feature_reads_and_writes_back_band_and_power() -> None:
    declared = parse_feature(feature(), 0, None)
    assert declared.volume.band == FrequencyBand(2.7e9, 2.9e9)
    assert declared.volume.eirp_dbm == 60.0
    props = volume_feature(declared.volume, party="blue", operation="radar", domain="spectrum")["properties"]
    assert (props["band_low_hz"], props["band_high_hz"], props["eirp_dbm"]) == (2.7e9, 2.9e9, 60.0)
    again = parse_feature(
        {"type": "Feature", "geometry": feature()["geometry"], "properties": props}, 0, None
    )
    assert again.volume == declared.volume


def test_an_entry_has_a_band_and_no_power() -> None:
    declared = parse_feature(feature(eirp_dbm=None), 0, None)
    assert declared.volume.eirp_dbm is None
    props = volume_feature(declared.volume, party="blue", operation="x", domain="spectrum")["properties"]
    assert "eirp_dbm" not in props


@pytest.mark.parametrize(
    ("props", "field", "message"),
    [
        ({"band_low_hz": None}, "features[2].properties.band_low_hz", "missing"),
        ({"band_high_hz": None}, "features[2].properties.band_high_hz", "missing"),
        ({"band_high_hz": 1e9}, "features[2].properties.band_high_hz", "above band_low_hz"),
        ({"band_low_hz": -1}, "features[2].properties.band_low_hz", "above 0"),
        ({"band_low_hz": "2.7 GHz"}, "features[2].properties.band_low_hz", "finite number"),
        ({"eirp_dbm": 900}, "features[2].properties.eirp_dbm", "dBm"),
        ({"domain": "air"}, "features[2].properties.band_low_hz", "only spectrum"),
        (
            {"domain": "sea", "band_low_hz": None, "band_high_hz": None},
            "features[2].properties.eirp_dbm",
            "only spectrum",
        ),
    ],
)
def test_bad_spectrum_input_names_the_field(props: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_feature(feature(**props), 2, None)
    assert error.value.field == field
    assert message in error.value.message


def test_other_domains_write_no_spectrum_properties() -> None:
    declared = parse_feature(
        feature(domain="air", band_low_hz=None, band_high_hz=None, eirp_dbm=None), 0, None
    )
    props = volume_feature(declared.volume, party="blue", operation="x", domain="air")["properties"]
    assert not {"band_low_hz", "band_high_hz", "eirp_dbm"} & set(props)
