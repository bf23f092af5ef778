"""The life of a recorded conflict.

    open ──acknowledge──▶ acknowledged ──resolve──▶ resolved
      │                        │
      └────────────────────────┴──────waive──────▶ waived
      └──────────resolve───────▶ resolved

Each party acknowledges separately; the conflict is ``acknowledged`` once
either side has; it is resolved (with a note, e.g. which side amended) or
waived (with a reason) by either party. Amending or cancelling one of its
operations resolves it with a note saying so.
"""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidInput, InvalidTransition

__all__ = ["ConflictAction", "ConflictState", "next_conflict_state"]


class ConflictState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    WAIVED = "waived"

    @property
    def settled(self) -> bool:
        return self in (ConflictState.RESOLVED, ConflictState.WAIVED)


class ConflictAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    WAIVE = "waive"


def next_conflict_state(state: ConflictState, action: ConflictAction, note: str = "") -> ConflictState:
    if state.settled:
        raise InvalidTransition(f"conflict is already {state.value}")
    if action is ConflictAction.ACKNOWLEDGE:
        return ConflictState.ACKNOWLEDGED
    if action is ConflictAction.WAIVE:
        if not note.strip():
            raise InvalidInput("a waiver needs a reason", field="reason")
        return ConflictState.WAIVED
    return ConflictState.RESOLVED
