"""Emission leases: grant, renew by heartbeat, suspend when lapsed (see :mod:`deconflict.domain.lease`).

Every step runs in one unit of work with its ledger entry. The expiry is state
in the store, so the sweep (:func:`suspend_lapsed`, run periodically by each
API replica) picks up after a restart; replicas never suspend one emission
twice (the sweep locks the rows it suspends and re-checks the lapse there).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..domain.access import Access, Thing, Viewer, enforce, relation
from ..domain.conflict_state import ConflictState
from ..domain.errors import InvalidTransition, NotFound
from ..domain.lease import holds_lease, lapsed, lease_expiry
from ..domain.ledger import LedgerEntry
from ..domain.operation import Operation, OperationAction, OperationState, next_state
from .commands import Signature
from .ports import Clock, UnitOfWork
from .records import conflict_payload, iso

__all__ = ["Heartbeat", "LeaseOutcome", "grant_lease", "heartbeat", "next_lapse_at", "suspend_lapsed"]


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The owner renews an emission's lease."""

    party: str
    operation_id: str
    signature: Signature | None = None


@dataclass(frozen=True, slots=True)
class LeaseOutcome:
    operation_id: str
    state: OperationState
    expires_at: datetime
    entries: tuple[LedgerEntry, ...]


def grant_lease(uow: UnitOfWork, op: Operation, now: datetime, lease: timedelta) -> datetime | None:
    """Grant (or renew, on amendment) an emission's lease; None for anything that holds none."""
    if not holds_lease(op.domain, op.kind):
        return None
    expires = lease_expiry(now, op.start, lease)
    uow.leases.set(op.id, expires)
    return expires


def heartbeat(uow: UnitOfWork, clock: Clock, lease: timedelta, cmd: Heartbeat) -> LeaseOutcome:
    """Renew the lease: owner only, while it is live and has not yet run out."""
    with uow:
        held = uow.leases.lock(cmd.operation_id)
        stored = uow.operations.get(cmd.operation_id)
        if held is None or stored is None:
            raise NotFound(f"no operation {cmd.operation_id!r}", field="operation_id")
        op = stored.operation
        enforce(Viewer(cmd.party), Thing.OPERATION, Access.ACT, relation(cmd.party, op.party))
        if not holds_lease(op.domain, op.kind) or held.expires_at is None:
            raise InvalidTransition("only an emission (an operation in the spectrum domain) holds a lease")
        if not held.state.live:
            raise InvalidTransition(
                f"the emission is {held.state.value}; a suspended emission must be submitted again"
            )
        now = clock.now()
        if now >= held.expires_at:
            raise InvalidTransition(
                f"the lease ran out at {iso(held.expires_at)}; the emission is being suspended; "
                "submit it again"
            )
        expires = lease_expiry(now, op.start, lease)
        uow.leases.set(op.id, expires)
        payload: dict[str, object] = {
            "operation_id": op.id,
            "party": op.party,
            "version": op.version,
            "lease_expires_at": iso(expires),
        }
        if cmd.signature is not None:
            payload["request"] = dict(cmd.signature.signed)
        uow.record(
            "emission.heartbeat",
            payload,
            actor=cmd.party,
            actor_sig=cmd.signature.signature_b64 if cmd.signature else None,
            actor_key=cmd.signature.public_key_b64 if cmd.signature else None,
        )
        entries = uow.commit()
    return LeaseOutcome(op.id, held.state, expires, tuple(entries))


def suspend_lapsed(uow: UnitOfWork, clock: Clock) -> list[str]:
    """Suspend every live emission whose lease lapsed; tell the parties it concerned.

    Each suspension records ``emission.suspended`` (with ``concerns``: the other
    parties of its unsettled conflicts) and settles those conflicts, since the
    emission is off the air. Returns the suspended operations' ids.
    """
    suspended: list[str] = []
    with uow:
        now = clock.now()
        for held in uow.leases.lapsed(now):
            if held.expires_at is None or not lapsed(held.expires_at, now, held.end):
                continue
            state = next_state(held.state, OperationAction.SUSPEND)
            uow.operations.set_state(held.operation_id, state, now)
            unsettled = uow.conflicts.unsettled_for_operation(held.operation_id)
            concerns = sorted({p for record in unsettled for p in record.parties} - {held.party})
            uow.record(
                "emission.suspended",
                {
                    "operation_id": held.operation_id,
                    "party": held.party,
                    "version": held.version,
                    "state": state.value,
                    "lease_expired_at": iso(held.expires_at),
                    "concerns": concerns,
                },
                actor=None,
            )
            for record in unsettled:
                settled = replace(
                    record,
                    state=ConflictState.RESOLVED,
                    note=f"{held.party}'s emission was suspended: its lease lapsed",
                    updated_at=now,
                )
                uow.conflicts.update(settled)
                uow.record("conflict.resolved", conflict_payload(settled), actor=None)
            suspended.append(held.operation_id)
        if suspended:
            uow.commit()
    return suspended


def next_lapse_at(uow: UnitOfWork) -> datetime | None:
    """The earliest moment a lease may lapse (None: no lease pending)."""
    with uow:
        return uow.leases.next_expiry()
