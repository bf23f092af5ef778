"""Two API replicas over one PostgreSQL, sharing events through a real NATS (JetStream).

An officer of red listens to replica B; blue sends through replica A. The message
reaches B's stream through the bus. Then replica A, which accepted a FLASH, is
killed (SIGKILL) before its deadline: replica B's escalation runner escalates it
on time, because the timer is state in the store.
"""

from __future__ import annotations

import asyncio
import json
import queue
import signal
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from signed import signed_post
from test_events import SseListener

from conftest import start_server, stop_server
from deconflict.bootstrap import bootstrap
from deconflict.domain.ledger_verify import KeyRing, verify_export
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party, issue_token
from deconflict.settings import Settings
from servers import NatsServer, free_port

FLASH_DEADLINE_S = 3.0
pytestmark = [pytest.mark.postgres, pytest.mark.nats]


def wait_message(
    listener: SseListener, event_type: str, message_id: str, timeout: float
) -> tuple[dict[str, Any], float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _seq, kind, data = listener.events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if kind == event_type and data["payload"]["message_id"] == message_id:
            return data, time.monotonic()
    raise AssertionError(f"no {event_type} for {message_id} within {timeout} s")


async def stream_messages(url: str) -> int:
    client = await nats.connect(url)
    try:
        info = await client.jetstream().stream_info("DECONFLICT_EVENTS")
        return int(info.state.messages)
    finally:
        await client.close()


@pytest.fixture
def replicas(tmp_path: Path, postgres_url: str, nats_server: NatsServer) -> Iterator[dict[str, Any]]:
    data_dir = tmp_path / "data"  # shared: both replicas sign the ledger with the one service key
    service = bootstrap(Settings(data_dir=data_dir, database_url=postgres_url))
    tokens, keys = {}, {}
    try:
        for name in ("blue", "red", "green"):
            private, public = generate_keypair()
            add_party(service.uow(), service.clock, AddParty(name, public, f"{name} duty desk"))
            tokens[name], keys[name] = issue_token(service.uow(), service.clock, name), private
    finally:
        service.close()
    env = {
        "DECONFLICT_NATS_URL": nats_server.url,
        "DECONFLICT_FLASH_DEADLINE_S": str(FLASH_DEADLINE_S),
        "DECONFLICT_ESCALATION_POLL_S": "0.2",
    }
    ports = {"a": free_port(), "b": free_port()}
    processes = {}
    try:
        for name, port in ports.items():
            processes[name] = start_server(data_dir, postgres_url, port, env)
        yield {
            "url": {n: f"http://127.0.0.1:{p}" for n, p in ports.items()},
            "process": processes,
            "tokens": tokens,
            "keys": keys,
            "nats": nats_server.url,
        }
    finally:
        for process in processes.values():
            stop_server(process)


def test_a_message_sent_through_one_replica_reaches_an_officer_on_the_other(replicas: dict[str, Any]) -> None:
    url_a, url_b = replicas["url"]["a"], replicas["url"]["b"]
    red_on_b = SseListener(url_b, replicas["tokens"]["red"])
    http = httpx.Client(timeout=30)
    try:
        before = asyncio.run(stream_messages(replicas["nats"]))
        latencies_ms = []
        for i in range(20):
            body = {"to": ["red"], "precedence": "IMMEDIATE", "text": f"check {i}"}
            started = time.monotonic()
            sent = signed_post(http, url_a, "blue", replicas["keys"]["blue"], "/v1/messages", body)
            assert sent.status_code == 201, sent.text
            _event, arrived = wait_message(red_on_b, "message.sent", sent.json()["id"], timeout=10)
            latencies_ms.append((arrived - started) * 1000)
        # The wake-ups went through JetStream (B's 0.25 s poll alone would also deliver, later).
        assert asyncio.run(stream_messages(replicas["nats"])) > before
        latencies_ms.sort()
        print(
            f"\ncross-replica delivery (POST on A -> SSE on B), 20 messages: "
            f"p50 {statistics.median(latencies_ms):.1f} ms, max {latencies_ms[-1]:.1f} ms"
        )
    finally:
        red_on_b.close()
        http.close()


def test_a_flash_escalates_on_time_after_the_replica_that_accepted_it_is_killed(
    replicas: dict[str, Any],
) -> None:
    url_a, url_b = replicas["url"]["a"], replicas["url"]["b"]
    red_on_b = SseListener(url_b, replicas["tokens"]["red"])
    http = httpx.Client(timeout=30)
    red_b = httpx.Client(
        base_url=url_b, headers={"Authorization": f"Bearer {replicas['tokens']['red']}"}, timeout=30
    )
    try:
        assert (
            red_b.put("/v1/roster", json={"levels": [["red duty officer"], ["red watch chief"]]}).status_code
            == 200
        )
        body = {"to": ["red"], "precedence": "FLASH", "text": "air strike package inbound sector 4"}
        sent = signed_post(http, url_a, "blue", replicas["keys"]["blue"], "/v1/messages", body)
        assert sent.status_code == 201, sent.text
        message = sent.json()
        wait_message(red_on_b, "message.sent", message["id"], timeout=10)

        process_a = replicas["process"]["a"]
        process_a.send_signal(signal.SIGKILL)  # the replica that accepted the FLASH dies
        process_a.wait(timeout=10)

        escalated, _ = wait_message(
            red_on_b, "message.escalated", message["id"], timeout=FLASH_DEADLINE_S + 5
        )
        payload = escalated["payload"]
        assert payload["level"] == 1 and payload["contacts"] == ["red duty officer"]
        due_after = datetime.fromisoformat(payload["due_at"]) - datetime.fromisoformat(message["sent_at"])
        assert due_after.total_seconds() == pytest.approx(FLASH_DEADLINE_S, abs=1e-3)
        assert 0 <= payload["late_by_s"] <= 3.0, payload  # on time: the deadline window, generously
        print(f"\nFLASH escalated {payload['late_by_s'] * 1000:.0f} ms after its deadline, by replica B")

        acked = signed_post(
            http,
            url_b,
            "red",
            replicas["keys"]["red"],
            f"/v1/messages/{message['id']}/ack",
            {"officer": "Maj. Red"},
        )
        assert acked.status_code == 200, acked.text
        assert acked.json()["receipts"][0]["state"] == "acknowledged"

        export = red_b.get("/v1/ledger/export").content
        report = verify_export(export, KeyRing.from_json(red_b.get("/v1/ledger/keys").json()))
        assert report.ok, report.summary()
        assert report.actor_signatures >= 2  # blue's message, red's acknowledgement
        entries = [json.loads(line) for line in export.splitlines()[:-1]]
        mine = [e for e in entries if (e["payload"] or {}).get("message_id") == message["id"]]
        types = [e["type"] for e in mine]
        assert types[0] == "message.sent" and types[-1] == "message.acknowledged"
        levels = [e["payload"]["level"] for e in mine if e["type"] == "message.escalated"]
        assert levels == list(range(1, len(levels) + 1))  # each step once, in order
    finally:
        red_on_b.close()
        red_b.close()
        http.close()


def monitor_leader(url: str) -> float | None:
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith("deconflict_monitor_leader "):
            return float(line.split(" ")[1])
    return None


def test_one_replica_runs_the_monitor_and_the_other_takes_over_when_it_dies(replicas: dict[str, Any]) -> None:
    urls = replicas["url"]
    deadline = time.monotonic() + 10
    leaders: dict[str, float | None] = {}
    while time.monotonic() < deadline:
        leaders = {name: monitor_leader(url) for name, url in urls.items()}
        if None not in leaders.values() and sum(v or 0.0 for v in leaders.values()) == 1.0:
            break
        time.sleep(0.2)
    assert sorted(leaders.values()) == [0.0, 1.0], leaders
    leader = next(name for name, value in leaders.items() if value == 1.0)
    other = next(name for name in urls if name != leader)
    process = replicas["process"][leader]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    for party, platform, lon, track in (("blue", "A", 10.0, 90), ("red", "B", 10.3, 270)):
        report = {"platform": platform, "t": now, "lat": 50.0, "lon": lon, "alt": 350, "alt_ref": "FL"}
        report |= {"gs_kt": 486, "trk_deg": track, "vs_fpm": 0}
        headers = {"Authorization": f"Bearer {replicas['tokens'][party]}"}
        posted = httpx.post(f"{urls[other]}/v1/tracks", json={"reports": [report]}, headers=headers)
        assert posted.json()["accepted"] == 1, posted.text
    red = {"Authorization": f"Bearer {replicas['tokens']['red']}"}
    deadline = time.monotonic() + 15
    alerts: list[Any] = []
    while not alerts and time.monotonic() < deadline:
        alerts = httpx.get(f"{urls[other]}/v1/alerts", headers=red).json()
        time.sleep(0.2)
    assert len(alerts) == 1, "the surviving replica raised no alert"
    assert monitor_leader(urls[other]) == 1.0
