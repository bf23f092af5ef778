"""Use cases for the conflict workflow: acknowledge, resolve, waive."""

from __future__ import annotations

from dataclasses import replace

from ..domain.conflict_state import ConflictAction, next_conflict_state
from ..domain.errors import NotFound, PermissionDenied
from .commands import ChangeConflict
from .ports import Clock, ConflictRecord, UnitOfWork
from .records import conflict_payload

EVENTS = {
    ConflictAction.ACKNOWLEDGE: "conflict.acknowledged",
    ConflictAction.RESOLVE: "conflict.resolved",
    ConflictAction.WAIVE: "conflict.waived",
}


def change_conflict(uow: UnitOfWork, clock: Clock, cmd: ChangeConflict) -> ConflictRecord:
    """Only the two parties of a conflict may move it along."""
    with uow:
        record = uow.conflicts.get(cmd.conflict_id)
        if record is None:
            raise NotFound(f"no conflict {cmd.conflict_id!r}", field="conflict_id")
        if cmd.party not in record.parties:
            raise PermissionDenied("only the parties of a conflict may act on it")
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
