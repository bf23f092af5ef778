"""Options every store-backed command shares, and the service they build."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ..bootstrap import Deconflict, bootstrap
from ..settings import Settings

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (default: $DECONFLICT_DATA_DIR or ./var).")
]
DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: SQLite in the data dir).")]


@contextmanager
def open_service(data_dir: Path | None, db: str | None) -> Iterator[Deconflict]:
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
