"""SBS-1 (dump1090 port 30003) lines to wire reports: merge, hold, staleness, time, bad lines."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from deconflict.feeds.common import RateLimitedLog
from deconflict.feeds.sbs import SbsParser


def msg(kind: int, hex_ident: str, at: str, **fields: str) -> str:
    """A dump1090-style MSG line; ``at`` is ``HH:MM:SS.sss`` on 2026/11/22 (generated = logged)."""
    row = ["MSG", str(kind), "1", "1", hex_ident, "1", "2026/11/22", at, "2026/11/22", at] + [""] * 12
    names = {"callsign": 10, "alt": 11, "gs": 12, "trk": 13, "lat": 14, "lon": 15, "vs": 16, "squawk": 17}
    for name, value in fields.items():
        row[names[name]] = value
    row[18:22] = ["0", "0", "0", "0"] if kind in (3, 4) else ["", "", "", "0"]
    return ",".join(row) + "\r\n"


# Lines exactly as dump1090 writes them (22 fields, CRLF).
IDENT = "MSG,1,1,1,4CA2D1,1,2026/11/22,10:00:00.000,2026/11/22,10:00:00.000,RYR4TX  ,,,,,,,,,,,0\r\n"
POSITION = (
    "MSG,3,1,1,4CA2D1,1,2026/11/22,10:00:00.250,2026/11/22,10:00:00.250,,35000,,,50.1,10.2,,,0,,0,0\r\n"
)
VELOCITY = "MSG,4,1,1,4CA2D1,1,2026/11/22,10:00:00.500,2026/11/22,10:00:00.500,,,450,90,,,-500,,0,0,0,0\r\n"


def test_position_after_velocity_is_one_full_report() -> None:
    parser = SbsParser()
    assert parser.feed(IDENT) == []
    assert parser.feed(VELOCITY) == []
    (report,) = parser.feed(POSITION)
    assert report == {
        "platform": "4CA2D1",
        "t": "2026-11-22T10:00:00.250Z",
        "lat": 50.1,
        "lon": 10.2,
        "alt": 350.0,
        "alt_ref": "FL",
        "alt_units": "ft",
        "gs_kt": 450.0,
        "trk_deg": 90.0,
        "vs_fpm": -500.0,
        "class": "en_route",
        "operation_id": None,
        "source": "sbs",
        "on_ground": False,
    }
    assert parser.aircraft["4CA2D1"].callsign == "RYR4TX"
    c = parser.counters
    assert (c.lines, c.reports, c.bad, c.other) == (3, 1, 0, 2)


def test_position_before_any_velocity_is_held_then_sent_with_the_velocity() -> None:
    parser = SbsParser()
    assert parser.feed(POSITION) == []  # no zero velocity invented
    assert parser.counters.skipped == 1
    (report,) = parser.feed(VELOCITY)
    assert report["t"] == "2026-11-22T10:00:00.250Z"  # the position's time, not the velocity's
    assert (report["gs_kt"], report["trk_deg"], report["vs_fpm"]) == (450.0, 90.0, -500.0)
    assert parser.feed(VELOCITY) == []  # the held position went out once


def test_stale_velocity_is_not_used() -> None:
    parser = SbsParser(max_age_s=30.0)
    parser.feed(VELOCITY)  # 10:00:00.5
    late = msg(3, "4CA2D1", "10:00:31.000", alt="34000", lat="50.2", lon="10.9")
    assert parser.feed(late) == []
    assert parser.counters.skipped == 1
    fresh = msg(3, "4CA2D1", "10:00:30.000", alt="34000", lat="50.2", lon="10.9")
    assert len(parser.feed(fresh)) == 1


def test_velocity_long_after_a_held_position_does_not_release_it() -> None:
    parser = SbsParser(max_age_s=5.0)
    parser.feed(POSITION)
    later = msg(4, "4CA2D1", "10:01:00.000", gs="440", trk="91", vs="0")
    assert parser.feed(later) == []


def test_position_without_altitude_uses_a_recent_altitude_only() -> None:
    parser = SbsParser(max_age_s=30.0)
    parser.feed(VELOCITY)
    parser.feed(msg(5, "4CA2D1", "10:00:01.000", alt="36000"))
    (report,) = parser.feed(msg(3, "4CA2D1", "10:00:02.000", lat="50.1", lon="10.3"))
    assert report["alt"] == 360.0
    assert parser.feed(msg(3, "4CA2D1", "10:05:00.000", lat="50.1", lon="10.4")) == []


def test_aircraft_are_kept_apart() -> None:
    parser = SbsParser()
    parser.feed(VELOCITY)
    assert parser.feed(POSITION.replace("4CA2D1", "3C6586")) == []
    assert len(parser.feed(POSITION)) == 1


def test_surface_position_carries_its_own_speed_and_needs_an_altitude() -> None:
    parser = SbsParser()
    surface = msg(2, "4CA2D1", "10:00:00.000", gs="12", trk="270.5", lat="50.03", lon="8.56")
    assert parser.feed(surface) == []  # dump1090 gives no altitude on the surface
    assert parser.counters.skipped == 1
    parser.feed(msg(5, "4CA2D1", "10:00:00.100", alt="350"))
    (report,) = parser.feed(surface.replace("10:00:00.000", "10:00:01.000"))
    assert (report["gs_kt"], report["trk_deg"], report["vs_fpm"], report["alt"]) == (12.0, 270.5, 0.0, 3.5)


def test_non_icao_address_gets_a_legal_platform_name() -> None:
    parser = SbsParser()
    parser.feed(VELOCITY.replace("4CA2D1", "~4ca2d1"))
    (report,) = parser.feed(POSITION.replace("4CA2D1", "~4ca2d1"))
    assert report["platform"] == "nonicao:4CA2D1"


@pytest.mark.parametrize(
    "line",
    [
        "MSG,3,1,1,4CA2D1,1,2026/11/22,10:00:00.250,2026/11/22,10:00:00.250,,35000,,,50.1,10.2,,,0,,0\r\n",
        POSITION.replace("50.1", "5O.1"),
        POSITION.replace("50.1", "91.0"),
        POSITION.replace("10.2", "-180.5"),
        POSITION.replace("35000", "nan"),
        POSITION.replace("4CA2D1", "4CA2"),
        POSITION.replace("2026/11/22,10:00:00.250,2026", "2026/11/22,10:0x:00,2026"),
        VELOCITY.replace(",450,", ",fast,"),
        "MSG,9,1,1,4CA2D1,1,2026/11/22,10:00:00.250,2026/11/22,10:00:00.250,,,,,,,,,,,,\r\n",
        "\x00\x17garbage\r\n",
    ],
)
def test_bad_lines_are_counted_not_raised(line: str) -> None:
    parser = SbsParser()
    assert parser.feed(line) == []
    assert (parser.counters.lines, parser.counters.bad, parser.counters.reports) == (1, 1, 0)


def test_other_record_types_and_blank_lines_are_not_bad() -> None:
    parser = SbsParser()
    for line in (
        "AIR,,333,1,4CA2D1,,,,,,\r\n",
        "STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153\r\n",
        "\r\n",
    ):
        parser.feed(line)
    assert (parser.counters.bad, parser.counters.other) == (0, 3)


def test_time_is_the_generated_time_as_utc_or_shifted_or_receipt() -> None:
    parser = SbsParser(utc_offset=timedelta(hours=1))  # a receiver on CET
    parser.feed(VELOCITY)
    assert parser.feed(POSITION)[0]["t"] == "2026-11-22T09:00:00.250Z"

    received = datetime(2026, 11, 22, 12, 34, 56, 789000, tzinfo=UTC)
    parser = SbsParser(clock="receipt")
    parser.feed(VELOCITY, received)
    assert parser.feed(POSITION, received)[0]["t"] == "2026-11-22T12:34:56.789Z"

    parser = SbsParser()  # empty generated time: the logged one
    parser.feed(VELOCITY)
    blank = POSITION.replace("2026/11/22,10:00:00.250,2026/11/22,10:00:00.250", ",,2026/11/22,10:00:00.300")
    assert parser.feed(blank)[0]["t"] == "2026-11-22T10:00:00.300Z"


def test_bad_line_logging_is_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    parser = SbsParser(log_interval_s=3600.0)
    with caplog.at_level(logging.WARNING, logger="deconflict.feeds.sbs"):
        for _ in range(10_000):
            parser.feed("MSG,3,broken\r\n")
    assert parser.counters.bad == 10_000
    assert len(caplog.records) == 1
    assert "22" in caplog.records[0].getMessage()


def test_rate_limited_log_summarises_what_it_suppressed(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    limited = RateLimitedLog(logging.getLogger("test.feed"), "X", interval_s=10.0, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.feed"):
        for step in range(25):
            now[0] = float(step)
            limited("broken", "line")
    assert [r.getMessage().endswith("more since the last report)") for r in caplog.records] == [
        False,
        True,
        True,
    ]
    assert "(9 more since" in caplog.records[1].getMessage()


def test_surface_and_on_ground_positions_are_on_the_ground() -> None:
    parser = SbsParser()
    parser.feed(VELOCITY)
    assert parser.feed(POSITION)[0]["on_ground"] is False
    landed = POSITION.replace(",0,,0,0\r\n", ",0,,0,-1\r\n")
    assert landed != POSITION
    assert parser.feed(landed)[0]["on_ground"] is True
    parser.feed(msg(5, "4CA2D1", "10:00:00.100", alt="350"))
    surface = msg(2, "4CA2D1", "10:00:01.000", gs="12", trk="270", lat="50.03", lon="8.56")
    assert parser.feed(surface)[0]["on_ground"] is True


def local_lines(count: int, hours: float) -> list[tuple[str, datetime]]:
    """dump1090 on a receiver ``hours`` east of UTC: each line's time is local, received now."""
    out = []
    for i in range(count):
        received = datetime(2026, 11, 22, 10, 0, tzinfo=UTC) + timedelta(seconds=i)
        local = received + timedelta(hours=hours, seconds=0.3)
        out.append((msg(4, "4CA2D1", f"{local:%H:%M:%S}.300", gs="450", trk="90", vs="0"), received))
    return out


def test_a_receiver_on_local_time_is_noticed_once_in_words(caplog: pytest.LogCaptureFixture) -> None:
    parser = SbsParser(watch_clock=True)
    with caplog.at_level(logging.WARNING, logger="deconflict.feeds.sbs"):
        for line, received in local_lines(200, 1.0):
            parser.feed(line, received)
    [warning] = [r.getMessage() for r in caplog.records]
    assert "1 h ahead of this machine's clock" in warning
    assert "--utc-offset +01:00" in warning and "local time" in warning
    assert parser.utc_offset == timedelta(0)  # suggested, not applied


def test_auto_offset_applies_what_it_noticed_and_utc_receivers_say_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    parser = SbsParser(auto_offset=True)
    for line, received in local_lines(60, -5.0):
        parser.feed(line, received)
    assert parser.utc_offset == timedelta(hours=-5)
    parser.feed(POSITION.replace("10:00:00.250", "05:01:00.250"), datetime(2026, 11, 22, 10, 1, tzinfo=UTC))
    (report,) = parser.feed(
        POSITION.replace("10:00:00.250", "05:01:00.500"), datetime(2026, 11, 22, 10, 1, tzinfo=UTC)
    )
    assert report["t"] == "2026-11-22T10:01:00.500Z"
    caplog.clear()
    quiet = SbsParser(watch_clock=True)
    with caplog.at_level(logging.WARNING, logger="deconflict.feeds.sbs"):
        for line, received in local_lines(200, 0.0):
            quiet.feed(line, received)
    assert caplog.records == []
