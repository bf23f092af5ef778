"""Wakes live-event streams when this replica commits something.

Streams read the ledger (the single source of events) after the last sequence
they sent; the notifier only cuts the wait short. Commits made by another
replica are picked up by the streams' short poll (and, with NATS, by the bus).
"""

from __future__ import annotations

import asyncio
import threading


class Notifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def subscribe(self) -> asyncio.Event:
        event = asyncio.Event()
        with self._lock:
            self._waiters.add((asyncio.get_running_loop(), event))
        return event

    def unsubscribe(self, event: asyncio.Event) -> None:
        with self._lock:
            self._waiters = {(loop, e) for loop, e in self._waiters if e is not event}

    def notify(self) -> None:
        """Safe from any thread (sync endpoints run in a thread pool)."""
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)
