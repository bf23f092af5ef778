"""What the service layer needs from the outside, as protocols.

The store implements these with SQLAlchemy; tests may use the real store on a
SQLite file (there is no in-memory fake: the real parts are cheap here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from ..domain.access import Role
from ..domain.conflict import Conflict
from ..domain.conflict_state import ConflictState
from ..domain.operation import Operation, OperationState
from ..domain.timewindow import TimeWindow
from ..domain.volume import TaggedVolume
from .hotline_ports import MessageRepository
from .lease_ports import LeaseRepository
from .tactical_ports import AlertRepository, MonitorLease, TrackRepository

__all__ = [
    "Clock",
    "ConflictRecord",
    "PartyRecord",
    "StoredOperation",
    "SystemClock",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The service clock: the only source of 'now' for notice and receipts."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PartyRecord:
    id: str
    name: str
    role: Role
    contact: str
    public_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredOperation:
    operation: Operation
    lead_time_s: float
    late_notice: bool
    created_at: datetime
    updated_at: datetime
    lease_expires_at: datetime | None = None  # an emission's lease; None for anything else


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    id: str
    conflict: Conflict
    a_version: int
    b_version: int
    state: ConflictState
    acknowledged_by: tuple[str, ...]
    note: str
    found_at: datetime
    updated_at: datetime

    @property
    def parties(self) -> tuple[str, str]:
        return self.conflict.a.party, self.conflict.b.party


class PartyRepository(Protocol):
    def add(self, party: PartyRecord, at: datetime) -> None: ...
    def add_key(self, party_id: str, public_key: str, at: datetime) -> str: ...
    def get(self, party_id: str) -> PartyRecord | None: ...
    def by_name(self, name: str) -> PartyRecord | None: ...
    def all(self) -> list[PartyRecord]: ...
    def add_token(self, party_id: str, token_hash: str, at: datetime) -> None: ...
    def by_token_hash(self, token_hash: str) -> PartyRecord | None: ...
    def claim_signature(
        self, signature_sha256: str, party_id: str, at: datetime, forget_before: datetime
    ) -> bool: ...


class OperationRepository(Protocol):
    def add(self, op: Operation, lead_time_s: float, late: bool, at: datetime) -> None: ...
    def get(self, operation_id: str) -> StoredOperation | None: ...
    def lock(self, operation_id: str) -> None:
        """Hold the operation's row until the transaction ends: changes to one operation queue."""
        ...

    def save_version(self, op: Operation, at: datetime) -> None: ...
    def set_state(self, operation_id: str, state: OperationState, at: datetime) -> None: ...
    def live_volumes_near(
        self, cells: Sequence[int], window: TimeWindow, exclude_party: str
    ) -> list[TaggedVolume]: ...
    def versions_of(self, operation_ids: Sequence[str]) -> dict[str, int]: ...
    def list(self, **filters: Any) -> list[StoredOperation]: ...


class ConflictRepository(Protocol):
    def add(self, record: ConflictRecord) -> None: ...
    def get(self, conflict_id: str) -> ConflictRecord | None: ...
    def unsettled_for_operation(self, operation_id: str) -> list[ConflictRecord]: ...
    def update(self, record: ConflictRecord) -> None: ...
    def list(self, **filters: Any) -> list[ConflictRecord]: ...


class UnitOfWork(Protocol):
    """One transaction. Events recorded here join the ledger in the same commit."""

    @property
    def parties(self) -> PartyRepository: ...
    @property
    def operations(self) -> OperationRepository: ...
    @property
    def conflicts(self) -> ConflictRepository: ...
    @property
    def messages(self) -> MessageRepository: ...
    @property
    def leases(self) -> LeaseRepository: ...
    @property
    def tracks(self) -> TrackRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...
    @property
    def monitor_lease(self) -> MonitorLease: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def lock_cells(self, keys: Sequence[int]) -> None: ...
    def record(
        self,
        event_type: str,
        payload: Mapping[str, Any],
        *,
        actor: str | None,
        actor_sig: str | None = None,
        actor_key: str | None = None,
    ) -> None: ...
    def commit(self) -> list[Any]: ...


class UnitOfWorkFactory(Protocol):
    """Makes units of work (``Deconflict.uow``): for use cases that need several transactions."""

    def __call__(self, *, write: bool = True) -> UnitOfWork: ...
