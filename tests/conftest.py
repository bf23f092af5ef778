"""Shared pytest fixtures."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servers import NatsServer, PostgresServer

# real servers
# ------------
# Throwaway PostgreSQL and NATS (JetStream) processes on 127.0.0.1, one of each per
# test session (per xdist worker). A missing binary raises RuntimeError in the fixture,
# so the test errors out instead of being skipped.

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a fresh, empty database for this test."""
    return postgres_server.create_database(f"test_{next(_database_numbers)}")


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    with NatsServer() as server:
        yield server


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+pysqlite:///{tmp_path}/deconflict.db"


# the service over a real store
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on each real backend: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path}/deconflict.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def service(database_url: str, tmp_path: Path) -> Iterator[Any]:
    from deconflict.bootstrap import bootstrap
    from deconflict.settings import Settings

    app = bootstrap(Settings(data_dir=tmp_path / "data", database_url=database_url, checkpoint_every=10))
    yield app
    app.close()
