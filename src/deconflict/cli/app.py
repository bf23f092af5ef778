"""Composition of the command-line application.

Each command's module is imported only when that command runs: with it come
SQLAlchemy, shapely, pyproj and the rest, which cost seconds of start-up that
``deconflict --help`` or ``ledger verify`` have no use for. ``--help`` lists the
commands from :data:`COMMANDS` (a test holds each line to its command's own help).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer._click import Command, Context  # the click typer runs on (vendored since 0.22)


@dataclass(frozen=True, slots=True)
class LazyCommand:
    module: str  # in deconflict.cli
    attribute: str  # a command function, or a typer.Typer of subcommands
    help: str  # its one line in ``deconflict --help``


COMMANDS: dict[str, LazyCommand] = {
    "conflicts": LazyCommand(
        "conflicts",
        "conflicts_command",
        "Print every conflict between different parties' volumes. Exit 0 none, 1 some, 2 bad input.",
    ),
    "serve": LazyCommand(
        "serve", "serve_command", "Serve deconflict over HTTP (settings also from DECONFLICT_* variables)."
    ),
    "submit": LazyCommand(
        "submit",
        "submit_command",
        "Submit operations, each after reading what it overlaps (proof of read). Exit 1 when any conflict.",
    ),
    "cpa": LazyCommand(
        "cpa",
        "cpa_command",
        "Predicted loss of separation between different parties' tracks. Exit 0 none, 1 some, 2 bad input.",
    ),
    "party": LazyCommand("party", "party_app", "Parties: add one (with a new key pair), issue tokens, list."),
    "ledger": LazyCommand("ledger", "ledger_app", "The signed, hash-chained ledger."),
    "hotline": LazyCommand("hotline", "hotline_app", "The hotline: send, read the inbox, acknowledge."),
    "navarea": LazyCommand(
        "navarea", "navarea_app", "NAVAREA / NAVTEX navigational warnings: import, export."
    ),
    "aco": LazyCommand("aco", "aco_app", "Airspace Control Orders (USMTF ACO): import."),
    "feed": LazyCommand(
        "feed", "feed_app", "Feed live tracks from a receiver (ADS-B SBS-1, AIS NMEA) to the service."
    ),
    "monitor": LazyCommand("monitor", "monitor_app", "The tactical monitor, offline."),
    "report": LazyCommand(
        "report",
        "report_command",
        "Figures over a period from the ledger, each citing the entries it rests on.",
    ),
}


def load_command(name: str) -> Command:
    """The real command ``name``: its module imported, its click command built."""
    spec = COMMANDS[name]
    target = getattr(importlib.import_module(f"{__package__}.{spec.module}"), spec.attribute)
    if isinstance(target, typer.Typer):
        return typer.main.get_group(target)
    single = typer.Typer(add_completion=False)
    single.command(name)(target)
    return typer.main.get_command(single)


class LazyGroup(TyperGroup):
    """Lists every command of :data:`COMMANDS` by its help line; loads one when it runs."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, spec in COMMANDS.items():
            self.add_command(TyperCommand(name, short_help=spec.help, help=spec.help), name)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in COMMANDS:
            command = load_command(name)
        return name, command, rest


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="deconflict",
        cls=LazyGroup,
        help="Joint deconfliction: declare 4D operations, find conflicts, keep a signed record.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_root)
    return app


def _root() -> None:
    """Joint deconfliction between independent parties sharing a theatre."""


def main() -> None:
    build_app()()
