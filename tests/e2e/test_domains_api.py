"""All four domains over real HTTP: air, sea, ground (SFC) and spectrum, with TABOO refusal and leases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from payloads import square_op
from test_events import SseListener

from conftest import PARTIES, LiveServer, start_server, stop_server
from deconflict.bootstrap import bootstrap
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party, issue_token
from deconflict.settings import Settings
from servers import free_port


def spectrum_op(
    low_hz: float = 400e6, high_hz: float = 450e6, eirp: float | None = 40.0, **kw: Any
) -> dict[str, Any]:
    body = square_op(domain="spectrum", **kw)
    props = body["features"][0]["properties"]
    props.update(band_low_hz=low_hz, band_high_hz=high_hz)
    if eirp is not None:
        props["eirp_dbm"] = eirp
    return body


def ground_op(height_m: float = 60.0, **kw: Any) -> dict[str, Any]:
    body = square_op(domain="ground", **kw)
    body["features"][0]["properties"].update(alt_ref="SFC", alt_lower=0, alt_upper=height_m, alt_units="m")
    return body


def test_every_domain_is_declared_and_read_back(live_server: Any) -> None:
    blue = live_server.client("blue")
    bodies = {
        "air": square_op(lon=30.0),
        "sea": square_op(lon=31.0, domain="sea", start_in=timedelta(days=4)),
        "ground": ground_op(lon=32.0),
        "spectrum": spectrum_op(lon=33.0, category="radar"),
    }
    for domain, body in bodies.items():
        made = blue.post("/v1/operations", json=body)
        assert made.status_code == 201, made.text
        op = made.json()["operation"]
        assert op["domain"] == domain and op["late_notice"] is False
        got = blue.get(f"/v1/operations/{op['id']}").json()
        props = got["volumes"]["features"][0]["properties"]
        if domain == "ground":
            assert (props["alt_ref"], props["alt_lower"], props["alt_upper"]) == ("SFC", 0, 60)
        if domain == "spectrum":
            assert (props["band_low_hz"], props["band_high_hz"], props["eirp_dbm"]) == (400e6, 450e6, 40.0)
            assert got["category"] == "radar"
    listed = {o["domain"] for o in blue.get("/v1/operations").json()}
    assert listed == set(bodies)
    assert [o["domain"] for o in blue.get("/v1/operations", params={"domain": "ground"}).json()] == ["ground"]


def test_ground_meets_low_flying_and_spectrum_meets_only_spectrum(live_server: Any) -> None:
    blue, red = live_server.client("blue"), live_server.client("red")
    works = blue.post("/v1/operations", json=ground_op(lon=20.0)).json()["operation"]
    radar = blue.post("/v1/operations", json=spectrum_op(lon=20.0)).json()["operation"]
    low_flight = square_op(lon=20.0)  # W84 0–3,000 m: meets the works, not the radar
    seen = red.post("/v1/operations/overlaps", json=low_flight).json()["seen"]
    assert seen == {works["id"]: 1}
    made = red.post("/v1/operations", json={**low_flight, "seen": seen})
    [conflict] = made.json()["conflicts"]
    assert {conflict["a"]["operation"], conflict["b"]["operation"]} == {
        works["id"],
        made.json()["operation"]["id"],
    }
    high = square_op(lon=20.0)
    high["features"][0]["properties"].update(alt_lower=5_000, alt_upper=6_000)
    assert red.post("/v1/operations", json={**high, "seen": {}}).json()["conflicts"] == []
    jam = spectrum_op(lon=20.0, category="jamming", seen={radar["id"]: 1})
    assert len(red.post("/v1/operations", json=jam).json()["conflicts"]) == 1


def test_a_taboo_entry_refuses_an_emission_and_nothing_is_written(live_server: Any) -> None:
    blue, red = live_server.client("blue"), live_server.client("red")
    zone = blue.post("/v1/zones", json=spectrum_op(406e6, 406.1e6, eirp=None, category="TABOO", hours=24))
    assert zone.status_code == 201, zone.text
    taboo = zone.json()["operation"]
    assert (taboo["kind"], taboo["category"]) == ("zone", "taboo")
    before = len(red.get("/v1/ledger").json()["entries"])
    refused = red.post(
        "/v1/operations", json=spectrum_op(400e6, 450e6, category="jamming", seen={taboo["id"]: 1})
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "refused" and taboo["id"] in body["message"] and body["field"] == "features[0]"
    assert red.get("/v1/operations", params={"party": "red"}).json() == []
    assert len(red.get("/v1/ledger").json()["entries"]) == before
    # The same emission clear of the TABOO band is accepted.
    clear = red.post("/v1/operations", json=spectrum_op(407e6, 450e6, category="jamming", seen={}))
    assert clear.status_code == 201, clear.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (spectrum_op(eirp=None), "features[0].properties.eirp_dbm"),  # an emission states its power
        (square_op(domain="spectrum"), "features[0].properties.band_low_hz"),
        (spectrum_op(450e6, 400e6), "features[0].properties.band_high_hz"),
        ({**spectrum_op(), "category": "weather"}, "category"),
    ],
)
def test_bad_spectrum_declarations_name_the_field(live_server: Any, body: dict[str, Any], field: str) -> None:
    answer = live_server.client("blue").post("/v1/operations", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_heartbeat_renews_an_emission_lease_for_its_owner_only(live_server: Any) -> None:
    blue = live_server.client("blue")
    emission = blue.post("/v1/operations", json=spectrum_op(start_in=timedelta(0))).json()["operation"]
    assert emission["lease_expires_at"]  # the view shows when to renew
    renewed = blue.post(f"/v1/operations/{emission['id']}/heartbeat")
    assert renewed.status_code == 200, renewed.text
    lease = renewed.json()
    assert lease["operation_id"] == emission["id"] and lease["lease_s"] == 300.0
    assert lease["state"] == "proposed" and lease["lease_expires_at"]
    for other in ("red", "watcher"):
        assert live_server.client(other).post(f"/v1/operations/{emission['id']}/heartbeat").status_code == 403
    assert (
        blue.get(f"/v1/operations/{emission['id']}").json()["lease_expires_at"] == lease["lease_expires_at"]
    )
    flight = blue.post("/v1/operations", json=square_op(lon=40.0)).json()["operation"]
    assert flight["lease_expires_at"] is None
    assert blue.post(f"/v1/operations/{flight['id']}/heartbeat").status_code == 409
    assert blue.post("/v1/operations/nope/heartbeat").status_code == 404


@pytest.fixture
def short_lease_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server whose leases last 1.5 s, checked every 0.2 s."""
    data_dir = tmp_path / "data"
    url = f"sqlite+pysqlite:///{data_dir}/deconflict.db"
    service = bootstrap(Settings(data_dir=data_dir, database_url=url))
    tokens, keys = {}, {}
    try:
        for name, role in PARTIES.items():
            private, public = generate_keypair()
            add_party(service.uow(), service.clock, AddParty(name, public, f"{name} duty desk", role))
            tokens[name] = issue_token(service.uow(), service.clock, name)
            keys[name] = private
    finally:
        service.close()
    port = free_port()
    process = start_server(
        data_dir, url, port, {"DECONFLICT_LEASE_S": "1.5", "DECONFLICT_LEASE_POLL_S": "0.2"}
    )
    try:
        server = LiveServer(f"http://127.0.0.1:{port}", tokens, keys, data_dir, process)
        yield server
        server.close()
    finally:
        stop_server(process)


def test_a_lapsed_lease_suspends_the_emission_and_the_others_hear_of_it(short_lease_server: Any) -> None:
    server = short_lease_server
    blue, red = server.client("blue"), server.client("red")
    entry = red.post(
        "/v1/zones", json=spectrum_op(400e6, 410e6, eirp=None, category="protected", start_in=timedelta(0))
    )
    assert entry.status_code == 201, entry.text
    listener = SseListener(server.url, server.tokens["red"])
    try:
        made = blue.post(
            "/v1/operations",
            json=spectrum_op(
                start_in=timedelta(0), category="jamming", seen={entry.json()["operation"]["id"]: 1}
            ),
        )
        emission = made.json()["operation"]
        assert made.status_code == 201 and len(made.json()["conflicts"]) == 1
        _, event, _ = listener.wait_for("emission.suspended", timeout=15)
    finally:
        listener.close()
    payload = event["payload"]
    assert payload["operation_id"] == emission["id"] and payload["concerns"] == ["red"]
    assert blue.get(f"/v1/operations/{emission['id']}").json()["state"] == "suspended"
    assert blue.post(f"/v1/operations/{emission['id']}/heartbeat").status_code == 409
    assert [c["state"] for c in red.get("/v1/conflicts").json()] == ["resolved"]
    assert blue.post(f"/v1/operations/{emission['id']}/cancel").json()["state"] == "cancelled"
