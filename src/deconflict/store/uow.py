"""The unit of work: one transaction, its repositories, and its ledger entries.

Race safety (no write skew): a writer first locks every cell its volumes (plus
the separation margin) may touch, then reads the other parties' volumes, then
writes. Two writers whose volumes could conflict share at least one cell (see
:mod:`deconflict.index.cells`), so the second waits for the first and then
sees its volumes. PostgreSQL: transaction-scoped advisory locks on those cells;
writers elsewhere in the theatre do not wait. SQLite: ``BEGIN IMMEDIATE``
(one writer at a time, the whole file).

Events recorded during the transaction are chained into the ledger just before
the commit, so the ledger head is locked only for that moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from ..domain.ledger import LedgerEntry
from .engine import WRITE_OPTION, is_sqlite, writer_lock
from .hotline_repository import SqlMessageRepository
from .lease_repository import SqlLeaseRepository
from .ledger_store import PendingEvent, ServiceKey, SqlLedger
from .repositories import SqlConflictRepository, SqlOperationRepository, SqlPartyRepository
from .tactical_repository import SqlAlertRepository, SqlMonitorLease, SqlTrackRepository


class SqlUnitOfWork:
    parties: SqlPartyRepository
    operations: SqlOperationRepository
    conflicts: SqlConflictRepository
    messages: SqlMessageRepository
    leases: SqlLeaseRepository
    tracks: SqlTrackRepository
    alerts: SqlAlertRepository
    monitor_lease: SqlMonitorLease
    ledger: SqlLedger

    def __init__(
        self,
        engine: Engine,
        key: ServiceKey,
        clock: Callable[[], datetime],
        *,
        write: bool = True,
        checkpoint_every: int = 100,
    ) -> None:
        self.engine = engine
        self.key = key
        self.clock = clock
        self.write = write
        self.checkpoint_every = checkpoint_every
        self._pending: list[PendingEvent] = []
        self._conn: Connection | None = None
        self._writer_lock: threading.Lock | None = None

    def __enter__(self) -> SqlUnitOfWork:
        options = {WRITE_OPTION: True} if self.write else {}
        self._writer_lock = writer_lock(self.engine) if self.write else None
        if self._writer_lock is not None:
            self._writer_lock.acquire()
        try:
            self._conn = self.engine.connect().execution_options(**options)
            self._conn.begin()
        except BaseException:
            self._release()
            raise
        self.parties = SqlPartyRepository(self._conn)
        self.operations = SqlOperationRepository(self._conn)
        self.conflicts = SqlConflictRepository(self._conn)
        self.messages = SqlMessageRepository(self._conn)
        self.leases = SqlLeaseRepository(self._conn)
        self.tracks = SqlTrackRepository(self._conn)
        self.alerts = SqlAlertRepository(self._conn)
        self.monitor_lease = SqlMonitorLease(self._conn)
        self.ledger = SqlLedger(self._conn, self.key, self.checkpoint_every)
        self._pending = []
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._conn is not None:
                if self._conn.in_transaction():
                    self._conn.rollback()
                self._conn.close()
                self._conn = None
        finally:
            self._release()

    def _release(self) -> None:
        if self._writer_lock is not None:
            self._writer_lock.release()
            self._writer_lock = None

    @property
    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside its with-block")
        return self._conn

    def lock_cells(self, keys: Sequence[int]) -> None:
        if is_sqlite(self.engine):
            return  # BEGIN IMMEDIATE already holds the only write lock
        for key in sorted(set(keys)):
            self.connection.execute(select(func.pg_advisory_xact_lock(key)))

    def record(
        self,
        event_type: str,
        payload: Mapping[str, Any],
        *,
        actor: str | None,
        actor_sig: str | None = None,
        actor_key: str | None = None,
    ) -> None:
        self._pending.append(PendingEvent(event_type, payload, actor, actor_sig, actor_key))

    def commit(self) -> list[LedgerEntry]:
        """Append the recorded events to the ledger and commit; returns the new entries."""
        entries = self.ledger.append(self._pending, self.clock())
        self.connection.commit()
        self._pending = []
        return entries
