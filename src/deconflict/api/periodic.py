"""Background work of an API replica, driven by state in the store.

Timers are state in the store, not sleeping tasks: the hotline's escalation
deadlines (``next_deadline`` of each recipient) and the emission leases
(``operations.lease_expires_at``). A :class:`DueRunner` asks its ``tick`` to do
what is due and to name the next moment something falls due, sleeps until
then (at most ``poll_s``; any commit on this replica wakes it early) and runs
the tick in a worker thread. Every replica runs each; the use cases never take
the same step twice, so a restarted replica, or any other one, carries on
where a dead one stopped.

The monitor is different: it looks at a moving picture, so it runs every
``interval_s`` whatever the store says (:func:`monitor_loop`), on the one
replica that holds the monitor lease (any other takes over within three
intervals of the holder's death).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import anyio
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Gauge

from ..aerodromes import terminal_areas_for
from ..bootstrap import Deconflict, hotline_policy
from ..service.hotline import escalate_due, next_escalation_at
from ..service.leases import next_lapse_at, suspend_lapsed
from ..service.ports import UnitOfWork
from ..service.tactical import CycleOutcome, Monitor, MonitorRules, hold_monitor_lease
from ..settings import Settings

__all__ = ["DueRunner", "due_tick", "escalation_tick", "lease_tick", "monitor_loop", "runners"]

log = logging.getLogger("deconflict.periodic")

MIN_SLEEP_S = 0.02
Tick = Callable[[], datetime | None]


class DueRunner:
    def __init__(self, app: FastAPI, name: str, tick: Tick, poll_s: float) -> None:
        self.app = app
        self.name = name
        self.tick = tick
        self.poll_s = poll_s

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
                    log.exception("%s failed; retrying", self.name)
                    due = None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._sleep_s(due))
        finally:
            notifier.unsubscribe(wake)


def due_tick(
    app: FastAPI, next_due: Callable[[UnitOfWork], datetime | None], act: Callable[[Deconflict], object]
) -> Tick:
    """Run ``act`` when the store says something is due; the next due moment (None: nothing
    pending). ``act`` returns something true when it changed anything, which wakes the streams."""
    service: Deconflict = app.state.service

    def tick() -> datetime | None:
        due = next_due(service.uow(write=False))
        if due is not None and due <= service.clock.now():
            if act(service):
                app.state.notifier.notify()
            due = next_due(service.uow(write=False))
        return due

    return tick


def escalation_tick(app: FastAPI) -> Tick:
    """Escalate overdue hotline messages."""
    policy = hotline_policy(app.state.service.settings)
    return due_tick(app, next_escalation_at, lambda s: escalate_due(s.uow(), s.clock, policy))


def lease_tick(app: FastAPI) -> Tick:
    """Suspend emissions whose lease lapsed."""
    return due_tick(app, next_lapse_at, lambda s: suspend_lapsed(s.uow(), s.clock))


def monitor_for(service: Deconflict) -> Monitor:
    settings = service.settings
    rules = MonitorRules(
        max_age_s=settings.track_max_age_s,
        look_ahead_s=settings.monitor_look_ahead_s,
        clear_hold=timedelta(seconds=settings.alert_clear_hold_s),
        coast_s={
            "en_route": settings.track_coast_aircraft_s,
            "terminal": settings.track_coast_aircraft_s,
            "drone": settings.track_coast_drone_s,
            "vessel": settings.track_coast_vessel_s,
        },
        vertical_horizon_s=settings.monitor_vertical_horizon_s,
        flash_reuse=timedelta(seconds=settings.flash_reuse_s),
        confirm=timedelta(seconds=settings.alert_confirm_s),
        raise_within_s=settings.alert_raise_within_s,
        rearm=timedelta(seconds=settings.alert_rearm_s),
        terminal=terminal_areas_for(settings),
    )
    return Monitor(rules, hotline_policy(settings), service.key.public_b64)


class MonitorMetrics:
    """What an operator watches of the monitor, on ``/metrics``."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.stage = Gauge(
            "deconflict_monitor_stage_seconds", "Last monitor cycle, by stage", ["stage"], registry=registry
        )
        self.platforms = Gauge(
            "deconflict_monitor_platforms", "Platforms in the live picture", registry=registry
        )
        self.findings = Gauge("deconflict_monitor_findings", "Findings of the last cycle", registry=registry)
        self.cycles = Counter("deconflict_monitor_cycles", "Monitor cycles run", registry=registry)
        self.failures = Counter(
            "deconflict_monitor_failures", "Monitor cycles that failed", registry=registry
        )
        self.leader = Gauge(
            "deconflict_monitor_leader", "1 when this replica holds the monitor lease", registry=registry
        )

    def observe(self, outcome: CycleOutcome) -> None:
        for stage, ms in outcome.timings_ms.items():
            self.stage.labels(stage).set(ms / 1000.0)
        self.platforms.set(outcome.platforms)
        self.findings.set(outcome.findings)
        self.cycles.inc()


async def monitor_loop(app: FastAPI, interval_s: float) -> None:
    """A monitor cycle every ``interval_s`` (measured start to start); a slow cycle is not queued."""
    service: Deconflict = app.state.service
    monitor = await anyio.to_thread.run_sync(monitor_for, service)  # reads the aerodrome list
    metrics = MonitorMetrics(getattr(app.state, "metrics", None) or CollectorRegistry())

    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    ttl = timedelta(seconds=max(3.0 * interval_s, 3.0))

    def cycle() -> None:
        leading = hold_monitor_lease(service.uow(), service.clock, holder, ttl)
        metrics.leader.set(1 if leading else 0)
        if not leading:
            monitor.forget()  # the leader's memory is the one that counts
            return
        outcome = monitor.cycle(service.uow, service.clock)
        if outcome.entries:
            app.state.notifier.notify()
        metrics.observe(outcome)

    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        try:
            await anyio.to_thread.run_sync(cycle)
        except Exception:
            metrics.failures.inc()
            log.exception("monitor cycle failed; retrying")
        await asyncio.sleep(max(MIN_SLEEP_S, interval_s - (loop.time() - started)))


@contextlib.asynccontextmanager
async def runners(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Run escalation, lease sweep and monitor while the app serves; stop them before it closes."""
    tasks = [
        asyncio.create_task(
            DueRunner(app, "escalation", escalation_tick(app), settings.escalation_poll_s).run()
        ),
        asyncio.create_task(DueRunner(app, "lease sweep", lease_tick(app), settings.lease_poll_s).run()),
    ]
    if settings.monitor_interval_s > 0:
        tasks.append(asyncio.create_task(monitor_loop(app, settings.monitor_interval_s)))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
