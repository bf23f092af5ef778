"""The ledger table: append at the head (locked only for that moment), page, export."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..domain.canonical import canonical_json
from ..domain.ledger import ChainHead, LedgerEntry, entry_from_json, entry_to_json, make_entry
from ..domain.merkle import make_checkpoint_payload
from . import tables as t

_INSERT_ENTRY = insert(t.ledger)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    type: str
    payload: Mapping[str, Any]
    actor: str | None
    actor_sig: str | None = None
    actor_key: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceKey:
    private_b64: str
    public_b64: str


class SqlLedger:
    def __init__(self, conn: Connection, key: ServiceKey, checkpoint_every: int) -> None:
        self.conn = conn
        self.key = key
        self.checkpoint_every = checkpoint_every

    def _head(self) -> tuple[ChainHead, int]:
        query = select(t.ledger_head).where(t.ledger_head.c.id == 1)
        if self.conn.dialect.name != "sqlite":  # SQLite writers already hold the database lock
            query = query.with_for_update()
        head = self.conn.execute(query).one()  # the migration creates the row
        return ChainHead(head.seq, head.hash), head.checkpoint_to_seq

    def head_seq(self) -> int:
        """The last sequence number written (0: an empty ledger); reads without locking."""
        return int(self.conn.execute(select(t.ledger_head.c.seq).where(t.ledger_head.c.id == 1)).scalar_one())

    def _insert(self, entry: LedgerEntry) -> None:
        self.conn.execute(
            _INSERT_ENTRY,
            {
                "seq": entry.seq,
                "ts": entry.ts,
                "actor": entry.actor,
                "type": entry.type,
                "entry": canonical_json(entry_to_json(entry)).decode("utf-8"),
                "hash": entry.hash,
            },
        )

    def append(self, events: list[PendingEvent], at: datetime) -> list[LedgerEntry]:
        """Chain ``events`` after the head, adding a checkpoint when one is due."""
        if not events:
            return []
        prev: LedgerEntry | ChainHead
        prev, checkpoint_to = self._head()
        appended: list[LedgerEntry] = []
        for event in events:
            prev = make_entry(
                prev,
                at,
                event.actor,
                event.type,
                dict(event.payload),
                self.key.private_b64,
                actor_sig=event.actor_sig,
                actor_key=event.actor_key,
            )
            self._insert(prev)
            appended.append(prev)
        if prev.seq - checkpoint_to >= self.checkpoint_every:
            covered = list(self.entries(checkpoint_to + 1, prev.seq))
            prev = make_entry(
                prev, at, None, "checkpoint", make_checkpoint_payload(covered), self.key.private_b64
            )
            self._insert(prev)
            appended.append(prev)
            checkpoint_to = prev.seq - 1
        self.conn.execute(
            update(t.ledger_head)
            .where(t.ledger_head.c.id == 1)
            .values(seq=prev.seq, hash=prev.hash, checkpoint_to_seq=checkpoint_to)
        )
        return appended

    def entries(
        self, from_seq: int = 1, to_seq: int | None = None, limit: int | None = None
    ) -> Iterator[LedgerEntry]:
        query = select(t.ledger.c.entry).where(t.ledger.c.seq >= from_seq).order_by(t.ledger.c.seq)
        if to_seq is not None:
            query = query.where(t.ledger.c.seq <= to_seq)
        if limit is not None:
            query = query.limit(limit)
        for text in self.conn.execute(query).scalars():
            yield entry_from_json(json.loads(text))

    def entries_of(
        self, types: Collection[str], *, since: datetime | None = None, to_seq: int | None = None
    ) -> Iterator[LedgerEntry]:
        """Entries of the given types recorded at or after ``since`` (service clock), in order."""
        query = select(t.ledger.c.entry).where(t.ledger.c.type.in_(sorted(types))).order_by(t.ledger.c.seq)
        if since is not None:
            query = query.where(t.ledger.c.ts >= since)
        if to_seq is not None:
            query = query.where(t.ledger.c.seq <= to_seq)
        for text in self.conn.execute(query).scalars():
            yield entry_from_json(json.loads(text))
