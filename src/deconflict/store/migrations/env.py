"""Alembic environment: runs on the connection handed in by :mod:`deconflict.store.migrate`."""

from __future__ import annotations

from alembic import context

from deconflict.store import tables_hotline, tables_requests, tables_tactical  # noqa: F401  (register their tables)
from deconflict.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
