"""Spectrum on the real stores: the restricted frequency list on the write path, and emission leases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from builders import T0, FixedClock, square, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.conflict_state import ConflictState
from deconflict.domain.errors import InvalidInput, InvalidTransition, PermissionDenied, Refused
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.domain.operation import DeclarationKind, OperationAction, OperationState
from deconflict.domain.signing import generate_keypair
from deconflict.domain.spectrum import FrequencyBand
from deconflict.domain.volume import Volume4D
from deconflict.service.commands import AddParty, AmendOperation, ChangeOperationState, SubmitOperation
from deconflict.service.leases import Heartbeat, heartbeat, next_lapse_at, suspend_lapsed
from deconflict.service.operations import amend_operation, change_operation_state, submit_operation
from deconflict.service.parties import add_party

MHZ = 1e6
SPECTRUM, AIR = ActivityDomain.SPECTRUM, ActivityDomain.AIR
ZONE = DeclarationKind.ZONE


@pytest.fixture
def svc(service: Any) -> Any:
    service.clock = FixedClock()
    for name in ("blue", "red", "green"):
        add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))
    return service


def emission(low_mhz: float = 400, high_mhz: float = 450, eirp: float = 40.0, **kw: Any) -> Volume4D:
    return replace(volume(**kw), band=FrequencyBand(low_mhz * MHZ, high_mhz * MHZ), eirp_dbm=eirp)


def entry(low_mhz: float = 406, high_mhz: float = 406.1, **kw: Any) -> Volume4D:
    return replace(volume(**kw), band=FrequencyBand(low_mhz * MHZ, high_mhz * MHZ))


def submit(svc: Any, party: str, vol: Volume4D, domain: ActivityDomain = SPECTRUM, **kw: Any) -> Any:
    cmd = SubmitOperation(party=party, domain=domain, volumes=(vol,), **kw)
    return submit_operation(svc.uow(), svc.clock, svc.rules, cmd)


def ledger_types(svc: Any) -> list[str]:
    with svc.uow(write=False) as uow:
        return [e.type for e in uow.ledger.entries()]


def ledger(svc: Any) -> list[Any]:
    with svc.uow(write=False) as uow:
        return list(uow.ledger.entries())


def verify_ledger(svc: Any) -> Any:
    entries = ledger(svc)
    data = b"".join(export_lines(entries, svc.clock.now(), svc.key.private_b64))
    return verify_export(data, KeyRing((svc.key.public_b64,)))


def state_of(svc: Any, op_id: str) -> OperationState:
    with svc.uow(write=False) as uow:
        return uow.operations.get(op_id).operation.state


# the restricted frequency list


def test_an_emission_into_a_taboo_entry_is_refused_and_nothing_is_written(svc: Any) -> None:
    taboo = submit(svc, "blue", entry(), kind=ZONE, category="TABOO").stored.operation
    assert taboo.category == "taboo"
    before = ledger_types(svc)
    with pytest.raises(Refused) as refused:
        submit(svc, "red", emission(), category="jamming")
    assert taboo.id in refused.value.message and refused.value.field == "features[0]"
    with svc.uow(write=False) as uow:
        assert uow.operations.list(party="red") == []
        assert uow.conflicts.list() == []
    assert ledger_types(svc) == before  # not even a refusal entry
    # Outside the TABOO band, or far beyond the emission's reach, the same emission is fine.
    assert submit(svc, "red", emission(407, 450), category="jamming").conflicts == ()
    far = emission(footprint=square(13.0, 50.0))  # ~200 km east: beyond the 100 km reach cap
    assert submit(svc, "red", far, category="jamming").conflicts == ()
    # The owner of the TABOO entry is not refused by its own entry.
    assert submit(svc, "blue", emission(400, 406.5), category="communications").conflicts == ()
    assert verify_ledger(svc).ok


def test_an_emission_just_outside_a_taboo_area_is_refused_for_its_reach(svc: Any) -> None:
    submit(svc, "blue", entry(), kind=ZONE, category="taboo")
    near = emission(footprint=square(10.3, 50.0), eirp=30.0)  # ~14 km east of the entry's area
    with pytest.raises(Refused):
        submit(svc, "red", near)


def test_an_amendment_into_a_taboo_entry_is_refused_and_the_old_version_stands(svc: Any) -> None:
    submit(svc, "blue", entry(), kind=ZONE, category="taboo")
    op = submit(svc, "red", emission(407, 450)).stored.operation
    with pytest.raises(Refused):
        amend_operation(svc.uow(), svc.clock, svc.rules, AmendOperation("red", op.id, 1, (emission(),)))
    with svc.uow(write=False) as uow:
        stored = uow.operations.get(op.id).operation
    assert stored.version == 1 and stored.volumes[0].band == FrequencyBand(407 * MHZ, 450 * MHZ)


def test_protected_and_guarded_entries_and_other_emissions_are_conflicts(svc: Any) -> None:
    protected = submit(svc, "blue", entry(400, 410), kind=ZONE, category="protected").stored.operation
    guarded = submit(svc, "green", entry(440, 460), kind=ZONE, category="GUARDED").stored.operation
    other = submit(svc, "green", emission(420, 430), category="radar").stored.operation
    found = submit(svc, "red", emission(400, 450), category="jamming").conflicts
    met = {c.conflict.a.operation if c.conflict.b.party == "red" else c.conflict.b.operation for c in found}
    assert met == {protected.id, guarded.id, other.id}
    assert all(c.state is ConflictState.OPEN for c in found)


def test_entries_never_conflict_with_each_other_but_meet_existing_emissions(svc: Any) -> None:
    jam = submit(svc, "red", emission(), category="jamming").stored.operation
    submit(svc, "green", entry(), kind=ZONE, category="protected")
    # A TABOO entry over an existing emission is accepted; the overlap is a conflict.
    taboo = submit(svc, "blue", entry(), kind=ZONE, category="taboo")
    [conflict] = taboo.conflicts
    assert {conflict.conflict.a.operation, conflict.conflict.b.operation} == {
        jam.id,
        taboo.stored.operation.id,
    }


def test_spectrum_and_other_domains_never_meet(svc: Any) -> None:
    submit(svc, "blue", volume(), domain=AIR)
    submit(svc, "blue", volume(), domain=ActivityDomain.GROUND)
    assert submit(svc, "red", emission(), category="jamming").conflicts == ()
    assert submit(svc, "red", volume(), domain=AIR).conflicts[0].parties == ("blue", "red")
    with pytest.raises(InvalidInput) as banded_flight:
        submit(svc, "green", emission(), domain=AIR)
    assert banded_flight.value.field == "features[0].properties.band_low_hz"
    with pytest.raises(InvalidInput) as entry_category:
        submit(svc, "green", entry(), kind=ZONE, category="airspace")
    assert entry_category.value.field == "category"


def test_band_and_power_round_trip_through_the_store(svc: Any) -> None:
    op = submit(svc, "blue", emission(2700, 2900, eirp=87.5), category="radar").stored.operation
    with svc.uow(write=False) as uow:
        [stored] = uow.operations.get(op.id).operation.volumes
    assert stored.band == FrequencyBand(2.7e9, 2.9e9) and stored.eirp_dbm == 87.5
    submitted = [e for e in ledger(svc) if e.type == "operation.submitted"][-1]
    props = submitted.payload["volumes"][0]["properties"]
    assert (props["band_low_hz"], props["band_high_hz"], props["eirp_dbm"]) == (2.7e9, 2.9e9, 87.5)


# leases


def test_an_emission_holds_a_lease_from_its_start_and_nothing_else_does(svc: Any) -> None:
    lease = svc.rules.lease
    op = submit(svc, "blue", emission()).stored.operation  # starts at T0, two hours ahead
    submitted = [e for e in ledger(svc) if e.type == "operation.submitted"][-1]
    assert submitted.payload["lease_expires_at"] == (T0 + lease).isoformat().replace("+00:00", "Z")
    zone = submit(svc, "red", entry(), kind=ZONE, category="protected").stored.operation
    flight = submit(svc, "red", volume(), domain=AIR).stored.operation
    for other in (zone.id, flight.id):
        with pytest.raises(InvalidTransition):
            heartbeat(svc.uow(), svc.clock, lease, Heartbeat("red", other))
    assert next_lapse_at(svc.uow(write=False)) == T0 + lease
    assert suspend_lapsed(svc.uow(), svc.clock) == []  # not before its window opens
    assert state_of(svc, op.id) is OperationState.PROPOSED


def test_heartbeats_keep_an_emission_on_the_air_and_only_the_owner_sends_them(svc: Any) -> None:
    lease = svc.rules.lease
    op = submit(svc, "blue", emission(end_min=120)).stored.operation
    svc.clock.moment = T0 + lease - timedelta(seconds=1)
    with pytest.raises(PermissionDenied):
        heartbeat(svc.uow(), svc.clock, lease, Heartbeat("red", op.id))
    renewed = heartbeat(svc.uow(), svc.clock, lease, Heartbeat("blue", op.id))
    assert renewed.expires_at == svc.clock.moment + lease
    assert renewed.entries[0].type == "emission.heartbeat"
    svc.clock.moment = T0 + lease + timedelta(seconds=30)  # past the first expiry, inside the renewed one
    assert suspend_lapsed(svc.uow(), svc.clock) == []
    assert state_of(svc, op.id) is OperationState.PROPOSED


def test_a_lapsed_lease_suspends_the_emission_and_tells_the_parties_concerned(svc: Any) -> None:
    lease = svc.rules.lease
    jam = submit(svc, "blue", emission(end_min=120), category="jamming").stored.operation
    change_operation_state(
        svc.uow(), svc.clock, ChangeOperationState("blue", jam.id, OperationAction.ACTIVATE)
    )
    submit(svc, "red", entry(400, 410), kind=ZONE, category="protected")
    assert submit(svc, "green", emission(420, 430, start_min=30)).conflicts  # green meets blue
    svc.clock.moment = T0 + lease  # the expiry instant: run out
    with pytest.raises(InvalidTransition):  # a late heartbeat does not revive it
        heartbeat(svc.uow(), svc.clock, lease, Heartbeat("blue", jam.id))
    assert suspend_lapsed(svc.uow(), svc.clock) == [jam.id]
    assert state_of(svc, jam.id) is OperationState.SUSPENDED
    entries = ledger(svc)
    [suspended] = [e for e in entries if e.type == "emission.suspended"]
    assert suspended.payload["operation_id"] == jam.id and suspended.payload["party"] == "blue"
    assert suspended.payload["concerns"] == ["green", "red"]
    with svc.uow(write=False) as uow:
        assert all(c.state is ConflictState.RESOLVED for c in uow.conflicts.list(operation=jam.id))
    assert suspend_lapsed(svc.uow(), svc.clock) == []  # once only
    # Off the air: it no longer conflicts, and a heartbeat cannot bring it back.
    assert submit(svc, "red", emission(start_min=10)).conflicts[0].parties == ("green", "red")
    with pytest.raises(InvalidTransition):
        heartbeat(svc.uow(), svc.clock, lease, Heartbeat("blue", jam.id))
    for action in (OperationAction.ACTIVATE, OperationAction.SUSPEND):
        with pytest.raises(InvalidTransition):
            change_operation_state(svc.uow(), svc.clock, ChangeOperationState("blue", jam.id, action))
    cancelled = change_operation_state(
        svc.uow(), svc.clock, ChangeOperationState("blue", jam.id, OperationAction.CANCEL)
    )
    assert cancelled.stored.operation.state is OperationState.CANCELLED
    assert verify_ledger(svc).ok


def test_an_amendment_renews_the_lease_and_a_lease_covering_the_window_never_lapses(svc: Any) -> None:
    lease = svc.rules.lease
    op = submit(svc, "blue", emission(end_min=60)).stored.operation
    svc.clock.moment = T0 + lease - timedelta(seconds=10)
    amend_operation(
        svc.uow(), svc.clock, svc.rules, AmendOperation("blue", op.id, 1, (emission(end_min=60),))
    )
    svc.clock.moment = T0 + lease + timedelta(seconds=10)
    assert suspend_lapsed(svc.uow(), svc.clock) == []
    short = submit(svc, "red", emission(407, 450, start_min=0, end_min=3)).stored.operation  # 3 min < lease
    svc.clock.moment = T0 + timedelta(hours=1)
    assert short.id not in suspend_lapsed(svc.uow(), svc.clock)
    assert state_of(svc, short.id) is OperationState.PROPOSED
