"""ADS-B into the real service: two parties' SBS-1 feeds, a head-on pair, an alert to both."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def sbs_lines(hex_ident: str, lon: float, track: float) -> str:
    """A velocity then a position of one aircraft at FL350, stamped now (UTC)."""
    now = datetime.now(UTC)
    day, clock = now.strftime("%Y/%m/%d"), now.strftime("%H:%M:%S.%f")[:-3]
    stamp = f"{day},{clock},{day},{clock}"
    velocity = f"MSG,4,1,1,{hex_ident},1,{stamp},,,486,{track},,,0,,0,0,0,0"
    position = f"MSG,3,1,1,{hex_ident},1,{stamp},,35000,,,50.0,{lon},,,0,0,0,0"
    return f"{velocity}\n{position}\n"


def feed(live_server: Any, party: str, path: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "deconflict.cli", "feed", "sbs", str(path), "--party", party]
    command += ["--url", live_server.url, "--token", live_server.tokens[party]]
    # Stamped as read: a file written now stands for a live receiver, whose reports must be
    # fresh (an aircraft coasts 10 s) however long the feed takes to start.
    command += ["--time", "receipt"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_sbs_feeds_make_an_alert_for_both_parties(live_server: Any, tmp_path: Path) -> None:
    blue_file, red_file = tmp_path / "blue.sbs", tmp_path / "red.sbs"
    blue_file.write_text(sbs_lines("4CA2D1", 10.0, 90.0) + "MSG,3,garbage\n")
    red_file.write_text(sbs_lines("3C6586", 10.3, 270.0))
    # Both feeds at once, as two receivers run: an aircraft heard of no more drops out of the
    # picture after 10 s, so one feed finishing long before the other would make no pair.
    running = {
        party: feed(live_server, party, path) for party, path in (("blue", blue_file), ("red", red_file))
    }
    stderr = {}
    for party, process in running.items():
        stderr[party] = process.communicate(timeout=60)[1]
        assert process.returncode == 0, stderr[party]
    assert "bad 1" in stderr["blue"].replace("=", " ")
    deadline = time.monotonic() + 10
    alerts: list[dict[str, Any]] = []
    while not alerts and time.monotonic() < deadline:
        alerts = live_server.client("red").get("/v1/alerts").json()
        time.sleep(0.2)
    assert len(alerts) == 1, "no alert within 10 s"
    assert alerts[0]["subjects"]["platforms"] == ["blue/4CA2D1", "red/3C6586"]
    assert live_server.client("blue").get("/v1/alerts").json()[0]["id"] == alerts[0]["id"]
