"""Commands of the hotline: what a party asks of it. Plain frozen dataclasses.

``signature`` is the party's Ed25519 signature over ``signature.signed``; the ledger
entry carries both, so the party cannot later deny the request. When the signed
part only names the body by its hash (a signed HTTP request), ``request_body``
carries that body, so the ledger shows what was said and anyone can check the hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.access import Role
from ..domain.message import MessageArea, MessageType, Precedence, RecipientState, Reference, RosterLevel
from ..domain.timewindow import TimeWindow
from .commands import Signature

__all__ = ["MarkMessage", "SendMessage", "SetRoster"]


@dataclass(frozen=True, slots=True)
class SendMessage:
    party: str
    recipients: tuple[str, ...]
    text: str
    precedence: Precedence = Precedence.ROUTINE
    type: MessageType = MessageType.ALERT
    officer: str = ""
    refs: tuple[Reference, ...] = ()
    area: MessageArea | None = None
    window: TimeWindow | None = None
    message_id: str | None = None  # chosen by the sender: scoped to it (see scoped_message_id)
    signature: Signature | None = None
    request_body: str | None = None
    role: Role = Role.PARTY


@dataclass(frozen=True, slots=True)
class MarkMessage:
    """A recipient reports a step: delivered, read or acknowledged."""

    party: str
    message_id: str
    target: RecipientState
    officer: str = ""
    signature: Signature | None = None
    request_body: str | None = None
    role: Role = Role.PARTY


@dataclass(frozen=True, slots=True)
class SetRoster:
    """A party's duty roster: level 1 is re-alerted first, then level 2, ..."""

    party: str
    levels: tuple[RosterLevel, ...]
    signature: Signature | None = None
    request_body: str | None = None
