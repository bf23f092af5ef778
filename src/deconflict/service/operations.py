"""Use cases for operations and zones: submit, amend, change state.

Each runs in one unit of work: lock the cells it may touch, read the other
parties' live volumes there, check exactly, write the operation and every
conflict found, append the ledger entries, commit — then reply.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from ..domain.access import Access, Thing, Viewer, enforce, relation
from ..domain.conflict import Conflict, Separation, conflicts_against
from ..domain.conflict_state import ConflictState
from ..domain.declaration import Limits, check_limits
from ..domain.errors import (
    InvalidInput,
    InvalidTransition,
    MissedOverlaps,
    NotFound,
    StaleVersion,
)
from ..domain.lease import DEFAULT_LEASE
from ..domain.ledger import LedgerEntry
from ..domain.notice import NoticePolicy
from ..domain.operation import DeclarationKind, Operation, OperationAction, OperationState, next_state
from ..domain.restricted_frequency import check_declaration
from ..domain.timewindow import DEFAULT_PLANNING_HORIZON, TimeWindow, check_planning_horizon
from ..domain.volume import TaggedVolume, Volume4D, VolumeRef
from ..index.cells import covering, lock_keys
from .commands import AmendOperation, ChangeOperationState, Declare, Signature, SubmitOperation
from .leases import grant_lease
from .ports import Clock, ConflictRecord, StoredOperation, UnitOfWork
from .records import conflict_payload, iso, operation_payload
from .spectrum import screen_spectrum

__all__ = [
    "OperationOutcome",
    "amend_operation",
    "change_operation_state",
    "declare",
    "overlaps_for",
    "submit_operation",
]


@dataclass(frozen=True, slots=True)
class OperationOutcome:
    stored: StoredOperation
    conflicts: tuple[ConflictRecord, ...]
    entries: tuple[LedgerEntry, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    """The theatre's rules the write path applies."""

    margin: Separation = field(default_factory=Separation)
    notice: NoticePolicy = field(default_factory=NoticePolicy)
    lease: timedelta = DEFAULT_LEASE  # an emission's lease (domain/lease.py)
    limits: Limits = field(default_factory=Limits)  # area, vertex and volume caps per declaration
    planning_horizon: timedelta = DEFAULT_PLANNING_HORIZON  # how far ahead a volume may end


def _tag(op_id: str, party: str, volumes: Sequence[Volume4D]) -> list[TaggedVolume]:
    return [TaggedVolume(VolumeRef(party, op_id, i), v) for i, v in enumerate(volumes)]


def _cells(volumes: Sequence[Volume4D], margin: Separation) -> list[int]:
    cells: set[int] = set()
    for v in volumes:
        cells.update(covering(v.footprint.polygon, margin.search_m(v)))  # grown by emissions' reach
    return sorted(cells)


def _span(volumes: Sequence[Volume4D]) -> TimeWindow:
    return TimeWindow(min(v.window.start for v in volumes), max(v.window.end for v in volumes))


def _detect(
    uow: UnitOfWork, op_id: str, party: str, volumes: Sequence[Volume4D], rules: Rules
) -> list[Conflict]:
    cells = _cells(volumes, rules.margin)
    uow.lock_cells(lock_keys(cells))
    existing = [
        tv
        for tv in uow.operations.live_volumes_near(cells, _span(volumes), party)
        if tv.ref.operation != op_id
    ]
    return conflicts_against(_tag(op_id, party, volumes), existing, rules.margin)


def _check_proof_of_read(
    uow: UnitOfWork, found: Sequence[Conflict], party: str, seen: Mapping[str, int] | None
) -> dict[str, int]:
    others = sorted({c.b.operation if c.a.party == party else c.a.operation for c in found})
    current = uow.operations.versions_of(others)
    if seen is not None:
        missed: list[dict[str, object]] = [
            {"operation_id": op_id, "version": version, "seen_version": seen.get(op_id)}
            for op_id, version in current.items()
            if seen.get(op_id) != version
        ]
        if missed:
            raise MissedOverlaps(
                f"the submission overlaps {len(missed)} object(s) the submitter has not shown it has seen",
                missed=missed,
            )
    return current


def _record_conflicts(
    uow: UnitOfWork, clock: Clock, found: Sequence[Conflict], op: Operation, versions: Mapping[str, int]
) -> list[ConflictRecord]:
    now = clock.now()
    records = []
    for conflict in found:
        a_version = op.version if conflict.a.operation == op.id else versions[conflict.a.operation]
        b_version = op.version if conflict.b.operation == op.id else versions[conflict.b.operation]
        record = ConflictRecord(
            str(uuid.uuid4()), conflict, a_version, b_version, ConflictState.OPEN, (), "", now, now
        )
        uow.conflicts.add(record)
        uow.record("conflict.found", conflict_payload(record), actor=None)
        records.append(record)
    return records


def _signature_fields(signature: Signature | None) -> dict[str, str | None]:
    if signature is None:
        return {"actor_sig": None, "actor_key": None}
    return {"actor_sig": signature.signature_b64, "actor_key": signature.public_key_b64}


def _with_request(payload: dict[str, object], signature: Signature | None) -> dict[str, object]:
    if signature is not None:
        payload["request"] = dict(signature.signed)
    return payload


def submit_operation(uow: UnitOfWork, clock: Clock, rules: Rules, cmd: SubmitOperation) -> OperationOutcome:
    """Declare an operation (or zone); conflicts with other parties are recorded with it."""
    if not cmd.volumes:
        raise InvalidInput("an operation needs at least one volume", field="features")
    check_limits(cmd.volumes, rules.limits)
    check_planning_horizon([v.window for v in cmd.volumes], clock.now(), rules.planning_horizon)
    role, category = check_declaration(cmd.domain, cmd.kind, cmd.category, cmd.volumes)
    with uow:
        if uow.parties.get(cmd.party) is None:
            raise NotFound(f"no party {cmd.party!r}", field="party")
        op_id = cmd.operation_id or str(uuid.uuid4())
        if uow.operations.versions_of([op_id]):
            raise InvalidInput(f"operation {op_id!r} already exists", field="operation")
        found = screen_spectrum(uow, role, cmd.party, _detect(uow, op_id, cmd.party, cmd.volumes, rules))
        versions = _check_proof_of_read(uow, found, cmd.party, cmd.seen_versions)
        now = clock.now()
        op = Operation(
            id=op_id,
            party=cmd.party,
            domain=cmd.domain,
            volumes=cmd.volumes,
            kind=cmd.kind,
            category=category,
            priority=cmd.priority,
            details=cmd.details,
            contact=cmd.contact,
            notice_at=now,
        )
        verdict = rules.notice.judge(op.domain, now, op.start)
        late = verdict.late and op.kind is DeclarationKind.OPERATION
        uow.operations.add(op, verdict.lead_time_s, late, now)
        payload = _with_request(operation_payload(op, verdict.lead_time_s, late), cmd.signature)
        lease = grant_lease(uow, op, now, rules.lease)
        if lease is not None:
            payload["lease_expires_at"] = iso(lease)
        uow.record(
            "zone.declared" if op.kind is DeclarationKind.ZONE else "operation.submitted",
            payload,
            actor=cmd.party,
            **_signature_fields(cmd.signature),
        )
        records = _record_conflicts(uow, clock, found, op, versions)
        if late:
            uow.record(
                "notice.late",
                {
                    "operation_id": op.id,
                    "party": op.party,
                    "domain": op.domain.value,
                    "lead_time_s": round(verdict.lead_time_s, 3),
                    "minimum_s": verdict.minimum.total_seconds(),
                    "concerns": sorted({p for r in records for p in r.parties} - {op.party}),
                },
                actor=None,
            )
        entries = uow.commit()
    stored = StoredOperation(op, verdict.lead_time_s, late, now, now, lease)
    return OperationOutcome(stored, tuple(records), tuple(entries))


def declare(uow: UnitOfWork, clock: Clock, rules: Rules, cmd: Declare) -> OperationOutcome:
    """The one way in for a new operation or zone, whichever door it comes through.

    Held to the theatre's limits, and to proof of read: ``cmd.seen`` must hold the current
    version of every other party's object it overlaps (read them with :func:`overlaps_for`).
    """
    d = cmd.declaration
    return submit_operation(
        uow,
        clock,
        rules,
        SubmitOperation(
            party=cmd.party,
            domain=d.domain,
            volumes=d.volumes,
            kind=cmd.kind,
            category=d.category,
            priority=d.priority,
            details=d.details,
            contact=d.contact,
            operation_id=cmd.operation_id,
            seen_versions=cmd.seen,
            signature=cmd.signature,
        ),
    )


def _owned(uow: UnitOfWork, party: str, operation_id: str) -> StoredOperation:
    """The operation, its row held: two changes to one operation (or a change and the lease
    sweep) queue, and the second sees the first's version and state."""
    uow.operations.lock(operation_id)
    stored = uow.operations.get(operation_id)
    if stored is None:
        raise NotFound(f"no operation {operation_id!r}", field="operation_id")
    enforce(Viewer(party), Thing.OPERATION, Access.ACT, relation(party, stored.operation.party))
    return stored


def _settle_conflicts(uow: UnitOfWork, clock: Clock, operation_id: str, note: str) -> None:
    for record in uow.conflicts.unsettled_for_operation(operation_id):
        settled = replace(record, state=ConflictState.RESOLVED, note=note, updated_at=clock.now())
        uow.conflicts.update(settled)
        uow.record("conflict.resolved", conflict_payload(settled), actor=None)


def amend_operation(uow: UnitOfWork, clock: Clock, rules: Rules, cmd: AmendOperation) -> OperationOutcome:
    """A new version of an operation; the amend must name the version it replaces."""
    check_limits(cmd.volumes, rules.limits)
    check_planning_horizon([v.window for v in cmd.volumes], clock.now(), rules.planning_horizon)
    with uow:
        stored = _owned(uow, cmd.party, cmd.operation_id)
        current = stored.operation
        if not current.state.live:
            raise StaleVersion(f"operation is {current.state.value}", current_version=current.version)
        if cmd.amends_version != current.version:
            raise StaleVersion(
                f"amend names version {cmd.amends_version} but the operation is at version {current.version}",
                current_version=current.version,
                field="amends_version",
            )
        role, _ = check_declaration(current.domain, current.kind, current.category, cmd.volumes)
        found = _detect(uow, current.id, current.party, cmd.volumes, rules)
        found = screen_spectrum(uow, role, current.party, found)
        versions = _check_proof_of_read(uow, found, current.party, cmd.seen_versions)
        amended = replace(
            current,
            volumes=cmd.volumes,
            version=current.version + 1,
            details=current.details if cmd.details is None else cmd.details,
            contact=current.contact if cmd.contact is None else cmd.contact,
            priority=current.priority if cmd.priority is None else cmd.priority,
        )
        _settle_conflicts(
            uow, clock, current.id, f"superseded: {current.party} amended to version {amended.version}"
        )
        uow.operations.save_version(amended, clock.now())
        payload = _with_request(
            operation_payload(amended, stored.lead_time_s, stored.late_notice), cmd.signature
        )
        payload["amends_version"] = current.version
        if (expires := grant_lease(uow, amended, clock.now(), rules.lease)) is not None:
            payload["lease_expires_at"] = iso(expires)  # the owner's amendment renews the lease
        uow.record("operation.amended", payload, actor=cmd.party, **_signature_fields(cmd.signature))
        records = _record_conflicts(uow, clock, found, amended, versions)
        result = uow.operations.get(current.id)
        entries = uow.commit()
    if result is None:
        raise NotFound(f"operation {cmd.operation_id} vanished")
    return OperationOutcome(result, tuple(records), tuple(entries))


def change_operation_state(uow: UnitOfWork, clock: Clock, cmd: ChangeOperationState) -> OperationOutcome:
    """Accept, activate, end or cancel (a zone's retirement is its cancellation)."""
    if cmd.action is OperationAction.SUSPEND:
        raise InvalidTransition("only the service suspends an emission, when its lease lapses")
    with uow:
        stored = _owned(uow, cmd.party, cmd.operation_id)
        state = next_state(stored.operation.state, cmd.action)
        uow.operations.set_state(cmd.operation_id, state, clock.now())
        if not state.live:
            verb = "cancelled" if state is OperationState.CANCELLED else "ended"
            _settle_conflicts(uow, clock, cmd.operation_id, f"{stored.operation.party} {verb} the operation")
        event = (
            "zone.retired"
            if (stored.operation.kind is DeclarationKind.ZONE and cmd.action is OperationAction.CANCEL)
            else f"operation.{state.value}"
        )
        payload: dict[str, object] = {
            "operation_id": cmd.operation_id,
            "party": cmd.party,
            "version": stored.operation.version,
            "state": state.value,
        }
        uow.record(
            event, _with_request(payload, cmd.signature), actor=cmd.party, **_signature_fields(cmd.signature)
        )
        result = uow.operations.get(cmd.operation_id)
        entries = uow.commit()
    if result is None:
        raise NotFound(f"operation {cmd.operation_id} vanished")
    return OperationOutcome(result, (), tuple(entries))


def overlaps_for(
    uow: UnitOfWork, rules: Rules, party: str, volumes: Sequence[Volume4D], operation_id: str = ""
) -> dict[str, int]:
    """What a submission would overlap now, with versions: read this, then submit (proof of read)."""
    check_limits(volumes, rules.limits)
    with uow:
        cells = _cells(volumes, rules.margin)
        existing = [
            tv
            for tv in uow.operations.live_volumes_near(cells, _span(volumes), party)
            if tv.ref.operation != operation_id
        ]
        found = conflicts_against(_tag(operation_id or "new", party, volumes), existing, rules.margin)
        others = sorted({c.b.operation if c.a.party == party else c.a.operation for c in found})
        return uow.operations.versions_of(others)
