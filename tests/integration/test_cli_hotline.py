"""``deconflict hotline send|inbox|ack|escalate`` on a local store: signed both ways, verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deconflict.cli import build_app

AREA = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [35.5, 35.0]},
    "properties": {"domain": "air", "radius_m": 5000, "alt_lower": 0, "alt_upper": 3000, "alt_ref": "W84",
                   "time_start": "2030-01-01T10:00:00Z", "time_end": "2030-01-01T11:00:00Z"},
}  # fmt: skip


def run(tmp_path: Path, *args: str, code: int = 0) -> str:
    store = [] if args[:2] == ("ledger", "verify") else ["--data-dir", str(tmp_path / "data")]
    result = CliRunner().invoke(build_app(), [*args, *store])
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def parties(tmp_path: Path) -> Path:
    for name in ("blue", "red"):
        run(tmp_path, "party", "add", name, "--key-out", str(tmp_path / f"{name}.key"))
    return tmp_path


def test_send_inbox_ack_and_the_ledger_verifies_with_both_signatures(parties: Path, tmp_path: Path) -> None:
    (tmp_path / "area.geojson").write_text(json.dumps(AREA))
    sent = json.loads(
        run(
            tmp_path,
            "hotline",
            "send",
            "we operate here",
            "--as",
            "blue",
            "--key",
            str(tmp_path / "blue.key"),
            "--to",
            "red",
            "--precedence",
            "FLASH",
            "--type",
            "update",
            "--officer",
            "Capt. Blue",
            "--area",
            str(tmp_path / "area.geojson"),
        )
    )
    message_id = sent["message_id"]
    assert sent["precedence"] == "FLASH" and sent["recipients"] == ["red"]
    inbox = run(tmp_path, "hotline", "inbox", "--as", "red")
    assert message_id in inbox and "FLASH" in inbox and "\tsent" in inbox
    [listed] = json.loads(run(tmp_path, "hotline", "inbox", "--as", "red", "--json"))
    assert listed["area"]["features"][0]["properties"]["radius_m"] == 5000
    assert listed["time_start"] == "2030-01-01T10:00:00Z"
    # Only the recipient acknowledges, with its own key.
    run(tmp_path, "hotline", "ack", message_id, "--as", "blue", "--key", str(tmp_path / "blue.key"), code=2)
    run(tmp_path, "hotline", "ack", message_id, "--as", "red", "--key", str(tmp_path / "blue.key"), code=2)
    assert "acknowledged" in run(
        tmp_path,
        "hotline",
        "ack",
        message_id,
        "--as",
        "red",
        "--key",
        str(tmp_path / "red.key"),
        "--officer",
        "Maj",
    )
    assert "red:acknowledged" in run(tmp_path, "hotline", "inbox", "--as", "blue", "--box", "outbox")
    run(tmp_path, "ledger", "export", "--out", str(tmp_path / "ledger.jsonl"))
    run(tmp_path, "ledger", "keys", "--out", str(tmp_path / "keys.json"))
    report = run(
        tmp_path, "ledger", "verify", str(tmp_path / "ledger.jsonl"), "--keys", str(tmp_path / "keys.json")
    )
    assert "ledger OK" in report and "2 party signatures verified" in report


def test_bad_sends_fail_with_the_field_named(parties: Path, tmp_path: Path) -> None:
    key = str(tmp_path / "blue.key")
    out = run(tmp_path, "hotline", "send", "x", "--as", "blue", "--key", key, "--to", "nobody", code=2)
    assert "to[0]" in out
    out = run(
        tmp_path, "hotline", "send", "x", "--as", "blue", "--key", key, "--to", "red", "--ref", "bad", code=2
    )
    assert "--ref[0]" in out
    assert "0 escalation(s)" in run(tmp_path, "hotline", "escalate")
