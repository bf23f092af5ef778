"""Ledger payloads of the hotline, as plain JSON-able mappings.

Every payload names the sender and the recipients: the live event channel shows
a hotline event to those parties only (see :func:`deconflict.domain.access.event_subject`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.message import Message, Receipt, RecipientState, RosterLevel
from ..formats.geojson import feature_collection, volume_feature
from .records import iso

__all__ = [
    "escalation_payload",
    "message_payload",
    "receipt_payload",
    "roster_payload",
    "stand_down_payload",
]


def _parties(message: Message) -> dict[str, Any]:
    return {"message_id": message.id, "sender": message.sender, "recipients": list(message.recipients)}


def message_payload(message: Message) -> dict[str, Any]:
    area = None
    if message.area is not None:
        area = feature_collection(
            [
                volume_feature(v, party=message.sender, operation=message.id, domain=message.area.domain)
                for v in message.area.volumes
            ]
        )
    return {
        **_parties(message),
        "officer": message.officer,
        "precedence": message.precedence.value,
        "type": message.type.value,
        "text": message.text,
        "refs": [str(r) for r in message.refs],
        "area": area,
        "time_start": iso(message.window.start) if message.window else None,
        "time_end": iso(message.window.end) if message.window else None,
        "sent_at": iso(message.sent_at),
        "deadline_s": message.deadline.total_seconds(),
        "ack_due_at": iso(message.first_deadline),
        "lead_time_s": {op: round(seconds, 3) for op, seconds in message.lead_times_s},
    }


def receipt_payload(message: Message, receipt: Receipt, step: RecipientState, at: datetime) -> dict[str, Any]:
    payload = {
        **_parties(message),
        "party": receipt.party,
        "state": step.value,
        "precedence": message.precedence.value,
        "at": iso(at),
        "since_sent_s": round((at - message.sent_at).total_seconds(), 6),
    }
    if step is RecipientState.ACKNOWLEDGED:
        payload["officer"] = receipt.acknowledged_by
        payload["in_time"] = at <= message.first_deadline
    return payload


def escalation_payload(
    message: Message,
    party: str,
    level: int,
    top_level: int,
    due_at: datetime,
    at: datetime,
    rung: RosterLevel | None,
    next_deadline: datetime | None,
) -> dict[str, Any]:
    return {
        **_parties(message),
        "party": party,
        "precedence": message.precedence.value,
        "level": level,
        "top_level": top_level,
        "due_at": iso(due_at),
        "escalated_at": iso(at),
        "late_by_s": round((at - due_at).total_seconds(), 6),
        "roster_level": rung.level if rung else None,
        "contacts": list(rung.contacts) if rung else [],
        "next_deadline": iso(next_deadline) if next_deadline else None,
    }


def stand_down_payload(message: Message, alert_id: str, note: str, at: datetime) -> dict[str, Any]:
    """A message stood down (``message.stood_down``) or resumed (``message.resumed``) for its alert."""
    return {**_parties(message), "alert_id": alert_id, "note": note, "at": iso(at)}


def roster_payload(party: str, levels: tuple[RosterLevel, ...]) -> dict[str, Any]:
    return {"party": party, "levels": [{"level": r.level, "contacts": list(r.contacts)} for r in levels]}
