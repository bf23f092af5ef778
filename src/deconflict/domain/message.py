"""The hotline: messages between parties, their receipts, and the escalation rule.

A message goes from a party (and an officer within it) to one or more other
parties. Its precedence sets how soon each recipient must acknowledge it; its
type follows OASIS CAP (alert, update, cancel, ack, error). Each recipient
moves through its own lifecycle, every step stamped by the service clock::

    sent ──▶ delivered ──▶ read ──▶ acknowledged

A step may jump forward (acknowledging implies delivered and read: the steps
passed are returned so that each is recorded); a step back, or to the state
already held, changes nothing (two officers' clients may both report delivery).

Escalation. Level 0 is the first alert. A recipient that has not acknowledged
by ``sent_at + deadline`` escalates to level 1 (its duty roster is re-alerted),
then at ``sent_at + 2·deadline`` to level 2 (the roster's next rung), and so on
up to the policy's top level. The schedule is fixed by ``sent_at``, not by when
the previous escalation ran, so a late runner catches up step by step and never
drifts.

Standing down. A message opened for an alert (a FLASH from the service) is stood
down when the alert clears: its recipients escalate no more
(:func:`stood_down`). Should the alert be raised again soon after, the message is
resumed rather than a new one opened (:func:`resumed`): the unacknowledged
recipients escalate again on the message's own schedule, so each level is
reached once per recipient however often the alert flaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .activity import ActivityDomain
from .errors import InvalidInput, InvalidTransition
from .timewindow import TimeWindow, as_utc
from .volume import Volume4D

__all__ = [
    "DEFAULT_DEADLINES",
    "MAX_OFFICER",
    "MAX_RECIPIENTS",
    "MAX_TEXT",
    "HotlinePolicy",
    "Message",
    "MessageArea",
    "MessageRecord",
    "MessageType",
    "Precedence",
    "Receipt",
    "RecipientState",
    "Reference",
    "ReferenceKind",
    "RosterLevel",
    "escalation_due",
    "escalation_due_at",
    "lead_time",
    "levels_due",
    "next_deadline_after",
    "resumed",
    "roster_contacts",
    "steps_to",
    "stood_down",
]

MAX_MESSAGE_ID = 64
MAX_TEXT = 10_000
MAX_OFFICER = 200
MAX_RECIPIENTS = 50
MAX_REFERENCES = 50


class Precedence(StrEnum):
    """Military message precedence, most urgent first."""

    FLASH = "FLASH"
    IMMEDIATE = "IMMEDIATE"
    PRIORITY = "PRIORITY"
    ROUTINE = "ROUTINE"

    @property
    def default_deadline(self) -> timedelta:
        """How long a recipient has to acknowledge before the message escalates."""
        return DEFAULT_DEADLINES[self]


DEFAULT_DEADLINES: Mapping[Precedence, timedelta] = {
    Precedence.FLASH: timedelta(seconds=60),
    Precedence.IMMEDIATE: timedelta(minutes=5),
    Precedence.PRIORITY: timedelta(minutes=30),
    Precedence.ROUTINE: timedelta(hours=6),
}


class MessageType(StrEnum):
    """The message type of OASIS CAP 1.2 (``msgType``), in lower case."""

    ALERT = "alert"
    UPDATE = "update"
    CANCEL = "cancel"
    ACK = "ack"
    ERROR = "error"


class ReferenceKind(StrEnum):
    MESSAGE = "message"
    OPERATION = "operation"
    CONFLICT = "conflict"
    ALERT = "alert"


_REFERENCE_ALIASES = {
    "message": ReferenceKind.MESSAGE,
    "msg": ReferenceKind.MESSAGE,
    "operation": ReferenceKind.OPERATION,
    "op": ReferenceKind.OPERATION,
    "conflict": ReferenceKind.CONFLICT,
    "alert": ReferenceKind.ALERT,
}


@dataclass(frozen=True, slots=True)
class Reference:
    """What a message refers to: an earlier message, an operation, a conflict or an alert."""

    kind: ReferenceKind
    id: str

    def __post_init__(self) -> None:
        if not self.id or len(self.id) > 64:
            raise InvalidInput("a reference names an id of 1 to 64 characters", field="refs")

    @classmethod
    def parse(cls, text: str, *, field: str = "refs") -> Reference:
        """``kind:id``, kind one of message (msg), operation (op), conflict, alert."""
        kind, sep, ident = text.partition(":")
        found = _REFERENCE_ALIASES.get(kind.strip().lower())
        if not sep or found is None:
            raise InvalidInput(
                f"{text!r} is not kind:id with kind message, operation, conflict or alert", field=field
            )
        return cls(found, ident.strip())

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


def scoped_message_id(sender: str, chosen: str) -> str:
    """The id of a message whose sender chose ``chosen``: ``<sender>.<chosen>``.

    Each sender has its own name space, so a sender choosing an id another party
    already used clashes with nothing and learns nothing of it. Party ids have no
    dot, so the scope is unambiguous, and the service's own ids (UUIDs) have none either.
    """
    scoped = f"{sender}.{chosen}"
    if not chosen or len(scoped) > MAX_MESSAGE_ID:
        longest = MAX_MESSAGE_ID - len(sender) - 1
        raise InvalidInput(f"a message id you choose is 1 to {longest} characters", field="id")
    return scoped


class RecipientState(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    ACKNOWLEDGED = "acknowledged"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = (RecipientState.SENT, RecipientState.DELIVERED, RecipientState.READ, RecipientState.ACKNOWLEDGED)


def steps_to(current: RecipientState, target: RecipientState) -> tuple[RecipientState, ...]:
    """The states passed on the way from ``current`` to ``target`` (empty: nothing to do)."""
    if target is RecipientState.SENT:
        raise InvalidTransition("a recipient cannot be moved back to sent")
    return _ORDER[current.rank + 1 : target.rank + 1]


@dataclass(frozen=True, slots=True)
class MessageArea:
    """A structured area: volumes in the GeoJSON volume format, all of one activity domain."""

    domain: ActivityDomain
    volumes: tuple[Volume4D, ...]

    def __post_init__(self) -> None:
        if not self.volumes:
            raise InvalidInput("an area needs at least one volume", field="area")

    @property
    def window(self) -> TimeWindow:
        return TimeWindow(min(v.window.start for v in self.volumes), max(v.window.end for v in self.volumes))


@dataclass(frozen=True, slots=True)
class Message:
    """One hotline message, as sent. ``deadline`` is the acknowledgement deadline it was sent with.

    ``window`` is the time window the message speaks of ('from then to then'); when an
    area is given without a window, the area's own span is the window.
    ``lead_times_s`` holds, for each referenced operation, its start − ``sent_at`` in seconds.
    """

    id: str
    sender: str
    recipients: tuple[str, ...]
    precedence: Precedence
    type: MessageType
    text: str
    sent_at: datetime
    deadline: timedelta
    officer: str = ""
    refs: tuple[Reference, ...] = ()
    area: MessageArea | None = None
    window: TimeWindow | None = None
    lead_times_s: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sent_at", as_utc(self.sent_at, field="sent_at"))
        if not self.recipients:
            raise InvalidInput("a message needs at least one recipient", field="to")
        if len(self.recipients) > MAX_RECIPIENTS:
            raise InvalidInput(f"at most {MAX_RECIPIENTS} recipients", field="to")
        if len(set(self.recipients)) != len(self.recipients):
            raise InvalidInput("a recipient is named twice", field="to")
        if self.sender in self.recipients:
            raise InvalidInput("a party does not send hotline messages to itself", field="to")
        if not self.text.strip() or len(self.text) > MAX_TEXT:
            raise InvalidInput(f"the text is 1 to {MAX_TEXT} characters", field="text")
        if len(self.officer) > MAX_OFFICER:
            raise InvalidInput(f"at most {MAX_OFFICER} characters", field="officer")
        if len(self.refs) > MAX_REFERENCES:
            raise InvalidInput(f"at most {MAX_REFERENCES} references", field="refs")
        if self.deadline <= timedelta(0):
            raise InvalidInput("the acknowledgement deadline must be positive", field="deadline")
        if self.window is None and self.area is not None:
            object.__setattr__(self, "window", self.area.window)

    @property
    def first_deadline(self) -> datetime:
        return escalation_due_at(self.sent_at, self.deadline, 0)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Where one recipient stands: its state, when each step happened, its escalation."""

    party: str
    state: RecipientState = RecipientState.SENT
    delivered_at: datetime | None = None
    read_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str = ""
    escalation_level: int = 0
    escalated_at: datetime | None = None
    next_deadline: datetime | None = None

    def advance(
        self, target: RecipientState, now: datetime, officer: str = ""
    ) -> tuple[Receipt, tuple[RecipientState, ...]]:
        """The receipt after moving to ``target`` at ``now``, and the steps that took."""
        steps = steps_to(self.state, target)
        moved = self
        for step in steps:
            if step is RecipientState.DELIVERED:
                moved = replace(moved, state=step, delivered_at=now)
            elif step is RecipientState.READ:
                moved = replace(moved, state=step, read_at=now)
            else:
                moved = replace(
                    moved, state=step, acknowledged_at=now, acknowledged_by=officer, next_deadline=None
                )
        return moved, steps


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """A message and where each of its recipients stands."""

    message: Message
    receipts: tuple[Receipt, ...] = field(default=())

    def receipt(self, party: str) -> Receipt | None:
        return next((r for r in self.receipts if r.party == party), None)

    def concerns(self, party: str) -> bool:
        return party == self.message.sender or party in self.message.recipients


@dataclass(frozen=True, slots=True)
class RosterLevel:
    """One rung of a party's duty roster: who is re-alerted at this escalation level."""

    level: int
    contacts: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.level < 1:
            raise InvalidInput("roster levels start at 1", field="levels")
        if not self.contacts or any(not c.strip() or len(c) > MAX_OFFICER for c in self.contacts):
            raise InvalidInput(
                f"each roster level names 1 or more contacts of 1 to {MAX_OFFICER} characters", field="levels"
            )


def roster_contacts(roster: tuple[RosterLevel, ...], level: int) -> RosterLevel | None:
    """The rung alerted at ``level``: that level, or the highest rung below it; None without a roster."""
    below = [r for r in roster if r.level <= level]
    return max(below, key=lambda r: r.level) if below else None


@dataclass(frozen=True, slots=True)
class HotlinePolicy:
    """Acknowledgement deadline per precedence, and how many escalation levels there are."""

    deadlines: Mapping[Precedence, timedelta] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    top_level: int = 3

    def __post_init__(self) -> None:
        if self.top_level < 1:
            raise InvalidInput("there is at least one escalation level", field="top_level")
        for precedence in Precedence:
            if self.deadline(precedence) <= timedelta(0):
                raise InvalidInput("deadlines must be positive", field=precedence.value)

    def deadline(self, precedence: Precedence) -> timedelta:
        return self.deadlines.get(precedence, precedence.default_deadline)


def escalation_due_at(sent_at: datetime, deadline: timedelta, level: int) -> datetime:
    """When a recipient at escalation ``level`` escalates to ``level + 1`` if still unacknowledged."""
    return sent_at + deadline * (level + 1)


def escalation_due(
    sent_at: datetime, deadline: timedelta, level: int, now: datetime, top_level: int = 3
) -> bool:
    """Whether an unacknowledged recipient at ``level`` must escalate at ``now``."""
    return level < top_level and now >= escalation_due_at(sent_at, deadline, level)


def levels_due(
    sent_at: datetime, deadline: timedelta, level: int, now: datetime, top_level: int
) -> tuple[int, ...]:
    """Every level an unacknowledged recipient at ``level`` must pass through by ``now``, in order."""
    due: list[int] = []
    while escalation_due(sent_at, deadline, level, now, top_level):
        level += 1
        due.append(level)
    return tuple(due)


def next_deadline_after(
    sent_at: datetime, deadline: timedelta, level: int, top_level: int
) -> datetime | None:
    """When the recipient escalates next; None once the top level is reached."""
    return escalation_due_at(sent_at, deadline, level) if level < top_level else None


def lead_time(operation_start: datetime, sent_at: datetime) -> timedelta:
    """The notice a message gave before an operation it is tied to (negative: after the start)."""
    return operation_start - sent_at


def stood_down(receipt: Receipt) -> Receipt:
    """The receipt once its message is stood down (what it was about is over): no more escalation."""
    return replace(receipt, next_deadline=None)


def resumed(receipt: Receipt, message: Message, top_level: int) -> Receipt:
    """The receipt of a stood-down message taken up again: an unacknowledged recipient escalates
    on the message's own schedule from the level it had reached."""
    if receipt.state is RecipientState.ACKNOWLEDGED:
        return receipt
    return replace(
        receipt,
        next_deadline=next_deadline_after(
            message.sent_at, message.deadline, receipt.escalation_level, top_level
        ),
    )
