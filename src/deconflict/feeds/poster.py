"""Batch wire reports and POST them to ``{url}/v1/tracks``, riding out service outages.

The feed must keep reading while the service is down (a receiver does not wait), so posting
runs on its own thread: reports go into a bounded buffer; the thread sends a batch when
``batch`` reports are waiting or ``flush_s`` has passed, whichever is first. Connection
errors, timeouts, 429 and 5xx keep the batch and retry with a capped backoff; when the
buffer is full the *oldest* reports are dropped (and counted): for live tracks the newest
position is the valuable one. A replayed file is different (it can be read far faster than
posted, and nothing is lost by waiting), so with ``block_when_full`` :meth:`put` waits for
room instead. 401/403 are fatal (a wrong token will not fix itself).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from .common import WireReport

log = logging.getLogger(__name__)

MAX_BATCH = 5000  # the service's limit per request
_LOG_FIRST_REJECTS = 5


class FatalPostError(RuntimeError):
    """The service refused us in a way retrying cannot fix (401/403)."""


@dataclass
class PosterCounters:
    queued: int = 0
    posted: int = 0  # accepted by the service
    rejected: int = 0  # per-index rejects in 200 answers
    dropped: int = 0  # oldest reports dropped from a full buffer
    failed: int = 0  # reports in batches the service refused as a whole (413 of one, 422, other 4xx)
    batches: int = 0
    retries: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def tracks_url(url: str) -> str:
    return url.rstrip("/") + "/v1/tracks"


def whoami(url: str, token: str, timeout_s: float = 5.0) -> str:
    """The party the token belongs to (``GET /v1/me``); FatalPostError on 401/403.

    Other failures (service down, an older service) raise ``httpx.HTTPError``.
    """
    answer = httpx.get(
        url.rstrip("/") + "/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s
    )
    if answer.status_code in (401, 403):
        raise FatalPostError(_refusal(answer))
    answer.raise_for_status()
    party = answer.json().get("id")
    if not isinstance(party, str):
        raise httpx.DecodingError("GET /v1/me answered without an id")
    return party


def _refusal(answer: httpx.Response) -> str:
    detail = answer.text.strip()[:200]
    what = "the token is not valid" if answer.status_code == 401 else "the token may not post tracks"
    return f"the service answered {answer.status_code}: {what} ({detail})"


class Poster:
    """Thread-backed batcher; :meth:`put` never blocks on the network."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        batch: int = 500,
        flush_s: float = 1.0,
        max_buffer: int = 100_000,
        timeout_s: float = 10.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 30.0,
        block_when_full: bool = False,
        client: httpx.Client | None = None,
    ) -> None:
        if not 1 <= batch <= MAX_BATCH:
            raise ValueError(f"batch must be in 1-{MAX_BATCH}")
        if flush_s <= 0:
            raise ValueError("flush_s must be positive")
        if max_buffer < batch:
            raise ValueError("max_buffer must hold at least one batch")
        self.url = tracks_url(url)
        self.batch = batch
        self.flush_s = flush_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self.block_when_full = block_when_full
        self.counters = PosterCounters()
        self.fatal: str | None = None
        self._client = client or httpx.Client(timeout=timeout_s)
        self._own_client = client is None
        self._headers = {"Authorization": f"Bearer {token}"}
        # (sequence number, report): the sequence tells which reports a batch covered even
        # when the buffer dropped its oldest entries while the batch was in flight.
        self._buffer: deque[tuple[int, WireReport]] = deque(maxlen=max_buffer)
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._closing = False
        self._shutdown = threading.Event()  # ends a backoff wait early at close()
        self._deadline: float | None = None
        self._thread = threading.Thread(target=self._run, name="deconflict-poster", daemon=True)

    # ------------------------------------------------------------------ public
    def start(self) -> Poster:
        self._thread.start()
        return self

    def put(self, report: WireReport) -> None:
        """Queue one report; never waits on the network unless ``block_when_full``."""
        with self._cond:
            if self.block_when_full:
                while len(self._buffer) == self._buffer.maxlen and self.fatal is None and not self._closing:
                    self._cond.wait(0.5)
            if len(self._buffer) == self._buffer.maxlen:
                self.counters.dropped += 1
            self._buffer.append((next(self._seq), report))
            self.counters.queued += 1
            if len(self._buffer) >= self.batch:
                self._cond.notify()

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._buffer)

    def close(self, timeout_s: float = 10.0) -> None:
        """Send what is buffered (trying for at most ``timeout_s``), then stop.

        Whatever could not be sent by then is counted as dropped.
        """
        with self._cond:
            self._closing = True
            self._deadline = time.monotonic() + timeout_s
            self._cond.notify_all()
        self._shutdown.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s + 5.0)
        with self._cond:
            self.counters.dropped += len(self._buffer)
            self._buffer.clear()
        if self._own_client:
            self._client.close()

    # ------------------------------------------------------------------ thread
    def _past_deadline(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline

    def _run(self) -> None:
        size = self.batch
        next_flush = time.monotonic() + self.flush_s
        while True:
            with self._cond:
                while not self._closing and len(self._buffer) < size:
                    wait = next_flush - time.monotonic()
                    if wait <= 0:
                        break
                    self._cond.wait(wait)
                if not self._buffer:
                    if self._closing:
                        return
                    next_flush = time.monotonic() + self.flush_s
                    continue
                taken = list(itertools.islice(self._buffer, size))
            outcome = self._send(taken)
            if outcome == "fatal" or (outcome == "retry" and self._past_deadline()):
                return
            if outcome == "smaller":
                size = max(1, len(taken) // 2)  # and stay smaller: the limit will not change
                continue
            next_flush = time.monotonic() + self.flush_s

    def _forget(self, last_seq: int) -> None:
        with self._cond:
            while self._buffer and self._buffer[0][0] <= last_seq:
                self._buffer.popleft()
            self._cond.notify_all()

    def _send(self, taken: list[tuple[int, WireReport]]) -> str:
        """POST one batch until it is answered; ``done``, ``smaller``, ``fatal`` or ``retry``."""
        body = {"reports": [report for _, report in taken]}
        delay = self.backoff_initial_s
        while True:
            try:
                answer = self._client.post(self.url, json=body, headers=self._headers)
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                status = answer.status_code
                if status == 200:
                    self._accepted(taken, answer)
                    return "done"
                if status in (401, 403):
                    with self._cond:
                        self.fatal = _refusal(answer)
                        self._cond.notify_all()
                    log.error("%s", self.fatal)
                    return "fatal"
                if status == 413 and len(taken) > 1:
                    log.warning("batch of %d reports too large (413); halving it", len(taken))
                    return "smaller"
                if status != 429 and status < 500:
                    log.error(
                        "service refused a batch of %d reports with %d: %s",
                        len(taken),
                        status,
                        answer.text.strip()[:300],
                    )
                    self.counters.failed += len(taken)
                    self._forget(taken[-1][0])
                    return "done"
                problem = f"HTTP {status}"
            if self._past_deadline():
                log.error("giving up on %d reports at shutdown: %s", len(taken), problem)
                return "retry"
            self.counters.retries += 1
            log.warning("posting %d reports failed (%s); retrying in %.1f s", len(taken), problem, delay)
            # Not the condition: put() notifies it on every report once a batch is waiting,
            # which would turn the backoff into hammering a service that is down.
            limit = delay if self._deadline is None else min(delay, self._deadline - time.monotonic())
            if limit > 0:
                self._shutdown.wait(limit)
            delay = min(delay * 2, self.backoff_max_s)

    def _accepted(self, taken: list[tuple[int, WireReport]], answer: httpx.Response) -> None:
        self._forget(taken[-1][0])
        self.counters.batches += 1
        try:
            reply: Any = answer.json()
            accepted = int(reply["accepted"])
            rejects = reply.get("rejected") or []
            if not isinstance(rejects, list):
                raise TypeError("rejected is not a list")
        except (ValueError, KeyError, TypeError) as error:
            log.warning("unexpected answer to a batch of %d: %s (%s)", len(taken), answer.text[:200], error)
            self.counters.posted += len(taken)
            return
        self.counters.posted += accepted
        for reject in rejects:
            self.counters.rejected += 1
            if self.counters.rejected <= _LOG_FIRST_REJECTS and isinstance(reject, dict):
                index = reject.get("index")
                platform = (
                    taken[index][1]["platform"] if isinstance(index, int) and 0 <= index < len(taken) else "?"
                )
                log.warning(
                    "service rejected report %s (platform %s): %s: %s%s",
                    index,
                    platform,
                    reject.get("field"),
                    reject.get("error"),
                    " (further rejects are counted, not logged)"
                    if self.counters.rejected == _LOG_FIRST_REJECTS
                    else "",
                )
