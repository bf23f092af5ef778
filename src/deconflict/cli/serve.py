"""``deconflict serve``: run the HTTP service."""

from __future__ import annotations

from typing import Annotated

import typer

from ..settings import Settings
from .output import console


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[str | None, typer.Option(help="Database URL (default: SQLite under the data dir).")] = None,
    demo: Annotated[bool, typer.Option(help="Load the demo theatre.")] = False,
) -> None:
    """Serve deconflict over HTTP."""
    import uvicorn

    from ..api.app import create_app

    settings = Settings(host=host, port=port, **({"database_url": db} if db else {}))
    app = create_app(settings)
    console().print(f"deconflict serving on [bold]http://{host}:{port}/[/]  (API docs: /docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
