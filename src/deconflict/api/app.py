"""The FastAPI application; built by :func:`create_app`, nothing at import."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from .. import __version__
from ..settings import Settings

PLACEHOLDER_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>deconflict</title></head>
<body><h1>deconflict</h1><p>The service is running. The operating picture arrives with the API.</p>
<p><a href="/docs">API docs</a></p></body></html>"""


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="deconflict", version=__version__)
    app.state.settings = settings

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        return PLACEHOLDER_PAGE

    return app
