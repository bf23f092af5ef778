"""The live picture: each platform's newest report, dead-reckoned to now; stale reports drop out."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from builders import T0
from deconflict.domain.errors import InvalidInput
from deconflict.domain.tactical import DRONE_MINIMA, EARTH_RADIUS_M
from deconflict.domain.tactical.motion import advance
from deconflict.domain.tactical.report import PositionReport, picture_at


def report(platform: str = "A1", party: str = "blue", age_s: float = 0.0, **kw: object) -> PositionReport:
    fields: dict[str, object] = {
        "lat_deg": 0.0,
        "lon_deg": 0.0,
        "alt_m": 1000.0,
        "ground_speed_m_s": 100.0,
        "track_deg": 90.0,
        "vertical_rate_m_s": 5.0,
    }
    fields.update(kw)
    return PositionReport(party, platform, T0 - timedelta(seconds=age_s), **fields)  # type: ignore[arg-type]


def test_a_report_is_moved_on_to_now_along_its_velocity() -> None:
    picture = picture_at([report(age_s=10.0)], T0, max_age_s=60)
    state = picture.state
    assert list(state.ids) == ["blue/A1"]
    # 1,000 m east along the equator: an arc of 1000 / R radians (tangent-line model, < 1 mm off).
    assert math.radians(float(state.lon_deg[0])) * EARTH_RADIUS_M == pytest.approx(1000.0, abs=0.01)
    assert float(state.lat_deg[0]) == pytest.approx(0.0, abs=1e-12)
    assert float(state.alt_m[0]) == pytest.approx(1050.0)


def test_the_newest_report_wins_and_stale_ones_drop_out() -> None:
    older = report(age_s=20.0, lon_deg=5.0)
    newer = report(age_s=2.0, lon_deg=6.0)
    stale = report("B2", age_s=61.0)
    picture = picture_at([newer, stale, older], T0, max_age_s=60)
    assert len(picture) == 1
    assert picture.report("blue/A1") == newer


def test_the_same_platform_name_of_two_parties_is_two_platforms_with_their_class_minima() -> None:
    picture = picture_at([report(party="blue"), report(party="red", platform_class="drone")], T0, 60)
    assert list(picture.state.ids) == ["blue/A1", "red/A1"]
    assert picture.minima[1] == DRONE_MINIMA


def test_bad_reports_name_the_field() -> None:
    with pytest.raises(InvalidInput) as bad:
        report(lat_deg=91.0)
    assert bad.value.field == "lat"
    with pytest.raises(InvalidInput) as bad:
        report(platform_class="zeppelin")
    assert bad.value.field == "class"
    with pytest.raises(InvalidInput) as bad:
        PositionReport("blue", "has space", T0, 0, 0, 0, 0, 0, 0)
    assert bad.value.field == "platform"


def test_advance_crosses_the_antimeridian_and_the_pole() -> None:
    lat, lon = advance(0.0, 179.99, 100.0, 90.0, 1000.0)
    assert float(lon) < -179.0 and float(lat) == pytest.approx(0.0, abs=1e-9)
    lat, lon = advance(89.99, 0.0, 100.0, 0.0, 1000.0)
    assert float(lat) < 90.0 and abs(float(lon)) == pytest.approx(180.0)


def test_taking_platforms_keeps_every_column_of_each() -> None:
    # The terminal rules take a subset of the picture; its pressure altitudes and layers
    # must come along, or the subset would be compared in W84 and airborne by default.
    import numpy as np

    from deconflict.domain.tactical.state import SURFACE, TrackState

    state = TrackState.from_columns(
        T0,
        ids=["a", "b", "c"],
        party=["blue", "red", "red"],
        lat_deg=[50.0, 50.1, 50.2],
        lon_deg=[10.0, 10.1, 10.2],
        alt_m=[100.0, 200.0, 300.0],
        ground_speed_m_s=[1.0, 2.0, 3.0],
        track_deg=[0.0, 90.0, 180.0],
        vertical_rate_m_s=[0.0, 1.0, -1.0],
        pressure_alt_m=[90.0, math.nan, 290.0],
        layer=[0, SURFACE, 0],
    )
    picked = state.take(np.array([2, 1]))
    assert list(picked.ids) == ["c", "b"] and list(picked.party) == ["red", "red"]
    assert picked.pressure_alt_m[0] == 290.0 and math.isnan(picked.pressure_alt_m[1])
    assert list(picked.layer) == [0, SURFACE]
