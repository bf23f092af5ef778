"""Benchmark: `find_conflicts` on random volumes (prints figures; no pass/fail).

python tests/bench/bench_conflicts.py [N ...]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

from deconflict.domain.altitude import AltitudeBand
from deconflict.domain.conflict import Separation, find_conflicts
from deconflict.domain.footprint import circle_footprint, corridor_footprint, polygon_footprint
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import TaggedVolume, Volume4D, VolumeRef

T0 = datetime(2026, 11, 22, tzinfo=UTC)


def random_volumes(n: int, seed: int = 1) -> list[TaggedVolume]:
    """A 1,000 km × 1,000 km theatre, one day, five parties, mixed footprints."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lon, lat = rng.uniform(30.0, 42.0), rng.uniform(30.0, 39.0)
        kind = rng.random()
        if kind < 0.5:
            fp = circle_footprint((lon, lat), rng.uniform(500, 15_000))
        elif kind < 0.85:
            s = rng.uniform(0.02, 0.2)
            fp = polygon_footprint([(lon, lat), (lon + s, lat), (lon + s, lat + s), (lon, lat + s)])
        else:
            fp = corridor_footprint([(lon, lat), (lon + rng.uniform(-0.5, 0.5), lat + 0.3)], 2_000)
        lower = rng.uniform(0, 10_000)
        start = T0 + timedelta(minutes=rng.uniform(0, 1_440))
        window = TimeWindow(start, start + timedelta(minutes=rng.uniform(15, 180)))
        vol = Volume4D(fp, AltitudeBand(lower, lower + rng.uniform(300, 3_000)), window)
        out.append(TaggedVolume(VolumeRef(f"party-{i % 5}", f"op-{i}"), vol))
    return out


def main(sizes: list[int]) -> None:
    print(f"{'volumes':>8} {'margin':>12} {'seconds':>8} {'volumes/s':>10} {'conflicts':>9}")
    for n in sizes:
        volumes = random_volumes(n)
        for margin in (Separation(), Separation(5_000, 300)):
            started = time.perf_counter()
            found = find_conflicts(volumes, margin)
            elapsed = time.perf_counter() - started
            label = f"{margin.horizontal_m:.0f}m/{margin.vertical_m:.0f}m"
            print(f"{n:>8} {label:>12} {elapsed:>8.2f} {n / elapsed:>10.0f} {len(found):>9}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000])
