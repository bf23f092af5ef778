"""The one write path on real stores: operations, conflicts, notice, ledger."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from builders import T0, FixedClock, square, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.conflict_state import ConflictAction, ConflictState
from deconflict.domain.errors import (
    InvalidTransition,
    MissedOverlaps,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.domain.operation import OperationAction, OperationState
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import (
    AddParty,
    AmendOperation,
    ChangeConflict,
    ChangeOperationState,
    SubmitOperation,
)
from deconflict.service.conflicts import change_conflict
from deconflict.service.operations import (
    amend_operation,
    change_operation_state,
    overlaps_for,
    submit_operation,
)
from deconflict.service.parties import add_party


@pytest.fixture
def svc(service: Any) -> Any:
    service.clock = FixedClock()
    for name in ("blue", "red", "green"):
        add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))
    return service


def submit(svc: Any, party: str, vol: Any, **kw: Any) -> Any:
    cmd = SubmitOperation(party=party, domain=kw.pop("domain", ActivityDomain.AIR), volumes=(vol,), **kw)
    return submit_operation(svc.uow(), svc.clock, svc.rules, cmd)


def verify_ledger(svc: Any) -> Any:
    with svc.uow(write=False) as uow:
        entries = list(uow.ledger.entries())
    data = b"".join(export_lines(entries, svc.clock.now(), svc.key.private_b64))
    return verify_export(data, KeyRing((svc.key.public_b64,)))


def test_overlapping_submissions_record_one_conflict_for_both_parties(svc: Any) -> None:
    first = submit(svc, "blue", volume(square(10, 50)))
    assert first.conflicts == ()
    second = submit(svc, "red", volume(square(10.05, 50.05)))
    [conflict] = second.conflicts
    assert set(conflict.parties) == {"blue", "red"}
    assert conflict.state is ConflictState.OPEN
    with svc.uow(write=False) as uow:
        assert [c.id for c in uow.conflicts.list(party="blue")] == [conflict.id]
        assert [c.id for c in uow.conflicts.list(party="red")] == [conflict.id]
        types = [e.type for e in uow.ledger.entries()]
    assert types.count("operation.submitted") == 2
    assert types.count("conflict.found") == 1
    assert verify_ledger(svc).ok


def test_same_party_operations_do_not_conflict(svc: Any) -> None:
    submit(svc, "blue", volume())
    assert submit(svc, "blue", volume()).conflicts == ()


def test_amend_must_name_the_current_version(svc: Any) -> None:
    op = submit(svc, "blue", volume(square(10, 50))).stored.operation
    submit(svc, "red", volume(square(10.05, 50.05)))
    amended = amend_operation(
        svc.uow(), svc.clock, svc.rules, AmendOperation("blue", op.id, 1, (volume(square(11, 50)),))
    )
    assert amended.stored.operation.version == 2
    assert amended.conflicts == ()  # moved away from red
    with pytest.raises(StaleVersion) as stale:
        amend_operation(svc.uow(), svc.clock, svc.rules, AmendOperation("blue", op.id, 1, (volume(),)))
    assert stale.value.current_version == 2
    with svc.uow(write=False) as uow:
        [old] = uow.conflicts.list(operation=op.id)
    assert old.state is ConflictState.RESOLVED
    assert "amended to version 2" in old.note


def test_only_the_owner_may_amend_or_cancel(svc: Any) -> None:
    op = submit(svc, "blue", volume()).stored.operation
    with pytest.raises(PermissionDenied):
        amend_operation(svc.uow(), svc.clock, svc.rules, AmendOperation("red", op.id, 1, (volume(),)))
    with pytest.raises(PermissionDenied):
        change_operation_state(
            svc.uow(), svc.clock, ChangeOperationState("red", op.id, OperationAction.CANCEL)
        )


def test_cancelled_operations_leave_the_index_and_settle_their_conflicts(svc: Any) -> None:
    op = submit(svc, "blue", volume()).stored.operation
    submit(svc, "red", volume())
    change_operation_state(svc.uow(), svc.clock, ChangeOperationState("blue", op.id, OperationAction.CANCEL))
    assert submit(svc, "green", volume()).conflicts[0].parties == ("green", "red")
    with svc.uow(write=False) as uow:
        assert uow.operations.get(op.id).operation.state is OperationState.CANCELLED
        assert all(c.state is ConflictState.RESOLVED for c in uow.conflicts.list(operation=op.id))
    with pytest.raises(InvalidTransition):
        change_operation_state(
            svc.uow(), svc.clock, ChangeOperationState("blue", op.id, OperationAction.ACTIVATE)
        )


def test_state_machine_runs_to_ended(svc: Any) -> None:
    op = submit(svc, "blue", volume()).stored.operation
    for action, state in [
        (OperationAction.ACCEPT, OperationState.ACCEPTED),
        (OperationAction.ACTIVATE, OperationState.ACTIVATED),
        (OperationAction.END, OperationState.ENDED),
    ]:
        out = change_operation_state(svc.uow(), svc.clock, ChangeOperationState("blue", op.id, action))
        assert out.stored.operation.state is state


def test_proof_of_read_refuses_a_submitter_that_missed_an_overlap(svc: Any) -> None:
    blue = submit(svc, "blue", volume()).stored.operation
    with pytest.raises(MissedOverlaps) as missed:
        submit(svc, "red", volume(), seen_versions={})
    assert missed.value.missed == [{"operation_id": blue.id, "version": 1, "seen_version": None}]
    with svc.uow(write=False) as uow:
        assert uow.operations.list(party="red") == []  # nothing written
    seen = overlaps_for(svc.uow(write=False), svc.rules, "red", [volume()])
    assert seen == {blue.id: 1}
    assert len(submit(svc, "red", volume(), seen_versions=seen).conflicts) == 1


def test_late_notice_is_accepted_marked_and_recorded(svc: Any) -> None:
    svc.clock.moment = T0 - timedelta(minutes=5)  # air needs 15 minutes
    blue = submit(svc, "blue", volume())
    assert blue.stored.late_notice
    assert blue.stored.lead_time_s == pytest.approx(300)
    late = submit(svc, "red", volume())
    entries = [e for e in late.entries if e.type == "notice.late"]
    assert entries[0].payload["concerns"] == ["blue"]
    svc.clock.moment = T0 - timedelta(hours=1)
    assert not submit(svc, "green", volume()).stored.late_notice


def test_conflict_workflow_acknowledge_then_resolve_or_waive(svc: Any) -> None:
    submit(svc, "blue", volume())
    [conflict] = submit(svc, "red", volume()).conflicts
    acked = change_conflict(
        svc.uow(), svc.clock, ChangeConflict("blue", conflict.id, ConflictAction.ACKNOWLEDGE)
    )
    assert acked.state is ConflictState.ACKNOWLEDGED and acked.acknowledged_by == ("blue",)
    # A party it does not concern is told it does not exist, as for any unknown id.
    with pytest.raises(NotFound):
        change_conflict(svc.uow(), svc.clock, ChangeConflict("green", conflict.id, ConflictAction.RESOLVE))
    waived = change_conflict(
        svc.uow(),
        svc.clock,
        ChangeConflict("red", conflict.id, ConflictAction.WAIVE, "vertical split agreed by phone"),
    )
    assert waived.state is ConflictState.WAIVED
    with pytest.raises(InvalidTransition):
        change_conflict(svc.uow(), svc.clock, ChangeConflict("red", conflict.id, ConflictAction.RESOLVE))


def test_ledger_checkpoints_and_verifies(svc: Any) -> None:
    for i in range(15):
        submit(svc, "blue" if i % 2 else "red", volume(square(10 + i * 0.01, 50)))
    report = verify_ledger(svc)
    assert report.ok, report.summary()
    assert report.checkpoints >= 2


@pytest.mark.parametrize("rounds", [3])
def test_concurrent_overlapping_submitters_all_get_their_conflicts(svc: Any, rounds: int) -> None:
    """No write skew: every overlapping pair submitted at the same moment is recorded."""
    parties = ["blue", "red", "green"]
    errors: list[BaseException] = []
    for r in range(rounds):
        barrier = threading.Barrier(len(parties) * 2)

        def worker(party: str, n: int, barrier: threading.Barrier = barrier, r: int = r) -> None:
            try:
                barrier.wait()
                submit(svc, party, volume(square(20 + r, 40 + n * 0.001)))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(p, n)) for p in parties for n in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert errors == []
    with svc.uow(write=False) as uow:
        conflicts = uow.conflicts.list(limit=10_000)
    # Per round: 6 operations from 3 parties, 2 each: 6·5/2 − 3 same-party pairs = 12 conflicts.
    assert len(conflicts) == 12 * rounds
    pairs = {frozenset((c.conflict.a.operation, c.conflict.b.operation)) for c in conflicts}
    assert len(pairs) == 12 * rounds
    assert verify_ledger(svc).ok


def test_concurrent_amends_of_one_operation_make_one_version_and_stale_refusals(svc: Any) -> None:
    """No lost update: amends racing on one operation (in far-apart places, so they share no
    cell lock) leave exactly one version 2; the others are told their version is stale."""
    op = submit(svc, "blue", volume(square(10, 50))).stored.operation
    barrier = threading.Barrier(4)
    outcomes: list[Any] = []

    def worker(n: int) -> None:
        barrier.wait()
        try:
            cmd = AmendOperation("blue", op.id, 1, (volume(square(10 + 10 * n, 50)),))
            outcomes.append(amend_operation(svc.uow(), svc.clock, svc.rules, cmd).stored.operation.version)
        except BaseException as error:
            outcomes.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(o for o in outcomes if isinstance(o, int)) == [2]
    assert all(isinstance(o, StaleVersion) for o in outcomes if not isinstance(o, int)), outcomes
    with svc.uow(write=False) as uow:
        assert uow.operations.get(op.id).operation.version == 2
    assert verify_ledger(svc).ok
