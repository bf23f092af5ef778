"""GET /v1/reports/{kind} on a real server over the hand-built day: need to know for every role,
figures checked against the caller's own ledger export, bad queries answered with the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import start_server, stop_server
from deconflict.bootstrap import bootstrap
from deconflict.service.parties import issue_token
from deconflict.settings import Settings
from review_scenario import ROLES, build_day
from servers import free_port

HOTLINE_PAIRS = [["blue", "red"], ["green", "blue"], ["red", "blue"]]


@dataclass
class Reports:
    url: str
    tokens: dict[str, str]

    def get(self, who: str | None, path: str, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.get(f"{self.url}{path}", params=params, headers=headers, timeout=30)

    def ok(self, who: str, kind: str, **params: str) -> dict[str, object]:
        answer = self.get(who, f"/v1/reports/{kind}", **params)
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reports]:
    data_dir: Path = tmp_path_factory.mktemp("reports") / "data"
    url = f"sqlite+pysqlite:///{data_dir}/deconflict.db"
    service = bootstrap(Settings(data_dir=data_dir, database_url=url))
    try:
        build_day(service)
        tokens = {name: issue_token(service.uow(), service.clock, name) for name in ROLES}
    finally:
        service.close()
    process = start_server(data_dir, url, port := free_port(), {"DECONFLICT_MONITOR_INTERVAL_S": "0"})
    try:
        yield Reports(f"http://127.0.0.1:{port}", tokens)
    finally:
        stop_server(process)


def pairs(body: dict[str, object], *names: str) -> list[list[str]]:
    return [[row[n] for n in names] for row in body["rows"]]  # type: ignore[attr-defined,index]


@pytest.mark.parametrize(
    ("who", "notice", "late", "hotline", "conflicts"),
    [
        ("red", ["red"], ["B2"], [["blue", "red"], ["red", "blue"]], [[["blue", "red"]]]),
        ("green", ["green"], ["G1"], [["green", "blue"]], []),
        ("watcher", ["blue", "green", "red"], ["G1", "B2"], HOTLINE_PAIRS, [[["blue", "red"]]]),
        ("root", ["blue", "green", "red"], ["G1", "B2"], HOTLINE_PAIRS, [[["blue", "red"]]]),
    ],
)
def test_each_role_sees_the_figures_about_its_own_pairs(
    reports: Reports,
    who: str,
    notice: list[str],
    late: list[str],
    hotline: list[list[str]],
    conflicts: list[list[list[str]]],
) -> None:
    body = reports.ok(who, "notice")
    assert [row[0] for row in pairs(body, "party")] == notice
    assert [n["operation_id"] for n in body["late"]] == late  # type: ignore[attr-defined]
    assert pairs(reports.ok(who, "hotline"), "sender", "recipient") == hotline
    assert pairs(reports.ok(who, "conflicts"), "pair") == conflicts
    for party, other in pairs(reports.ok(who, "reciprocity"), "party", "other"):
        assert ROLES[who] != "party" or who in (party, other)


def test_no_token_no_report(reports: Reports) -> None:
    answer = reports.get(None, "/v1/reports/notice")
    assert answer.status_code == 401 and answer.json()["error"] == "unauthenticated"


def test_a_late_notice_is_checked_against_the_concerned_partys_own_export(reports: Reports) -> None:
    body = reports.ok("red", "notice", start="2026-11-22T09:00:00Z", end="2026-11-22T10:00:00+00:00")
    (late,) = body["late"]  # type: ignore[misc]
    assert (late["party"], late["lead_time_s"], late["minimum_s"], late["concerns"]) == (
        "blue",
        45.0,
        900.0,
        ["red"],
    )
    export = reports.get("red", "/v1/ledger/export")
    entries = {e["seq"]: e for e in map(json.loads, export.text.splitlines()) if "seq" in e}
    submitted, warning = (entries[seq] for seq in late["seqs"])
    assert submitted["type"] == "operation.submitted" and submitted["payload"]["lead_time_s"] == 45.0
    assert warning["type"] == "notice.late" and warning["payload"]["concerns"] == ["red"]
    assert submitted["payload"]["notice_at"] == late["notice_at"] == "2026-11-22T09:59:15Z"


def test_conflict_handling_over_http(reports: Reports) -> None:
    (row,) = reports.ok("blue", "conflicts")["rows"]  # type: ignore[misc]
    counts = {k: row[k]["count"] for k in ("found", "acknowledged", "resolved", "waived", "unsettled")}
    assert counts == {"found": 3, "acknowledged": 1, "resolved": 1, "waived": 1, "unsettled": 1}
    assert row["time_to_acknowledge_s"]["p50"] == 75.0 and row["time_to_resolve_s"]["max"] == 225.0
    assert list(row["amended_by"]) == ["blue"]


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/v1/reports/gossip", {}, 422, "kind"),
        ("/v1/reports/notice", {"start": "yesterday"}, 422, "start"),
        ("/v1/reports/notice", {"start": "2026-11-22T10:00:00"}, 422, "start"),
        ("/v1/reports/notice", {"start": "2026-11-22T11:00:00Z", "end": "2026-11-22T10:00:00Z"}, 422, "end"),
        ("/v1/reports/notice", {"start": "0001-01-01T00:00:00+05:00"}, 422, "start"),
        ("/v1/reports/hotline", {"party": "purple"}, 404, "party"),
        ("/v1/reports/reciprocity", {"share": "2"}, 422, "share"),
    ],
)
def test_bad_queries_are_refused_naming_the_field(
    reports: Reports, path: str, params: dict[str, str], status: int, field: str
) -> None:
    answer = reports.get("blue", path, **params)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["field"] == field and body["error"] in ("invalid_input", "not_found") and body["message"]
