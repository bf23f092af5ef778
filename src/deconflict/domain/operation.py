"""Operations and zones: what a party declares, and their state machine.

    proposed ──accept──▶ accepted ──activate──▶ activated ──end──▶ ended
        │                   │                      │
        └──────cancel───────┴────────cancel────────┘──▶ cancelled
        │                   │                      │          ▲
        └──────suspend──────┴───────suspend────────┘──▶ suspended ──cancel──┘

An operation is *live* (it can conflict) until it is ended, cancelled or
suspended. Only an emission holds a lease (see :mod:`.lease`); when the lease
lapses the service suspends it. Suspension is final: the owner cancels the
suspended emission and submits it again, so it is checked afresh against what
the others declared while it was off the air.
A zone is a standing volume (airspace, air-defence area, hazard area,
restricted frequency); it is live until retired (state ``cancelled``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from .activity import ActivityDomain
from .errors import InvalidInput, InvalidTransition
from .volume import Volume4D

__all__ = [
    "DeclarationKind",
    "Operation",
    "OperationAction",
    "OperationState",
    "next_state",
]


class DeclarationKind(StrEnum):
    OPERATION = "operation"
    ZONE = "zone"


class OperationState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    ACTIVATED = "activated"
    ENDED = "ended"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"

    @property
    def live(self) -> bool:
        return self not in (OperationState.ENDED, OperationState.CANCELLED, OperationState.SUSPENDED)


class OperationAction(StrEnum):
    ACCEPT = "accept"
    ACTIVATE = "activate"
    END = "end"
    CANCEL = "cancel"
    SUSPEND = "suspend"


_TRANSITIONS: dict[tuple[OperationState, OperationAction], OperationState] = {
    (OperationState.PROPOSED, OperationAction.ACCEPT): OperationState.ACCEPTED,
    (OperationState.PROPOSED, OperationAction.ACTIVATE): OperationState.ACTIVATED,
    (OperationState.ACCEPTED, OperationAction.ACTIVATE): OperationState.ACTIVATED,
    (OperationState.ACTIVATED, OperationAction.END): OperationState.ENDED,
    (OperationState.PROPOSED, OperationAction.CANCEL): OperationState.CANCELLED,
    (OperationState.ACCEPTED, OperationAction.CANCEL): OperationState.CANCELLED,
    (OperationState.ACTIVATED, OperationAction.CANCEL): OperationState.CANCELLED,
    (OperationState.PROPOSED, OperationAction.SUSPEND): OperationState.SUSPENDED,
    (OperationState.ACCEPTED, OperationAction.SUSPEND): OperationState.SUSPENDED,
    (OperationState.ACTIVATED, OperationAction.SUSPEND): OperationState.SUSPENDED,
    (OperationState.SUSPENDED, OperationAction.CANCEL): OperationState.CANCELLED,
}


def next_state(state: OperationState, action: OperationAction) -> OperationState:
    """The state after ``action``; refuses steps the machine does not have."""
    try:
        return _TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(f"cannot {action.value} an operation that is {state.value}") from None


@dataclass(frozen=True, slots=True)
class Operation:
    """A declared operation (or zone) at one version.

    ``details`` is free text for the owner only; other parties see the volumes,
    state, owner, version and ``contact`` (need to know).
    """

    id: str
    party: str
    domain: ActivityDomain
    volumes: tuple[Volume4D, ...]
    version: int = 1
    state: OperationState = OperationState.PROPOSED
    kind: DeclarationKind = DeclarationKind.OPERATION
    priority: int = 0
    details: str = ""
    contact: str = ""
    notice_at: datetime | None = None
    category: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.volumes:
            raise InvalidInput("an operation needs at least one volume", field="features")

    @property
    def start(self) -> datetime:
        return min(v.window.start for v in self.volumes)

    @property
    def end(self) -> datetime:
        return max(v.window.end for v in self.volumes)

    def lead_time(self) -> timedelta | None:
        """Operation start − notice: how long the others had to prepare."""
        return None if self.notice_at is None else self.start - self.notice_at
