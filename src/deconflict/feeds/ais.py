"""AIS NMEA 0183 (``!AIVDM``/``!AIVDO``, optional NMEA 4.10 tag blocks) to wire reports.

pyais decodes sentences and payloads; the fragment assembly is done here rather than with
``pyais.stream``, because that one silently drops checksum errors and orphan fragments and a
feed operator needs them counted. Position reports: types 1/2/3 (class A), 18/19 (class B),
27 (long range) become ``vessel`` reports at the sea surface (alt 0 m MSL, vs 0, on the
ground: out of airborne separation); type 9
(SAR aircraft) becomes an ``en_route`` report at its GNSS altitude, taken as metres above
MSL (what GNSS receivers give AIS transponders), with vs 0 (the message has no vertical
rate). "Not available" values (lat 91, lon 181, speed/course n/a) make no report and count
as skipped. Everything else that decodes (static data, types 5/24, ...) counts as other.

Time: the tag block's ``c`` (Unix seconds, of the first fragment that has one) when the tag
block's checksum is valid; otherwise the time the line was received. A multi-fragment
message counts once when it completes; the fragments before it count in ``lines`` only.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

from pyais.messages import AISSentence, NMEAMessage, NMEASentenceFactory

from .common import FeedCounters, RateLimitedLog, TrackClass, WireReport, wire_time

log = logging.getLogger(__name__)

SOURCE = "ais"
VESSEL_TYPES = frozenset({1, 2, 3, 18, 19})
LONG_RANGE = 27
SAR_AIRCRAFT = 9
_FragmentKey = tuple[int, str, str, str, int]


class BadLine(ValueError):
    """A sentence that cannot be used; the message says why (it is logged, rate-limited)."""


def mmsi_id(mmsi: int | str) -> str:
    """The MMSI as its canonical nine digits (coast stations start with zeros)."""
    return f"{int(mmsi):09d}"


def tag_block_time(sentence: AISSentence) -> datetime | None:
    """The receiver time ``c`` of a valid NMEA 4.10 tag block, or None."""
    block = sentence.tag_block
    if block is None:
        return None
    block.init()
    if not block.is_valid or not block.receiver_timestamp:
        return None
    try:
        seconds = float(block.receiver_timestamp)
    except ValueError:
        return None
    if seconds > 1e11:  # some receivers write milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


class _Pending:
    __slots__ = ("parts", "received", "time")

    def __init__(self, first: AISSentence, received: datetime, time: datetime | None) -> None:
        self.parts = [first]
        self.received = received
        self.time = time


class AisParser:
    """Pure, synchronous AIS parser: ``feed(line)`` returns the reports that line completes."""

    def __init__(
        self,
        *,
        fragment_timeout_s: float = 10.0,
        max_pending: int = 1000,
        log_interval_s: float = 10.0,
    ) -> None:
        self.counters = FeedCounters()
        self.fragment_timeout = timedelta(seconds=fragment_timeout_s)
        self.max_pending = max_pending
        self._pending: OrderedDict[_FragmentKey, _Pending] = OrderedDict()
        self._log_bad = RateLimitedLog(log, "AIS", interval_s=log_interval_s)

    # ------------------------------------------------------------------ public
    def feed(self, line: str, received: datetime | None = None) -> list[WireReport]:
        """Parse one line; bad lines are counted and logged (rate-limited), never raised."""
        self.counters.lines += 1
        try:
            return self._parse(line, (received or datetime.now(UTC)).astimezone(UTC))
        except BadLine as error:
            self._bad(str(error), line)
            return []

    def finish(self) -> None:
        """End of input: fragments still waiting for their rest are bad."""
        for _ in range(len(self._pending)):
            _, pending = self._pending.popitem(last=False)
            self._bad("incomplete multi-part message at end of input", pending.parts[0].raw.decode())

    # ----------------------------------------------------------------- parsing
    def _bad(self, reason: str, line: str) -> None:
        self.counters.bad += 1
        self._log_bad(reason, line)

    def _parse(self, line: str, received: datetime) -> list[WireReport]:
        text = line.strip()
        if not text:
            self.counters.other += 1
            return []
        try:
            sentence = NMEASentenceFactory.produce(text.encode("ascii"))
        except UnicodeEncodeError:
            raise BadLine("non-ASCII characters") from None
        except Exception as error:  # pyais raises several kinds; none may stop the feed
            raise BadLine(f"not an AIS sentence ({type(error).__name__}: {error})"[:200]) from None
        if not isinstance(sentence, AISSentence):
            self.counters.other += 1  # e.g. a Gatehouse $PGHP wrapper
            return []
        if not sentence.is_valid:
            raise BadLine("checksum error")
        when = tag_block_time(sentence)
        message = self._assemble(sentence, received, when)
        if message is None:
            return []
        full, when = message
        try:
            decoded = full.decode()
        except Exception as error:  # undecodable payload: counted, never fatal
            raise BadLine(f"undecodable payload ({type(error).__name__})") from None
        return self._report(decoded, when or received)

    def _assemble(
        self, sentence: AISSentence, received: datetime, when: datetime | None
    ) -> tuple[AISSentence, datetime | None] | None:
        if sentence.frag_cnt == 1:
            return sentence, when
        key: _FragmentKey = (
            -1 if sentence.seq_id is None else sentence.seq_id,
            sentence.channel,
            sentence.talker_id,
            sentence.type,
            sentence.frag_cnt,
        )
        if sentence.frag_num == 1:
            self._expire(received)
            stale = self._pending.pop(key, None)
            if stale is not None:
                self._bad("multi-part message never completed", stale.parts[0].raw.decode())
            self._pending[key] = _Pending(sentence, received, when)
            if len(self._pending) > self.max_pending:
                _, oldest = self._pending.popitem(last=False)
                self._bad("too many incomplete multi-part messages", oldest.parts[0].raw.decode())
            return None
        pending = self._pending.get(key)
        if pending is None or sentence.frag_num != len(pending.parts) + 1:
            raise BadLine(f"orphan fragment {sentence.frag_num}/{sentence.frag_cnt}")
        pending.parts.append(sentence)
        pending.time = pending.time or when
        if len(pending.parts) < sentence.frag_cnt:
            return None
        del self._pending[key]
        return NMEAMessage.assemble_from_iterable(pending.parts), pending.time

    def _expire(self, now: datetime) -> None:
        while self._pending:
            key, oldest = next(iter(self._pending.items()))
            if now - oldest.received <= self.fragment_timeout:
                return
            del self._pending[key]
            self._bad("multi-part message timed out", oldest.parts[0].raw.decode())

    def _report(self, decoded: Any, when: datetime) -> list[WireReport]:
        kind = int(decoded.msg_type)
        if kind in VESSEL_TYPES:
            speed_na, course_na = 102.25, 359.95  # 1023 and 3600 tenths
        elif kind == LONG_RANGE:
            speed_na, course_na = 62.5, 510.5  # 63 knots and 511 degrees
        elif kind == SAR_AIRCRAFT:
            speed_na, course_na = 1022.5, 359.95  # 1023 knots and 3600 tenths
        else:
            self.counters.other += 1
            return []
        lat, lon = float(decoded.lat), float(decoded.lon)
        speed, course = float(decoded.speed), float(decoded.course)
        if (
            abs(lat - 91.0) < 1e-6
            or abs(lon - 181.0) < 1e-6
            or speed > speed_na
            or course > course_na
            or (kind == SAR_AIRCRAFT and int(decoded.alt) >= 4095)
        ):
            self.counters.skipped += 1
            return []
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadLine(f"type {kind} position {lat}, {lon} is out of range")
        if course >= 360.0:  # long-range course 360-510 is not a course
            raise BadLine(f"type {kind} course {course} is out of range")
        track_class: TrackClass = "en_route" if kind == SAR_AIRCRAFT else "vessel"
        self.counters.reports += 1
        return [
            {
                "platform": mmsi_id(decoded.mmsi),
                "t": wire_time(when),
                "lat": lat,
                "lon": lon,
                "alt": float(decoded.alt) if kind == SAR_AIRCRAFT else 0.0,
                "alt_ref": "MSL",
                "alt_units": "m",
                "gs_kt": speed,
                "trk_deg": course,
                "vs_fpm": 0.0,
                "class": track_class,
                "operation_id": None,
                "source": SOURCE,
                "on_ground": kind != SAR_AIRCRAFT,  # a vessel is on the surface
            }
        ]
