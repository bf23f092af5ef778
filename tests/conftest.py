"""Shared pytest fixtures."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

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
