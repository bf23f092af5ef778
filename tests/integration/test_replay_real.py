"""Alerts a controller trusts: recorded ADS-B replayed through the monitor, against the truth.

Half an hour of the ``traffic`` package's ``switzerland`` sample (14:00-14:30 UTC, the
busiest hour of the day, up to 48 aircraft at once), split between blue and red, goes
through ``deconflict monitor replay --json`` in a subprocess (the real command, the real
monitor, a real SQLite store). The true close approaches are computed from the recorded
positions alone (tests/real_traffic.py). The figures are written to
``var/test_replay_real.txt`` for the lead's before/after comparison.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import traffic.data.samples  # noqa: F401  (dev extra: make test installs it; never skipped)

import real_traffic

START = datetime(2018, 8, 1, 14, 0, tzinfo=UTC)
MINUTES = 30.0
LOOK_AHEAD_S = 300.0
FIGURES = Path(__file__).resolve().parents[2] / "var" / "test_replay_real.txt"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = real_traffic.load_sample(START, MINUTES)
    real_traffic.check_en_route(data)
    path = real_traffic.write_csv(data, tmp_path_factory.mktemp("replay") / "switzerland.csv")
    done = subprocess.run(
        [sys.executable, "-m", "deconflict.cli", "monitor", "replay", str(path), "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=900,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    items = json.loads(done.stdout)
    truth = real_traffic.true_approaches(data)
    figures = real_traffic.figures(items, truth, LOOK_AHEAD_S)
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as handle:
        handle.write(
            f"{datetime.now(UTC):%Y-%m-%dT%H:%M}Z {real_traffic.SAMPLE} {START:%H:%M}+{MINUTES:.0f}min: {figures.line()}\n"
        )
    return {"data": data, "items": items, "truth": truth, "figures": figures}


def test_the_sample_has_true_close_approaches_to_find(replayed: dict[str, Any]) -> None:
    assert len(replayed["truth"]) >= 3


def test_every_true_close_approach_is_alerted(replayed: dict[str, Any]) -> None:
    figures = replayed["figures"]
    assert figures.alerted_events == figures.true_events, figures.line()


@pytest.mark.xfail(
    strict=True,
    reason="issue 15 is not done: 4 of 15 alerts (27 %) match a true close approach on this sample; "
    "most false ones are low-confidence predictions that rest on a climb levelling off",
)
def test_most_alerts_match_a_true_close_approach_within_the_look_ahead(replayed: dict[str, Any]) -> None:
    figures = replayed["figures"]
    assert figures.precision >= 0.70, figures.line()


def test_no_alert_involves_a_platform_on_the_ground(replayed: dict[str, Any]) -> None:
    data = replayed["data"]
    ground = real_traffic.on_ground(data)
    ids = [f"{real_traffic.party_of(i)}/{i.upper()}" for i in data.icao24]
    stamps = list(data.timestamp)
    for item in real_traffic.separation_alerts(replayed["items"]):
        raised = datetime.fromisoformat(item["raised_at"])
        for platform in item["subjects"]["platforms"]:
            latest = [
                g
                for i, t, g in zip(ids, stamps, ground, strict=True)
                if i == platform and raised - timedelta(seconds=60) <= t <= raised
            ]
            assert latest and not latest[-1], (platform, item["raised_at"])


def test_no_flash_is_left_escalating_after_its_alert_cleared(replayed: dict[str, Any]) -> None:
    late = [a for a in replayed["items"] if a["flash_escalations_after_clear"]]
    assert not late, (
        f"{len(late)} of {len(replayed['items'])} FLASH messages escalated after their alert cleared"
    )
