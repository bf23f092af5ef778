"""A real server process on loopback, with parties and their tokens."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from deconflict.bootstrap import bootstrap
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty
from deconflict.service.parties import add_party, issue_token
from deconflict.settings import Settings
from servers import free_port

PARTIES = {"blue": "party", "red": "party", "green": "party", "watcher": "observer", "root": "admin"}


@dataclass
class LiveServer:
    url: str
    tokens: dict[str, str]
    keys: dict[str, str]  # private keys, for signed requests
    data_dir: Path
    process: subprocess.Popen[bytes]
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def client(self, party: str) -> httpx.Client:
        """One client per party, closed when the test ends."""
        if party not in self.clients:
            self.clients[party] = httpx.Client(
                base_url=self.url, headers={"Authorization": f"Bearer {self.tokens[party]}"}, timeout=30
            )
        return self.clients[party]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def start_server(
    data_dir: Path, database_url: str, port: int, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DECONFLICT_DATA_DIR": str(data_dir), "DECONFLICT_DATABASE_URL": database_url}
    env.update(extra_env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "deconflict.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120  # a safety net: start-up takes over 30 s on a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError("server did not start within 120 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr:
        process.stderr.close()


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment for the server process; a test module overrides it to change settings."""
    return {}


@pytest.fixture
def live_server(tmp_path: Path, server_env: dict[str, str]) -> Iterator[LiveServer]:
    with serving(tmp_path, server_env) as server:
        yield server


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for a whole test module (its tests share what they set up)."""
    with serving(tmp_path_factory.mktemp("server")) as server:
        yield server


@contextmanager
def serving(tmp_path: Path, server_env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """A server process over a fresh SQLite file, with the parties of PARTIES and their tokens."""
    data_dir = tmp_path / "data"
    url = f"sqlite+pysqlite:///{data_dir}/deconflict.db"
    service = bootstrap(Settings(data_dir=data_dir, database_url=url))
    tokens, keys = {}, {}
    try:
        for name, role in PARTIES.items():
            private, public = generate_keypair()
            add_party(service.uow(), service.clock, AddParty(name, public, f"{name} duty desk", role))
            tokens[name] = issue_token(service.uow(), service.clock, name)
            keys[name] = private
    finally:
        service.close()
    port = free_port()
    process = start_server(data_dir, url, port, server_env)
    try:
        server = LiveServer(f"http://127.0.0.1:{port}", tokens, keys, data_dir, process)
        yield server
        server.close()
    finally:
        stop_server(process)
