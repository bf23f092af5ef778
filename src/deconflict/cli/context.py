"""Options every store-backed command shares, and the service they build.

The store (SQLAlchemy and the rest) is imported only once a command opens it: a
command that works on files alone (``ledger verify``) starts without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..bootstrap import Deconflict

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (default: $DECONFLICT_DATA_DIR or ./var).")
]
DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: SQLite in the data dir).")]


@contextmanager
def open_service(data_dir: Path | None, db: str | None) -> Iterator[Deconflict]:
    from ..bootstrap import bootstrap
    from ..settings import Settings

    overrides: dict[str, object] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if db is not None:
        overrides["database_url"] = db
    service = bootstrap(Settings(**overrides))  # type: ignore[arg-type]
    try:
        yield service
    finally:
        service.close()
