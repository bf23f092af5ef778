"""Strategic write path at scale (prints a table; no pass/fail).

    python tests/bench/bench_strategic.py [--sizes 10000,100000] [--backends sqlite,postgres] [--submits 500]

For each backend and each number of live volumes stored: submit-with-exact-check
throughput and latency through the real service (one unit of work per submission:
cell locks, candidate lookup, exact check, write, ledger, commit), beside a
brute-force baseline measured in the same run (read every live volume, check each).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from preload import THEATRE, preload, random_volume

from deconflict.bootstrap import bootstrap
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.conflict import conflict_between
from deconflict.domain.signing import generate_keypair
from deconflict.domain.volume import TaggedVolume, VolumeRef
from deconflict.index.cells import covering, lock_keys
from deconflict.service.commands import AddParty, SubmitOperation
from deconflict.service.operations import submit_operation
from deconflict.service.parties import add_party
from deconflict.settings import Settings
from deconflict.store import tables as t
from deconflict.store.codec import volume_from_row
from servers import PostgresServer

PARTIES = ["blue", "red", "green", "amber"]
T0 = datetime(2030, 1, 1, tzinfo=UTC)


class BenchClock:
    def now(self) -> datetime:
        return T0 - timedelta(hours=2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def brute_force(service, volumes) -> float:  # type: ignore[no-untyped-def]
    """Seconds per submission for 'no index': read every live volume and check each."""
    started = time.perf_counter()
    with service.engine.connect() as conn:
        rows = (
            conn.execute(
                t.volumes.select()
                .join(t.operations, t.operations.c.id == t.volumes.c.operation_id)
                .add_columns(t.operations.c.party_id)
                .where(t.operations.c.state.in_(["proposed", "accepted", "activated"]))
            )
            .mappings()
            .all()
        )
        existing = [
            TaggedVolume(VolumeRef(r["party_id"], r["operation_id"], r["idx"]), volume_from_row(r))
            for r in rows
        ]
    for i, vol in enumerate(volumes):
        new = TaggedVolume(VolumeRef("blue", f"brute-{i}", 0), vol)
        for other in existing:
            conflict_between(new, other)
    return (time.perf_counter() - started) / len(volumes)


def run(
    backend: str,
    url: str,
    size: int,
    submits: int,
    box: tuple[float, float, float, float],
    label: str,
    sync: str,
    threads: int = 1,
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=url, sqlite_synchronous=sync)  # type: ignore[arg-type]
        service = bootstrap(settings, clock=BenchClock())
        try:
            for p in PARTIES:
                add_party(service.uow(), service.clock, AddParty(p, generate_keypair()[1]))
            load_started = time.perf_counter()
            preload(service, size, PARTIES, T0)
            load_s = time.perf_counter() - load_started
            rng = random.Random(7)
            volumes = [random_volume(rng, T0, box) for _ in range(submits)]
            latencies: list[float] = []
            found: list[int] = []
            margin = service.rules.margin.horizontal_m
            locks = sum(len(lock_keys(covering(v.footprint.polygon, margin))) for v in volumes) / submits

            def submit(i: int) -> None:
                s = time.perf_counter()
                out = submit_operation(
                    service.uow(),
                    service.clock,
                    service.rules,
                    SubmitOperation(
                        party=PARTIES[i % len(PARTIES)], domain=ActivityDomain.AIR, volumes=(volumes[i],)
                    ),
                )
                latencies.append(time.perf_counter() - s)
                found.append(len(out.conflicts))

            started = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(submit, range(submits)))
            elapsed = time.perf_counter() - started
            conflicts = sum(found)
            brute = (
                brute_force(service, volumes[: max(1, min(20, 2_000_000 // max(size, 1)))])
                if size <= 100_000
                else None
            )
        finally:
            service.close()
    return {
        "backend": backend,
        "stored": size,
        "traffic": label,
        "load_s": load_s,
        "per_s": submits / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "conflicts": conflicts,
        "brute_ms": None if brute is None else brute * 1e3,
        "locks": locks,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--backends", default="sqlite,sqlite:NORMAL,postgres", help="sqlite[:FULL|NORMAL],postgres"
    )
    parser.add_argument("--submits", type=int, default=400)
    parser.add_argument("--threads", type=int, default=1, help="concurrent submitters, one connection each")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    busy = (35.0, 35.0, 35.055, 35.045)  # 5 km × 5 km
    print(f"{args.threads} submitter thread(s); locks = cell locks taken per submission (PostgreSQL)")
    print(
        f"{'backend':12} {'stored':>8} {'traffic':>8} {'subm/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'locks':>5} "
        f"{'conflicts':>9} {'brute ms':>9} {'gain':>6}"
    )
    pg = None
    try:
        for backend in args.backends.split(","):
            backend, _, sync = backend.partition(":")
            sync = sync or "FULL"
            for size in sizes:
                for label, box in (("spread", THEATRE), ("busy", busy)):
                    if backend == "postgres":
                        pg = pg or PostgresServer().__enter__()
                        url = pg.create_database(f"bench_{size}_{label}")
                    else:
                        url = f"sqlite+pysqlite:///{tempfile.mkdtemp()}/bench.db"
                    r = run(backend, url, size, args.submits, box, label, sync, args.threads)
                    if backend == "sqlite":
                        r["backend"] = f"sqlite/{sync}"
                    brute = "-" if r["brute_ms"] is None else f"{r['brute_ms']:.1f}"
                    gain = "-" if r["brute_ms"] is None else f"{r['brute_ms'] / r['p50_ms']:.0f}×"
                    print(
                        f"{r['backend']!s:12} {size:>8} {label:>8} {r['per_s']:>8.0f} {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} "
                        f"{r['locks']:>5.1f} {r['conflicts']:>9} {brute:>9} {gain:>6}",
                        flush=True,
                    )
    finally:
        if pg is not None:
            pg.__exit__(None, None, None)
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
