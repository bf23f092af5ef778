"""Engines for the two real backends, set up for safety first.

SQLite: WAL, ``synchronous=FULL`` by default (a commit that returned survives a
crash of the process *and* of the machine; ``NORMAL`` survives a crash of the
process only, and saves an fsync per commit), foreign keys on, and explicit ``BEGIN
IMMEDIATE`` for writers so that two writers never read-then-write past each
other. PostgreSQL: READ COMMITTED plus advisory locks on the cells touched (see
:mod:`.uow`).
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

WRITE_OPTION = "deconflict_write"
_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def upsert_into(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT: both backends have it, each in its own dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def writer_lock(engine: Engine) -> threading.Lock | None:
    """SQLite admits one writer at a time; queueing writers here, in order, spares them
    SQLite's busy-handler backoff (sleeps of up to 100 ms) that otherwise makes the tail."""
    return _WRITER_LOCKS.get(engine)


def make_engine(url: str, *, sqlite_synchronous: str = "FULL") -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine, sqlite_synchronous)
        _WRITER_LOCKS[engine] = threading.Lock()
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError("sqlite_synchronous is FULL or NORMAL")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
