"""Every endpoint × every role, with the access policy (``deconflict.domain.access``) as the one source.

One server (a real process over a SQLite file) holds a scene: Blue's operations, zones and an
emission (with owner-only details), a Blue/Red conflict and a Red/Green one, a Blue→Red message,
Blue's roster, and an alert between Blue's and Red's platforms. Each endpoint is asked by the
owner (Blue), the other party concerned (Red), a third party (Green), an observer, the
administrator and no one (no token). What each must answer is read from the policy, applied to
what the store holds: the status (401 without a token; 404, reading exactly like an unknown id,
for what the asker may not see; 403 for what it may see but not do) and what a 200 shows. A
route of the app that is not in the table fails the test: a new endpoint needs a rule.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from payloads import square_op
from test_domains_api import spectrum_op
from test_events import SseListener
from test_tracks_api import head_on
from websockets.sync.client import connect

from deconflict.api.app import create_app
from deconflict.bootstrap import Deconflict, bootstrap
from deconflict.domain.access import (
    Access,
    Relation,
    Thing,
    Verdict,
    Viewer,
    may,
    may_see_event,
    relation,
    verdict,
)
from deconflict.domain.ledger import LedgerEntry
from deconflict.domain.operation import DeclarationKind
from deconflict.settings import Settings

SECRET = "owner-only details"
ASKERS = {
    "none": None,
    "third": "green",
    "observer": "watcher",
    "admin": "root",
    "concerned": "red",
    "owner": "blue",
}
MISSING = "no-such-id"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


# the truth: the store behind the server
# --------------------------------------


class Truth:
    """Reads the server's SQLite file directly: what exists, whoever may see it."""

    def __init__(self, data_dir: Path) -> None:
        url = f"sqlite+pysqlite:///{data_dir}/deconflict.db"
        self.service: Deconflict = bootstrap(Settings(data_dir=data_dir, database_url=url))

    def viewer(self, party: str) -> Viewer:
        with self.service.uow(write=False) as uow:
            record = uow.parties.get(party)
        assert record is not None
        return Viewer(record.id, record.role)

    def entries(self) -> list[LedgerEntry]:
        with self.service.uow(write=False) as uow:
            return list(uow.ledger.entries())

    def subject(self, kind: str, ident: str) -> tuple[Thing, str | None, tuple[str, ...]]:
        """The thing behind an id: what it is, its owner, the parties it concerns."""
        with self.service.uow(write=False) as uow:
            if kind == "operation":
                stored = uow.operations.get(ident)
                assert stored is not None
                return Thing.OPERATION, stored.operation.party, ()
            if kind == "conflict":
                record = uow.conflicts.get(ident)
                assert record is not None
                return Thing.CONFLICT, None, record.parties
            if kind == "alert":
                alert = uow.alerts.get(ident)
                assert alert is not None
                return Thing.ALERT, None, alert.parties
            message = uow.messages.get(ident)
            assert message is not None
            return Thing.MESSAGE, message.message.sender, message.message.recipients

    def visible_conflicts(self, reader: Viewer) -> set[str]:
        with self.service.uow(write=False) as uow:
            records = uow.conflicts.list(limit=10_000)
        see = Thing.CONFLICT, Access.SEE
        return {r.id for r in records if may(reader, *see, relation(reader.party, None, r.parties))}

    def visible_alerts(self, reader: Viewer) -> set[str]:
        with self.service.uow(write=False) as uow:
            alerts = uow.alerts.list(limit=10_000)
        return {
            a.id
            for a in alerts
            if may(reader, Thing.ALERT, Access.SEE, relation(reader.party, None, a.parties))
        }

    def visible_messages(self, reader: Viewer) -> set[str]:
        sent = [e.payload for e in self.entries() if e.type == "message.sent"]
        return {p["message_id"] for p in sent if may_see_event(reader, "message.sent", p)}

    def visible_tracks(self, reader: Viewer) -> set[tuple[str, str]]:
        with self.service.uow(write=False) as uow:
            reports = uow.tracks.since(EPOCH)
            alerts = uow.alerts.list(open_only=True, limit=10_000)
        shared = {
            p for a in alerts if reader.party in a.parties for p in a.finding.subjects.get("platforms", [])
        }

        def rel(owner: str, platform: str) -> Relation:
            return relation(reader.party, owner, [reader.party] if f"{owner}/{platform}" in shared else [])

        return {
            (r.party, r.platform)
            for r in reports
            if may(reader, Thing.TRACK, Access.SEE, rel(r.party, r.platform))
        }

    def details(self, operation_id: str) -> str:
        with self.service.uow(write=False) as uow:
            stored = uow.operations.get(operation_id)
        assert stored is not None
        return stored.operation.details

    def declared(self, kind: DeclarationKind) -> set[str]:
        with self.service.uow(write=False) as uow:
            return {s.operation.id for s in uow.operations.list(kind=kind.value, limit=10_000)}


# the scene
# ---------


@dataclass
class Scene:
    server: Any
    truth: Truth
    ids: dict[str, str] = field(default_factory=dict)

    def client(self, asker: str) -> httpx.Client | None:
        party = ASKERS[asker]
        return None if party is None else self.server.client(party)


def _declare(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    made = client.post(path, json=body)
    assert made.status_code == 201, made.text
    result: dict[str, Any] = made.json()
    return result


def _conflict(first: httpx.Client, second: httpx.Client, lon: float) -> str:
    op = _declare(first, "/v1/operations", square_op(lon=lon, lat=40.0, details=SECRET))["operation"]
    made = _declare(second, "/v1/operations", square_op(lon=lon, lat=40.0, seen={op["id"]: 1}))
    return str(made["conflicts"][0]["id"])


@pytest.fixture(scope="module")
def scene(module_server: Any) -> Iterator[Scene]:
    blue, red, green = (module_server.client(p) for p in ("blue", "red", "green"))
    scene = Scene(module_server, Truth(module_server.data_dir))
    ids = scene.ids
    ids["conflict"] = _conflict(blue, red, 40.0)
    ids["their_conflict"] = _conflict(red, green, 42.0)
    for name, lon in (("op", 44.0), ("op_chain", 46.0), ("op_cancel", 48.0), ("op_amend", 50.0)):
        ids[name] = _declare(blue, "/v1/operations", square_op(lon=lon, lat=40.0, details=SECRET))[
            "operation"
        ]["id"]
    for name, lon in (("zone", 52.0), ("zone_retire", 54.0)):
        body = square_op(lon=lon, lat=40.0, details=SECRET, category="hazard")
        ids[name] = _declare(blue, "/v1/zones", body)["operation"]["id"]
    emission = spectrum_op(lon=56.0, lat=40.0, category="radar", details=SECRET)
    ids["emission"] = _declare(blue, "/v1/operations", emission)["operation"]["id"]
    ids["message"] = _declare(blue, "/v1/messages", {"to": ["red"], "text": "hold fire"})["id"]
    assert blue.put("/v1/roster", json={"levels": [["blue duty officer"]]}).status_code == 200
    listener = SseListener(module_server.url, module_server.tokens["blue"])
    try:
        assert blue.post("/v1/tracks", json={"reports": [head_on("blue", "A", 10.0, 90)]}).status_code == 200
        assert red.post("/v1/tracks", json={"reports": [head_on("red", "B", 10.3, 270)]}).status_code == 200
        ids["alert"] = listener.wait_for("alert.raised", timeout=30)[1]["payload"]["alert_id"]
    finally:
        listener.close()
    yield scene
    scene.truth.service.close()


# the table: every route, and what it is about
# --------------------------------------------

Check = Callable[[Scene, Viewer, httpx.Response], None]


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # as the app names the route
    thing: Thing = Thing.PUBLIC
    access: Access = Access.SEE
    target: str | None = None  # the scene's id for the path parameter; its kind, before any "_"
    body: Callable[[str], Any] | None = None  # by asking party
    ok: frozenset[int] = frozenset({200})
    check: Check | None = None
    public: bool = False  # needs no token
    url: str | None = None  # what to request when the route is not a plain path
    params: dict[str, Any] | None = None


def _kind(target: str) -> str:
    return {"op": "operation", "zone": "operation", "emission": "operation"}.get(
        target.split("_")[0], target.split("_")[0]
    )


def _details(scene: Scene, reader: Viewer, views: list[dict[str, Any]]) -> None:
    for view in views:
        shown = may(reader, Thing.DETAILS, Access.SEE, relation(reader.party, view["party"]))
        assert view["details"] == (scene.truth.details(view["id"]) if shown else None), (reader, view["id"])


def _one_operation(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
    _details(scene, reader, [response.json()])


def _operations(kind: DeclarationKind) -> Check:
    def check(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
        views = response.json()
        assert {v["id"] for v in views} == scene.truth.declared(kind)
        _details(scene, reader, views)

    return check


def _ids(truth: Callable[[Truth, Viewer], set[str]]) -> Check:
    def check(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
        assert {v["id"] for v in response.json()} == truth(scene.truth, reader), reader

    return check


def _tracks(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
    assert {(t["party"], t["platform"]) for t in response.json()} == scene.truth.visible_tracks(reader)


def _ledger_copy(scene: Scene, reader: Viewer, entries: list[dict[str, Any]]) -> None:
    truth = {e.seq: e for e in scene.truth.entries()}
    assert entries and len(entries) <= len(truth)
    for entry in entries:
        full = truth[entry["seq"]]
        expected = dict(full.payload) if may_see_event(reader, full.type, full.payload) else None
        assert entry["payload"] == expected, (reader, full.type)
        assert entry["payload_sha256"] == full.payload_sha256


def _ledger_page(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
    _ledger_copy(scene, reader, response.json()["entries"])


def _ledger_export(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
    lines = [json.loads(line) for line in response.text.splitlines()]
    _ledger_copy(scene, reader, [line for line in lines if "seq" in line])


def _me(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
    assert (response.json()["id"], response.json()["role"]) == (reader.party, reader.role.value)


def _roster(scene: Scene, reader: Viewer, response: httpx.Response) -> None:
    assert response.json()["party"] == reader.party


_LON = iter(range(60, 180))


def _new_declaration(party: str) -> dict[str, Any]:
    return square_op(lon=float(next(_LON)), lat=-40.0)


def _to_someone(party: str) -> dict[str, Any]:
    return {"to": ["red" if party == "blue" else "blue"], "text": "radio check"}


def _amend(party: str) -> dict[str, Any]:
    return square_op(lon=50.0, lat=40.0, amends_version=1, details=SECRET)


_MOVED = frozenset({200, 409})  # let through; the workflow may have moved on (refused step: 409)
_OP, _CONFLICT, _ALERT, _MESSAGE = Thing.OPERATION, Thing.CONFLICT, Thing.ALERT, Thing.MESSAGE
ACT, CREATE = Access.ACT, Access.CREATE

# In the order asked: the alert's rows first, while the monitor keeps it open.
TABLE = [
    Row("GET", "/v1/tracks", check=_tracks, params={"max_age_s": 86_400}),
    Row("POST", "/v1/tracks", Thing.TRACK, CREATE, body=lambda p: {"reports": []}),
    Row("GET", "/v1/alerts", check=_ids(Truth.visible_alerts)),
    Row("GET", "/v1/alerts/{alert_id}", _ALERT, target="alert"),
    Row("POST", "/v1/alerts/{alert_id}/acknowledge", _ALERT, ACT, target="alert"),
    Row("GET", "/v1/operations", check=_operations(DeclarationKind.OPERATION)),
    Row("GET", "/v1/operations/{operation_id}", _OP, target="op", check=_one_operation),
    Row("POST", "/v1/operations", _OP, CREATE, body=_new_declaration, ok=frozenset({201})),
    Row("POST", "/v1/operations/overlaps", body=lambda p: square_op(lon=40.0, lat=40.0)),
    Row("PUT", "/v1/operations/{operation_id}", _OP, ACT, target="op_amend", body=_amend),
    Row("POST", "/v1/operations/{operation_id}/accept", _OP, ACT, target="op_chain", ok=_MOVED),
    Row("POST", "/v1/operations/{operation_id}/activate", _OP, ACT, target="op_chain", ok=_MOVED),
    Row("POST", "/v1/operations/{operation_id}/end", _OP, ACT, target="op_chain", ok=_MOVED),
    Row("POST", "/v1/operations/{operation_id}/cancel", _OP, ACT, target="op_cancel"),
    Row("POST", "/v1/operations/{operation_id}/heartbeat", _OP, ACT, target="emission"),
    Row("GET", "/v1/zones", check=_operations(DeclarationKind.ZONE)),
    Row("GET", "/v1/zones/{zone_id}", _OP, target="zone", check=_one_operation),
    Row("POST", "/v1/zones", _OP, CREATE, body=_new_declaration, ok=frozenset({201})),
    Row("POST", "/v1/zones/{zone_id}/retire", _OP, ACT, target="zone_retire"),
    Row("GET", "/v1/conflicts", check=_ids(Truth.visible_conflicts)),
    Row("GET", "/v1/conflicts/{conflict_id}", _CONFLICT, target="conflict"),
    Row("POST", "/v1/conflicts/{conflict_id}/acknowledge", _CONFLICT, ACT, target="conflict", ok=_MOVED),
    Row(
        "POST",
        "/v1/conflicts/{conflict_id}/waive",
        _CONFLICT,
        ACT,
        target="conflict",
        body=lambda p: {"reason": "vertical split agreed"},
        ok=_MOVED,
    ),
    Row("POST", "/v1/conflicts/{conflict_id}/resolve", _CONFLICT, ACT, target="conflict", ok=_MOVED),
    Row("GET", "/v1/messages", check=_ids(Truth.visible_messages), params={"box": "all"}),
    Row("POST", "/v1/messages", _MESSAGE, CREATE, body=_to_someone, ok=frozenset({201})),
    Row("GET", "/v1/messages/{message_id}", _MESSAGE, target="message"),
    Row("POST", "/v1/messages/{message_id}/delivered", _MESSAGE, ACT, target="message"),
    Row("POST", "/v1/messages/{message_id}/read", _MESSAGE, ACT, target="message"),
    Row("POST", "/v1/messages/{message_id}/ack", _MESSAGE, ACT, target="message"),
    Row("GET", "/v1/roster", Thing.ROSTER, check=_roster),
    Row("PUT", "/v1/roster", Thing.ROSTER, ACT, body=lambda p: {"levels": [[f"{p} watch"]]}),
    Row("GET", "/v1/ledger", check=_ledger_page, params={"limit": 1000}),
    Row("GET", "/v1/ledger/export", check=_ledger_export),
    Row("GET", "/v1/ledger/head"),
    Row("GET", "/v1/ledger/keys"),
    Row("GET", "/v1/parties"),
    Row("GET", "/v1/reports/{kind}", url="/v1/reports/notice"),  # its figures: test_reports_api
    Row("GET", "/v1/me", check=_me),
    Row("GET", "/v1/events"),  # its contents: test_live_streams_carry_what_the_policy_shows
    Row("WS", "/v1/ws"),  # likewise
    Row("GET", "/healthz", public=True),
    Row("GET", "/metrics", public=True),
    Row("GET", "/openapi.json", public=True),
    Row("GET", "/docs", public=True),
    Row("GET", "/docs/oauth2-redirect", public=True),
    Row("GET", "/redoc", public=True),
    Row("GET", "/", public=True),
    Row("GET", "/static", public=True, url="/static/app.css"),
]


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if hasattr(route, "original_router"):  # an included router, as FastAPI keeps it
            yield from _routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif not getattr(route, "methods", None):
            yield ("WS" if "WebSocket" in type(route).__name__ else "GET"), prefix + route.path
        else:
            yield from ((m, prefix + route.path) for m in route.methods if m != "HEAD")


def test_the_table_covers_every_route_of_the_app(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data"))
    assert {(row.method, row.path) for row in TABLE} == set(_routes(list(app.routes)))
    assert len(TABLE) == len({(row.method, row.path) for row in TABLE})


# asking
# ------


def _request(scene: Scene, row: Row, asker: str, target_id: str | None) -> httpx.Response:
    party = ASKERS[asker]
    path = row.url or row.path
    if row.target is not None:
        path = path.replace(path[path.index("{") : path.index("}") + 1], str(target_id))
    headers = {} if party is None else {"Authorization": f"Bearer {scene.server.tokens[party]}"}
    body = None if row.body is None else row.body(party or "nobody")
    with httpx.Client(base_url=scene.server.url, timeout=30) as http:
        if row.method == "GET" and row.path == "/v1/events":
            with http.stream("GET", path, headers=headers) as streamed:
                return httpx.Response(streamed.status_code)  # the head is enough here
        return http.request(row.method, path, headers=headers, json=body, params=row.params)


def _expected(scene: Scene, row: Row, reader: Viewer) -> Verdict:
    if row.target is None:  # a listing, one's own roster, a declaration
        rel = Relation.OWNER if row.thing is Thing.ROSTER else Relation.THIRD
        return verdict(reader.role, rel, row.thing, row.access)
    thing, owner, concerned = scene.truth.subject(_kind(row.target), scene.ids[row.target])
    assert thing is row.thing
    return verdict(reader.role, relation(reader.party, owner, concerned), thing, row.access)


def _as_missing(response: httpx.Response, ident: str) -> tuple[int, dict[str, Any]]:
    body = response.json()
    return response.status_code, {**body, "message": str(body["message"]).replace(ident, MISSING)}


HTTP_ROWS = [row for row in TABLE if row.method != "WS"]


@pytest.mark.parametrize("row", HTTP_ROWS, ids=[f"{r.method} {r.path}" for r in HTTP_ROWS])
def test_each_endpoint_answers_each_role_as_the_policy_says(scene: Scene, row: Row) -> None:
    target_id = scene.ids[row.target] if row.target else None
    for asker, party in ASKERS.items():
        if party is None:
            answer = _request(scene, row, asker, target_id)
            assert answer.status_code == (200 if row.public else 401), (asker, answer.text)
            continue
        reader = scene.truth.viewer(party)
        expected = _expected(scene, row, reader)
        answer = _request(scene, row, asker, target_id)
        if expected is Verdict.HIDE:
            assert target_id is not None
            unknown = _request(scene, row, asker, MISSING)
            assert unknown.status_code == 404, unknown.text
            assert _as_missing(answer, target_id) == _as_missing(unknown, MISSING), asker
        elif expected is Verdict.FORBID:
            assert answer.status_code == 403, (asker, answer.text)
            assert answer.json()["error"] == "permission_denied"
        else:
            assert answer.status_code in row.ok, (asker, answer.text)
            if row.check is not None and answer.status_code == 200:
                row.check(scene, reader, answer)


# the live streams
# ----------------


def _websocket_events(url: str, token: str, until: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    with connect(f"{url}/v1/ws?token={token}&after=0") as ws:
        while not events or not until(events[-1]):
            events.append(json.loads(ws.recv(timeout=30)))
    return events


def _sse_events(listener: SseListener, until: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30  # safety net only: the loop ends on the sentinel event
    while (not events or not until(events[-1])) and time.monotonic() < deadline:
        events.append(listener.events.get(timeout=max(0.01, deadline - time.monotonic()))[2])
    return events


def test_live_streams_carry_what_the_policy_shows(scene: Scene) -> None:
    server = scene.server
    askers = {asker: party for asker, party in ASKERS.items() if party is not None}
    listeners = {
        asker: SseListener(server.url, server.tokens[party], after=0) for asker, party in askers.items()
    }
    try:
        # A sentinel every reader may see, declared once all are listening: each stream is read up to it.
        sentinel = _declare(server.client("root"), "/v1/zones", square_op(lon=-60.0, lat=-60.0))["operation"][
            "id"
        ]

        def until(event: dict[str, Any]) -> bool:
            return bool(event["payload"] and event["payload"].get("operation_id") == sentinel)

        ws_url = server.url.replace("http://", "ws://")
        for asker, party in askers.items():
            reader = scene.truth.viewer(party)
            sse = _sse_events(listeners[asker], until)
            assert sse and until(sse[-1]), asker
            last = sse[-1]["seq"]
            expected = [
                e.seq
                for e in scene.truth.entries()
                if e.seq <= last and may_see_event(reader, e.type, e.payload)
            ]
            truth = {e.seq: e for e in scene.truth.entries()}
            assert [e["seq"] for e in sse] == expected, asker
            assert all(e["payload"] == dict(truth[e["seq"]].payload) for e in sse)
            ws = _websocket_events(ws_url, server.tokens[party], until)
            assert [e["seq"] for e in ws] == expected, asker
    finally:
        for listener in listeners.values():
            listener.close()
    # No token: no stream.
    assert httpx.get(f"{server.url}/v1/events", timeout=30).status_code == 401
    with pytest.raises(websockets.exceptions.WebSocketException), connect(f"{ws_url}/v1/ws?after=0") as ws:
        ws.recv(timeout=30)
