"""Every CLI entry point declares through the one ``declare`` use case: limits and proof of read
as the API applies them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from deconflict.bootstrap import bootstrap
from deconflict.cli import build_app
from deconflict.settings import Settings

START = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)


def feature(party: str, operation: str, lon: float = 35.0, size: float = 0.1) -> dict[str, Any]:
    ring = [[lon, 35.0], [lon + size, 35.0], [lon + size, 35.0 + size], [lon, 35.0 + size], [lon, 35.0]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "party": party, "operation": operation, "domain": "air", "alt_lower": 0, "alt_upper": 3000,
            "alt_ref": "W84", "time_start": START.isoformat(), "time_end": (START + timedelta(hours=2)).isoformat(),
        },
    }  # fmt: skip


def invoke(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(build_app(), [*args, "--data-dir", str(tmp_path / "data")], env=env)


def write(tmp_path: Path, name: str, *features: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


def entries(tmp_path: Path) -> list[Any]:
    service = bootstrap(Settings(data_dir=tmp_path / "data"))
    try:
        with service.uow(write=False) as uow:
            return list(uow.ledger.entries())
    finally:
        service.close()


@pytest.fixture
def parties(tmp_path: Path) -> Path:
    for name in ("blue", "red"):
        added = invoke(tmp_path, "party", "add", name, "--key-out", str(tmp_path / f"{name}.key"))
        assert added.exit_code == 0, added.output
    return tmp_path


def test_submit_reads_the_overlaps_first_says_so_and_signs_what_it_saw(parties: Path, tmp_path: Path) -> None:
    first = invoke(
        tmp_path, "submit", write(tmp_path, "blue.geojson", feature("blue", "tanker")), "--as", "blue"
    )
    assert first.exit_code == 0, first.output
    assert "seen: 0 overlapping operations/zones" in first.stderr
    red = write(tmp_path, "red.geojson", feature("red", "transit", lon=35.05))
    met = invoke(tmp_path, "submit", red, "--as", "red", "--key", str(tmp_path / "red.key"))
    assert met.exit_code == 1, met.output
    assert "seen: 1 overlapping operation/zone at its current version (transit)" in met.stderr
    [result] = json.loads(met.stdout)
    assert result["seen"] == {"tanker": 1} and len(result["conflicts"]) == 1
    # The signed request names what Red saw: its proof of read is in the ledger.
    [submitted] = [e for e in entries(tmp_path) if e.type == "operation.submitted" and e.actor == "red"]
    assert submitted.actor_sig is not None
    assert submitted.payload["request"]["seen"] == {"tanker": 1}


def test_submit_of_an_area_over_the_cap_is_refused_like_the_api(parties: Path, tmp_path: Path) -> None:
    big = write(tmp_path, "big.geojson", feature("blue", "huge", size=10.0))
    refused = invoke(tmp_path, "submit", big, "--as", "blue")
    assert refused.exit_code == 2, refused.output
    [line] = refused.stderr.splitlines()
    assert "features[0].geometry: footprint of" in line and "exceeds the cap of 250,000 km²" in line
    assert not [e for e in entries(tmp_path) if e.type == "operation.submitted"]


def test_submit_past_the_vertex_setting_is_refused(parties: Path, tmp_path: Path) -> None:
    square = write(tmp_path, "square.geojson", feature("blue", "square"))
    refused = invoke(tmp_path, "submit", square, "--as", "blue", env={"DECONFLICT_MAX_VERTICES": "3"})
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip().endswith("features[0].geometry: at most 3 vertices")


@pytest.mark.parametrize(
    "text", ["", "\n\n", "EXER/BLUE FLAG//\nGEODATUM/WGE//\nPERIOD/220000ZNOV2026/230000ZNOV2026//\n"]
)
def test_aco_import_of_a_file_without_measures_exits_2(parties: Path, tmp_path: Path, text: str) -> None:
    path = tmp_path / "aco.txt"
    path.write_text(text, encoding="utf-8")
    refused = invoke(tmp_path, "aco", "import", str(path), "--as", "blue")
    assert refused.exit_code == 2, refused.output
    [line] = refused.stderr.splitlines()
    assert "no airspace control measure" in line
    assert refused.stdout == ""
