"""Line sources for the feeds: a FILE, ``-`` (stdin), or ``HOST:PORT`` over TCP.

A receiver (dump1090, an AIS multiplexer) drops connections when it restarts; the TCP
source reconnects with a capped exponential backoff until it is stopped, so a feed left
running overnight survives the receiver's restarts. Lines are yielded with the time they
were received, which the parsers use when a line carries no time of its own.
"""

from __future__ import annotations

import logging
import re
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

_HOST_PORT = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]+)):(?P<port>\d{1,5})$")
MAX_LINE = 64 * 1024  # longer "lines" are garbage; cut them rather than grow without bound


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_source(spec: str) -> Path | Endpoint | None:
    """``-`` is stdin (None); an existing path is a file; else ``HOST:PORT``; else ValueError."""
    if spec == "-":
        return None
    path = Path(spec)
    if path.exists():
        if not path.is_file():
            raise ValueError(f"{spec} is not a file")
        return path
    match = _HOST_PORT.match(spec)
    if match is None:
        raise ValueError(f"{spec!r} is neither an existing file nor HOST:PORT (e.g. 127.0.0.1:30003)")
    port = int(match["port"])
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is not in 1-65535")
    return Endpoint(match["v6"] or match["host"], port)


class LineSource:
    """Iterate ``(line, received_at)``; :meth:`stop` (from any thread) ends the iteration soon.

    A file ends at its end; TCP ends only when stopped, or at the end of the first
    connection with ``once=True`` (for replaying a recorded stream).
    """

    def __init__(
        self,
        spec: str,
        *,
        once: bool = False,
        connect_timeout_s: float = 5.0,
        poll_s: float = 0.5,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 30.0,
    ) -> None:
        self.target = parse_source(spec)
        self.spec = spec
        self.once = once
        self.connect_timeout_s = connect_timeout_s
        self.poll_s = poll_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.connections = 0
        self._stop = threading.Event()

    @property
    def live(self) -> bool:
        """TCP: the sender will not wait for us (a file or a pipe will)."""
        return isinstance(self.target, Endpoint)

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def __iter__(self) -> Iterator[tuple[str, datetime]]:
        if self.target is None:
            yield from self._stream(sys.stdin)
        elif isinstance(self.target, Path):
            with self.target.open(encoding="utf-8", errors="replace", newline="") as handle:
                yield from self._stream(handle)
        else:
            yield from self._tcp(self.target)

    def _stream(self, handle: Iterator[str]) -> Iterator[tuple[str, datetime]]:
        for line in handle:
            if self._stop.is_set():
                return
            yield line, datetime.now(UTC)

    def _tcp(self, endpoint: Endpoint) -> Iterator[tuple[str, datetime]]:
        delay = self.backoff_initial_s
        while not self._stop.is_set():
            try:
                sock = socket.create_connection(
                    (endpoint.host, endpoint.port), timeout=self.connect_timeout_s
                )
            except OSError as error:
                log.warning("cannot connect to %s (%s); retrying in %.1f s", endpoint, error, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_max_s)
                continue
            self.connections += 1
            log.info("connected to %s", endpoint)
            got_data = False
            try:
                sock.settimeout(self.poll_s)
                for item in self._receive(sock):
                    got_data = True
                    yield item
            except OSError as error:
                log.warning("connection to %s lost: %s", endpoint, error)
            finally:
                sock.close()
            if self.once or self._stop.is_set():
                return
            if got_data:
                delay = self.backoff_initial_s  # a connection that worked resets the backoff
            log.warning("connection to %s closed; reconnecting in %.1f s", endpoint, delay)
            self._stop.wait(delay)
            delay = min(delay * 2, self.backoff_max_s)

    def _receive(self, sock: socket.socket) -> Iterator[tuple[str, datetime]]:
        pending = b""
        while not self._stop.is_set():
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                break
            received = datetime.now(UTC)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                yield raw.decode("utf-8", errors="replace"), received
            if len(pending) > MAX_LINE:
                yield pending[:MAX_LINE].decode("utf-8", errors="replace"), received
                pending = b""
        if pending and not self._stop.is_set():
            yield pending.decode("utf-8", errors="replace"), datetime.now(UTC)
