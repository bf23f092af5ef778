"""ADS-B in the SBS-1 BaseStation text format (dump1090's TCP port 30003) to wire reports.

An aircraft's position and velocity arrive in different messages (MSG,3 and MSG,4), so the
parser keeps, per aircraft, the latest velocity, altitude and callsign, and emits a report
when a position arrives and a velocity no older than ``max_age_s`` is known. A position with
no usable velocity is held (only the latest one) and emitted when a velocity follows within
``max_age_s``; a zero velocity is never invented.

Time. dump1090 writes the "generated" date/time in the receiver's *local* time with no zone.
By default it is taken as UTC (run the receiver with ``TZ=UTC``); ``utc_offset`` states the
receiver's offset instead (``+01:00`` for CET: UTC = local - 1 h), and ``clock="receipt"``
ignores the line's time and stamps each line with the time it was received, which is right
for a live feed from a receiver whose clock or zone is unknown (not for replaying a file).
A line whose generated date/time is empty falls back to the logged one, then to receipt.
A receiver on local time is the default mistake, and nothing else shows it (every line
parses, every track is simply hours off), so with ``watch_clock`` (the CLI sets it for a
live feed) the parser compares each line's time with the time it was received: when the
difference holds steady at a whole number of quarter hours over :data:`OFFSET_LINES`
lines, it warns once in words with the ``--utc-offset`` to use, and with
``auto_offset`` applies it.

On the ground. A surface position (MSG,2) and any position whose on-ground flag
(field 21) is set make ``on_ground`` reports: a landed aircraft is no longer in airborne
separation.

Field layout (0-based): 0 ``MSG``, 1 transmission type, 4 hex ident, 6-7 generated date/time,
8-9 logged date/time, 10 callsign, 11 altitude (ft, barometric), 12 ground speed (kt),
13 track (deg), 14 lat, 15 lon, 16 vertical rate (fpm), 17 squawk, 18-21 flags (alert,
emergency, SPI, on ground; dump1090 writes -1 for set, 0 for clear).
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from .common import FeedCounters, RateLimitedLog, TrackClass, WireReport, wire_time

log = logging.getLogger(__name__)

FIELDS = 22
SOURCE = "sbs"
_HEX = re.compile(r"~?[0-9A-Fa-f]{6}")
# Other BaseStation record types: well-formed, but they carry no track data.
_OTHER_RECORDS = frozenset({"SEL", "ID", "AIR", "STA", "CLK"})
# Forget an aircraft not heard of for this long (message time), to bound memory.
_FORGET_AFTER = timedelta(minutes=5)
_PRUNE_EVERY_LINES = 20_000
# Lines whose time differs from their receipt by the same whole quarter hours before the
# parser says the receiver is on local time.
OFFSET_LINES = 50
_QUARTER = timedelta(minutes=15)
_OFFSET_STEADY = timedelta(seconds=60)  # the receiver's clock may be this far off besides


class BadLine(ValueError):
    """A line that cannot be read; the message says why (it is logged, rate-limited)."""


@dataclass(slots=True)
class _Aircraft:
    seen: datetime
    callsign: str | None = None
    alt_ft: float | None = None
    alt_t: datetime | None = None
    # (gs_kt, trk_deg, vs_fpm) and when it was generated
    velocity: tuple[float, float, float] | None = None
    velocity_t: datetime | None = None
    # the latest position still waiting for a velocity: (t, lat, lon, alt_ft, on_ground)
    held: tuple[datetime, float, float, float, bool] | None = None


def platform_id(hex_ident: str) -> str:
    """The ICAO 24-bit address in upper case; dump1090 marks non-ICAO addresses with ``~``,
    which the wire's platform alphabet lacks, so those become ``nonicao:ABC123``."""
    if hex_ident.startswith("~"):
        return "nonicao:" + hex_ident[1:].upper()
    return hex_ident.upper()


def _number(text: str, name: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise BadLine(f"{name} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BadLine(f"{name} {text!r} is not finite")
    return value


def format_offset(offset: timedelta) -> str:
    """A UTC offset as ``--utc-offset`` takes it: ``+01:00``, ``-05:30``."""
    minutes = round(offset.total_seconds() / 60.0)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class OffsetWatch:
    """Notices message times that run a steady whole number of quarter hours from receipt."""

    def __init__(self, lines: int = OFFSET_LINES) -> None:
        self.lines = lines
        self._first: timedelta | None = None
        self._steady = 0
        self.found: timedelta | None = None  # the residual offset, once noticed (reported once)

    def observe(self, at: datetime, received: datetime) -> timedelta | None:
        """The offset, the one time it is noticed; None otherwise."""
        if self.found is not None:
            return None
        skew = at - received
        if self._first is None or abs(skew - self._first) > _OFFSET_STEADY:
            self._first, self._steady = skew, 0
        self._steady += 1
        if self._steady < self.lines:
            return None
        quarters = round(self._first / _QUARTER)
        if quarters == 0 or abs(self._first - quarters * _QUARTER) > _OFFSET_STEADY:
            self._steady = 0  # in step with us, or off by no whole zone: nothing to say
            return None
        self.found = quarters * _QUARTER
        return self.found


def _sbs_time(date: str, clock: str) -> datetime | None:
    """``2026/11/22`` + ``10:00:00.250`` as a naive datetime; None when both are empty."""
    if not date and not clock:
        return None
    try:
        year, month, day = date.split("/")
        hms, _, fraction = clock.partition(".")
        hour, minute, second = hms.split(":")
        micro = int((fraction + "000000")[:6]) if fraction else 0
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro)  # noqa: DTZ001 - zone applied by the caller
    except ValueError:
        raise BadLine(f"date/time {date!r} {clock!r} is not YYYY/MM/DD HH:MM:SS.sss") from None


class SbsParser:
    """Pure, synchronous SBS-1 parser: ``feed(line)`` returns the reports that line completes."""

    def __init__(
        self,
        *,
        max_age_s: float = 30.0,
        clock: Literal["generated", "receipt"] = "generated",
        utc_offset: timedelta = timedelta(0),
        track_class: TrackClass = "en_route",
        log_interval_s: float = 10.0,
        watch_clock: bool = False,
        auto_offset: bool = False,
    ) -> None:
        if max_age_s <= 0:
            raise ValueError("max_age_s must be positive")
        self.max_age = timedelta(seconds=max_age_s)
        self.clock = clock
        self.utc_offset = utc_offset
        self.track_class: TrackClass = track_class
        self.counters = FeedCounters()
        self.aircraft: dict[str, _Aircraft] = {}
        self._log_bad = RateLimitedLog(log, "SBS", interval_s=log_interval_s)
        self._latest: datetime | None = None
        self.offset_watch = OffsetWatch() if watch_clock or auto_offset else None
        self.auto_offset = auto_offset

    # ------------------------------------------------------------------ public
    def feed(self, line: str, received: datetime | None = None) -> list[WireReport]:
        """Parse one line; bad lines are counted and logged (rate-limited), never raised."""
        self.counters.lines += 1
        try:
            out = self._parse(line, received)
        except BadLine as error:
            self.counters.bad += 1
            self._log_bad(str(error), line)
            return []
        if self.counters.lines % _PRUNE_EVERY_LINES == 0:
            self._prune()
        return out

    # ----------------------------------------------------------------- parsing
    def _parse(self, line: str, received: datetime | None) -> list[WireReport]:
        fields = line.rstrip("\r\n").split(",")
        record = fields[0].strip()
        if record != "MSG":
            if record in _OTHER_RECORDS or not line.strip():
                self.counters.other += 1  # blank keep-alive lines too
                return []
            raise BadLine(f"record type {record[:10]!r} is not MSG/SEL/ID/AIR/STA/CLK")
        if len(fields) != FIELDS:
            raise BadLine(f"{len(fields)} fields, expected {FIELDS}")
        kind = fields[1].strip()
        if kind not in ("1", "2", "3", "4", "5", "6", "7", "8"):
            raise BadLine(f"transmission type {kind!r} is not 1-8")
        hex_ident = fields[4].strip()
        if not _HEX.fullmatch(hex_ident):
            raise BadLine(f"hex ident {hex_ident!r} is not 6 hex digits")
        at = self._time(fields, received)
        on_ground = fields[21].strip() in ("-1", "1")
        alt = _number(fields[11].strip(), "altitude")
        gs = _number(fields[12].strip(), "ground speed")
        trk = _number(fields[13].strip(), "track")
        lat = _number(fields[14].strip(), "lat")
        lon = _number(fields[15].strip(), "lon")
        vs = _number(fields[16].strip(), "vertical rate")
        if lat is not None and not -90.0 <= lat <= 90.0:
            raise BadLine(f"lat {lat} is outside [-90, 90]")
        if lon is not None and not -180.0 <= lon <= 180.0:
            raise BadLine(f"lon {lon} is outside [-180, 180]")
        if gs is not None and gs < 0:
            raise BadLine(f"ground speed {gs} is negative")
        if trk is not None and not -360.0 <= trk <= 360.0:
            raise BadLine(f"track {trk} is outside [-360, 360]")

        platform = platform_id(hex_ident)
        plane = self.aircraft.get(platform)
        if plane is None:
            plane = self.aircraft[platform] = _Aircraft(seen=at)
        plane.seen = max(plane.seen, at)
        if self._latest is None or at > self._latest:
            self._latest = at
        callsign = fields[10].strip()
        if callsign:
            plane.callsign = callsign
        if alt is not None:
            plane.alt_ft, plane.alt_t = alt, at

        if kind == "4":
            return self._velocity(platform, plane, at, gs, trk, vs)
        if kind == "3":
            return self._airborne(platform, plane, at, lat, lon, alt, on_ground)
        if kind == "2":
            return self._surface(platform, plane, at, lat, lon, alt, gs, trk)
        self.counters.other += 1  # 1 ident, 5-8 altitude/squawk/all-call: state kept above
        return []

    def _time(self, fields: list[str], received: datetime | None) -> datetime:
        if self.clock == "generated":
            naive = _sbs_time(fields[6].strip(), fields[7].strip()) or _sbs_time(
                fields[8].strip(), fields[9].strip()
            )
            if naive is not None:
                at = (naive - self.utc_offset).replace(tzinfo=UTC)
                if self.offset_watch is not None and received is not None:
                    self._check_offset(at, received)
                return at
        return (received or datetime.now(UTC)).astimezone(UTC)

    def _check_offset(self, at: datetime, received: datetime) -> None:
        residual = self.offset_watch.observe(at, received) if self.offset_watch else None
        if residual is None:
            return
        suggested = self.utc_offset + residual
        hours = abs(residual) / timedelta(hours=1)
        way = "ahead of" if residual > timedelta(0) else "behind"
        what = f"SBS message times run {hours:g} h {way} this machine's clock, steadily over {OFFSET_LINES} lines"
        if self.auto_offset:
            self.utc_offset = suggested
            log.warning(
                "%s: the receiver writes local time; applying --utc-offset %s", what, format_offset(suggested)
            )
        else:
            log.warning(
                "%s: the receiver writes local time (dump1090 does), so every track would be %g h off "
                "(the service refuses reports from the future); run with --utc-offset %s (or --utc-offset auto)",
                what,
                hours,
                format_offset(suggested),
            )

    def _fresh(self, then: datetime | None, now: datetime) -> bool:
        return then is not None and abs(now - then) <= self.max_age

    def _velocity(
        self,
        platform: str,
        plane: _Aircraft,
        at: datetime,
        gs: float | None,
        trk: float | None,
        vs: float | None,
    ) -> list[WireReport]:
        if gs is None or trk is None or vs is None:
            # dump1090 sends all three together; a partial velocity is not a velocity.
            self.counters.skipped += 1
            return []
        plane.velocity, plane.velocity_t = (gs, trk % 360.0, vs), at
        held, plane.held = plane.held, None
        if held is None or not self._fresh(held[0], at):
            self.counters.other += 1
            return []
        t, lat, lon, alt, on_ground = held
        return [self._report(platform, t, lat, lon, alt, plane.velocity, on_ground)]

    def _airborne(
        self,
        platform: str,
        plane: _Aircraft,
        at: datetime,
        lat: float | None,
        lon: float | None,
        alt: float | None,
        on_ground: bool,
    ) -> list[WireReport]:
        if lat is None or lon is None:
            self.counters.skipped += 1
            return []
        if alt is None:
            if not self._fresh(plane.alt_t, at) or plane.alt_ft is None:
                self.counters.skipped += 1  # no altitude: cannot place it in 3D
                return []
            alt = plane.alt_ft
        if plane.velocity is None or not self._fresh(plane.velocity_t, at):
            plane.held = (at, lat, lon, alt, on_ground)
            self.counters.skipped += 1
            return []
        plane.held = None
        return [self._report(platform, at, lat, lon, alt, plane.velocity, on_ground)]

    def _surface(
        self,
        platform: str,
        plane: _Aircraft,
        at: datetime,
        lat: float | None,
        lon: float | None,
        alt: float | None,
        gs: float | None,
        trk: float | None,
    ) -> list[WireReport]:
        """A surface position carries its own ground speed and track; on the ground the
        vertical rate is zero by definition. dump1090 sends no altitude with it, so one
        heard within ``max_age_s`` (a just-landed aircraft) is used, else it is skipped."""
        if lat is None or lon is None or gs is None or trk is None:
            self.counters.skipped += 1
            return []
        if alt is None:
            if not self._fresh(plane.alt_t, at) or plane.alt_ft is None:
                self.counters.skipped += 1
                return []
            alt = plane.alt_ft
        plane.held = None
        return [self._report(platform, at, lat, lon, alt, (gs, trk % 360.0, 0.0), on_ground=True)]

    def _report(
        self,
        platform: str,
        at: datetime,
        lat: float,
        lon: float,
        alt_ft: float,
        velocity: tuple[float, float, float],
        on_ground: bool,
    ) -> WireReport:
        self.counters.reports += 1
        gs, trk, vs = velocity
        return {
            "platform": platform,
            "t": wire_time(at),
            "lat": lat,
            "lon": lon,
            "alt": alt_ft / 100.0,
            "alt_ref": "FL",
            "alt_units": "ft",
            "gs_kt": gs,
            "trk_deg": trk,
            "vs_fpm": vs,
            "class": self.track_class,
            "operation_id": None,
            "source": SOURCE,
            "on_ground": on_ground,
        }

    def _prune(self) -> None:
        if self._latest is None:
            return
        horizon = self._latest - _FORGET_AFTER
        for platform in [p for p, a in self.aircraft.items() if a.seen < horizon]:
            del self.aircraft[platform]
