"""Alerts against true close approaches on recorded ADS-B (prints figures; no pass/fail).

    python tests/bench/bench_replay.py [--start 2018-08-01T06:00:00+00:00] [--minutes 60] [--out FILE]

Replays the ``traffic`` package's ``switzerland`` sample (see tests/real_traffic.py),
split between two parties, through ``deconflict monitor replay --json``, computes the true
close approaches from the recorded positions alone, and prints alerts, true approaches,
recall, precision and repeats (also appended to ``--out``, default var/bench_replay.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import real_traffic


def run_replay(csv_path: Path) -> list[dict[str, object]]:
    command = [sys.executable, "-m", "deconflict.cli", "monitor", "replay", str(csv_path), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"replay failed ({done.returncode}): {done.stderr}")
    items: list[dict[str, object]] = json.loads(done.stdout)
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", default="2018-08-01T06:00:00+00:00")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--look-ahead-s", type=float, default=300.0)
    parser.add_argument("--out", type=Path, default=Path("var/bench_replay.txt"))
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    data = real_traffic.load_sample(datetime.fromisoformat(args.start), args.minutes)
    truth = real_traffic.true_approaches(data)
    levels = real_traffic.true_approaches(data, level_ft=100.0)
    with tempfile.TemporaryDirectory() as scratch:
        path = real_traffic.write_csv(data, Path(scratch) / "sample.csv")
        started = time.perf_counter()
        items = run_replay(path)
        took = time.perf_counter() - started
    figures = real_traffic.figures(items, truth, args.look_ahead_s)
    by_level = real_traffic.figures(items, levels, args.look_ahead_s)
    line = (
        f"{args.label or 'replay'} {real_traffic.SAMPLE} {args.start} +{args.minutes:.0f} min "
        f"({len(data)} states): {figures.line()} | against altitudes rounded to flight levels: {by_level.line()}"
        f"; replay {took:.0f} s"
    )
    print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


if __name__ == "__main__":
    main()
