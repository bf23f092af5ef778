"""The hotline over HTTP on one server: send, receipts, need to know, signatures in the ledger."""

from __future__ import annotations

import hashlib
import json
import queue
import time
from typing import Any

import httpx
from signed import signed_post
from test_events import SseListener

from deconflict.domain.ledger_verify import KeyRing, verify_export


def next_message_event(
    listener: SseListener, event_type: str, message_id: str, timeout: float = 5.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _seq, kind, data = listener.events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if kind == event_type and data["payload"]["message_id"] == message_id:
            return data
    raise AssertionError(f"no {event_type} for {message_id} within {timeout} s")


def test_a_message_goes_to_its_recipients_only_and_every_step_is_recorded(live_server: Any) -> None:
    red = SseListener(live_server.url, live_server.tokens["red"])
    green = SseListener(live_server.url, live_server.tokens["green"])
    watcher = SseListener(live_server.url, live_server.tokens["watcher"])
    http = httpx.Client(timeout=30)
    try:
        body = {"to": ["red"], "precedence": "FLASH", "type": "alert", "text": "launch window 1030-1045",
                "officer": "Capt. Blue", "time_start": "2030-01-01T10:30:00Z", "time_end": "2030-01-01T10:45:00Z"}  # fmt: skip
        sent = signed_post(http, live_server.url, "blue", live_server.keys["blue"], "/v1/messages", body)
        assert sent.status_code == 201, sent.text
        message = sent.json()
        assert message["deadline_s"] == 60 and message["receipts"][0]["state"] == "sent"
        event = next_message_event(red, "message.sent", message["id"])
        assert event["payload"]["text"] == "launch window 1030-1045"

        red_client = live_server.client("red")
        assert [m["id"] for m in red_client.get("/v1/messages").json()] == [message["id"]]
        assert (
            red_client.post(f"/v1/messages/{message['id']}/delivered").json()["receipts"][0]["state"]
            == "delivered"
        )
        assert red_client.post(f"/v1/messages/{message['id']}/read").status_code == 200
        acked = signed_post(
            http, live_server.url, "red", live_server.keys["red"], f"/v1/messages/{message['id']}/ack",
            {"officer": "Maj. Red"},
        )  # fmt: skip
        assert acked.status_code == 200, acked.text
        receipt = acked.json()["receipts"][0]
        assert receipt["state"] == "acknowledged" and receipt["acknowledged_by"] == "Maj. Red"
        assert receipt["next_deadline"] is None
        next_message_event(red, "message.acknowledged", message["id"])

        # Need to know: neither another party nor an observer hears hotline traffic.
        time.sleep(0.5)
        for listener in (green, watcher):
            while not listener.events.empty():
                assert not listener.events.get()[1].startswith("message.")
        assert live_server.client("green").get(f"/v1/messages/{message['id']}").status_code == 404
        assert live_server.client("blue").post(f"/v1/messages/{message['id']}/ack").status_code == 403

        root = live_server.client("root")
        keys = KeyRing.from_json(root.get("/v1/ledger/keys").json())
        # A third party's copy withholds the traffic yet verifies; a participant's shows it all.
        outsider = verify_export(live_server.client("green").get("/v1/ledger/export").content, keys)
        assert outsider.ok and outsider.redacted >= 4 and outsider.actor_signatures == 0
        export = live_server.client("blue").get("/v1/ledger/export").content
        report = verify_export(export, keys)
        assert report.ok, report.summary()
        assert report.actor_signatures == 2
        hotline = [json.loads(line) for line in export.splitlines()[:-1]]
        hotline = [e for e in hotline if e["type"].startswith("message.")]
        assert [e["type"] for e in hotline] == [
            "message.sent", "message.delivered", "message.read", "message.acknowledged",
        ]  # fmt: skip
        for entry in (hotline[0], hotline[-1]):  # the signed hash covers the exact body kept beside it
            body_hash = hashlib.sha256(entry["payload"]["request_body"].encode()).hexdigest()
            assert body_hash == entry["payload"]["request"]["body_sha256"]
    finally:
        for listener in (red, green, watcher):
            listener.close()
        http.close()


def test_bad_messages_are_4xx_naming_the_field(live_server: Any) -> None:
    blue = live_server.client("blue")
    cases = [
        ({"to": ["red"], "text": "x", "precedence": "URGENT"}, 422, "precedence"),
        ({"to": ["nobody"], "text": "x"}, 404, "to[0]"),
        ({"to": ["watcher"], "text": "x"}, 422, "to[0]"),
        ({"to": ["red"], "text": "x", "refs": ["op:none"]}, 404, "refs[0]"),
        ({"to": ["red"], "text": "x", "refs": ["track:1"]}, 422, "refs[0]"),
        ({"to": ["red"], "text": "x", "time_start": "2030-01-01T10:00:00Z"}, 422, "time_end"),
    ]
    for body, status, field in cases:
        answer = blue.post("/v1/messages", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert answer.json()["field"] == field
    assert (
        live_server.client("watcher").post("/v1/messages", json={"to": ["red"], "text": "x"}).status_code
        == 403
    )
    assert blue.get("/v1/messages/nope").status_code == 404


def test_a_message_carries_an_area_and_the_lead_time_to_the_operation_it_is_tied_to(live_server: Any) -> None:
    from payloads import square_op

    blue = live_server.client("blue")
    op = blue.post("/v1/operations", json=square_op()).json()["operation"]
    area = square_op()["features"][0]
    sent = blue.post("/v1/messages", json={"to": ["red"], "text": "we operate here", "type": "update",
                                          "refs": [f"op:{op['id']}"], "area": area})  # fmt: skip
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert 7000 < message["lead_time_s"][op["id"]] <= 7200  # the operation starts in two hours
    assert message["area"]["features"][0]["properties"]["domain"] == "air"
    assert message["time_start"] is not None
    outbox = blue.get("/v1/messages", params={"box": "outbox"}).json()
    assert [m["id"] for m in outbox] == [message["id"]]


def test_a_party_keeps_its_duty_roster(live_server: Any) -> None:
    red = live_server.client("red")
    assert red.get("/v1/roster").json() == {"party": "red", "levels": []}
    put = red.put("/v1/roster", json={"levels": [["duty officer"], ["watch chief", "deputy"]]})
    assert put.status_code == 200, put.text
    assert red.get("/v1/roster").json()["levels"] == [["duty officer"], ["watch chief", "deputy"]]
    assert red.put("/v1/roster", json={"levels": [[""]]}).status_code == 422
