"""Strategic write path over HTTP on loopback (prints a table; no pass/fail).

    python tests/bench/bench_http.py [--stored 100000] [--clients 10] [--requests 600] [--backends sqlite,postgres]

A real server process (uvicorn, one worker) over a store preloaded with live
volumes; N concurrent clients (asyncio + httpx) submit operations as the
InterUSS DSS load test does with locust: "spread" traffic over a 1,100 km ×
1,000 km theatre, and "busy" traffic with every write inside one 5 km × 5 km
box. Clients follow proof of read: on a 409 they read the overlaps and retry.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from preload import THEATRE, preload

from conftest import start_server, stop_server
from deconflict.bootstrap import bootstrap
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party, issue_token
from deconflict.settings import Settings
from servers import PostgresServer, free_port

PARTIES = ["blue", "red", "green", "amber"]
BUSY = (35.0, 35.0, 35.055, 35.045)  # 5 km × 5 km


def body(rng: random.Random, box: tuple[float, float, float, float], t0: datetime) -> dict[str, object]:
    lon, lat = rng.uniform(box[0], box[2] - 0.004), rng.uniform(box[1], box[3] - 0.004)
    s = rng.uniform(0.001, 0.004)
    start = t0 + timedelta(minutes=rng.uniform(30, 24 * 60))
    ring = [[lon, lat], [lon + s, lat], [lon + s, lat + s], [lon, lat + s], [lon, lat]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "domain": "air",
                    "alt_lower": rng.uniform(0, 3000),
                    "alt_upper": 3500,
                    "alt_ref": "W84",
                    "time_start": start.isoformat(),
                    "time_end": (start + timedelta(minutes=rng.uniform(10, 60))).isoformat(),
                },
            }
        ],
    }


async def drive(
    url: str, tokens: dict[str, str], clients: int, requests: int, box: tuple[float, float, float, float]
) -> dict[str, float]:
    latencies: list[float] = []
    calls = 0
    retries = 0
    t0 = datetime.now(UTC)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker(n: int) -> None:
        nonlocal calls, retries
        party = PARTIES[n % len(PARTIES)]
        rng = random.Random(n)
        async with httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {tokens[party]}"}, timeout=60
        ) as client:
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                payload = body(rng, box, t0)
                seen: dict[str, int] = {}
                for _attempt in range(10):
                    payload["seen"] = seen
                    started = time.perf_counter()
                    response = await client.post("/v1/operations", json=payload)
                    latencies.append(time.perf_counter() - started)
                    calls += 1
                    if response.status_code == 201:
                        break
                    if response.status_code != 409:
                        raise RuntimeError(f"{response.status_code}: {response.text[:200]}")
                    retries += 1
                    overlaps = await client.post("/v1/operations/overlaps", json=payload)
                    calls += 1
                    seen = overlaps.json()["seen"]

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def q(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1e3

    return {
        "subm_s": requests / elapsed,
        "req_s": calls / elapsed,
        "p50": q(0.5),
        "p95": q(0.95),
        "p99": q(0.99),
        "retries": retries,
    }


def prepare(data_dir: Path, url: str, stored: int) -> dict[str, str]:
    service = bootstrap(Settings(data_dir=data_dir, database_url=url))
    try:
        tokens = {}
        for p in PARTIES:
            add_party(service.uow(), service.clock, AddParty(p, generate_keypair()[1]))
            tokens[p] = issue_token(service.uow(), service.clock, p)
        preload(service, stored, PARTIES, datetime.now(UTC))
        return tokens
    finally:
        service.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"{args.clients} clients, {args.stored} live volumes stored, one uvicorn worker, loopback")
    print(
        f"{'backend':9} {'traffic':8} {'subm/s':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'409s':>5}"
    )
    pg = None
    try:
        for backend in args.backends.split(","):
            for label, box in (("spread", THEATRE), ("busy", BUSY)):
                data_dir = Path(tempfile.mkdtemp())
                if backend == "postgres":
                    pg = pg or PostgresServer().__enter__()
                    url = pg.create_database(f"http_{label}")
                else:
                    url = f"sqlite+pysqlite:///{data_dir}/bench.db"
                tokens = prepare(data_dir, url, args.stored)
                port = free_port()
                process = start_server(data_dir, url, port)
                try:
                    r = asyncio.run(
                        drive(f"http://127.0.0.1:{port}", tokens, args.clients, args.requests, box)
                    )
                finally:
                    stop_server(process)
                print(
                    f"{backend:9} {label:8} {r['subm_s']:>7.0f} {r['req_s']:>7.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f} {r['retries']:>5.0f}",
                    flush=True,
                )
    finally:
        if pg is not None:
            pg.__exit__(None, None, None)


if __name__ == "__main__":
    main()
