"""What the API shows of hotline messages (to their sender and recipients only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..domain.message import MessageRecord, Receipt, RosterLevel
from ..service.hotline_records import message_payload

__all__ = ["MessageView", "ReceiptView", "RosterView", "message_view", "roster_view"]


class ReceiptView(BaseModel):
    party: str
    state: str = Field(description="sent | delivered | read | acknowledged")
    delivered_at: datetime | None
    read_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str = Field(description="The acknowledging officer, as the recipient named them.")
    escalation_level: int = Field(description="0: first alert; 1: duty roster re-alerted; 2, 3: next rungs.")
    escalated_at: datetime | None
    next_deadline: datetime | None = Field(description="When it escalates next if unacknowledged.")


class MessageView(BaseModel):
    id: str
    sender: str
    officer: str
    recipients: list[str]
    precedence: str = Field(description="FLASH | IMMEDIATE | PRIORITY | ROUTINE")
    type: str = Field(description="alert | update | cancel | ack | error (OASIS CAP msgType)")
    text: str
    refs: list[str] = Field(description="kind:id of earlier messages, operations, conflicts, alerts.")
    area: dict[str, Any] | None = Field(description="GeoJSON FeatureCollection in the volume format.")
    time_start: datetime | None
    time_end: datetime | None
    sent_at: datetime = Field(description="Service clock.")
    deadline_s: float = Field(description="Acknowledgement deadline the message was sent with, seconds.")
    ack_due_at: datetime
    lead_time_s: dict[str, float] = Field(
        description="Per referenced operation: its start − sent_at, seconds."
    )
    receipts: list[ReceiptView]


class RosterView(BaseModel):
    party: str
    levels: list[list[str]] = Field(description="levels[0] is re-alerted at escalation level 1, and so on.")


def _receipt(receipt: Receipt) -> ReceiptView:
    return ReceiptView(
        party=receipt.party,
        state=receipt.state.value,
        delivered_at=receipt.delivered_at,
        read_at=receipt.read_at,
        acknowledged_at=receipt.acknowledged_at,
        acknowledged_by=receipt.acknowledged_by,
        escalation_level=receipt.escalation_level,
        escalated_at=receipt.escalated_at,
        next_deadline=receipt.next_deadline,
    )


def message_view(record: MessageRecord) -> MessageView:
    body = message_payload(record.message)
    return MessageView(
        id=record.message.id,
        sender=body["sender"],
        officer=body["officer"],
        recipients=body["recipients"],
        precedence=body["precedence"],
        type=body["type"],
        text=body["text"],
        refs=body["refs"],
        area=body["area"],
        time_start=body["time_start"],
        time_end=body["time_end"],
        sent_at=record.message.sent_at,
        deadline_s=body["deadline_s"],
        ack_due_at=record.message.first_deadline,
        lead_time_s=body["lead_time_s"],
        receipts=[_receipt(r) for r in record.receipts],
    )


def roster_view(party: str, levels: tuple[RosterLevel, ...]) -> RosterView:
    return RosterView(party=party, levels=[list(r.contacts) for r in levels])
