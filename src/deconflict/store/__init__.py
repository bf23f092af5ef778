"""Persistence: SQLAlchemy tables, repositories, unit of work, migrations."""
