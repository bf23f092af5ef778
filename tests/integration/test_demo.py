"""The demo theatre of ``deconflict serve --demo`` on a real store."""

from __future__ import annotations

from typing import Any

from deconflict.domain.activity import ActivityDomain
from deconflict.domain.conflict_state import ConflictState
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.domain.operation import DeclarationKind
from deconflict.service.parties import token_hash
from deconflict.sim.demo import DemoSummary, load_demo


def verify_ledger(svc: Any) -> Any:
    with svc.uow(write=False) as uow:
        entries = list(uow.ledger.entries())
    data = b"".join(export_lines(entries, svc.clock.now(), svc.key.private_b64))
    return verify_export(data, KeyRing((svc.key.public_b64,)))


def snapshot(svc: Any) -> tuple[list[Any], list[Any], list[Any]]:
    with svc.uow(write=False) as uow:
        return (
            uow.parties.all(),
            uow.operations.list(limit=10_000),
            uow.conflicts.list(limit=10_000),
        )


def test_demo_theatre(service: Any) -> None:
    summary = load_demo(service, service.clock.now())
    assert isinstance(summary, DemoSummary) and summary.loaded
    assert summary.parties == ("blue", "red", "observer")
    assert set(summary.tokens) == {"blue", "red", "observer"}
    parties, stored, conflicts = snapshot(service)

    roles = {p.id: p.role for p in parties}
    assert roles == {"blue": "party", "red": "party", "observer": "observer"}
    with service.uow(write=False) as uow:
        for party, token in summary.tokens.items():
            assert uow.parties.by_token_hash(token_hash(token)).id == party

    ops = {s.operation.id: s for s in stored}
    assert 8 <= len(summary.operations) <= 12
    assert set(ops) == set(summary.operations) | set(summary.zones)
    assert {s.operation.domain for s in stored} == set(ActivityDomain)  # air, sea, ground, spectrum
    assert {s.operation.party for s in stored} == {"blue", "red"}
    assert len({s.operation.state for s in stored}) >= 3  # proposed, accepted, activated

    zones = [s.operation for s in stored if s.operation.kind is DeclarationKind.ZONE]
    assert any(
        z.party == "red" and z.category == "air_defence" and z.domain is ActivityDomain.AIR for z in zones
    )
    assert any(
        z.party == "blue" and z.category == "exercise_area" and z.domain is ActivityDomain.SEA for z in zones
    )
    # Zones are never marked late; the sea area came with more than 72 h notice anyway.
    assert not any(ops[z.id].late_notice for z in zones)

    assert len(conflicts) == 2
    assert sorted(c.id for c in conflicts) == sorted(summary.conflicts)
    assert all(c.state is ConflictState.OPEN for c in conflicts)
    assert all(set(c.parties) == {"blue", "red"} for c in conflicts)
    involved = {ref.operation for c in conflicts for ref in c.conflict.pair}
    assert len(involved) == 4  # two distinct pairs
    assert all(ops[i].operation.kind is DeclarationKind.OPERATION for i in involved)
    late = [i for i in involved if ops[i].late_notice]
    assert len(late) == 1
    assert ops[late[0]].operation.party == "red"
    assert ops[late[0]].lead_time_s < 15 * 60
    assert sum(s.late_notice for s in stored) == 1

    report = verify_ledger(service)
    assert report.ok, report.summary()


def test_loading_twice_adds_nothing_and_issues_fresh_tokens(service: Any) -> None:
    first = load_demo(service, service.clock.now())
    parties, stored, conflicts = snapshot(service)
    second = load_demo(service, service.clock.now())
    assert not second.loaded
    again_parties, again_stored, again_conflicts = snapshot(service)
    assert len(again_parties) == len(parties) == 3
    assert len(again_stored) == len(stored)
    assert len(again_conflicts) == len(conflicts) == 2
    assert set(second.operations) == set(first.operations)
    assert set(second.zones) == set(first.zones)
    assert set(second.conflicts) == set(first.conflicts)
    assert set(second.tokens) == set(first.tokens)
    assert all(second.tokens[p] != first.tokens[p] for p in first.tokens)
    with service.uow(write=False) as uow:
        for party, token in second.tokens.items():
            assert uow.parties.by_token_hash(token_hash(token)).id == party
    assert verify_ledger(service).ok


def test_demo_traffic_shows_one_head_on_pair_and_one_zone_breach(service: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from builders import FixedClock
    from deconflict.domain.alert import AlertKind
    from deconflict.domain.message import HotlinePolicy
    from deconflict.geoid import egm96
    from deconflict.service.tactical import Monitor, MonitorRules, ingest
    from deconflict.sim.traffic import positions_at

    load_demo(service, service.clock.now())
    # Every leg restarts at a multiple of 18,000 s since the epoch: start there.
    start = (int(datetime.now(UTC).timestamp()) // 18_000 + 1) * 18_000
    service.clock = FixedClock(datetime.fromtimestamp(start, UTC))
    monitor = Monitor(MonitorRules(), HotlinePolicy(), service.key.public_b64)
    raised = []
    for step in range(0, 1_500, 10):
        service.clock.moment = datetime.fromtimestamp(start, UTC) + timedelta(seconds=step)
        reports = positions_at(service.clock.now(), egm96())
        for party in ("blue", "red"):
            ingest(
                service.uow(),
                service.clock,
                party,
                [(i, r) for i, r in enumerate(reports) if r.party == party],
            )
        raised += monitor.cycle(service.uow, service.clock).raised
    found = {(a.finding.kind, tuple(a.finding.subjects["platforms"])) for a in raised}
    assert found == {
        (AlertKind.SEPARATION, ("blue/BLU11", "red/RED21")),
        (AlertKind.ZONE_BREACH, ("blue/BLU-UAV1",)),
    }
    breach = next(a for a in raised if a.finding.kind is AlertKind.ZONE_BREACH)
    assert breach.parties == ("blue", "red") and breach.message_id is not None
