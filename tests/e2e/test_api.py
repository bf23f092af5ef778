"""The service over real HTTP: every endpoint, every role, need to know, errors."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from payloads import square_op

from builders import respelled
from deconflict.domain.canonical import canonical_json
from deconflict.domain.ledger_verify import KeyRing, verify_export
from deconflict.domain.signing import sign

SECRET = "tanker callsign and frequencies: owner only"


def create(client: httpx.Client, body: dict[str, Any], path: str = "/v1/operations") -> httpx.Response:
    return client.post(path, json=body)


def test_health_docs_metrics_need_no_token(live_server: Any) -> None:
    assert httpx.get(f"{live_server.url}/healthz").json()["status"] == "ok"
    assert "/v1/operations" in httpx.get(f"{live_server.url}/openapi.json").json()["paths"]
    assert httpx.get(f"{live_server.url}/docs").status_code == 200
    assert "deconflict_http_requests_total" in httpx.get(f"{live_server.url}/metrics").text


def test_requests_without_a_valid_token_are_401(live_server: Any) -> None:
    assert httpx.get(f"{live_server.url}/v1/operations").status_code == 401
    bad = httpx.get(f"{live_server.url}/v1/operations", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["error"] == "unauthenticated"


def test_submit_conflict_and_need_to_know(live_server: Any) -> None:
    blue, red, watcher = live_server.client("blue"), live_server.client("red"), live_server.client("watcher")
    made = create(blue, square_op(details=SECRET, contact="Blue JOC"))
    assert made.status_code == 201, made.text
    op = made.json()["operation"]
    assert op["details"] == SECRET and op["version"] == 1
    assert made.json()["conflicts"] == []
    # Red must show it has seen Blue's operation (proof of read).
    missed = create(red, square_op())
    assert missed.status_code == 409
    assert missed.json()["missed"][0]["operation_id"] == op["id"]
    assert red.get("/v1/operations", params={"party": "red"}).json() == []  # nothing written
    seen = red.post("/v1/operations/overlaps", json=square_op()).json()["seen"]
    assert seen == {op["id"]: 1}
    second = create(red, square_op(seen=seen))
    assert second.status_code == 201
    [conflict] = second.json()["conflicts"]
    assert {conflict["a"]["party"], conflict["b"]["party"]} == {"blue", "red"}
    # Need to know: everyone else sees volumes, state, owner, version, contact — never details.
    for client in (red, watcher, live_server.client("green")):
        got = client.get(f"/v1/operations/{op['id']}").json()
        assert got["details"] is None
        assert got["contact"] == "Blue JOC" and got["party"] == "blue" and got["volumes"]["features"]
        listed = [o for o in client.get("/v1/operations").json() if o["id"] == op["id"]]
        assert listed[0]["details"] is None
        assert SECRET not in client.get("/v1/ledger").text
    assert blue.get(f"/v1/operations/{op['id']}").json()["details"] == SECRET
    assert live_server.client("root").get(f"/v1/operations/{op['id']}").json()["details"] == SECRET
    # Conflicts: each party sees its own; a third party does not.
    assert [c["id"] for c in blue.get("/v1/conflicts").json()] == [conflict["id"]]
    assert live_server.client("green").get("/v1/conflicts").json() == []
    assert live_server.client("green").get(f"/v1/conflicts/{conflict['id']}").status_code == 404
    assert [c["id"] for c in watcher.get("/v1/conflicts").json()] == [conflict["id"]]


def test_conflict_workflow_over_http(live_server: Any) -> None:
    blue, red = live_server.client("blue"), live_server.client("red")
    op = create(blue, square_op()).json()["operation"]
    [conflict] = create(red, square_op(seen={op["id"]: 1})).json()["conflicts"]
    cid = conflict["id"]
    # A third party is told no such conflict exists; an observer, who may see it, that it may not act.
    assert live_server.client("green").post(f"/v1/conflicts/{cid}/acknowledge").status_code == 404
    assert live_server.client("watcher").post(f"/v1/conflicts/{cid}/acknowledge").status_code == 403
    acked = blue.post(f"/v1/conflicts/{cid}/acknowledge").json()
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"] == ["blue"]
    assert red.post(f"/v1/conflicts/{cid}/waive", json={}).status_code == 422
    resolved = red.post(f"/v1/conflicts/{cid}/resolve", json={"note": "red moved to FL200"}).json()
    assert resolved["state"] == "resolved" and resolved["note"] == "red moved to FL200"
    assert red.post(f"/v1/conflicts/{cid}/waive", json={"reason": "x"}).status_code == 409


def test_amend_with_version_and_state_changes(live_server: Any) -> None:
    blue = live_server.client("blue")
    op = create(blue, square_op()).json()["operation"]
    amended = blue.put(f"/v1/operations/{op['id']}", json=square_op(lon=36.0, amends_version=1))
    assert amended.status_code == 200, amended.text
    assert amended.json()["operation"]["version"] == 2
    stale = blue.put(f"/v1/operations/{op['id']}", json=square_op(amends_version=1))
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert blue.put(f"/v1/operations/{op['id']}", json=square_op()).json()["field"] == "amends_version"
    for action, state in [("accept", "accepted"), ("activate", "activated"), ("end", "ended")]:
        assert blue.post(f"/v1/operations/{op['id']}/{action}").json()["state"] == state
    assert blue.post(f"/v1/operations/{op['id']}/cancel").status_code == 409


@pytest.mark.parametrize(
    ("method", "path_template", "body"),
    [
        ("PUT", "/v1/operations/{id}", square_op(amends_version=1)),
        ("POST", "/v1/operations/{id}/accept", None),
        ("POST", "/v1/operations/{id}/activate", None),
        ("POST", "/v1/operations/{id}/end", None),
        ("POST", "/v1/operations/{id}/cancel", None),
    ],
)
def test_every_foreign_write_is_denied(live_server: Any, method: str, path_template: str, body: Any) -> None:
    op = create(live_server.client("blue"), square_op()).json()["operation"]
    path = path_template.format(id=op["id"])
    for other in ("red", "watcher"):
        response = live_server.client(other).request(method, path, json=body)
        assert response.status_code == 403, (other, response.text)
    assert live_server.client("blue").get(f"/v1/operations/{op['id']}").json()["version"] == 1


def test_observers_cannot_declare(live_server: Any) -> None:
    watcher = live_server.client("watcher")
    assert create(watcher, square_op()).status_code == 403
    assert create(watcher, square_op(), "/v1/zones").status_code == 403


def test_declaring_for_another_party_is_denied(live_server: Any) -> None:
    body = square_op()
    body["features"][0]["properties"]["party"] = "red"
    assert create(live_server.client("blue"), body).status_code == 403


def test_zones_create_list_retire_and_conflict_with_operations(live_server: Any) -> None:
    red, blue = live_server.client("red"), live_server.client("blue")
    zone = create(red, square_op(size=1.0, hours=24 * 30, category="air_defence"), "/v1/zones")
    assert zone.status_code == 201
    zid = zone.json()["operation"]["id"]
    assert zone.json()["operation"]["kind"] == "zone"
    assert [z["id"] for z in blue.get("/v1/zones").json()] == [zid]
    crossing = create(blue, square_op(lon=35.5, lat=35.5, seen={zid: 1})).json()
    assert crossing["conflicts"][0]["a"]["operation"] in (zid, crossing["operation"]["id"])
    assert blue.post(f"/v1/zones/{zid}/retire").status_code == 403
    assert red.post(f"/v1/zones/{zid}/retire").json()["state"] == "cancelled"
    assert blue.get(f"/v1/zones/{zid}").json()["state"] == "cancelled"
    assert blue.get(f"/v1/operations/{zid}").status_code == 404


def test_late_notice_is_marked_by_the_service_clock(live_server: Any) -> None:
    body = square_op(start_in=timedelta(minutes=5))
    # A client's claim about time is ignored: only the service clock counts.
    body["notice_at"] = "2000-01-01T00:00:00Z"
    op = create(live_server.client("blue"), body).json()["operation"]
    assert op["late_notice"] is True
    assert 200 < op["lead_time_s"] < 305
    on_time = create(live_server.client("green"), square_op(lon=40, start_in=timedelta(hours=1))).json()
    assert on_time["operation"]["late_notice"] is False


def test_list_filters(live_server: Any) -> None:
    blue = live_server.client("blue")
    create(blue, square_op(lon=30))
    create(blue, square_op(lon=31, domain="sea", start_in=timedelta(days=4)))
    assert len(blue.get("/v1/operations", params={"domain": "sea"}).json()) == 1
    assert len(blue.get("/v1/operations", params={"bbox": "29.9,34.9,30.5,35.5"}).json()) == 1
    assert len(blue.get("/v1/operations", params={"state": "proposed"}).json()) == 2
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    assert len(blue.get("/v1/operations", params={"start": later}).json()) == 1
    assert blue.get("/v1/operations", params={"bbox": "x"}).json()["field"] == "bbox"


def _ring(positions: list[list[float]]) -> list[list[float]]:
    """A closed ring (RFC 7946): the first position repeated at the end."""
    return [*positions, positions[0]]


@pytest.mark.parametrize(
    ("mutate", "status", "field"),
    [
        (lambda b: b["features"][0]["properties"].pop("alt_upper"), 422, "features[0].properties.alt_upper"),
        (
            lambda b: b["features"][0]["properties"].update(alt_ref="QNH"),
            422,
            "features[0].properties.alt_ref",
        ),
        (
            lambda b: b["features"][0]["geometry"].update(
                coordinates=[[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]
            ),
            422,
            "features[0].geometry.coordinates",
        ),
        (
            lambda b: b["features"][0]["geometry"].update(
                coordinates=[[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]
            ),
            413,
            "features[0].geometry",
        ),
        (
            lambda b: b["features"][0]["geometry"].update(
                coordinates=[
                    _ring([[35 + math.cos(i / 1592), 35 + math.sin(i / 1592)] for i in range(10_001)])
                ]
            ),
            413,
            "features[0].geometry",
        ),
        (lambda b: b.update(features="x"), 422, "features"),
        (lambda b: b.update(seen=[1]), 422, "seen"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(live_server: Any, mutate: Any, status: int, field: str) -> None:
    body = square_op()
    mutate(body)
    response = create(live_server.client("blue"), body)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_request_size_cap(live_server: Any) -> None:
    body = square_op(details="x" * 2_000_000)
    response = create(live_server.client("blue"), body)
    assert response.status_code == 413
    assert response.json()["error"] == "limit_exceeded"


def test_not_json_and_unknown_ids(live_server: Any) -> None:
    blue = live_server.client("blue")
    response = blue.post("/v1/operations", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert blue.get("/v1/operations/nope").status_code == 404
    assert blue.post("/v1/conflicts/nope/acknowledge").status_code == 404


def test_signed_request_is_recorded_with_the_party_signature(live_server: Any) -> None:
    body = json.dumps(square_op()).encode()
    timestamp = datetime.now(UTC).isoformat()
    signed = {
        "method": "POST",
        "path": "/v1/operations",
        "timestamp": timestamp,
        "body_sha256": hashlib.sha256(body).hexdigest(),
    }
    headers = {
        "Content-Type": "application/json",
        "X-Deconflict-Party": "blue",
        "X-Deconflict-Timestamp": timestamp,
        "X-Deconflict-Signature": sign(live_server.keys["blue"], canonical_json(signed)),
    }
    made = httpx.post(f"{live_server.url}/v1/operations", content=body, headers=headers)
    assert made.status_code == 201, made.text
    tampered = httpx.post(f"{live_server.url}/v1/operations", content=body + b" ", headers=headers)
    assert tampered.status_code == 401
    replayed = httpx.post(f"{live_server.url}/v1/operations", content=body, headers=headers)
    assert replayed.status_code == 401 and "already served" in replayed.json()["message"]
    for other in respelled(headers["X-Deconflict-Signature"]):  # the same bytes, spelled otherwise
        respelled_replay = httpx.post(
            f"{live_server.url}/v1/operations",
            content=body,
            headers={**headers, "X-Deconflict-Signature": other},
        )
        assert respelled_replay.status_code == 401, respelled_replay.text
    root = live_server.client("root")
    export = root.get("/v1/ledger/export").content
    report = verify_export(export, KeyRing.from_json(root.get("/v1/ledger/keys").json()))
    assert report.ok, report.summary()
    assert report.actor_signatures == 1


def test_ledger_pages_and_export_verifies(live_server: Any) -> None:
    blue = live_server.client("blue")
    for i in range(5):
        create(blue, square_op(lon=20 + i))
    first = blue.get("/v1/ledger", params={"limit": 3}).json()
    assert [e["seq"] for e in first["entries"]] == [1, 2, 3]
    rest = blue.get("/v1/ledger", params={"after": first["next_after"]}).json()
    assert rest["entries"][0]["seq"] == 4 and rest["next_after"] is None
    assert blue.get("/v1/ledger/head").json() == {"seq": rest["entries"][-1]["seq"]}
    export = blue.get("/v1/ledger/export")
    assert export.headers["content-type"].startswith("application/jsonl")
    assert verify_export(export.content, KeyRing.from_json(blue.get("/v1/ledger/keys").json())).ok


def test_parties_and_me(live_server: Any) -> None:
    red = live_server.client("red")
    assert red.get("/v1/me").json()["id"] == "red"
    assert {p["id"] for p in red.get("/v1/parties").json()} == {"blue", "red", "green", "watcher", "root"}


def test_zone_details_stay_with_the_owner(live_server: Any) -> None:
    red = live_server.client("red")
    zone = create(
        red, square_op(size=0.5, hours=48, category="air_defence", details=SECRET), "/v1/zones"
    ).json()
    zid = zone["operation"]["id"]
    assert zone["operation"]["details"] == SECRET
    for other in ("blue", "watcher"):
        client = live_server.client(other)
        assert client.get(f"/v1/zones/{zid}").json()["details"] is None
        assert all(z["details"] is None for z in client.get("/v1/zones").json())
    export = live_server.client("blue").get("/v1/ledger/export").text
    assert SECRET not in export


@pytest.mark.parametrize(
    ("action", "body"), [("acknowledge", None), ("resolve", {"note": "x"}), ("waive", {"reason": "x"})]
)
def test_conflict_actions_by_outsiders_are_denied(live_server: Any, action: str, body: Any) -> None:
    op = create(live_server.client("blue"), square_op()).json()["operation"]
    [conflict] = create(live_server.client("red"), square_op(seen={op["id"]: 1})).json()["conflicts"]
    # A third party is told it does not exist; an observer, who may see it, that it may not act.
    for outsider, status in (("green", 404), ("watcher", 403)):
        response = live_server.client(outsider).post(f"/v1/conflicts/{conflict['id']}/{action}", json=body)
        assert response.status_code == status, (outsider, response.text)
    assert live_server.client("blue").get(f"/v1/conflicts/{conflict['id']}").json()["state"] == "open"


def test_ledger_copies_withhold_what_the_reader_need_not_know_and_still_verify(live_server: Any) -> None:
    op = create(live_server.client("blue"), square_op()).json()["operation"]
    [conflict] = create(live_server.client("red"), square_op(seen={op["id"]: 1})).json()["conflicts"]
    keys = KeyRing.from_json(live_server.client("root").get("/v1/ledger/keys").json())
    green = live_server.client("green")
    export = green.get("/v1/ledger/export").content
    report = verify_export(export, keys)
    assert report.ok, report.summary()
    assert report.redacted >= 1
    assert conflict["id"].encode() not in export  # blue and red's conflict is not green's to read
    assert op["id"].encode() in export  # operations are shown to all (volumes, no details)
    page = green.get("/v1/ledger").json()["entries"]
    found = [e for e in page if e["type"] == "conflict.found"]
    assert found and all(e["payload"] is None and e["payload_sha256"] for e in found)
    blue_copy = live_server.client("blue").get("/v1/ledger/export").content
    assert conflict["id"].encode() in blue_copy
    assert verify_export(blue_copy, keys).ok
