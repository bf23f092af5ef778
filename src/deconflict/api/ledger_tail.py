"""One ledger reader per replica, shared by every live stream.

Each stream still reads the ledger after the last sequence it sent (the ledger is
the single source of events), but through this tail: on a wake-up a single query
fetches the new entries into a bounded in-memory window, and every stream takes
its share from there. With N officers connected an event costs one query, not N.
A stream behind the window (or any stream while the tail is catching up) reads
the store directly.

When to read: a stream woken by a commit that has already taken everything in
the window makes the tail read (the commit precedes the wake-up, so that read
sees it; streams woken by the same commit then find it in memory). A stream
that only polls (commits of another replica when no bus carries wake-ups) makes
it read at most every ``refresh_s``.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..bootstrap import Deconflict
from ..domain.ledger import LedgerEntry

__all__ = ["LedgerTail", "read_after"]

WINDOW = 4096
BATCH = 500


def _read(service: Deconflict, after: int, limit: int) -> list[LedgerEntry]:
    with service.uow(write=False) as uow:
        return list(uow.ledger.entries(after + 1, limit=limit))


class LedgerTail:
    def __init__(self, refresh_s: float = 0.2) -> None:
        self.refresh_s = refresh_s
        self._window: deque[LedgerEntry] = deque(maxlen=WINDOW)
        self._head = -1  # the last sequence read into the window; -1: not started
        self._caught_up = False
        self._read_at = 0.0
        self._lock = asyncio.Lock()

    async def _refresh(self, service: Deconflict, seq: int, woken: bool) -> None:
        async with self._lock:  # the first stream to wake reads; the others wait, then take from memory
            if self._head < 0:
                self._head = seq  # start where the first stream stands
            fresh = time.monotonic() - self._read_at < self.refresh_s
            if self._caught_up and (seq < self._head or (fresh and not woken)):
                return
            self._read_at = time.monotonic()
            new = await run_in_threadpool(_read, service, self._head, BATCH)
            self._window.extend(new)
            if new:
                self._head = new[-1].seq
            self._caught_up = len(new) < BATCH

    async def after(
        self, service: Deconflict, seq: int, woken: bool, limit: int = BATCH
    ) -> list[LedgerEntry]:
        """Entries with a sequence above ``seq``, in order, at most ``limit``; ``woken``: by a commit."""
        await self._refresh(service, seq, woken)
        if self._caught_up and seq >= self._head:
            return []
        window = self._window
        if self._caught_up and window and window[0].seq <= seq + 1:
            return [e for e in window if e.seq > seq][:limit]
        return await run_in_threadpool(_read, service, seq, limit)


_tails: weakref.WeakKeyDictionary[Any, LedgerTail] = weakref.WeakKeyDictionary()


async def read_after(
    service: Deconflict, notifier: Any, seq: int, woken: bool = True, limit: int = BATCH
) -> list[LedgerEntry]:
    """Through this replica's shared tail (one per notifier, that is per app)."""
    tail = _tails.get(notifier)
    if tail is None:
        tail = _tails[notifier] = LedgerTail()
    return await tail.after(service, seq, woken, limit)
