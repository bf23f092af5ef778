"""The watch during over real HTTP: tracks in, an alert to both parties within seconds, a FLASH
hotline message from the service, acknowledgement, and need to know on tracks and alerts."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
from payloads import iso
from test_events import SseListener


def head_on(party: str, platform: str, lon: float, track: float, **kw: Any) -> dict[str, Any]:
    report = {
        "platform": platform,
        "t": iso(datetime.now(UTC)),
        "lat": 50.0,
        "lon": lon,
        "alt": 350,
        "alt_ref": "FL",
        "gs_kt": 486,
        "trk_deg": track,
        "vs_fpm": 0,
    }
    return report | kw


def test_a_predicted_loss_of_separation_reaches_both_parties_and_no_one_else(live_server: Any) -> None:
    blue, red, green = (live_server.client(p) for p in ("blue", "red", "green"))
    listeners = {p: SseListener(live_server.url, live_server.tokens[p]) for p in ("blue", "red", "green")}
    try:
        sent = time.monotonic()
        posted = blue.post("/v1/tracks", json={"reports": [head_on("blue", "A", 10.0, 90)]})
        assert posted.status_code == 200, posted.text
        assert posted.json() == {"accepted": 1, "rejected": []}
        assert (
            red.post("/v1/tracks", json={"reports": [head_on("red", "B", 10.3, 270)]}).json()["accepted"] == 1
        )
        for party in ("blue", "red"):
            _, data, arrived = listeners[party].wait_for("alert.raised", timeout=10)
            payload = data["payload"]
            assert payload["kind"] == "separation" and payload["parties"] == ["blue", "red"]
            assert payload["subjects"]["platforms"] == ["blue/A", "red/B"]
            assert arrived - sent < 5.0
        time.sleep(0.5)
        while not listeners["green"].events.empty():
            _, kind, data = listeners["green"].events.get()
            assert not kind.startswith("alert."), data
    finally:
        for listener in listeners.values():
            listener.close()
    (alert,) = blue.get("/v1/alerts").json()
    assert alert["state"] == "new" and alert["severity"] == "predicted"
    assert [a["id"] for a in red.get("/v1/alerts", params={"open": True}).json()] == [alert["id"]]
    assert green.get("/v1/alerts").json() == []
    assert green.get(f"/v1/alerts/{alert['id']}").status_code == 404
    assert len(live_server.client("watcher").get("/v1/alerts").json()) == 1
    # The service opened a FLASH message to both duty officers.
    message = red.get(f"/v1/messages/{alert['message_id']}").json()
    assert message["precedence"] == "FLASH" and message["sender"] == "_deconflict"
    # Need to know on tracks: your own, and the other party's in an alert with you.
    assert {(t["party"], t["platform"]) for t in blue.get("/v1/tracks").json()} == {
        ("blue", "A"),
        ("red", "B"),
    }
    assert [t["platform"] for t in blue.get("/v1/tracks", params={"party": "red"}).json()] == ["B"]
    assert green.get("/v1/tracks").json() == []
    assert len(live_server.client("watcher").get("/v1/tracks").json()) == 2
    # The monitor's own figures are on /metrics (fresh reports: an aircraft coasts 10 s only).
    blue.post("/v1/tracks", json={"reports": [head_on("blue", "A", 10.0, 90)]})
    red.post("/v1/tracks", json={"reports": [head_on("red", "B", 10.3, 270)]})
    deadline = time.monotonic() + 10.0
    metrics = httpx.get(f"{live_server.url}/metrics").text
    while "deconflict_monitor_platforms 2.0" not in metrics and time.monotonic() < deadline:
        time.sleep(0.1)
        metrics = httpx.get(f"{live_server.url}/metrics").text
    assert "deconflict_monitor_platforms 2.0" in metrics
    assert 'deconflict_monitor_stage_seconds{stage="assess"}' in metrics
    # Acknowledgement: a concerned party only.
    assert green.post(f"/v1/alerts/{alert['id']}/acknowledge").status_code == 404
    acked = red.post(f"/v1/alerts/{alert['id']}/acknowledge")
    assert acked.status_code == 200 and acked.json()["acknowledged_by"] == ["red"]
    assert acked.json()["state"] == "acknowledged"


def test_bad_reports_are_rejected_by_index_and_observers_cannot_report(live_server: Any) -> None:
    blue = live_server.client("blue")
    body = {
        "reports": [
            head_on("blue", "A", 10.0, 90),
            head_on("blue", "B", 10.0, 90, lat=123),
            head_on("blue", "C", 10.0, 90, operation_id="not-mine"),
            {"platform": "D"},
            "not a report",
        ]
    }
    answer = blue.post("/v1/tracks", json=body)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["accepted"] == 1
    assert [(r["index"], r["field"]) for r in result["rejected"]] == [
        (1, "lat"),
        (2, "operation_id"),
        (3, "t"),
        (4, "report"),
    ]
    assert blue.post("/v1/tracks", json={"reports": "nope"}).status_code == 422
    assert (
        blue.post(
            "/v1/tracks", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    watcher = live_server.client("watcher")
    assert watcher.post("/v1/tracks", json={"reports": [head_on("x", "W", 10.0, 90)]}).status_code == 403


def test_reports_from_the_future_and_glitches_are_refused_and_counted(live_server: Any) -> None:
    blue = live_server.client("blue")
    now = datetime.now(UTC)
    ahead = head_on("blue", "F", 10.0, 90, t=iso(now.replace(year=now.year + 1)))
    answer = blue.post("/v1/tracks", json={"reports": [ahead, head_on("blue", "G", 10.0, 90, alt=1082)]})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["accepted"] == 0
    assert [(r["index"], r["field"]) for r in result["rejected"]] == [(0, "t"), (1, "alt")]
    assert "ahead of the service clock" in result["rejected"][0]["error"]
    # A correct report of the same platform is taken and shows.
    assert blue.post("/v1/tracks", json={"reports": [head_on("blue", "F", 10.0, 90)]}).json()["accepted"] == 1
    assert [t["platform"] for t in blue.get("/v1/tracks").json()] == ["F"]
    metrics = httpx.get(f"{live_server.url}/metrics").text
    assert 'deconflict_track_rejects_total{reason="future"} 1.0' in metrics
    assert 'deconflict_track_rejects_total{reason="implausible"} 1.0' in metrics
