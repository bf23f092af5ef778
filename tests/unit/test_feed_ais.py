"""AIS NMEA sentences to wire reports, checked against pyais's own decode."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce

import pyais
import pytest
from pyais.encode import encode_dict

from deconflict.feeds.ais import AisParser

RECEIVED = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)

# Well-known sentences (pyais's README and tests, gpsd's AIVDM samples).
CLASS_A = "!AIVDM,1,1,,B,15NG6V0P01G?cFhE`R2IU?wn28R>,0*05"
CLASS_B = "!AIVDM,1,1,,B,B5NJ;PP005l4ot5Isbl03wsUkP06,0*75"
SAR_AIRCRAFT = "!AIVDM,1,1,,B,91b55wi;hbOS@OdQAC062Ch2089h,0*30"
LONG_RANGE = "!AIVDM,1,1,,B,KC5E2b@U19PFdLbMuc5=ROv62<7m,0*16"
STATIC_1 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
STATIC_2 = "!AIVDM,2,2,1,A,88888888880,2*25"


def tag_block(**fields: str) -> str:
    """An NMEA 4.10 tag block ``\\s:...,c:...*hh\\`` with its checksum."""
    body = ",".join(f"{k}:{v}" for k, v in fields.items())
    return f"\\{body}*{reduce(lambda a, ch: a ^ ord(ch), body, 0):02X}\\"


@pytest.mark.parametrize("sentence", [CLASS_A, CLASS_B, LONG_RANGE])
def test_vessel_positions_match_pyais(sentence: str) -> None:
    parser = AisParser()
    (report,) = parser.feed(sentence + "\r\n", RECEIVED)
    truth = pyais.decode(sentence)
    assert report == {
        "platform": f"{truth.mmsi:09d}",
        "t": "2026-11-22T10:00:00.000Z",
        "lat": truth.lat,
        "lon": truth.lon,
        "alt": 0.0,
        "alt_ref": "MSL",
        "alt_units": "m",
        "gs_kt": truth.speed,
        "trk_deg": truth.course,
        "vs_fpm": 0.0,
        "class": "vessel",
        "operation_id": None,
        "source": "ais",
        "on_ground": True,  # afloat: out of airborne separation
    }
    assert (parser.counters.lines, parser.counters.reports, parser.counters.bad) == (1, 1, 0)


def test_class_a_example_values() -> None:
    (report,) = AisParser().feed(CLASS_A, RECEIVED)
    assert report["platform"] == "367380120"
    assert (report["lat"], report["lon"]) == (37.806948, -122.404333)
    assert (report["gs_kt"], report["trk_deg"]) == (0.1, 245.2)


def test_sar_aircraft_is_en_route_at_its_altitude() -> None:
    (report,) = AisParser().feed(SAR_AIRCRAFT, RECEIVED)
    truth = pyais.decode(SAR_AIRCRAFT)
    assert report["platform"] == "111232511" and report["on_ground"] is False
    assert (report["class"], report["alt"], report["alt_ref"], report["alt_units"]) == (
        "en_route",
        float(truth.alt),
        "MSL",
        "m",
    )
    assert (report["lat"], report["lon"], report["gs_kt"], report["trk_deg"]) == (
        truth.lat,
        truth.lon,
        truth.speed,
        truth.course,
    )


def test_two_fragment_static_message_is_other() -> None:
    parser = AisParser()
    assert parser.feed(STATIC_1, RECEIVED) == []
    assert parser.feed(STATIC_2, RECEIVED) == []
    c = parser.counters
    assert (c.lines, c.other, c.bad, c.reports) == (2, 1, 0, 0)


def test_orphan_and_unfinished_fragments_are_bad() -> None:
    parser = AisParser()
    parser.feed(STATIC_2, RECEIVED)  # no first fragment
    assert parser.counters.bad == 1
    parser.feed(STATIC_1, RECEIVED)
    parser.finish()  # the second never came
    assert parser.counters.bad == 2


def test_tag_block_time_is_used() -> None:
    parser = AisParser()
    line = tag_block(s="2573535", c="1700000000") + CLASS_A
    (report,) = parser.feed(line, RECEIVED)
    assert report["t"] == "2023-11-14T22:13:20.000Z"
    assert report["platform"] == "367380120"


def test_tag_block_time_of_a_multi_part_message_comes_from_its_first_fragment() -> None:
    position = encode_dict({"msg_type": 5, "mmsi": 211000009, "shipname": "DECONFLICT"})
    assert len(position) == 2
    parser = AisParser()
    parser.feed(tag_block(g="1-2-42", c="1700000000") + position[0], RECEIVED)
    parser.feed(tag_block(g="2-2-42") + position[1], RECEIVED)
    assert (parser.counters.other, parser.counters.bad) == (1, 0)


def test_corrupt_tag_block_falls_back_to_receipt_time() -> None:
    block = tag_block(s="2573535", c="1700000000").replace("c:17", "c:18")
    (report,) = AisParser().feed(block + CLASS_A, RECEIVED)
    assert report["t"] == "2026-11-22T10:00:00.000Z"


def test_checksum_error_is_bad() -> None:
    parser = AisParser()
    assert parser.feed(CLASS_A.replace("*05", "*06"), RECEIVED) == []
    assert parser.feed(CLASS_A.replace("15NG6V", "15NG6W"), RECEIVED) == []
    assert (parser.counters.bad, parser.counters.reports) == (2, 0)


@pytest.mark.parametrize(
    "line",
    ["$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47", "garbage", "!AIVDM,1,1,,B,,0*"],
)
def test_unreadable_lines_are_bad(line: str) -> None:
    parser = AisParser()
    assert parser.feed(line, RECEIVED) == []
    assert parser.counters.bad == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"lat": 91, "lon": 181, "speed": 5, "course": 10},
        {"lat": 54.5, "lon": 10.25, "speed": 102.3, "course": 10},
        {"lat": 54.5, "lon": 10.25, "speed": 5, "course": 360},
    ],
)
def test_not_available_values_are_skipped(fields: dict[str, float]) -> None:
    (sentence,) = encode_dict({"msg_type": 1, "mmsi": 211000001, **fields})
    parser = AisParser()
    assert parser.feed(sentence, RECEIVED) == []
    assert (parser.counters.skipped, parser.counters.bad) == (1, 0)


def test_own_ship_vdo_and_mmsi_with_leading_zeros() -> None:
    (sentence,) = encode_dict(
        {"msg_type": 3, "mmsi": 2320001, "lat": 50.5, "lon": -1.25, "speed": 8.5, "course": 270.0}
    )
    assert sentence.startswith("!AIVDO")
    (report,) = AisParser().feed(sentence, RECEIVED)
    assert (report["platform"], report["lat"], report["lon"], report["gs_kt"], report["trk_deg"]) == (
        "002320001",
        50.5,
        -1.25,
        8.5,
        270.0,
    )
