"""What every feed parser shares: the wire report, its counters, and quiet logging of bad lines.

A feed runs at thousands of lines a second for days; one corrupt line must neither stop it
nor flood the log, so bad lines are counted always and logged at most once per interval.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol, TypedDict

TrackClass = Literal["en_route", "terminal", "drone", "vessel"]
AltRef = Literal["W84", "MSL", "FL"]
AltUnits = Literal["m", "ft"]

# The service's wire shape of one report (``POST /v1/tracks``); "class" is a keyword,
# hence the functional TypedDict syntax.
WireReport = TypedDict(
    "WireReport",
    {
        "platform": str,
        "t": str,
        "lat": float,
        "lon": float,
        "alt": float,
        "alt_ref": AltRef,
        "alt_units": AltUnits,
        "gs_kt": float,
        "trk_deg": float,
        "vs_fpm": float,
        "class": TrackClass,
        "operation_id": str | None,
        "source": str,
        "on_ground": bool,
    },
)

TRACK_CLASSES: tuple[TrackClass, ...] = ("en_route", "terminal", "drone", "vessel")


def wire_time(moment: datetime) -> str:
    """RFC 3339 UTC with milliseconds, e.g. ``2026-11-22T10:00:00.250Z``."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


@dataclass
class FeedCounters:
    """What a parser did with its input, for the operator's progress line.

    ``skipped`` counts positions that made no report when they arrived (n/a values, no
    altitude, no velocity yet); an SBS position held for a velocity is counted there and
    again under ``reports`` if a velocity later releases it.
    """

    lines: int = 0
    reports: int = 0  # wire reports emitted
    bad: int = 0  # unreadable lines: wrong field count, bad numbers or checksum, orphans
    skipped: int = 0
    other: int = 0  # well-formed messages that carry no position (ident, velocity, static data)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class FeedParser(Protocol):
    """A pure, synchronous parser: lines in, wire reports out."""

    counters: FeedCounters

    def feed(self, line: str, received: datetime | None = None) -> list[WireReport]:
        """Parse one line received at ``received`` (default: now)."""
        ...  # pragma: no cover


class RateLimitedLog:
    """Log the first bad line at once, then at most one summary line per ``interval_s``.

    At 10k lines/s a broken feed would otherwise write 10k log lines a second.
    """

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        interval_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._what = what
        self._interval_s = interval_s
        self._clock = clock
        self._last: float | None = None
        self._suppressed = 0
        self.logged = 0

    def __call__(self, reason: str, line: str) -> None:
        now = self._clock()
        if self._last is not None and now - self._last < self._interval_s:
            self._suppressed += 1
            return
        sample = line.strip()
        if len(sample) > 120:
            sample = sample[:117] + "..."
        more = f" ({self._suppressed} more since the last report)" if self._suppressed else ""
        self._logger.warning("bad %s line: %s: %r%s", self._what, reason, sample, more)
        self._last = now
        self._suppressed = 0
        self.logged += 1
