"""What the lease use cases need from the store (see :mod:`deconflict.domain.lease`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.operation import OperationState

__all__ = ["Lease", "LeaseRepository"]


@dataclass(frozen=True, slots=True)
class Lease:
    """An emission's lease as stored: its operation, state, window end and expiry."""

    operation_id: str
    party: str
    state: OperationState
    version: int
    end: datetime
    expires_at: datetime | None


class LeaseRepository(Protocol):
    def set(self, operation_id: str, expires_at: datetime) -> None: ...
    def lock(self, operation_id: str) -> Lease | None:
        """The lease of one operation, its row locked until the transaction ends."""
        ...

    def lapsed(self, now: datetime, limit: int = 500) -> Sequence[Lease]:
        """Live emissions whose lease ran out by ``now`` inside their window, rows locked."""
        ...

    def next_expiry(self) -> datetime | None:
        """The earliest expiry that could still lapse (None: none pending)."""
        ...
