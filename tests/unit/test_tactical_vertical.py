"""What counts as a vertical loss on real traffic: flight levels as pressure altitudes, the
reporting step, bounded climbs and descents, separation layers; the fast detector still
equals the oracle with all of them."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from deconflict.api.tracks_wire import parse_reports
from deconflict.domain.tactical import TrackState, detect, detect_brute_force
from deconflict.domain.tactical.cpa import PredictedConflict
from deconflict.domain.tactical.report import PositionReport, picture_at
from deconflict.domain.tactical.state import AIRBORNE, GROUND, SURFACE
from deconflict.domain.tactical.watch import assess, prediction_confidence
from deconflict.domain.units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE, METRES_PER_SECOND_PER_FPM
from deconflict.geoid import egm96

AT = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
FT = METRES_PER_FOOT
NM = METRES_PER_NAUTICAL_MILE
FPM = METRES_PER_SECOND_PER_FPM
KT = NM / 3600.0


def pair(
    dh_ft: float = 0.0,
    *,
    apart_nm: float = 1.0,
    pressure: tuple[bool, bool] = (True, True),
    gs_kt: float = 0.0,
    vs_fpm: tuple[float, float] = (0.0, 0.0),
    layers: tuple[int, int] = (AIRBORNE, AIRBORNE),
    geoid_m: tuple[float, float] = (47.3, 46.9),
) -> TrackState:
    """Blue at FL360 on the equator, red ``apart_nm`` east and ``dh_ft`` higher, head-on at
    ``gs_kt``; W84 altitudes through a (slightly different) geoid height under each."""
    pa = [36_000 * FT, 36_000 * FT + dh_ft * FT]
    lon_b = math.degrees(apart_nm * NM / 6_371_008.8)
    return TrackState.from_columns(
        AT,
        ids=["blue/A", "red/B"],
        party=["blue", "red"],
        lat_deg=[0.0, 0.0],
        lon_deg=[0.0, lon_b],
        alt_m=[pa[0] + geoid_m[0], pa[1] + geoid_m[1]],
        ground_speed_m_s=[gs_kt * KT, gs_kt * KT],
        track_deg=[90.0, 270.0],
        vertical_rate_m_s=[vs_fpm[0] * FPM, vs_fpm[1] * FPM],
        pressure_alt_m=[pa[i] if pressure[i] else math.nan for i in range(2)],
        layer=list(layers),
    )


def found(state: TrackState, horizon_s: float = math.inf) -> tuple[PredictedConflict, ...]:
    fast = detect(state, vertical_horizon_s=horizon_s)
    assert fast == detect_brute_force(state, vertical_horizon_s=horizon_s)
    return fast


# flight levels are pressure altitudes
# ------------------------------------


def test_adjacent_flight_levels_through_the_real_geoid_are_never_a_loss() -> None:
    """2,000 pairs at FL360 / FL370 a mile apart all over the globe, reported on the wire:
    through the geoid under each aircraft about half come out under 1,000 ft, as pressure
    altitudes none does."""
    rng = np.random.default_rng(15)
    lats = rng.uniform(-70.0, 70.0, 2000)
    lons = rng.uniform(-179.0, 179.0, 2000)
    base = {"t": "2026-11-22T10:00:00Z", "alt_ref": "FL", "gs_kt": 450, "vs_fpm": 0}
    blue = [
        {**base, "platform": f"B{i}", "lat": lat, "lon": lon, "alt": 360, "trk_deg": 90}
        for i, (lat, lon) in enumerate(zip(lats, lons, strict=True))
    ]
    red = [
        {**base, "platform": f"R{i}", "lat": lat, "lon": lon + 0.02, "alt": 370, "trk_deg": 270}
        for i, (lat, lon) in enumerate(zip(lats, lons, strict=True))
    ]
    reports = [r for _, r in parse_reports(blue, "blue", egm96())[0] + parse_reports(red, "red", egm96())[0]]
    assert len(reports) == 4000
    picture = picture_at(reports, datetime(2026, 11, 22, 10, 0, tzinfo=UTC), 60)
    w84_gaps = [abs(b.alt_m - a.alt_m) for a, b in zip(reports[:2000], reports[2000:], strict=True)]
    assert sum(gap < 1000 * FT for gap in w84_gaps) > 500  # the defect's premise
    assert detect(picture.state) == ()


@pytest.mark.parametrize(
    ("dh_ft", "loss"), [(1025, False), (1000, False), (975, False), (950, True), (0, True)]
)
def test_pressure_minimum_allows_one_reporting_step(dh_ft: float, loss: bool) -> None:
    """Exactly 1,000 ft is not a loss, nor 975 ft (one 25 ft step off); 950 ft is."""
    assert bool(found(pair(dh_ft))) is loss


def test_a_pair_in_mixed_references_is_compared_in_w84() -> None:
    # Red gives W84 only: 1,000 ft in pressure is 999 ft in W84 with these geoid heights,
    # and exactly 1,000 ft with equal ones (up to the rounding of the sums, which is no loss).
    assert found(pair(1000, pressure=(True, False)))
    assert not found(pair(1000, pressure=(True, False), geoid_m=(47.0, 47.0)))
    assert not found(pair(1000, pressure=(False, False), geoid_m=(47.0, 47.0)))


# bounded vertical extrapolation
# ------------------------------


def test_a_descent_is_not_extrapolated_for_the_whole_look_ahead() -> None:
    """25 NM apart head-on at 250 kt each, red 4,000 ft above descending 1,500 ft/min: on a
    300 s straight line it meets blue at 144 s; levelled off after 60 s it stays 2,500 ft above."""
    state = pair(4000, apart_nm=25.0, gs_kt=250.0, vs_fpm=(0.0, -1500.0))
    assert found(state)
    assert found(state, horizon_s=60.0) == ()


def test_a_descent_inside_the_horizon_is_still_a_conflict_and_says_how_sure() -> None:
    # 50 ft/s down through blue's level at 30 s, levelling off 1,500 ft below; the minimum
    # less one reporting step is 975 ft: in loss from 10.5 s to 49.5 s.
    through = pair(1500, vs_fpm=(0.0, -3000.0))
    [conflict] = found(through, horizon_s=60.0)
    assert conflict.t_in_s == pytest.approx(10.5) and conflict.t_out_s == pytest.approx(49.5)
    assert not conflict.vertical_bounded
    assert prediction_confidence(conflict, 60.0) == "high"
    levelling = pair(1500, vs_fpm=(0.0, -1000.0))  # levels off 500 ft above: in loss from 31.5 s on
    [conflict] = found(levelling, horizon_s=60.0)
    assert conflict.t_in_s == pytest.approx(31.5) and conflict.t_out_s == 300.0
    assert conflict.vertical_bounded
    assert prediction_confidence(conflict, 60.0) == "low"


# separation layers
# -----------------


def test_a_landed_aircraft_is_not_separated_from_one_overhead() -> None:
    assert found(pair(500, layers=(AIRBORNE, AIRBORNE)))
    assert found(pair(500, layers=(GROUND, AIRBORNE))) == ()
    assert found(pair(0, layers=(GROUND, GROUND))) == ()
    assert found(pair(0, layers=(SURFACE, SURFACE), pressure=(False, False)))
    assert found(pair(0, layers=(SURFACE, AIRBORNE))) == ()


def test_fast_detector_equals_the_oracle_with_pressure_layers_and_horizon() -> None:
    rng = np.random.default_rng(7)
    n = 1500
    pa = rng.choice(np.arange(50, 400, 10), n) * 100 * FT + rng.choice([-25, 0, 25], n) * FT
    geoid = rng.uniform(-30.0, 60.0, n)
    state = TrackState.from_columns(
        AT,
        ids=[f"p{i}" for i in range(n)],
        party=rng.choice(["blue", "red", "green"], n).tolist(),
        lat_deg=rng.uniform(49.0, 51.0, n),
        lon_deg=rng.uniform(9.0, 12.0, n),
        alt_m=pa + geoid,
        ground_speed_m_s=rng.uniform(0.0, 260.0, n),
        track_deg=rng.uniform(0.0, 360.0, n),
        vertical_rate_m_s=rng.choice([0.0, 0.0, 10.0, -10.0, 25.0], n),
        pressure_alt_m=np.where(rng.random(n) < 0.7, pa, np.nan),
        layer=rng.choice([AIRBORNE, AIRBORNE, AIRBORNE, SURFACE, GROUND], n),
    )
    for horizon in (math.inf, 60.0, 0.0):
        fast, oracle = (
            detect(state, vertical_horizon_s=horizon),
            detect_brute_force(state, vertical_horizon_s=horizon),
        )
        assert len(oracle) > 20
        assert [(c.a, c.b, c.current_loss, c.vertical_bounded) for c in fast] == [
            (c.a, c.b, c.current_loss, c.vertical_bounded) for c in oracle
        ]
        for f, o in zip(fast, oracle, strict=True):
            assert (f.t_in_s, f.t_out_s) == pytest.approx((o.t_in_s, o.t_out_s), rel=1e-9, abs=1e-9)


# the picture
# -----------


def report(platform: str, party: str = "blue", age_s: float = 0.0, **kw: Any) -> PositionReport:
    fields: dict[str, Any] = {
        "lat_deg": 0.0,
        "lon_deg": 0.0,
        "alt_m": 10_000.0,
        "ground_speed_m_s": 200.0,
        "track_deg": 90.0,
        "vertical_rate_m_s": 0.0,
    }
    return PositionReport(party, platform, AT - timedelta(seconds=age_s), **(fields | kw))


def test_each_class_coasts_as_long_as_its_source_allows_and_surface_reports_are_on_the_ground() -> None:
    coast = {"en_route": 10.0, "terminal": 10.0, "drone": 10.0, "vessel": 360.0}
    reports = [
        report("quiet", age_s=15.0),
        report("heard", age_s=5.0, on_ground=True),
        report("ship", age_s=300.0, platform_class="vessel", alt_m=40.0, ground_speed_m_s=5.0),
    ]
    picture = picture_at(reports, AT, 600.0, coast_s_by_class=coast)
    assert list(picture.state.ids) == ["blue/heard", "blue/ship"]
    assert list(picture.state.layer) == [GROUND, SURFACE]


def test_the_picture_keeps_the_pressure_altitude_and_bounds_the_climb() -> None:
    climbing = report("up", age_s=100.0, vertical_rate_m_s=10.0, pressure_alt_m=9_950.0)
    picture = picture_at([climbing], AT, 600.0, vertical_horizon_s=60.0)
    assert float(picture.state.alt_m[0]) == pytest.approx(10_600.0)
    assert float(picture.state.pressure_alt_m[0]) == pytest.approx(10_550.0)
    assert picture.report("blue/up").pressure_alt_m == 9_950.0


def test_the_alert_states_the_reference_its_uncertainty_and_the_confidence() -> None:
    a = report("A", alt_m=10_000.0, pressure_alt_m=9_950.0)
    b = report("B", party="red", lon_deg=0.01, alt_m=10_100.0, track_deg=270.0)
    [finding] = assess(picture_at([a, b], AT, 60.0), [], {}, 300.0, vertical_horizon_s=60.0)
    assert finding.detail["vertical_reference"] == "mixed"
    assert finding.detail["vertical_uncertainty_m"] == round(250 + 0.05 * 9_950)
    assert finding.detail["confidence"] == "high" and finding.detail["vertical_bounded"] is False
