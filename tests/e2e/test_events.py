"""Live events: both parties hear of a conflict within a second; a reconnect misses nothing."""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any

import httpx
from payloads import square_op
from websockets.sync.client import connect


class SseListener:
    """Reads /v1/events in a thread and queues (id, event, data)."""

    def __init__(self, url: str, token: str, after: int | None = None) -> None:
        self.events: queue.Queue[tuple[int, str, dict[str, Any]]] = queue.Queue()
        self.client = httpx.Client(timeout=httpx.Timeout(30, read=None))
        headers = {"Authorization": f"Bearer {token}"}
        if after is not None:
            headers["Last-Event-ID"] = str(after)
        self.response = self.client.send(
            self.client.build_request("GET", f"{url}/v1/events", headers=headers), stream=True
        )
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.connected.wait(10):
            raise RuntimeError("event stream did not connect")

    def _run(self) -> None:
        fields: dict[str, str] = {}
        try:
            for line in self.response.iter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line == "" and "data" in fields:
                    self.events.put((int(fields["id"]), fields["event"], json.loads(fields["data"])))
                    fields = {}
                elif ":" in line and not line.startswith(":"):
                    key, _, value = line.partition(":")
                    fields[key] = value.strip()
        except (httpx.HTTPError, RuntimeError):
            pass

    def wait_for(self, event_type: str, timeout: float = 5.0) -> tuple[int, dict[str, Any], float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seq, kind, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if kind == event_type:
                return seq, data, time.monotonic()
        raise AssertionError(f"no {event_type} event within {timeout} s")

    def close(self) -> None:
        self.response.close()
        self.client.close()
        self.thread.join(timeout=5)


SECRET = "blue's owner-only details"


def conflict_between(live_server: Any, lon: float) -> tuple[str, float]:
    blue, red = live_server.client("blue"), live_server.client("red")
    op = blue.post("/v1/operations", json=square_op(lon=lon, details=SECRET)).json()["operation"]
    sent = time.monotonic()
    made = red.post("/v1/operations", json=square_op(lon=lon, seen={op["id"]: 1}))
    return made.json()["conflicts"][0]["id"], sent


def test_both_parties_receive_the_conflict_and_a_reconnect_misses_nothing(live_server: Any) -> None:
    blue = SseListener(live_server.url, live_server.tokens["blue"])
    red = SseListener(live_server.url, live_server.tokens["red"])
    green = SseListener(live_server.url, live_server.tokens["green"])
    try:
        conflict_id, sent = conflict_between(live_server, 35.0)
        for listener in (blue, red):
            seq, data, arrived = listener.wait_for("conflict.found")
            assert data["payload"]["conflict_id"] == conflict_id
            assert arrived - sent < 1.0
        last_seen_by_red = seq
        red.close()  # red drops off ...
        missed_id, _ = conflict_between(live_server, 37.0)  # ... and misses this one live
        assert blue.wait_for("conflict.found")[1]["payload"]["conflict_id"] == missed_id
        red = SseListener(live_server.url, live_server.tokens["red"], after=last_seen_by_red)
        assert red.wait_for("conflict.found")[1]["payload"]["conflict_id"] == missed_id
        # Need to know: a third party hears of operations, not of others' conflicts,
        # and nobody's stream carries another party's details.
        assert green.events.qsize() > 0
        while not green.events.empty():
            _, kind, data = green.events.get()
            assert not kind.startswith("conflict.")
            assert SECRET not in json.dumps(data)
    finally:
        for listener in (blue, red, green):
            listener.close()


def test_late_notice_reaches_the_parties_it_concerns_over_websocket(live_server: Any) -> None:
    from datetime import timedelta

    ws_url = live_server.url.replace("http://", "ws://")
    with connect(f"{ws_url}/v1/ws?token={live_server.tokens['blue']}") as blue_ws:
        blue = live_server.client("blue")
        op = blue.post("/v1/operations", json=square_op()).json()["operation"]
        late = square_op(start_in=timedelta(minutes=3), seen={op["id"]: 1})
        live_server.client("red").post("/v1/operations", json=late)
        types = []
        deadline = time.monotonic() + 5
        while "notice.late" not in types and time.monotonic() < deadline:
            types.append(json.loads(blue_ws.recv(timeout=5))["type"])
        assert "notice.late" in types
        assert "conflict.found" in types


def test_websocket_refuses_a_bad_token(live_server: Any) -> None:
    import websockets

    ws_url = live_server.url.replace("http://", "ws://")
    try:
        with connect(f"{ws_url}/v1/ws?token=nope") as ws:
            ws.recv(timeout=5)
        raise AssertionError("connection should have been refused")
    except websockets.exceptions.WebSocketException:
        pass
