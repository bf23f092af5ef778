"""Hotline delivery latency to connected officers (prints a table; no pass/fail).

    python tests/bench/bench_hotline.py [--officers 1,10,100] [--messages 40]

Real parts on loopback: a throwaway PostgreSQL, a NATS server with JetStream and
two API replicas (uvicorn subprocesses) sharing both. N officers of party red hold
Server-Sent Event streams open; blue sends hotline messages one at a time. Two
set-ups per row:

- same replica: officers on replica A, messages sent to A (the in-process notifier);
- cross replica: officers on replica B, messages sent to A (the wake-up travels over NATS).

Latency is measured per officer and message, from the moment the sender starts its
POST to the moment the officer's stream yields the ``message.sent`` event (so it
includes the sender's request and the commit); ``after commit`` counts from the
ledger entry's timestamp (service clock, taken just before the commit) instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from conftest import start_server, stop_server
from deconflict.bootstrap import bootstrap
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party, issue_token
from deconflict.settings import Settings
from servers import NatsServer, PostgresServer, free_port


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Officers:
    """N event streams of one party; records when each sees each message."""

    def __init__(self, url: str, token: str, count: int) -> None:
        self.url, self.token, self.count = url, token, count
        self.arrivals: dict[str, list[tuple[float, float]]] = defaultdict(list)  # id -> (arrived, ledger ts)
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(30, read=None), limits=httpx.Limits(max_connections=count + 10)
        )
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Officers:
        ready = [asyncio.Event() for _ in range(self.count)]
        self.tasks = [asyncio.create_task(self._listen(event)) for event in ready]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready)), 60)
        await asyncio.sleep(0.5)  # let every stream finish reading the ledger so far
        return self

    async def _listen(self, ready: asyncio.Event) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.client.stream("GET", f"{self.url}/v1/events", headers=headers) as response:
            async for line in response.aiter_lines():
                if line.startswith(": connected"):
                    ready.set()
                elif line.startswith("data:"):
                    arrived = time.time()
                    event = json.loads(line[5:])
                    if event["type"] == "message.sent":
                        ts = datetime.fromisoformat(event["ts"]).timestamp()
                        self.arrivals[event["payload"]["message_id"]].append((arrived, ts))

    async def __aexit__(self, *exc: object) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.client.aclose()


async def measure(
    send_url: str, listen_url: str, tokens: dict[str, str], officers: int, messages: int
) -> tuple[list[float], list[float]]:
    end_to_end: list[float] = []
    after_commit: list[float] = []
    async with (
        Officers(listen_url, tokens["red"], officers) as crowd,
        httpx.AsyncClient(
            base_url=send_url, headers={"Authorization": f"Bearer {tokens['blue']}"}, timeout=30
        ) as sender,
    ):
        for i in range(messages):
            started = time.time()
            answer = await sender.post(
                "/v1/messages", json={"to": ["red"], "precedence": "ROUTINE", "text": f"bench {i}"}
            )
            answer.raise_for_status()
            message_id = answer.json()["id"]
            deadline = time.monotonic() + 10
            while len(crowd.arrivals[message_id]) < officers and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            got = crowd.arrivals[message_id]
            if len(got) < officers:
                raise RuntimeError(f"only {len(got)} of {officers} officers got message {i} within 10 s")
            end_to_end += [(arrived - started) * 1000 for arrived, _ in got]
            after_commit += [(arrived - ts) * 1000 for arrived, ts in got]
            await asyncio.sleep(0.02)
    return end_to_end, after_commit


def setup(data_dir: Path, url: str) -> dict[str, str]:
    service = bootstrap(Settings(data_dir=data_dir, database_url=url))
    try:
        tokens = {}
        for name in ("blue", "red"):
            add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))
            tokens[name] = issue_token(service.uow(), service.clock, name)
        return tokens
    finally:
        service.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", default="1,10,100")
    parser.add_argument("--messages", type=int, default=40)
    args = parser.parse_args()
    counts = [int(n) for n in args.officers.split(",")]
    with (
        tempfile.TemporaryDirectory(prefix="deconflict-bench-") as tmp,
        PostgresServer() as pg,
        NatsServer() as nats_server,
    ):
        data_dir = Path(tmp) / "data"
        url = pg.create_database("bench_hotline")
        tokens = setup(data_dir, url)
        env = {"DECONFLICT_NATS_URL": nats_server.url}
        ports = {"A": free_port(), "B": free_port()}
        processes = [start_server(data_dir, url, port, env) for port in ports.values()]
        try:
            urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
            asyncio.run(measure(urls["A"], urls["B"], tokens, 1, 5))  # warm up both replicas and the bus
            print(
                f"hotline delivery latency, ms ({args.messages} messages per row; PostgreSQL, NATS, 2 replicas)"
            )
            print(
                f"{'officers':>8}  {'set-up':<14} {'p50':>7} {'p99':>7}   {'after commit p50':>16} {'p99':>7}  samples"
            )
            for n in counts:
                for label, listen in (("same replica", "A"), ("cross replica", "B")):
                    e2e, commit = asyncio.run(measure(urls["A"], urls[listen], tokens, n, args.messages))
                    print(
                        f"{n:>8}  {label:<14} {statistics.median(e2e):7.1f} {percentile(e2e, 0.99):7.1f}   "
                        f"{statistics.median(commit):16.1f} {percentile(commit, 0.99):7.1f}  {len(e2e)}",
                        flush=True,
                    )
        finally:
            for process in processes:
                stop_server(process)


if __name__ == "__main__":
    main()
