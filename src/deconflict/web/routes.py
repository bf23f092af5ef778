"""Serve the operating picture: the page at ``/`` and its files under ``/static``.

Everything it shows comes from the /v1 API in the browser; nothing here reads the service.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
INDEX = STATIC_DIR / "index.html"


def mount_web(app: FastAPI) -> None:
    """Mount ``/static`` and serve ``index.html`` at ``/`` (no network at run time: all vendored)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(INDEX, media_type="text/html", headers={"Cache-Control": "no-cache"})
