"""Benchmark: one tactical detection cycle, the grid detector beside the brute-force oracle.

    .venv/bin/python tests/bench/bench_cpa.py [--sizes 1000 10000] [--repeat 3]

A random scene in a realistic theatre: 1,000 km x 1,000 km centred on 50 N 10 E,
airliner ground speeds (350-500 kt), altitudes 0-12 km, 30 % of platforms
climbing or descending at up to 3,000 ft/min, three parties, default minima
(5 NM, 1,000 ft, 300 s). The fast detector is timed best of ``--repeat``; the
oracle (batched, so its memory stays bounded) best of ``--repeat`` up to 2,000
tracks and once above. No pass/fail: it prints figures, and says loudly when the
two found different pairs. Target: 10,000 tracks <= 200 ms per cycle on 2 cores,
>= 10x faster than the oracle.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np

from deconflict.domain.tactical import (
    EARTH_RADIUS_M,
    PredictedConflict,
    TrackState,
    detect,
    detect_brute_force,
)

THEATRE_M = 1_000_000.0
CENTRE_LAT, CENTRE_LON = 50.0, 10.0
AT = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

Detector = Callable[[TrackState], tuple[PredictedConflict, ...]]


def theatre(n: int, seed: int = 1) -> TrackState:
    """n platforms spread uniformly over the theatre (tangent plane, back onto the sphere)."""
    rng = np.random.default_rng(seed)
    phi, lam = np.radians(CENTRE_LAT), np.radians(CENTRE_LON)
    centre = np.array([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    east = np.array([-np.sin(lam), np.cos(lam), 0.0])
    north = np.cross(centre, east)
    xy = rng.uniform(-THEATRE_M / 2, THEATRE_M / 2, (n, 2)) / EARTH_RADIUS_M
    p = centre + xy[:, :1] * east + xy[:, 1:] * north
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    climbing = rng.random(n) < 0.3
    return TrackState.from_columns(
        AT,
        ids=[f"T{i:05d}" for i in range(n)],
        party=rng.choice(["blue", "red", "green"], n).tolist(),
        lat_deg=np.degrees(np.arcsin(p[:, 2])),
        lon_deg=np.degrees(np.arctan2(p[:, 1], p[:, 0])),
        alt_m=rng.uniform(0.0, 12_000.0, n),
        ground_speed_m_s=rng.uniform(180.0, 257.0, n),
        track_deg=rng.uniform(0.0, 360.0, n),
        vertical_rate_m_s=np.where(climbing, rng.uniform(-15.0, 15.0, n), 0.0),
    )


def best_of(
    detector: Detector, state: TrackState, repeat: int
) -> tuple[float, tuple[PredictedConflict, ...]]:
    best = float("inf")
    found: tuple[PredictedConflict, ...] = ()
    for _ in range(repeat):
        start = time.perf_counter()
        found = detector(state)
        best = min(best, time.perf_counter() - start)
    return best, found


def mismatch(fast: tuple[PredictedConflict, ...], oracle: tuple[PredictedConflict, ...]) -> str | None:
    """None when both found the same pairs with the same numbers (1e-6), else what differs."""
    pairs_fast = {(c.a, c.b) for c in fast}
    pairs_oracle = {(c.a, c.b) for c in oracle}
    if pairs_fast != pairs_oracle:
        missed = sorted(pairs_oracle - pairs_fast)[:5]
        extra = sorted(pairs_fast - pairs_oracle)[:5]
        return f"pairs differ: fast missed {missed}, fast extra {extra}"
    for f, o in zip(fast, oracle, strict=True):
        for name in ("tcpa_s", "dcpa_m", "t_in_s", "t_out_s"):
            x, y = getattr(f, name), getattr(o, name)
            if abs(x - y) > 1e-6 * max(1.0, abs(y)):
                return f"{f.a}/{f.b} {name}: fast {x} oracle {y}"
        if f.current_loss != o.current_loss:
            return f"{f.a}/{f.b} current_loss differs"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPU(s), {platform.machine()}"
    )
    print(f"theatre {THEATRE_M / 1000:.0f} km x {THEATRE_M / 1000:.0f} km at {CENTRE_LAT} N {CENTRE_LON} E")
    print(f"{'N':>7} {'fast ms':>9} {'oracle ms':>10} {'ratio':>7} {'pairs':>7} {'current':>8}  same?")
    failures = 0
    for n in args.sizes:
        state = theatre(n)
        detect(state)  # warm-up: imports, caches
        fast_s, fast = best_of(detect, state, args.repeat)
        oracle_s, oracle = best_of(detect_brute_force, state, args.repeat if n <= 2_000 else 1)
        problem = mismatch(fast, oracle)
        now = sum(c.current_loss for c in fast)
        print(
            f"{n:>7} {fast_s * 1e3:>9.1f} {oracle_s * 1e3:>10.1f} {oracle_s / fast_s:>6.0f}x "
            f"{len(fast):>7} {now:>8}  {'yes' if problem is None else 'NO'}"
        )
        if problem is not None:
            failures += 1
            print(f"!!! MISMATCH at N={n}: {problem}", file=sys.stderr)
    print("target: 10,000 tracks <= 200 ms per cycle, >= 10x faster than the oracle")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
