"""Fan-out between API replicas over NATS JetStream: a commit on one replica wakes the others.

The ledger stays the single source of events: live streams read it after the
last sequence they sent. The bus only cuts their wait short. After every local
commit a replica publishes a small wake-up (its replica id and nothing else) to
``deconflict.events.commit`` on the JetStream stream ``DECONFLICT_EVENTS``;
every replica subscribes with an ordered push consumer and, on a wake-up from
another replica, wakes its own streams. Without NATS — or while it is
unreachable — the streams' short poll still delivers, only later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy, DiscardPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from .notifier import Notifier

__all__ = ["STREAM", "SUBJECT", "BusNotifier", "NatsBus"]

log = logging.getLogger("deconflict.bus")

STREAM = "DECONFLICT_EVENTS"
SUBJECT = "deconflict.events.commit"
RETRY_S = 1.0


class BusNotifier(Notifier):
    """The replica's notifier: wakes local streams and forwards every local commit to the bus."""

    def __init__(self) -> None:
        super().__init__()
        self.forward: Callable[[], None] | None = None

    def notify(self) -> None:
        super().notify()
        forward = self.forward
        if forward is not None:
            forward()

    def wake_local(self) -> None:
        """A commit made elsewhere: wake this replica's streams only (no echo to the bus)."""
        super().notify()


class NatsBus:
    def __init__(self, url: str, notifier: BusNotifier, replica: str | None = None) -> None:
        self.url = url
        self.notifier = notifier
        self.replica = replica or uuid.uuid4().hex
        self.received = 0  # wake-ups from other replicas, for tests and metrics
        self._payload = json.dumps({"replica": self.replica}).encode()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._sub: Any = None
        self._dirty = False
        self._flusher: asyncio.Task[None] | None = None
        self._connector: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect in the background (retrying), so a NATS outage never stops the API."""
        self._loop = asyncio.get_running_loop()
        self.notifier.forward = self._forward
        self._connector = asyncio.create_task(self._connect())

    async def _connect(self) -> None:
        while True:
            try:
                self._nc = await nats.connect(
                    self.url,
                    name=f"deconflict-{self.replica[:8]}",
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    connect_timeout=2,
                    reconnected_cb=self._reconnected,
                    error_cb=self._error,
                )
                await self._setup()
                return
            except (OSError, TimeoutError, nats.errors.Error) as error:
                log.warning("NATS at %s unreachable (%s); retrying in %.0f s", self.url, error, RETRY_S)
                if self._nc is not None:
                    with contextlib.suppress(Exception):
                        await self._nc.close()
                    self._nc = None
                await asyncio.sleep(RETRY_S)

    async def _setup(self) -> None:
        if self._nc is None:
            return
        js = self._nc.jetstream()
        config = StreamConfig(
            name=STREAM,
            subjects=["deconflict.events.>"],
            storage=StorageType.MEMORY,
            max_age=60.0,
            max_msgs=100_000,
            discard=DiscardPolicy.OLD,
        )
        try:
            await js.add_stream(config)
        except BadRequestError:  # exists with another configuration: adopt ours
            await js.update_stream(config)
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
        self._sub = await js.subscribe(
            SUBJECT, cb=self._on_message, ordered_consumer=True, deliver_policy=DeliverPolicy.NEW
        )
        self._js = js

    async def _reconnected(self) -> None:
        try:
            await self._setup()  # the stream may have gone with a restarted server
        except Exception:
            log.exception("could not re-create the JetStream subscription")

    async def _error(self, error: Exception) -> None:
        log.warning("NATS: %s", error)

    async def _on_message(self, msg: Any) -> None:
        try:
            sender = json.loads(msg.data).get("replica")
        except (ValueError, AttributeError):
            sender = None
        if sender != self.replica:
            self.received += 1
            self.notifier.wake_local()

    def _forward(self) -> None:
        """Called from any thread after a local commit."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._kick)

    def _kick(self) -> None:
        self._dirty = True
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        # Wake-ups coalesce: the others re-read the ledger after their last sequence anyway.
        while self._dirty:
            self._dirty = False
            js = self._js
            if js is None:
                return
            try:
                await js.publish(SUBJECT, self._payload, stream=STREAM, timeout=2)
            except Exception as error:
                log.warning("publishing to NATS failed: %s", error)

    async def close(self) -> None:
        self.notifier.forward = None
        for task in (self._connector, self._flusher):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.close()
            self._nc = None
