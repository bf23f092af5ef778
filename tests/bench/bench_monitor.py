"""Benchmark: one monitor cycle over N stored platforms, by stage (prints figures; no pass/fail).

    python tests/bench/bench_monitor.py [--platforms 10000 100000] [--zones 200] [--cycles 3]

The traffic of ``bench_ingest.py`` (four parties, RVSM levels by direction, flight level
reports through the wire's parser): 10,000 platforms over its 2,800 km x 2,700 km theatre
(Europe's busiest hour), more over a theatre grown to the same density (100,000: 60 W to
101 E, 10 N to 60 N), so that a larger N is more traffic, not a denser sky; taken
in by the service's ``ingest`` into SQLite at one instant, then monitor cycles at that
instant: the first writes the alerts it finds, the following ones find the same and
write nothing (the steady state, which is what every second of a busy picture costs).
Stages as on /metrics: load (the store's read), assess (picture, separation, zones,
conformance), write. Target: 100,000 platforms in <= 2 s a cycle.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import PARTIES, THEATRE, bodies, declare_zones

from builders import FixedClock
from deconflict.api.tracks_wire import parse_reports
from deconflict.bootstrap import bootstrap
from deconflict.domain.message import HotlinePolicy
from deconflict.domain.signing import generate_keypair
from deconflict.geoid import egm96
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party
from deconflict.service.tactical import Monitor, MonitorRules, ingest
from deconflict.settings import Settings

CHUNK = 5000
# Square kilometres per platform of bench_ingest's theatre: 40 deg x 24 deg at 36-60 N.
_KM2_PER_PLATFORM = 788.0
_KM2_PER_DEGREE_10_60N = 490_100.0  # one degree of longitude from 10 N to 60 N


def theatre_for(platforms: int) -> tuple[float, float, float, float]:
    """bench_ingest's theatre up to 10,000 platforms; beyond, a 10-60 N band as wide as keeps its density."""
    if platforms <= 10_000:
        return THEATRE
    span = min(360.0, platforms * _KM2_PER_PLATFORM / _KM2_PER_DEGREE_10_60N)
    return (-60.0, 10.0, min(180.0, -60.0 + span), 60.0)


def one_size(platforms: int, zones: int, cycles: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service = bootstrap(Settings(data_dir=Path(tmp)))
        for party in PARTIES:
            add_party(service.uow(), service.clock, AddParty(party, generate_keypair()[1]))
        declare_zones(service, zones)
        batches = [
            (party, json.loads(body)["reports"])
            for party, body in bodies(platforms, 1, CHUNK, theatre=theatre_for(platforms))
        ]
        at = datetime.fromisoformat(batches[0][1][0]["t"])
        clock = FixedClock(at)
        started = time.perf_counter()
        accepted = 0
        for party, items in batches:
            reports, rejected = parse_reports(items, party, egm96())
            accepted += ingest(service.uow(), clock, party, reports, rejected).accepted
        took_in = time.perf_counter() - started
        monitor = Monitor(MonitorRules(), HotlinePolicy(), service.key.public_b64)
        for i in range(cycles):
            outcome = monitor.cycle(service.uow, clock)
            stages = ", ".join(f"{k} {v:6.0f} ms" for k, v in outcome.timings_ms.items())
            total = sum(outcome.timings_ms.values())
            print(
                f"{platforms:>8,} platforms ({accepted:,} taken in {took_in:.1f} s), {zones} zones, cycle {i + 1}: "
                f"{total:6.0f} ms ({stages}); {outcome.findings:,} findings, {len(outcome.raised):,} raised"
            )
        service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--zones", type=int, default=200)
    parser.add_argument("--cycles", type=int, default=3)
    args = parser.parse_args()
    print("target: 100,000 platforms <= 2 s a cycle")
    for n in args.platforms:
        one_size(n, args.zones, args.cycles)


if __name__ == "__main__":
    main()
