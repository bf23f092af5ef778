"""What the hotline use cases need from the store (the unit of work's ``messages``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from ..domain.message import MessageRecord, Precedence, Receipt, RecipientState, RosterLevel

__all__ = ["Box", "MessageRepository"]


class Box(StrEnum):
    """Which messages a listing shows a party."""

    INBOX = "inbox"
    OUTBOX = "outbox"
    ALL = "all"


class MessageRepository(Protocol):
    def add(self, record: MessageRecord) -> None: ...
    def exists(self, message_id: str) -> bool: ...
    def get(self, message_id: str) -> MessageRecord | None: ...
    def receipt_for_update(self, message_id: str, party: str) -> Receipt | None:
        """The recipient's row, locked until the end of the transaction (PostgreSQL)."""
        ...

    def save_receipt(self, message_id: str, receipt: Receipt) -> None: ...
    def next_deadline(self) -> datetime | None:
        """The earliest pending escalation, any message."""
        ...

    def overdue_for_update(self, now: datetime, limit: int) -> list[tuple[MessageRecord, Receipt]]:
        """Recipients whose deadline has passed, locked; rows another transaction holds are skipped."""
        ...

    def list(
        self,
        party: str,
        box: Box = Box.INBOX,
        state: RecipientState | None = None,
        precedence: Precedence | None = None,
        limit: int = 100,
    ) -> list[MessageRecord]: ...
    def roster(self, party: str) -> tuple[RosterLevel, ...]: ...
    def set_roster(self, party: str, levels: Sequence[RosterLevel], at: datetime) -> None: ...
