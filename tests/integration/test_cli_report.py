"""``deconflict report KIND`` on a local store holding the hand-built day: tables, JSON, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deconflict.bootstrap import bootstrap
from deconflict.cli import build_app
from deconflict.settings import Settings
from review_scenario import build_day


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-report") / "data"
    service = bootstrap(Settings(data_dir=path))
    try:
        build_day(service)
    finally:
        service.close()
    return path


def run(data_dir: Path, *args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(
        build_app(), ["report", *args, "--data-dir", str(data_dir)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == code, result.output
    return result.stdout, result.stderr


def test_json_gives_the_figures_with_the_entries_they_cite(data_dir: Path) -> None:
    out, _ = run(
        data_dir, "conflicts", "--json", "--start", "2026-11-22T08:00:00Z", "--end", "2026-11-22T12:00:00Z"
    )
    body = json.loads(out)
    assert (body["kind"], body["start"], body["end"]) == (
        "conflicts",
        "2026-11-22T08:00:00Z",
        "2026-11-22T12:00:00Z",
    )
    (row,) = body["rows"]
    assert row["pair"] == ["blue", "red"] and row["found"]["count"] == 3 and len(row["found"]["seqs"]) == 3
    assert row["time_to_resolve_s"]["p50"] == 225.0 and row["amended_by"]["blue"]["count"] == 1


def test_tables_by_default_flag_one_way_traffic(data_dir: Path) -> None:
    out, _ = run(data_dir, "reciprocity", "--start", "2026-11-22T10:06:00Z", "--end", "2026-11-22T10:30:00Z")
    (flagged,) = [line for line in out.splitlines() if "ONE-WAY" in line]
    assert "blue → green" in flagged
    out, _ = run(data_dir, "notice")
    assert "Late notices" in out and "B2" in out and "45" in out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("gossip",), "KIND"),
        (("notice", "--start", "yesterday"), "--start"),
        (("notice", "--end", "2026-11-22T10:00:00"), "--end"),
        (("notice", "--start", "2026-11-22T11:00:00Z", "--end", "2026-11-22T10:00:00Z"), "end"),
        (("hotline", "--party", "purple"), "party"),
        (("reciprocity", "--share", "1.5"), "share"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    data_dir: Path, args: tuple[str, ...], named: str
) -> None:
    out, err = run(data_dir, *args, code=2)
    assert out == "" and len(err.strip().splitlines()) == 1 and f"{named}:" in err
