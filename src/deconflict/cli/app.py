"""Composition of the command-line application."""

from __future__ import annotations

import typer


def build_app() -> typer.Typer:
    from . import aco, conflicts, cpa, feed, ledger, monitor, navarea, party, serve, submit
    from . import hotline as hotline_cli

    app = typer.Typer(
        name="deconflict",
        help="Joint deconfliction: declare 4D operations, find conflicts, keep a signed record.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_root)
    app.command("conflicts")(conflicts.conflicts_command)
    app.command("serve")(serve.serve_command)
    app.command("submit")(submit.submit_command)
    app.add_typer(party.party_app, name="party")
    app.add_typer(ledger.ledger_app, name="ledger")
    app.add_typer(hotline_cli.hotline_app, name="hotline")
    app.command("cpa")(cpa.cpa_command)
    app.add_typer(navarea.navarea_app, name="navarea")
    app.add_typer(aco.aco_app, name="aco")
    app.add_typer(feed.feed_app, name="feed")
    app.add_typer(monitor.monitor_app, name="monitor")
    return app


def _root() -> None:
    """Joint deconfliction between independent parties sharing a theatre."""


def main() -> None:
    build_app()()
