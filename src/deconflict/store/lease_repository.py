"""Emission leases over one connection: the ``lease_expires_at`` column of ``operations``.

Race safety: a heartbeat and the lapse sweep both lock the operation's row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has a single writer anyway),
and the sweep's lapse condition is in its ``WHERE``, which PostgreSQL checks
again on the newest row version after waiting: a heartbeat that committed
first is seen, and the emission is not suspended.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from ..domain.operation import OperationState
from ..service.lease_ports import Lease
from . import tables as t
from .codec import utc

_LIVE = [state.value for state in OperationState if state.live]
_COLUMNS = (
    t.operations.c.id,
    t.operations.c.party_id,
    t.operations.c.state,
    t.operations.c.version,
    t.operations.c.time_end,
    t.operations.c.lease_expires_at,
)


def _lease(row: Any) -> Lease:
    expires = row.lease_expires_at
    return Lease(
        row.id,
        row.party_id,
        OperationState(row.state),
        row.version,
        utc(row.time_end),
        None if expires is None else utc(expires),
    )


class SqlLeaseRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def set(self, operation_id: str, expires_at: datetime) -> None:
        self.conn.execute(
            update(t.operations).where(t.operations.c.id == operation_id).values(lease_expires_at=expires_at)
        )

    def lock(self, operation_id: str) -> Lease | None:
        row = self.conn.execute(
            select(*_COLUMNS).where(t.operations.c.id == operation_id).with_for_update()
        ).first()
        return None if row is None else _lease(row)

    def lapsed(self, now: datetime, limit: int = 500) -> list[Lease]:
        rows = self.conn.execute(
            select(*_COLUMNS)
            .where(
                t.operations.c.lease_expires_at <= now,
                t.operations.c.lease_expires_at < t.operations.c.time_end,
                t.operations.c.state.in_(_LIVE),
            )
            .order_by(t.operations.c.lease_expires_at, t.operations.c.id)
            .limit(limit)
            .with_for_update()
        ).all()
        return [_lease(r) for r in rows]

    def next_expiry(self) -> datetime | None:
        value = self.conn.execute(
            select(func.min(t.operations.c.lease_expires_at)).where(
                t.operations.c.lease_expires_at < t.operations.c.time_end,
                t.operations.c.state.in_(_LIVE),
            )
        ).scalar_one_or_none()
        return None if value is None else utc(value)
