"""The report on the wire: each one checked alone, altitudes to the ellipsoid, velocities to SI."""

from __future__ import annotations

import math

import pytest

from deconflict.api.tracks_wire import parse_reports
from deconflict.domain.units import METRES_PER_FOOT, METRES_PER_SECOND_PER_FPM, METRES_PER_SECOND_PER_KNOT
from deconflict.geoid import egm96

GOOD = {
    "platform": "BLU01",
    "t": "2026-11-22T10:00:00Z",
    "lat": 50.0,
    "lon": 10.0,
    "alt": 350,
    "alt_ref": "FL",
    "gs_kt": 450,
    "trk_deg": 90,
    "vs_fpm": -600,
}


def test_a_flight_level_report_becomes_w84_metres_and_si_velocity() -> None:
    (index, report), *_ = parse_reports([GOOD], "blue", egm96())[0]
    undulation = float(egm96().undulation_m([10.0], [50.0])[0])
    assert index == 0 and report.party == "blue" and report.track_id == "blue/BLU01"
    assert report.alt_m == pytest.approx(35_000 * METRES_PER_FOOT + undulation)
    assert report.ground_speed_m_s == pytest.approx(450 * METRES_PER_SECOND_PER_KNOT)
    assert report.vertical_rate_m_s == pytest.approx(-600 * METRES_PER_SECOND_PER_FPM)


def test_velocity_components_and_w84_metres_are_taken_as_given() -> None:
    item = {k: v for k, v in GOOD.items() if k not in ("gs_kt", "trk_deg", "vs_fpm")}
    item |= {"alt": 120.0, "alt_ref": "W84", "alt_units": "m", "v_east_m_s": -3.0, "v_north_m_s": 4.0}
    item |= {"v_up_m_s": 1.5, "class": "drone"}
    (_, report), *_ = parse_reports([item], "blue", egm96())[0]
    assert report.alt_m == 120.0 and report.platform_class == "drone"
    assert report.ground_speed_m_s == pytest.approx(5.0)
    assert report.track_deg == pytest.approx(math.degrees(math.atan2(-3.0, 4.0)) % 360)
    assert report.vertical_rate_m_s == 1.5


def test_bad_reports_are_rejected_by_index_and_the_rest_kept() -> None:
    items = [
        GOOD,
        {**GOOD, "lat": 95},
        {**GOOD, "t": "2026-11-22T10:00:00"},
        {k: v for k, v in GOOD.items() if k != "trk_deg"},
        {**GOOD, "v_east_m_s": 1.0, "v_north_m_s": 1.0},
        {**GOOD, "gs_kts": 450},
        "not an object",
        {**GOOD, "platform": "BLU 01"},
    ]
    reports, rejected = parse_reports(items, "blue", egm96())
    assert [i for i, _ in reports] == [0]
    assert [r.index for r in rejected] == [1, 2, 3, 4, 5, 6, 7]
    fields = {r.index: r.field for r in rejected}
    assert fields[1] == "lat" and fields[2] == "t" and fields[5] == "gs_kts" and fields[7] == "platform"
    assert all(r.error for r in rejected)
