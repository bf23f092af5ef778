"""What an API replica runs beside its requests: the NATS bus (when configured) and the escalation runner."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from ..bootstrap import hotline_policy
from ..settings import Settings
from .bus import BusNotifier, NatsBus
from .escalation import EscalationRunner

__all__ = ["background_tasks"]


@contextlib.asynccontextmanager
async def background_tasks(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Start them after the service is up; stop them before it closes."""
    bus = None
    if settings.nats_url:
        notifier = BusNotifier()
        app.state.notifier = notifier
        bus = NatsBus(settings.nats_url, notifier)
        app.state.bus = bus
        await bus.start()
    runner = EscalationRunner(app, hotline_policy(app.state.service.settings), settings.escalation_poll_s)
    task = asyncio.create_task(runner.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if bus is not None:
            await bus.close()
