"""The lease runner: a background task that suspends emissions whose lease lapsed.

The expiry is state in the store (``operations.lease_expires_at``), not a
sleeping task: the runner reads the earliest expiry, sleeps until then (at most
``poll_s``; any commit on this replica, such as a heartbeat, wakes it early),
and calls :func:`~deconflict.service.leases.suspend_lapsed` in a worker
thread. Every replica runs one; they never suspend one emission twice (see the
service), so a restarted replica, or any other one, carries on where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime

import anyio
from fastapi import FastAPI

from ..bootstrap import Deconflict
from ..service.leases import next_lapse_at, suspend_lapsed
from ..settings import Settings

__all__ = ["LeaseRunner", "lease_runner"]

log = logging.getLogger("deconflict.leases")

MIN_SLEEP_S = 0.02


class LeaseRunner:
    def __init__(self, app: FastAPI, poll_s: float) -> None:
        self.app = app
        self.poll_s = poll_s

    def tick(self) -> datetime | None:
        """Suspend what has lapsed by now; the next expiry after that (None: nothing pending)."""
        service: Deconflict = self.app.state.service
        due = next_lapse_at(service.uow(write=False))
        if due is not None and due <= service.clock.now():
            if suspend_lapsed(service.uow(), service.clock):
                self.app.state.notifier.notify()
            due = next_lapse_at(service.uow(write=False))
        return due

    def _sleep_s(self, due: datetime | None) -> float:
        if due is None:
            return self.poll_s
        service: Deconflict = self.app.state.service
        left = (due - service.clock.now()).total_seconds()
        return min(self.poll_s, max(MIN_SLEEP_S, left))

    async def run(self) -> None:
        notifier = self.app.state.notifier
        wake = notifier.subscribe()
        try:
            while True:
                wake.clear()
                try:
                    due = await anyio.to_thread.run_sync(self.tick)
                except Exception:
                    log.exception("lease sweep failed; retrying")
                    due = None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._sleep_s(due))
        finally:
            notifier.unsubscribe(wake)


@contextlib.asynccontextmanager
async def lease_runner(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Run the lease runner while the app serves; stop it before the service closes."""
    task = asyncio.create_task(LeaseRunner(app, settings.lease_poll_s).run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
