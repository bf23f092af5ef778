"""Settings, read from the environment with the ``DECONFLICT_`` prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DECONFLICT_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and the service key live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite under data_dir."
    )
    nats_url: str | None = Field(default=None, description="NATS server for fan-out between replicas.")
    host: str = "127.0.0.1"
    port: int = 8000

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{(self.data_dir / 'deconflict.db').resolve()}"
