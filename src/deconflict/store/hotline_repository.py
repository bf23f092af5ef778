"""The hotline's repository over one connection: messages, receipts, duty rosters."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from ..domain.activity import ActivityDomain
from ..domain.message import (
    Message,
    MessageArea,
    MessageRecord,
    MessageType,
    Precedence,
    Receipt,
    RecipientState,
    Reference,
    RosterLevel,
)
from ..domain.timewindow import TimeWindow
from ..service.hotline_ports import Box
from . import tables_hotline as h
from .codec import utc, volume_from_row, volume_row

_INSERT_MESSAGE = insert(h.messages)
_INSERT_RECIPIENT = insert(h.message_recipients)


def _opt_utc(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def _area_to_json(area: MessageArea | None) -> str | None:
    if area is None:
        return None
    rows = []
    for volume in area.volumes:
        row = volume_row(volume)
        row["polygon_wkb"] = row["polygon_wkb"].hex()
        row["time_start"] = row["time_start"].isoformat()
        row["time_end"] = row["time_end"].isoformat()
        rows.append(row)
    return json.dumps({"domain": area.domain.value, "volumes": rows}, separators=(",", ":"))


def _area_from_json(text: str | None) -> MessageArea | None:
    if not text:
        return None
    body = json.loads(text)
    volumes = []
    for row in body["volumes"]:
        row["polygon_wkb"] = bytes.fromhex(row["polygon_wkb"])
        row["time_start"] = datetime.fromisoformat(row["time_start"])
        row["time_end"] = datetime.fromisoformat(row["time_end"])
        volumes.append(volume_from_row(row))
    return MessageArea(ActivityDomain(body["domain"]), tuple(volumes))


def _receipt_row(message_id: str, receipt: Receipt) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "party_id": receipt.party,
        "state": receipt.state.value,
        "delivered_at": receipt.delivered_at,
        "read_at": receipt.read_at,
        "acknowledged_at": receipt.acknowledged_at,
        "acknowledged_by": receipt.acknowledged_by,
        "escalation_level": receipt.escalation_level,
        "escalated_at": receipt.escalated_at,
        "next_deadline": receipt.next_deadline,
    }


def _receipt(row: Any) -> Receipt:
    return Receipt(
        party=row.party_id,
        state=RecipientState(row.state),
        delivered_at=_opt_utc(row.delivered_at),
        read_at=_opt_utc(row.read_at),
        acknowledged_at=_opt_utc(row.acknowledged_at),
        acknowledged_by=row.acknowledged_by,
        escalation_level=row.escalation_level,
        escalated_at=_opt_utc(row.escalated_at),
        next_deadline=_opt_utc(row.next_deadline),
    )


class SqlMessageRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def _locks(self) -> bool:
        return self.conn.dialect.name != "sqlite"  # SQLite writers already hold the only lock

    def add(self, record: MessageRecord) -> None:
        m = record.message
        self.conn.execute(
            _INSERT_MESSAGE,
            {
                "id": m.id,
                "sender": m.sender,
                "officer": m.officer,
                "precedence": m.precedence.value,
                "type": m.type.value,
                "text": m.text,
                "refs": json.dumps([str(r) for r in m.refs]),
                "area": _area_to_json(m.area),
                "window_start": m.window.start if m.window else None,
                "window_end": m.window.end if m.window else None,
                "deadline_s": m.deadline.total_seconds(),
                "lead_times": json.dumps([list(pair) for pair in m.lead_times_s]),
                "sent_at": m.sent_at,
            },
        )
        self.conn.execute(_INSERT_RECIPIENT, [_receipt_row(m.id, r) for r in record.receipts])

    def exists(self, message_id: str) -> bool:
        found = self.conn.execute(select(h.messages.c.id).where(h.messages.c.id == message_id)).first()
        return found is not None

    def _receipts(self, message_ids: Sequence[str]) -> dict[str, list[Receipt]]:
        found: dict[str, list[Receipt]] = {i: [] for i in message_ids}
        if not message_ids:
            return found
        rows = self.conn.execute(
            select(h.message_recipients)
            .where(h.message_recipients.c.message_id.in_(list(message_ids)))
            .order_by(h.message_recipients.c.message_id, h.message_recipients.c.party_id)
        ).all()
        for row in rows:
            found[row.message_id].append(_receipt(row))
        return found

    @staticmethod
    def _message(row: Any, recipients: Sequence[str]) -> Message:
        window = None
        if row.window_start is not None and row.window_end is not None:
            window = TimeWindow(utc(row.window_start), utc(row.window_end))
        return Message(
            id=row.id,
            sender=row.sender,
            recipients=tuple(recipients),
            precedence=Precedence(row.precedence),
            type=MessageType(row.type),
            text=row.text,
            sent_at=utc(row.sent_at),
            deadline=timedelta(seconds=row.deadline_s),
            officer=row.officer,
            refs=tuple(Reference.parse(r) for r in json.loads(row.refs)),
            area=_area_from_json(row.area),
            window=window,
            lead_times_s=tuple((str(k), float(v)) for k, v in json.loads(row.lead_times)),
        )

    def _records(self, rows: Sequence[Any]) -> list[MessageRecord]:
        receipts = self._receipts([r.id for r in rows])
        return [
            MessageRecord(self._message(r, [x.party for x in receipts[r.id]]), tuple(receipts[r.id]))
            for r in rows
        ]

    def get(self, message_id: str) -> MessageRecord | None:
        row = self.conn.execute(select(h.messages).where(h.messages.c.id == message_id)).first()
        return None if row is None else self._records([row])[0]

    def receipt_for_update(self, message_id: str, party: str) -> Receipt | None:
        query = select(h.message_recipients).where(
            h.message_recipients.c.message_id == message_id, h.message_recipients.c.party_id == party
        )
        if self._locks:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else _receipt(row)

    def save_receipt(self, message_id: str, receipt: Receipt) -> None:
        row = _receipt_row(message_id, receipt)
        del row["message_id"], row["party_id"]
        self.conn.execute(
            update(h.message_recipients)
            .where(
                h.message_recipients.c.message_id == message_id,
                h.message_recipients.c.party_id == receipt.party,
            )
            .values(**row)
        )

    def next_deadline(self) -> datetime | None:
        found = self.conn.execute(
            select(h.message_recipients.c.next_deadline)
            .where(h.message_recipients.c.next_deadline.is_not(None))
            .order_by(h.message_recipients.c.next_deadline)
            .limit(1)
        ).scalar()
        return _opt_utc(found)

    def overdue_for_update(self, now: datetime, limit: int) -> list[tuple[MessageRecord, Receipt]]:
        query = (
            select(h.message_recipients)
            .where(h.message_recipients.c.next_deadline <= now)
            .order_by(h.message_recipients.c.next_deadline)
            .limit(limit)
        )
        if self._locks:
            # Two replicas' runners never take the same row: each skips what the other holds,
            # and a row committed meanwhile is re-checked against the WHERE clause.
            query = query.with_for_update(skip_locked=True)
        rows = self.conn.execute(query).all()
        found = []
        for row in rows:
            record = self.get(row.message_id)
            if record is not None:
                found.append((record, _receipt(row)))
        return found

    def list(
        self,
        party: str,
        box: Box = Box.INBOX,
        state: RecipientState | None = None,
        precedence: Precedence | None = None,
        limit: int = 100,
    ) -> list[MessageRecord]:
        received = select(h.message_recipients.c.message_id).where(h.message_recipients.c.party_id == party)
        if state is not None:
            received = received.where(h.message_recipients.c.state == state.value)
        query = select(h.messages)
        if box is Box.INBOX:
            query = query.where(h.messages.c.id.in_(received))
        elif box is Box.OUTBOX:
            query = query.where(h.messages.c.sender == party)
        else:
            query = query.where(or_(h.messages.c.sender == party, h.messages.c.id.in_(received)))
        if precedence is not None:
            query = query.where(h.messages.c.precedence == precedence.value)
        rows = self.conn.execute(
            query.order_by(h.messages.c.sent_at.desc(), h.messages.c.id).limit(limit)
        ).all()
        return self._records(rows)

    def roster(self, party: str) -> tuple[RosterLevel, ...]:
        rows = self.conn.execute(
            select(h.duty_roster).where(h.duty_roster.c.party_id == party).order_by(h.duty_roster.c.level)
        ).all()
        return tuple(RosterLevel(r.level, tuple(json.loads(r.contacts))) for r in rows)

    def set_roster(self, party: str, levels: Sequence[RosterLevel], at: datetime) -> None:
        self.conn.execute(delete(h.duty_roster).where(h.duty_roster.c.party_id == party))
        if levels:
            self.conn.execute(
                insert(h.duty_roster),
                [
                    {
                        "party_id": party,
                        "level": r.level,
                        "contacts": json.dumps(list(r.contacts)),
                        "updated_at": at,
                    }
                    for r in levels
                ],
            )
