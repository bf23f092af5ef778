"""Use cases of the hotline: send, receipts (delivered, read, acknowledged), escalation.

Each runs in one unit of work and records its ledger entries in the same
transaction. The escalation timer is state in the store (each recipient's
``next_deadline``); :func:`escalate_due` advances every overdue recipient in one
transaction and is safe to run on several replicas at once: the rows it takes
are locked and other runners skip them (PostgreSQL ``FOR UPDATE SKIP LOCKED``;
SQLite has a single writer), and a row once escalated carries its next
deadline, so the same step is never taken twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.access import Access, Reader, Thing, enforce, relation, takes_messages
from ..domain.errors import InvalidInput, NotFound
from ..domain.ledger import LedgerEntry
from ..domain.message import (
    HotlinePolicy,
    Message,
    MessageRecord,
    Precedence,
    Receipt,
    RecipientState,
    Reference,
    ReferenceKind,
    RosterLevel,
    escalation_due_at,
    lead_time,
    levels_due,
    next_deadline_after,
    resumed,
    roster_contacts,
    scoped_message_id,
    stood_down,
)
from .commands import Signature
from .conflicts import visible_conflict
from .hotline_commands import MarkMessage, SendMessage, SetRoster
from .hotline_ports import Box
from .hotline_records import (
    escalation_payload,
    message_payload,
    receipt_payload,
    roster_payload,
    stand_down_payload,
)
from .ports import Clock, UnitOfWork

__all__ = [
    "Escalated",
    "MessageOutcome",
    "acknowledge",
    "escalate_due",
    "get_message",
    "list_messages",
    "mark_delivered",
    "mark_message",
    "mark_read",
    "next_escalation_at",
    "post_message",
    "roster_of",
    "send_message",
    "set_roster",
    "stand_down",
    "take_up",
]


@dataclass(frozen=True, slots=True)
class MessageOutcome:
    record: MessageRecord
    entries: tuple[LedgerEntry, ...]


@dataclass(frozen=True, slots=True)
class Escalated:
    """One escalation step taken: who, to which level, when it was due and when it ran."""

    message_id: str
    party: str
    level: int
    due_at: datetime
    at: datetime


def _signed(
    payload: dict[str, object], signature: Signature | None, body: str | None
) -> tuple[dict[str, object], dict[str, str | None]]:
    if signature is None:
        return payload, {"actor_sig": None, "actor_key": None}
    payload["request"] = dict(signature.signed)
    if body is not None:
        payload["request_body"] = body
    return payload, {"actor_sig": signature.signature_b64, "actor_key": signature.public_key_b64}


def _lead_times(
    uow: UnitOfWork, sender: Reader, refs: Sequence[Reference], now: datetime
) -> list[tuple[str, float]]:
    """Check that what the message refers to exists for the sender (one it may not see does not);
    the lead time it gives each operation."""
    lead: list[tuple[str, float]] = []
    for i, ref in enumerate(refs):
        where = f"refs[{i}]"
        if ref.kind is ReferenceKind.OPERATION:
            stored = uow.operations.get(ref.id)
            if stored is None:
                raise NotFound(f"no operation {ref.id!r}", field=where)
            lead.append((ref.id, lead_time(stored.operation.start, now).total_seconds()))
        elif ref.kind is ReferenceKind.MESSAGE:
            visible_message(uow, sender, ref.id, field=where)
        elif ref.kind is ReferenceKind.CONFLICT:
            visible_conflict(uow, sender, ref.id, field=where)
    return lead


def visible_message(
    uow: UnitOfWork, reader: Reader, message_id: str, access: Access = Access.SEE, field: str = "message_id"
) -> MessageRecord:
    """The message if the reader may have ``access`` to it; one it may not see reads as missing."""
    record = uow.messages.get(message_id)
    missing = NotFound(f"no message {message_id!r}", field=field)
    if record is None:
        raise missing
    rel = relation(reader.party, record.message.sender, record.message.recipients)
    enforce(reader, Thing.MESSAGE, access, rel, missing)
    return record


def send_message(uow: UnitOfWork, clock: Clock, policy: HotlinePolicy, cmd: SendMessage) -> MessageOutcome:
    """Send to one or more parties; each must acknowledge within the precedence's deadline."""
    with uow:
        record = post_message(uow, clock.now(), policy, cmd)
        entries = uow.commit()
    return MessageOutcome(record, tuple(entries))


def post_message(uow: UnitOfWork, now: datetime, policy: HotlinePolicy, cmd: SendMessage) -> MessageRecord:
    """The body of :func:`send_message`, inside a unit of work the caller commits."""
    if uow.parties.get(cmd.party) is None:
        raise NotFound(f"no party {cmd.party!r}", field="party")
    for i, name in enumerate(cmd.recipients):
        recipient = uow.parties.get(name)
        if recipient is None:
            raise NotFound(f"no party {name!r}", field=f"to[{i}]")
        if not takes_messages(recipient.role):
            raise InvalidInput(
                f"{recipient.role}s take no hotline messages (they cannot acknowledge)", field=f"to[{i}]"
            )
    if cmd.message_id is None:
        message_id = str(uuid.uuid4())
    else:  # in the sender's own name space: a clash tells it only of its own messages
        message_id = scoped_message_id(cmd.party, cmd.message_id)
        if uow.messages.exists(message_id):
            raise InvalidInput(f"you already sent a message with id {cmd.message_id!r}", field="id")
    message = Message(
        id=message_id,
        sender=cmd.party,
        recipients=tuple(sorted(cmd.recipients)),
        precedence=cmd.precedence,
        type=cmd.type,
        text=cmd.text,
        sent_at=now,
        deadline=policy.deadline(cmd.precedence),
        officer=cmd.officer,
        refs=cmd.refs,
        area=cmd.area,
        window=cmd.window,
        lead_times_s=tuple(_lead_times(uow, cmd, cmd.refs, now)),
    )
    first = next_deadline_after(now, message.deadline, 0, policy.top_level)
    record = MessageRecord(message, tuple(Receipt(p, next_deadline=first) for p in message.recipients))
    uow.messages.add(record)
    payload, signature = _signed(message_payload(message), cmd.signature, cmd.request_body)
    uow.record("message.sent", payload, actor=cmd.party, **signature)
    return record


def mark_message(uow: UnitOfWork, clock: Clock, cmd: MarkMessage) -> MessageOutcome:
    """A recipient's step; steps jumped over are recorded too; a step already taken changes nothing."""
    with uow:
        visible_message(uow, cmd, cmd.message_id, Access.ACT)
        receipt = uow.messages.receipt_for_update(cmd.message_id, cmd.party)
        if receipt is None:  # pragma: no cover - the policy let only a recipient through
            raise NotFound(f"no message {cmd.message_id!r}", field="message_id")
        now = clock.now()
        moved, steps = receipt.advance(cmd.target, now, cmd.officer)
        record = uow.messages.get(cmd.message_id)
        if record is None:  # pragma: no cover - the receipt row references it
            raise NotFound(f"no message {cmd.message_id!r}", field="message_id")
        if steps:
            uow.messages.save_receipt(cmd.message_id, moved)
            for step in steps:
                payload = receipt_payload(record.message, moved, step, now)
                if step is cmd.target:
                    payload, signature = _signed(payload, cmd.signature, cmd.request_body)
                else:
                    payload["implied_by"], signature = cmd.target.value, {}
                uow.record(f"message.{step.value}", payload, actor=cmd.party, **signature)
            record = replace(
                record, receipts=tuple(moved if r.party == cmd.party else r for r in record.receipts)
            )
        entries = uow.commit()
    return MessageOutcome(record, tuple(entries))


def mark_delivered(uow: UnitOfWork, clock: Clock, party: str, message_id: str) -> MessageOutcome:
    return mark_message(uow, clock, MarkMessage(party, message_id, RecipientState.DELIVERED))


def mark_read(uow: UnitOfWork, clock: Clock, party: str, message_id: str) -> MessageOutcome:
    return mark_message(uow, clock, MarkMessage(party, message_id, RecipientState.READ))


def acknowledge(
    uow: UnitOfWork,
    clock: Clock,
    party: str,
    message_id: str,
    officer: str = "",
    signature: Signature | None = None,
) -> MessageOutcome:
    return mark_message(
        uow, clock, MarkMessage(party, message_id, RecipientState.ACKNOWLEDGED, officer, signature)
    )


def escalate_due(
    uow: UnitOfWork, clock: Clock, policy: HotlinePolicy, *, limit: int = 200
) -> list[Escalated]:
    """Escalate every recipient whose deadline has passed (up to ``limit`` rows), in one transaction."""
    taken: list[Escalated] = []
    with uow:
        now = clock.now()
        for record, receipt in uow.messages.overdue_for_update(now, limit):
            message = record.message
            if receipt.state is RecipientState.ACKNOWLEDGED:
                uow.messages.save_receipt(message.id, replace(receipt, next_deadline=None))
                continue
            levels = levels_due(
                message.sent_at, message.deadline, receipt.escalation_level, now, policy.top_level
            )
            roster = uow.messages.roster(receipt.party) if levels else ()
            for level in levels:
                due = escalation_due_at(message.sent_at, message.deadline, level - 1)
                following = next_deadline_after(message.sent_at, message.deadline, level, policy.top_level)
                payload = escalation_payload(
                    message,
                    receipt.party,
                    level,
                    policy.top_level,
                    due,
                    now,
                    roster_contacts(roster, level),
                    following,
                )
                uow.record("message.escalated", payload, actor=None)
                taken.append(Escalated(message.id, receipt.party, level, due, now))
            level = levels[-1] if levels else receipt.escalation_level
            uow.messages.save_receipt(
                message.id,
                replace(
                    receipt,
                    escalation_level=level,
                    escalated_at=now if levels else receipt.escalated_at,
                    next_deadline=next_deadline_after(
                        message.sent_at, message.deadline, level, policy.top_level
                    ),
                ),
            )
        uow.commit()
    return taken


def stand_down(
    uow: UnitOfWork, now: datetime, message_id: str, alert_id: str, note: str
) -> MessageRecord | None:
    """Stand the message down (its alert cleared): no recipient escalates any more; the note
    goes to the ledger and the parties. Inside a unit of work the caller commits."""
    record = uow.messages.get(message_id)
    if record is None:
        return None
    for receipt in record.receipts:
        if receipt.next_deadline is not None:
            uow.messages.save_receipt(message_id, stood_down(receipt))
    uow.record("message.stood_down", stand_down_payload(record.message, alert_id, note, now), actor=None)
    return record


def take_up(
    uow: UnitOfWork, now: datetime, policy: HotlinePolicy, message_id: str, alert_id: str, note: str
) -> MessageRecord | None:
    """Resume a stood-down message for its alert raised again: unacknowledged recipients escalate
    again on the message's schedule. Inside a unit of work the caller commits."""
    record = uow.messages.get(message_id)
    if record is None:
        return None
    for receipt in record.receipts:
        moved = resumed(receipt, record.message, policy.top_level)
        if moved != receipt:
            uow.messages.save_receipt(message_id, moved)
    uow.record("message.resumed", stand_down_payload(record.message, alert_id, note, now), actor=None)
    return record


def next_escalation_at(uow: UnitOfWork) -> datetime | None:
    """The earliest pending escalation (read only): lets a runner sleep until then."""
    with uow:
        return uow.messages.next_deadline()


def get_message(uow: UnitOfWork, reader: Reader, message_id: str) -> MessageRecord:
    """A message, to its sender and its recipients only (others: not found)."""
    with uow:
        return visible_message(uow, reader, message_id)


def list_messages(
    uow: UnitOfWork,
    reader: Reader,
    box: Box = Box.INBOX,
    state: RecipientState | None = None,
    precedence: Precedence | None = None,
    limit: int = 100,
) -> list[MessageRecord]:
    """The reader's own messages: those it sent or received (the policy shows it no others)."""
    with uow:
        return uow.messages.list(reader.party, box, state, precedence, limit)


def set_roster(uow: UnitOfWork, clock: Clock, cmd: SetRoster) -> tuple[RosterLevel, ...]:
    """Replace the party's duty roster (levels 1, 2, ... in order)."""
    levels = tuple(sorted(cmd.levels, key=lambda r: r.level))
    if [r.level for r in levels] != list(range(1, len(levels) + 1)):
        raise InvalidInput("roster levels are 1, 2, 3 ... without gaps", field="levels")
    with uow:
        if uow.parties.get(cmd.party) is None:
            raise NotFound(f"no party {cmd.party!r}", field="party")
        uow.messages.set_roster(cmd.party, levels, clock.now())
        payload, signature = _signed(roster_payload(cmd.party, levels), cmd.signature, cmd.request_body)
        uow.record("roster.updated", payload, actor=cmd.party, **signature)
        uow.commit()
    return levels


def roster_of(uow: UnitOfWork, party: str) -> tuple[RosterLevel, ...]:
    with uow:
        return uow.messages.roster(party)
