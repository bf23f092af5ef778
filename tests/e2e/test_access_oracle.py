"""Existence oracles: a reference the caller may not see reads exactly like one that does not exist."""

from __future__ import annotations

from typing import Any

from payloads import square_op


def _conflict(live_server: Any, first: str, second: str) -> str:
    """A conflict between ``first`` and ``second`` (their squares overlap)."""
    one, two = live_server.client(first), live_server.client(second)
    assert one.post("/v1/operations", json=square_op(lon=20.0, lat=20.0)).status_code == 201
    seen = two.post("/v1/operations/overlaps", json=square_op(lon=20.0, lat=20.0)).json()["seen"]
    made = two.post("/v1/operations", json=square_op(lon=20.0, lat=20.0, seen=seen))
    assert made.status_code == 201, made.text
    [conflict] = made.json()["conflicts"]
    return str(conflict["id"])


def _shape(response: Any, hidden: str, shown: str) -> tuple[int, dict[str, Any]]:
    body = response.json()
    return response.status_code, {**body, "message": body["message"].replace(hidden, shown)}


def test_a_reference_to_a_conflict_of_others_reads_like_one_that_does_not_exist(live_server: Any) -> None:
    theirs = _conflict(live_server, "blue", "green")
    red = live_server.client("red")
    send = {"to": ["blue"], "text": "about that conflict"}
    hidden = red.post("/v1/messages", json=send | {"refs": [f"conflict:{theirs}"]})
    missing = red.post("/v1/messages", json=send | {"refs": ["conflict:nope"]})
    assert missing.status_code == 404
    assert _shape(hidden, theirs, "nope") == _shape(missing, "nope", "nope")
    # Its parties may refer to it.
    blue = live_server.client("blue")
    assert (
        blue.post("/v1/messages", json=send | {"to": ["green"], "refs": [f"conflict:{theirs}"]}).status_code
        == 201
    )


def test_a_message_id_another_party_used_tells_nothing(live_server: Any) -> None:
    blue, red = live_server.client("blue"), live_server.client("red")
    sent = blue.post("/v1/messages", json={"id": "hold-1030", "to": ["green"], "text": "hold fire"})
    assert sent.status_code == 201, sent.text
    blues = sent.json()["id"]
    assert blue.get(f"/v1/messages/{blues}").status_code == 200
    # Red chooses the same id, and a fresh one: both read the same (its ids are its own).
    taken = red.post("/v1/messages", json={"id": "hold-1030", "to": ["blue"], "text": "hello"})
    fresh = red.post("/v1/messages", json={"id": "never-used", "to": ["blue"], "text": "hello"})
    assert (taken.status_code, fresh.status_code) == (201, 201), (taken.text, fresh.text)
    assert taken.json()["id"] != blues
    assert taken.json()["id"] == fresh.json()["id"].replace("never-used", "hold-1030")
    # Blue's message stays Blue's; red's own id, chosen twice, clashes with itself only.
    assert red.get(f"/v1/messages/{blues}").status_code == 404
    assert blue.get(f"/v1/messages/{blues}").json()["text"] == "hold fire"
    again = red.post("/v1/messages", json={"id": "hold-1030", "to": ["blue"], "text": "hello"})
    assert again.status_code == 422 and again.json()["field"] == "id"
    # The id clash reads the same whichever party asks about its own id.
    mine = blue.post("/v1/messages", json={"id": "hold-1030", "to": ["green"], "text": "again"})
    assert _shape(mine, "blue", "red") == _shape(again, "red", "red")
