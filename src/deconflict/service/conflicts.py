"""Use cases for conflicts: read them (need to know), acknowledge, resolve, waive."""

from __future__ import annotations

from dataclasses import replace

from ..domain.access import Access, Reader, Thing, enforce, party_filter, relation
from ..domain.conflict_state import ConflictAction, ConflictState, next_conflict_state
from ..domain.errors import NotFound
from .commands import ChangeConflict
from .ports import Clock, ConflictRecord, UnitOfWork
from .records import conflict_payload

EVENTS = {
    ConflictAction.ACKNOWLEDGE: "conflict.acknowledged",
    ConflictAction.RESOLVE: "conflict.resolved",
    ConflictAction.WAIVE: "conflict.waived",
}


def _missing(conflict_id: str, field: str = "conflict_id") -> NotFound:
    return NotFound(f"no conflict {conflict_id!r}", field=field)


def visible_conflict(
    uow: UnitOfWork, reader: Reader, conflict_id: str, access: Access = Access.SEE, field: str = "conflict_id"
) -> ConflictRecord:
    """The conflict if the reader may have ``access`` to it; one it may not see reads as missing."""
    record = uow.conflicts.get(conflict_id)
    if record is None:
        raise _missing(conflict_id, field)
    rel = relation(reader.party, None, record.parties)
    enforce(reader, Thing.CONFLICT, access, rel, _missing(conflict_id, field))
    return record


def get_conflict(uow: UnitOfWork, reader: Reader, conflict_id: str) -> ConflictRecord:
    with uow:
        return visible_conflict(uow, reader, conflict_id)


def list_conflicts(
    uow: UnitOfWork,
    reader: Reader,
    state: ConflictState | None = None,
    operation: str | None = None,
    limit: int = 1000,
) -> list[ConflictRecord]:
    """The conflicts the reader may see: those that concern it (observers, the administrator: all)."""
    with uow:
        return uow.conflicts.list(
            party=party_filter(reader, Thing.CONFLICT),
            state=state.value if state else None,
            operation=operation,
            limit=limit,
        )


def change_conflict(uow: UnitOfWork, clock: Clock, cmd: ChangeConflict) -> ConflictRecord:
    """Only the two parties of a conflict may move it along."""
    with uow:
        record = visible_conflict(uow, cmd, cmd.conflict_id, Access.ACT)
        state = next_conflict_state(record.state, cmd.action, cmd.note)
        acknowledged = record.acknowledged_by
        if cmd.action is ConflictAction.ACKNOWLEDGE and cmd.party not in acknowledged:
            acknowledged = (*acknowledged, cmd.party)
        note = cmd.note if cmd.action is not ConflictAction.ACKNOWLEDGE else record.note
        updated = replace(
            record, state=state, acknowledged_by=acknowledged, note=note, updated_at=clock.now()
        )
        uow.conflicts.update(updated)
        payload = conflict_payload(updated)
        payload["by"] = cmd.party
        sig = cmd.signature
        if sig is not None:
            payload["request"] = dict(sig.signed)
        uow.record(
            EVENTS[cmd.action],
            payload,
            actor=cmd.party,
            actor_sig=None if sig is None else sig.signature_b64,
            actor_key=None if sig is None else sig.public_key_b64,
        )
        uow.commit()
    return updated
