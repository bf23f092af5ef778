"""Real, throwaway servers for the integration tests: PostgreSQL and NATS (JetStream).

Nothing here imports pytest; the fixtures that use these classes live in conftest.py.
Every server listens on 127.0.0.1 only, on a free port, with its files in a fresh
temporary directory that is removed when the server stops.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

HOST = "127.0.0.1"
INSTALL_HINT = "run `make test` (it installs Debian's postgresql and nats-server)"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc})"
    return "\n".join(text.splitlines()[-lines:])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------- PostgreSQL


def find_postgres_bin() -> Path:
    """The newest /usr/lib/postgresql/<major>/bin that has initdb and pg_ctl."""
    candidates = []
    for pg_ctl in glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"):
        bindir = Path(pg_ctl).parent
        version = bindir.parent.name
        if (bindir / "initdb").is_file() and version.isdigit():
            candidates.append((int(version), bindir))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under "
            f"/usr/lib/postgresql/*/bin; {INSTALL_HINT}."
        )
    return max(candidates)[1]


class PostgresServer:
    """A PostgreSQL cluster in a temp dir, trust auth, superuser ``postgres``.

    PostgreSQL refuses to run as root, so when we are root the cluster belongs to the
    ``postgres`` user and its tools run through ``runuser -u postgres --``.
    """

    def __init__(self, port: int | None = None) -> None:
        self.bindir = find_postgres_bin()
        self.port = port if port is not None else free_port()
        self.dir: Path | None = None
        self._running = False

    # paths ------------------------------------------------------------------------
    @property
    def _root(self) -> Path:
        if self.dir is None:
            raise RuntimeError("PostgresServer is not started")
        return self.dir

    @property
    def data_dir(self) -> Path:
        return self._root / "data"

    @property
    def log_file(self) -> Path:
        return self._root / "postgres.log"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/{database}"

    # process control ----------------------------------------------------------------
    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        return subprocess.run(
            cmd,
            cwd=self._root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _fail(self, what: str, proc: subprocess.CompletedProcess[str]) -> RuntimeError:
        return RuntimeError(
            f"PostgreSQL {what} failed (exit {proc.returncode}) in {self._root}:\n"
            f"{proc.stdout}{proc.stderr}\n--- tail of {self.log_file.name} ---\n"
            f"{_tail(self.log_file)}"
        )

    def start(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="deconflict-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        try:
            proc = self._run(
                "initdb", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
                "-D", str(self.data_dir),
            )  # fmt: skip
            if proc.returncode != 0:
                raise self._fail("initdb", proc)
            for attempt in range(3):
                options = (
                    f"-p {self.port} -k {self._root} -c listen_addresses={HOST} "
                    "-c fsync=off -c max_connections=200"
                )
                proc = self._run(
                    "pg_ctl", "-w", "-t", "30", "-D", str(self.data_dir),
                    "-l", str(self.log_file), "-o", options, "start",
                )  # fmt: skip
                if proc.returncode == 0:
                    self._running = True
                    return
                # Someone took the port between free_port() and bind(): try another.
                if attempt < 2 and "already in use" in _tail(self.log_file):
                    self.port = free_port()
                    continue
                raise self._fail("start", proc)
        except BaseException:
            self._cleanup()
            raise

    def stop(self) -> None:
        if self.dir is None:
            return
        try:
            if self._running:
                self._run("pg_ctl", "-w", "-D", str(self.data_dir), "-m", "immediate", "stop")
                self._running = False
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    # helpers ------------------------------------------------------------------------
    def create_database(self, name: str) -> str:
        """CREATE DATABASE ``name``; returns its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host=HOST, port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# --------------------------------------------------------------------------------- NATS


def find_nats_server() -> Path:
    found = shutil.which("nats-server") or shutil.which("nats-server", path="/usr/sbin:/usr/bin")
    if found is None:
        raise RuntimeError(f"nats-server binary not found on PATH or in /usr/sbin; {INSTALL_HINT}.")
    return Path(found)


class NatsServer:
    """nats-server with JetStream, store in a temp dir that survives kill()/start()."""

    def __init__(self, port: int | None = None, start_timeout: float = 10.0) -> None:
        self.binary = find_nats_server()
        self.port = port if port is not None else free_port()
        self.start_timeout = start_timeout
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    @property
    def dir(self) -> Path:
        """The store dir (``-sd``); created on first start, removed by stop()."""
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="deconflict-nats-"))
        return self._dir

    @property
    def log_file(self) -> Path:
        return self.dir / "nats.log"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start (or restart) on the same port and store dir; wait until it accepts."""
        if self.running:
            return
        self._reap()
        self._log = open(self.log_file, "ab")  # noqa: SIM115 - closed in _reap()
        self._proc = subprocess.Popen(
            [
                str(self.binary),
                "-a", HOST, "-p", str(self.port),
                "-js", "-sd", str(self.dir),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if _port_open(self.port):
                return
            time.sleep(0.05)
        code = self._proc.poll()
        self.kill(hard=True)
        state = f"exited with {code}" if code is not None else "did not accept connections"
        raise RuntimeError(
            f"nats-server on {self.url} {state} within {self.start_timeout} s:\n{_tail(self.log_file)}"
        )

    def kill(self, *, hard: bool = False) -> None:
        """Stop the process, keeping the store dir. SIGTERM (JetStream flushes) unless hard."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._reap()

    def _reap(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        try:
            self.kill()
        finally:
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
