"""Parse throughput of the ADS-B (SBS-1) and AIS feed readers (prints figures; no pass/fail).

    python tests/bench/bench_feeds.py [--lines 200000]

Generated, varied input: SBS lines of 300 aircraft (positions, velocities,
altitudes, idents), and AIS sentences of types 1, 3 and 18 with one in ten a
two-part type 5 (encoded with pyais). Each parser is fed line by line, as the
feed command does.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from pyais.encode import encode_dict

from deconflict.feeds.ais import AisParser
from deconflict.feeds.sbs import SbsParser


def sbs_lines(count: int, rng: random.Random) -> list[str]:
    start = datetime(2026, 11, 22, 10, 0, 0)
    aircraft = [f"{rng.randrange(16**6):06X}" for _ in range(300)]
    out = []
    for i in range(count):
        t = start + timedelta(milliseconds=5 * i)
        day, clock = t.strftime("%Y/%m/%d"), t.strftime("%H:%M:%S.") + f"{t.microsecond // 1000:03d}"
        kind = rng.choice((3, 3, 4, 4, 5, 1, 7))
        fields = [""] * 7
        if kind == 3:
            fields[1], fields[4] = str(rng.randrange(1000, 40000)), f"{rng.uniform(45, 55):.5f}"
            fields[5] = f"{rng.uniform(5, 15):.5f}"
        elif kind == 4:
            fields[2], fields[3] = str(rng.randrange(100, 500)), str(rng.randrange(360))
            fields[6] = str(rng.randrange(-2000, 2000, 64))
        elif kind in (5, 7):
            fields[1] = str(rng.randrange(1000, 40000))
        else:
            fields[0] = "RYR123  "
        row = ["MSG", str(kind), "1", "1", rng.choice(aircraft), "1", day, clock, day, clock, *fields]
        out.append(",".join([*row, "", "0", "0", "0", "0"]) + "\r\n")
    return out


def ais_lines(count: int, rng: random.Random) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        mmsi = rng.randrange(200_000_000, 700_000_000)
        if rng.random() < 0.1:
            out += encode_dict({"msg_type": 5, "mmsi": mmsi, "shipname": "SHIP"}, seq_id=rng.randrange(10))
        else:
            body = {"msg_type": rng.choice((1, 3, 18)), "mmsi": mmsi, "lat": rng.uniform(-60, 60)}
            body |= {
                "lon": rng.uniform(-170, 170),
                "speed": rng.uniform(0, 30),
                "course": rng.uniform(0, 359),
            }
            out += encode_dict(body)
    return [line + "\r\n" for line in out[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(1)
    now = datetime.now(UTC)
    for name, reader, lines in (
        ("SBS", SbsParser(), sbs_lines(args.lines, rng)),
        ("AIS", AisParser(), ais_lines(args.lines, rng)),
    ):
        started = time.perf_counter()
        for line in lines:
            reader.feed(line, now)
        seconds = time.perf_counter() - started
        c = reader.counters
        print(
            f"{name}: {len(lines):,} lines in {seconds:.2f} s = {len(lines) / seconds:>9,.0f} lines/s "
            f"(reports {c.reports:,}, bad {c.bad}, skipped {c.skipped:,}, other {c.other:,})"
        )


if __name__ == "__main__":
    main()
