"""``deconflict cpa``: table or JSON, exit 0 / 1 / 2, errors name the line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deconflict.cli import build_app

HEADER = "id,party,t,lat,lon,alt_ft,gs_kt,trk_deg,vs_fpm"
T = "2026-11-22T10:00:00Z"
# BLU1 and RED1 head-on 0.5 deg (55.6 km) apart at FL300, 480 kt each: CPA at 112.6 s.
# BLU2 is far north, same party as BLU1 anyway.
ROWS = [
    f"BLU1,blue,{T},0.0,0.0,30000,480,90,0",
    f"RED1,red,{T},0.0,0.5,30000,480,270,0",
    f"BLU2,blue,{T},10.0,0.0,30000,480,90,0",
]


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "tracks.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), ["cpa", *args])
    # Never a traceback: the only exception is the exit itself.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_json_lists_each_conflict_pair_and_exits_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_app(), ["cpa", str(write(tmp_path, *ROWS)), "--json"])
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)
    assert set(row) == {"a", "b", "tcpa_s", "dcpa_m", "t_in_s", "t_out_s", "current_loss", "vertical_bounded"}
    assert (row["a"], row["b"]) == ("BLU1", "RED1")
    assert row["current_loss"] is False
    # 55,597 m closing at 2 x 246.9 m/s; inside 9,260 m from 93.8 s to 131.3 s.
    assert row["tcpa_s"] == pytest.approx(112.58, abs=0.05)
    assert row["dcpa_m"] == pytest.approx(0.0, abs=0.01)
    assert row["t_in_s"] == pytest.approx(93.83, abs=0.05)
    assert row["t_out_s"] == pytest.approx(131.33, abs=0.05)


def test_json_says_when_a_pair_is_already_in_loss(tmp_path: Path) -> None:
    # 0.01 deg (1.1 km) apart at the same level: inside both minima now.
    near = [f"BLU1,blue,{T},0.0,0.0,30000,480,90,0", f"RED1,red,{T},0.0,0.01,30000,480,90,0"]
    result = CliRunner().invoke(build_app(), ["cpa", str(write(tmp_path, *near)), "--json"])
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)
    assert row["current_loss"] is True


def test_a_descent_is_extrapolated_for_the_vertical_horizon_only(tmp_path: Path) -> None:
    # RED1 4,000 ft above, descending 1,500 ft/min: it would cross BLU1's level at 160 s.
    rows = [ROWS[0], f"RED1,red,{T},0.0,0.5,34000,480,270,-1500"]
    path = str(write(tmp_path, *rows))
    assert run(path, "--json")[0] == 0
    code, output = run(path, "--json", "--vertical-horizon-s", "300")
    assert code == 1 and json.loads(output)[0]["vertical_bounded"] is False


def test_table_by_default(tmp_path: Path) -> None:
    code, output = run(str(write(tmp_path, *ROWS)))
    assert code == 1
    assert "1 predicted conflict" in output
    for column in ("tcpa_s", "dcpa_m", "t_in_s", "t_out_s"):
        assert column in output
    assert "BLU1" in output and "RED1" in output


def test_no_conflict_exits_zero(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS[0], ROWS[2])
    assert run(str(path)) == (0, f"No predicted conflicts among 2 tracks at {T}.\n")
    code, output = run(str(path), "--json")
    assert (code, json.loads(output)) == (0, [])


def test_options_set_the_minima_and_the_look_ahead(tmp_path: Path) -> None:
    path = str(write(tmp_path, *ROWS))
    assert run(path, "--look-ahead-s", "60")[0] == 0  # inside only from 93.8 s
    assert run(path, "--look-ahead-s", "100")[0] == 1
    # The head-on pair at 1,000 ft apart vertically is clear with 1,000 ft minima ...
    offset = [ROWS[0], ROWS[1].replace(",30000,", ",31000,")]
    assert run(str(write(tmp_path, *offset)))[0] == 0
    # ... and in conflict with 2,000 ft.
    assert run(str(write(tmp_path, *offset)), "--sep-v-ft", "2000")[0] == 1
    # Two platforms parked 3 NM apart: a loss under 5 NM, not under 2 NM.
    parked = [f"A,blue,{T},0,0,1000,0,0,0", f"B,red,{T},0,0.05,1000,0,0,0"]
    assert run(str(write(tmp_path, *parked)))[0] == 1
    assert run(str(write(tmp_path, *parked)), "--sep-h-nm", "2")[0] == 0


def test_rows_at_different_instants_are_refused(tmp_path: Path) -> None:
    later = ROWS[1].replace(T, "2026-11-22T10:00:05Z")
    code, output = run(str(write(tmp_path, ROWS[0], later)))
    assert code == 2
    assert "line 3, column t" in output
    assert "one instant" in output


def test_same_instant_in_another_offset_is_accepted(tmp_path: Path) -> None:
    same = ROWS[1].replace(T, "2026-11-22T11:00:00+01:00")
    assert run(str(write(tmp_path, ROWS[0], same)))[0] == 1


def test_missing_column_is_named(tmp_path: Path) -> None:
    header = HEADER.replace(",vs_fpm", "")
    code, output = run(str(write(tmp_path, *(r.rsplit(",", 1)[0] for r in ROWS), header=header)))
    assert code == 2
    assert "missing column(s) vs_fpm" in output


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (f"RED1,red,{T},0.0,east,30000,480,270,0", "line 3, column lon"),
        (f"RED1,red,{T},95.0,0.5,30000,480,270,0", "line 3, column lat"),
        (f"RED1,red,{T},0.0,0.5,30000,-480,270,0", "line 3, column gs_kt"),
        (f"RED1,red,{T},0.0,0.5,nan,480,270,0", "line 3, column alt_ft"),
        (f"RED1,red,{T},0.0,0.5,30000,480,270", "line 3, column vs_fpm"),
        (f"RED1,red,{T},0.0,0.5,30000,480,270,0,extra", "line 3"),
        ("RED1,red,2026-11-22T10:00:00,0.0,0.5,30000,480,270,0", "line 3, column t"),
        (f"RED1,,{T},0.0,0.5,30000,480,270,0", "line 3, column party"),
        (f"BLU1,red,{T},0.0,0.5,30000,480,270,0", "line 3, column id"),
    ],
)
def test_bad_rows_are_refused_naming_line_and_column(tmp_path: Path, row: str, where: str) -> None:
    code, output = run(str(write(tmp_path, ROWS[0], row)))
    assert code == 2
    assert where in output


def test_empty_and_missing_files_exit_two(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, output = run(str(empty))
    assert code == 2 and "header" in output
    assert run(str(tmp_path / "nope.csv"))[0] == 2


def test_header_only_file_has_no_conflict(tmp_path: Path) -> None:
    assert run(str(write(tmp_path)))[0] == 0


def test_nonsense_minima_exit_two(tmp_path: Path) -> None:
    code, output = run(str(write(tmp_path, *ROWS)), "--look-ahead-s", "-5")
    assert code == 2
    assert "look_ahead_s" in output
