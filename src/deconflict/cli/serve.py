"""``deconflict serve``: run the HTTP service."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from ..bootstrap import bootstrap
from ..settings import Settings
from .context import DataDirOption, DbOption
from .output import console


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
    data_dir: DataDirOption = None,
    demo: Annotated[
        bool, typer.Option(help="Load the demo theatre (two parties, an observer, a day of operations).")
    ] = False,
) -> None:
    """Serve deconflict over HTTP (settings also from DECONFLICT_* variables)."""
    import uvicorn

    from ..api.app import create_app
    from ..api.slow_clients import http_protocol

    overrides: dict[str, object] = {"host": host, "port": port}
    if db:
        overrides["database_url"] = db
    if data_dir:
        overrides["data_dir"] = data_dir
    settings = Settings(**overrides)  # type: ignore[arg-type]
    service = bootstrap(settings)
    out = console()
    if demo:
        from ..sim.demo import load_demo

        summary = load_demo(service, service.clock.now())
        out.print("demo theatre loaded; bearer tokens (send as 'Authorization: Bearer <token>'):")
        for party, token in summary.tokens.items():
            out.print(f"  {party:10} {token}")
    app = create_app(settings, service)
    traffic_stop = threading.Event()
    if demo:
        from ..sim.traffic import fly_demo_traffic

        threading.Thread(target=fly_demo_traffic, args=(service, traffic_stop), daemon=True).start()
        out.print("demo traffic reporting every second: watch GET /v1/alerts and the hotline")
    out.print(f"deconflict serving on [bold]http://{host}:{port}/[/]  (API docs: http://{host}:{port}/docs)")
    try:
        uvicorn.run(
            app, host=host, port=port, log_level="warning", http=http_protocol(settings.request_timeout_s)
        )
    finally:
        traffic_stop.set()
        service.close()
