"""``deconflict submit`` and ``deconflict conflicts`` take ground (SFC) and spectrum features too."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from deconflict.cli import build_app

START = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
RING = [[35.0, 35.0], [35.1, 35.0], [35.1, 35.1], [35.0, 35.1], [35.0, 35.0]]


def feature(party: str, operation: str, domain: str, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [RING]},
        "properties": {
            "party": party, "operation": operation, "domain": domain, "alt_lower": 0, "alt_upper": 100,
            "alt_ref": "SFC", "time_start": START.isoformat(), "time_end": (START + timedelta(hours=2)).isoformat(),
            **props,
        },
    }  # fmt: skip


def invoke(*args: str) -> Any:
    return CliRunner().invoke(build_app(), list(args))


def write(tmp_path: Path, name: str, *features: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


def test_submit_declares_ground_and_spectrum_operations(tmp_path: Path) -> None:
    store = ["--data-dir", str(tmp_path / "data")]
    for name in ("blue", "red"):
        assert invoke("party", "add", name, "--key-out", str(tmp_path / f"{name}.key"), *store).exit_code == 0
    radar = {"band_low_hz": 2.7e9, "band_high_hz": 2.9e9, "eirp_dbm": 70}
    blue = write(
        tmp_path,
        "blue.geojson",
        feature("blue", "works", "ground"),
        feature("blue", "radar", "spectrum", **radar),
    )
    done = invoke("submit", blue, "--as", "blue", "--key", str(tmp_path / "blue.key"), *store)
    assert done.exit_code == 0, done.output
    assert [r["operation"] for r in json.loads(done.stdout)] == ["works", "radar"]
    # Red's low flight meets Blue's ground works; Red's jammer meets Blue's radar; never across.
    red = write(
        tmp_path,
        "red.geojson",
        feature("red", "heli", "air", alt_ref="W84", alt_lower=0, alt_upper=300),
        feature("red", "jam", "spectrum", **{**radar, "band_low_hz": 2.8e9}),
    )
    met = invoke("submit", red, "--as", "red", *store)
    assert met.exit_code == 1, met.output
    assert [len(r["conflicts"]) for r in json.loads(met.stdout)] == [1, 1]


def test_conflicts_reads_spectrum_and_refuses_a_band_on_a_flight(tmp_path: Path) -> None:
    radar = {"band_low_hz": 2.7e9, "band_high_hz": 2.9e9, "eirp_dbm": 70}
    both = write(
        tmp_path,
        "both.geojson",
        feature("blue", "radar", "spectrum", **radar),
        feature("red", "jam", "spectrum", **{**radar, "band_low_hz": 2.9e9, "band_high_hz": 3.0e9}),
    )
    assert invoke("conflicts", both).exit_code == 0  # 2.9 GHz is a shared edge, not an overlap
    bad = write(tmp_path, "bad.geojson", feature("blue", "flight", "air", band_low_hz=1e9, band_high_hz=2e9))
    refused = invoke("conflicts", bad)
    assert refused.exit_code == 2
    assert "features[0].properties.band_low_hz" in refused.output


def test_a_party_name_that_is_not_storable_text_exits_two(tmp_path: Path) -> None:
    # An argument of undecodable bytes reaches Python as lone surrogates (surrogateescape).
    store = ["--data-dir", str(tmp_path / "data")]
    result = invoke("party", "add", "blue\udcff", "--key-out", str(tmp_path / "blue.key"), *store)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: name: ") and "surrogate" in line
