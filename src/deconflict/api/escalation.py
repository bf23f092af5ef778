"""The escalation runner: a background task that advances overdue hotline messages.

The timer is state in the store (each recipient's ``next_deadline``), not a
sleeping task: the runner reads the earliest deadline, sleeps until then (at
most ``poll_s``; any commit wakes it early), and calls
:func:`~deconflict.service.hotline.escalate_due` in a worker thread. Every
replica runs one; they never take the same step twice (see the service), so a
restarted replica, or any other one, picks up where a dead one left off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

import anyio
from fastapi import FastAPI

from ..bootstrap import Deconflict
from ..domain.message import HotlinePolicy
from ..service.hotline import escalate_due, next_escalation_at

__all__ = ["EscalationRunner"]

log = logging.getLogger("deconflict.escalation")

MIN_SLEEP_S = 0.02


class EscalationRunner:
    def __init__(self, app: FastAPI, policy: HotlinePolicy, poll_s: float) -> None:
        self.app = app
        self.policy = policy
        self.poll_s = poll_s

    def tick(self) -> datetime | None:
        """Escalate what is due now; the next deadline after that (None: nothing pending)."""
        service: Deconflict = self.app.state.service
        due = next_escalation_at(service.uow(write=False))
        if due is not None and due <= service.clock.now():
            if escalate_due(service.uow(), service.clock, self.policy):
                self.app.state.notifier.notify()
            due = next_escalation_at(service.uow(write=False))
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
                    log.exception("escalation run failed; retrying")
                    due = None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._sleep_s(due))
        finally:
            notifier.unsubscribe(wake)
