"""What an API replica runs beside its requests: the NATS bus (when configured) and the runners."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from ..settings import Settings
from .bus import BusNotifier, NatsBus
from .periodic import runners

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
    try:
        async with runners(app, settings):
            yield
    finally:
        if bus is not None:
            await bus.close()
