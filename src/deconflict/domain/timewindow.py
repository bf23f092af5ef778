"""Time windows: half-open intervals ``[start, end)`` of aware UTC instants.

Half-open on purpose: a window that ends at 10:00 and one that starts at 10:00
hand the same volume over; they do not overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import InvalidInput

__all__ = ["DEFAULT_PLANNING_HORIZON", "TimeWindow", "as_utc", "check_planning_horizon"]

# How far ahead of the service clock a declared volume may end (setting PLANNING_HORIZON_DAYS).
DEFAULT_PLANNING_HORIZON = timedelta(days=366)


def as_utc(moment: datetime, *, field: str = "time") -> datetime:
    """Return ``moment`` in UTC; refuse a naive datetime (its zone is unknown)."""
    if moment.tzinfo is UTC:
        return moment
    offset = moment.utcoffset() if moment.tzinfo is not None else None
    if offset is None:
        raise InvalidInput("time must carry a UTC offset (RFC 3339)", field=field)
    # Already at +00:00 (as parsed from "Z"): relabel, which costs far less than converting.
    if not offset:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00 is in the year 10000 in UTC
        raise InvalidInput("time is outside the years 1 to 9999 in UTC", field=field) from None


def check_planning_horizon(windows: Sequence[TimeWindow], now: datetime, horizon: timedelta) -> None:
    """Refuse a volume that ends more than ``horizon`` after ``now`` (the service clock), as
    ASTM F3548 bounds how far ahead an operational intent may be declared. The field names
    the first such volume as the declaration formats do: ``features[i].properties.time_end``."""
    limit = now + horizon
    for i, window in enumerate(windows):
        if window.end > limit:
            raise InvalidInput(
                f"time_end is more than {horizon / timedelta(days=1):g} days ahead (the planning horizon ends "
                f"{limit.isoformat(timespec='seconds').replace('+00:00', 'Z')})",
                field=f"features[{i}].properties.time_end",
            )


@dataclass(frozen=True, slots=True)
class TimeWindow:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_utc(self.start, field="time_start"))
        object.__setattr__(self, "end", as_utc(self.end, field="time_end"))
        if not self.start < self.end:
            raise InvalidInput("time_end must be after time_start", field="time_end")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: TimeWindow) -> bool:
        return self.start < other.end and other.start < self.end

    def intersection(self, other: TimeWindow) -> TimeWindow | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return TimeWindow(start, end) if start < end else None

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end
