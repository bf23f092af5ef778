"""``deconflict conflicts``: table or JSON, exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from deconflict.cli import build_app

FEATURES = [
    {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [10, 50]},
        "properties": {
            "party": "blue",
            "operation": "cap-1",
            "domain": "air",
            "radius_m": 5000,
            "alt_lower": 50,
            "alt_upper": 150,
            "alt_ref": "FL",
            "time_start": "2026-11-22T10:00:00Z",
            "time_end": "2026-11-22T12:00:00Z",
        },
    },
    {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[10.02, 50], [10.2, 50], [10.2, 50.1], [10.02, 50]]],
        },
        "properties": {
            "party": "red",
            "operation": "ex-7",
            "domain": "air",
            "alt_lower": 2000,
            "alt_upper": 9000,
            "alt_ref": "MSL",
            "alt_units": "ft",
            "time_start": "2026-11-22T11:00:00Z",
            "time_end": "2026-11-22T13:00:00Z",
        },
    },
]


def write(tmp_path: Path, features: list[dict[str, object]]) -> Path:
    path = tmp_path / "ops.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_conflicts_json_lists_each_pair_and_exits_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["conflicts", str(write(tmp_path, FEATURES)), "--json"])
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)
    assert row["a"] == {"party": "blue", "operation": "cap-1", "index": 0}
    assert row["b"] == {"party": "red", "operation": "ex-7", "index": 1}
    assert row["time_start"] == "2026-11-22T11:00:00Z"
    assert row["time_end"] == "2026-11-22T12:00:00Z"
    assert row["distance_m"] == 0
    # FL50 (1,524 m) to 9,000 ft MSL (2,743 m), plus ~48 m of geoid at 50°N 10°E.
    assert 1_560 < row["alt_lower_m"] < 1_585
    assert 2_780 < row["alt_upper_m"] < 2_800


def test_conflicts_table_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["conflicts", str(write(tmp_path, FEATURES))])
    assert result.exit_code == 1
    assert "1 conflict" in result.stdout


def test_no_conflict_exits_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["conflicts", str(write(tmp_path, FEATURES[:1])), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_margin_turns_a_near_miss_into_a_conflict(tmp_path: Path) -> None:
    moved = json.loads(json.dumps(FEATURES))
    moved[1]["geometry"]["coordinates"] = [[[10.2, 50], [10.4, 50], [10.4, 50.1], [10.2, 50]]]
    path = write(tmp_path, moved)
    assert CliRunner().invoke(build_app(), ["conflicts", str(path), "--json"]).exit_code == 0
    near = CliRunner().invoke(build_app(), ["conflicts", str(path), "--json", "--margin-h-m", "10000"])
    assert near.exit_code == 1
    assert 0 < json.loads(near.stdout)[0]["distance_m"] < 10000


def test_bad_input_exits_two_with_the_field_and_no_traceback(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(FEATURES))
    del broken[1]["properties"]["time_end"]
    result = CliRunner().invoke(build_app(), ["conflicts", str(write(tmp_path, broken))])
    assert result.exit_code == 2
    assert "features[1].properties.time_end" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_two(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["conflicts", str(tmp_path / "nope.geojson")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def _one_line_error(result: Any, field: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and field in line, line


def test_a_lone_surrogate_in_a_party_name_exits_two(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(FEATURES))
    broken[1]["properties"]["party"] = "red \ud800"
    result = CliRunner().invoke(build_app(), ["conflicts", str(write(tmp_path, broken))])
    _one_line_error(result, "features[1].properties.party")


def test_a_time_outside_the_utc_calendar_exits_two(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(FEATURES))
    broken[1]["properties"]["time_start"] = "0001-01-01T00:00:00+14:00"
    result = CliRunner().invoke(build_app(), ["conflicts", str(write(tmp_path, broken))])
    _one_line_error(result, "features[1].properties.time_start")


def test_deeply_nested_json_exits_two(tmp_path: Path) -> None:
    path = tmp_path / "deep.geojson"
    path.write_text("[" * 100_000 + "]" * 100_000)
    _one_line_error(CliRunner().invoke(build_app(), ["conflicts", str(path)]), "nested too deeply")
    broken = json.loads(json.dumps(FEATURES))
    broken[1]["geometry"]["coordinates"] = [0]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": broken}).replace(
            "[0]", "[" * 600 + "0" + "]" * 600
        )
    )
    result = CliRunner().invoke(build_app(), ["conflicts", str(path)])
    _one_line_error(result, "features[1].geometry.coordinates")
    assert "[lon, lat]" in result.stderr  # the message is not taken for markup
