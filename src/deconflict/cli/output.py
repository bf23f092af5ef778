"""Shared helpers for printing from commands: one console, one error style."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from ..domain.errors import DomainError

if TYPE_CHECKING:
    from rich.console import Console  # imported when first used: a tenth of a second at start-up

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_BAD_INPUT = 2


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def fail(error: DomainError | str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print a one-line error to stderr and exit; never a traceback. The text is not markup
    (``[lon, lat]`` stays as written) and is never wrapped."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(str(error))}", markup=True
    )
    raise typer.Exit(code)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
