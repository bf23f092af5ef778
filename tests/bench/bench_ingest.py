"""Position reports through the batch endpoint into the monitor (prints figures; no pass/fail).

    python tests/bench/bench_ingest.py [--platforms 10000] [--rounds 10] [--batch 1000] [--clients 4]
                                       [--backends sqlite,postgres]

A real server process (uvicorn, one worker, the monitor running every second)
on loopback. Four parties each own a quarter of ``--platforms`` platforms
spread over a 2,800 km x 2,700 km theatre at the RVSM levels of their direction; every round
each platform reports once (a new time, a moved position), in batches of
``--batch`` posted by ``--clients`` concurrent clients. Bodies are encoded
before the clock starts, so the figure is the service's. Afterwards one
monitor cycle runs in process over the stored picture and its stages are
timed (load from the store, assess, write alerts). ``--zones`` standing zones
(circles of 5-30 km) are declared first, so the cycle checks zone breaches too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from conftest import start_server, stop_server
from deconflict.bootstrap import bootstrap
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.altitude import AltitudeBand
from deconflict.domain.footprint import circle_footprint
from deconflict.domain.operation import DeclarationKind
from deconflict.domain.signing import generate_keypair
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import Volume4D
from deconflict.service.commands import AddParty, SubmitOperation
from deconflict.service.operations import submit_operation
from deconflict.service.parties import add_party, issue_token
from deconflict.settings import Settings
from servers import PostgresServer, free_port

PARTIES = ["blue", "red", "green", "amber"]
# A lon/lat box of about 2,800 km x 2,700 km: 10,000 platforms in it are Europe's busiest hour.
THEATRE = (-10.0, 36.0, 30.0, 60.0)
# RVSM flight levels by direction of flight: same-level traffic never meets head-on.
EASTBOUND = (290, 310, 330, 350, 370, 390, 410)
WESTBOUND = (300, 320, 340, 360, 380, 400)


def declare_zones(service: object, count: int, seed: int = 11) -> None:
    """Standing air-defence zones (circles of 5-30 km, up to 15 km high) of random parties."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    window = TimeWindow(now - timedelta(hours=1), now + timedelta(days=1))
    for i in range(count):
        centre = (rng.uniform(THEATRE[0], THEATRE[2]), rng.uniform(THEATRE[1], THEATRE[3]))
        zone = Volume4D(
            circle_footprint(centre, rng.uniform(5_000, 30_000)), AltitudeBand(0.0, 15_000.0), window
        )
        cmd = SubmitOperation(
            PARTIES[i % len(PARTIES)],
            ActivityDomain.AIR,
            (zone,),
            kind=DeclarationKind.ZONE,
            category="air_defence",
        )
        submit_operation(service.uow(), service.clock, service.rules, cmd)  # type: ignore[attr-defined]


def bodies(
    platforms: int,
    rounds: int,
    batch: int,
    seed: int = 7,
    theatre: tuple[float, float, float, float] = THEATRE,
) -> list[tuple[str, bytes]]:
    """(party, encoded body) for every batch of every round; times move on by 1 s a round."""
    rng = random.Random(seed)
    fleet = []
    for i in range(platforms):
        track = rng.uniform(0, 360)
        level = rng.choice(EASTBOUND if track < 180 else WESTBOUND)  # the semicircular rule
        lon, lat = rng.uniform(theatre[0], theatre[2]), rng.uniform(theatre[1], theatre[3])
        fleet.append((PARTIES[i % len(PARTIES)], f"P{i:06d}", lon, lat, track, level))
    # Stamped up to now, never ahead: the service refuses reports from the future.
    start = datetime.now(UTC) - timedelta(seconds=rounds - 1)
    out: list[tuple[str, bytes]] = []
    for r in range(rounds):
        t = (start + timedelta(seconds=r)).isoformat().replace("+00:00", "Z")
        by_party: dict[str, list[dict[str, object]]] = {p: [] for p in PARTIES}
        for party, name, lon, lat, track, level in fleet:
            by_party[party].append(
                {
                    "platform": name,
                    "t": t,
                    "lat": round(lat + 0.002 * r, 6),
                    "lon": round(lon, 6),
                    "alt": level,
                    "alt_ref": "FL",
                    "gs_kt": 450,
                    "trk_deg": round(track, 1),
                    "vs_fpm": 0,
                    "source": "bench",
                }
            )
        for party, reports in by_party.items():
            for i in range(0, len(reports), batch):
                out.append((party, json.dumps({"reports": reports[i : i + batch]}).encode()))
    return out


async def drive(
    url: str, tokens: dict[str, str], work: list[tuple[str, bytes]], clients: int
) -> tuple[float, int]:
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    accepted = 0

    async def worker() -> None:
        nonlocal accepted
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            while not queue.empty():
                party, body = queue.get_nowait()
                headers = {"Authorization": f"Bearer {tokens[party]}", "content-type": "application/json"}
                answer = await client.post("/v1/tracks", content=body, headers=headers)
                answer.raise_for_status()
                result = answer.json()
                if result["rejected"]:
                    raise RuntimeError(f"rejected: {result['rejected'][:3]}")
                accepted += result["accepted"]

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - started, accepted


def server_monitor(base: str) -> dict[str, float]:
    """The monitor's figures from the server's /metrics."""
    out: dict[str, float] = {}
    for line in httpx.get(f"{base}/metrics", timeout=10).text.splitlines():
        if line.startswith("deconflict_monitor_stage_seconds{"):
            out["stage_" + line.split('"')[1]] = float(line.rsplit(" ", 1)[1])
        elif line.startswith(
            (
                "deconflict_monitor_platforms ",
                "deconflict_monitor_findings ",
                "deconflict_monitor_cycles_total ",
            )
        ):
            name, value = line.split(" ")
            out[name.removeprefix("deconflict_monitor_")] = float(value)
    return out


def settle(base: str, limit_s: float = 120.0) -> tuple[float, dict[str, float]]:
    """Wait for a cycle that started after the last report and wrote almost nothing (the
    alerts it raised before are in); that cycle's figures."""
    started = time.perf_counter()
    first = server_monitor(base).get("cycles_total", 0.0)
    figures: dict[str, float] = {}
    while time.perf_counter() - started < limit_s:
        time.sleep(0.5)
        figures = server_monitor(base)
        if figures.get("cycles_total", 0.0) >= first + 2 and figures.get("stage_write", 1.0) < 0.05:
            break
    return time.perf_counter() - started, figures


def one_backend(name: str, url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        settings = Settings(data_dir=data_dir, database_url=url)
        service = bootstrap(settings)
        tokens = {}
        for party in PARTIES:
            add_party(service.uow(), service.clock, AddParty(party, generate_keypair()[1]))
            tokens[party] = issue_token(service.uow(), service.clock, party)
        declare_zones(service, args.zones)
        work = bodies(args.platforms, args.rounds, args.batch)
        port = free_port()
        env = {
            "DECONFLICT_MONITOR_INTERVAL_S": str(args.monitor_interval_s),
            # Ingest takes longer than an aircraft coasts: keep every platform in the picture.
            "DECONFLICT_TRACK_COAST_AIRCRAFT_S": "3600",
            "DECONFLICT_TRACK_MAX_AGE_S": "3600",
        }
        process = start_server(data_dir, url, port, env)
        base = f"http://127.0.0.1:{port}"
        try:
            seconds, accepted = asyncio.run(drive(base, tokens, work, args.clients))
            caught_up, server = settle(base)
        finally:
            stop_server(process)
        service.close()
    print(
        f"{name:<9} {accepted:>8,} reports in {seconds:6.2f} s = {accepted / seconds:>8,.0f} reports/s "
        f"(batches of {args.batch}, {args.clients} clients, the monitor running every {args.monitor_interval_s} s)"
    )
    if server:
        stages = ", ".join(f"{k} {1000 * server[f'stage_{k}']:.0f} ms" for k in ("load", "assess", "write"))
        print(
            f"{'':<9} the server's monitor over {server['platforms']:,.0f} platforms and {args.zones} zones: "
            f"{stages}; {server['findings']:,.0f} findings; its alerts all written {caught_up:.1f} s after the last report"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platforms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--zones", type=int, default=200, help="standing zones the monitor checks too")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--monitor-interval-s", type=float, default=1.0, help="0: no monitor in the server")
    args = parser.parse_args()
    backends = args.backends.split(",")
    print("target: >= 20,000 reports/s through POST /v1/tracks")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            one_backend("sqlite", f"sqlite+pysqlite:///{tmp}/deconflict.db", args)
    if "postgres" in backends:
        with PostgresServer() as server:
            one_backend("postgres", server.create_database("bench_ingest"), args)


if __name__ == "__main__":
    main()
