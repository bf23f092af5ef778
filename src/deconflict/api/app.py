"""The FastAPI application; built by :func:`create_app`, nothing at import."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from .. import __version__
from ..bootstrap import Deconflict, bootstrap
from ..settings import Settings
from ..web import mount_web
from . import errors
from .auth import TokenCache
from .background import background_tasks
from .middleware import LimitsAndMetrics
from .notifier import Notifier
from .routes import (
    alerts,
    conflicts,
    events,
    leases,
    ledger,
    messages,
    operations,
    parties,
    reports,
    tracks,
)


def create_app(settings: Settings, service: Deconflict | None = None) -> FastAPI:
    """Build the app; with no ``service``, bootstrap one from settings at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = service is None
        app.state.service = service or bootstrap(settings)
        try:
            async with background_tasks(app, settings):
                # What start-up built lives as long as the process: keep it out of the
                # collector's full passes (a quarter of the cost of parsing a report batch).
                gc.freeze()
                yield
        finally:
            if owned:
                app.state.service.close()

    app = FastAPI(
        title="deconflict",
        version=__version__,
        description="Joint deconfliction between independent parties: declare 4D operations and zones, "
        "find conflicts before they happen, keep a signed record.",
        lifespan=lifespan,
    )
    if service is not None:
        app.state.service = service
    app.state.notifier = Notifier()
    app.state.tokens = TokenCache()
    errors.install(app)
    _install_limits_and_metrics(app, settings)
    for module in (operations, leases, conflicts, ledger, parties, events, messages, tracks, alerts, reports):
        app.include_router(module.router)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    mount_web(app)  # the operating picture at / (links to /docs), its files under /static

    return app


def _install_limits_and_metrics(app: FastAPI, settings: Settings) -> None:
    registry = CollectorRegistry()
    app.state.metrics = registry
    app.state.track_rejects = tracks.rejects_counter(registry)
    app.add_middleware(
        LimitsAndMetrics,
        max_body_bytes=settings.max_request_bytes,
        request_timeout_s=settings.request_timeout_s,
        registry=registry,
    )

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
