"""Alembic environment: runs on the connection handed in by :mod:`deconflict.store.migrate`."""

from __future__ import annotations

from alembic import context

from deconflict.store import tables_hotline  # noqa: F401  (registers its tables on metadata)
from deconflict.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
