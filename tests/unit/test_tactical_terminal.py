"""Terminal areas: 3 NM inside, the tower's traffic left out, en-route rules elsewhere.

Aerodromes come from the real list (``airportsdata``, through deconflict.aerodromes):
Zurich (LSZH, 47.4647 N 8.5492 E, 1,416 ft) and Geneva (LSGG).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from builders import T0
from deconflict.aerodromes import aerodromes, terminal_areas
from deconflict.domain.tactical import DEFAULT_MINIMA, detect_brute_force
from deconflict.domain.tactical.motion import advance
from deconflict.domain.tactical.report import PositionReport, picture_at
from deconflict.domain.tactical.terminal import TerminalAreas, TerminalRules, terminal_view
from deconflict.domain.tactical.watch import assess, separation
from deconflict.domain.units import METRES_PER_FOOT, METRES_PER_NAUTICAL_MILE

NM = METRES_PER_NAUTICAL_MILE
RULES = TerminalRules()


@pytest.fixture(scope="module")
def areas() -> TerminalAreas:
    found = terminal_areas("LSZH,LSGG", RULES)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def zurich() -> Any:
    [lszh] = aerodromes("LSZH")
    return lszh


def at(lat: float, lon: float, east_nm: float, north_nm: float) -> tuple[float, float]:
    distance = float(np.hypot(east_nm, north_nm)) * NM
    bearing = float(np.degrees(np.arctan2(east_nm, north_nm)))
    la, lo = advance(lat, lon, distance, bearing, 1.0)
    return float(la), float(lo)


def report(party: str, platform: str, where: tuple[float, float], alt_m: float, **kw: Any) -> PositionReport:
    fields: dict[str, Any] = {"ground_speed_m_s": 70.0, "track_deg": 140.0, "vertical_rate_m_s": -3.5}
    fields.update(kw)
    return PositionReport(party, platform, T0, where[0], where[1], alt_m, **fields)


def findings(reports: list[PositionReport], terminal: TerminalAreas | None) -> list[str]:
    picture = picture_at(reports, T0, 60.0)
    return [f.key for f in assess(picture, [], {}, 300.0, terminal=terminal)]


def test_parallel_finals_near_the_aerodrome_are_the_towers_not_a_loss(
    areas: TerminalAreas, zurich: Any
) -> None:
    # Two arrivals 1 NM apart side by side, 4 NM out at 1,300 ft above Zurich.
    low = zurich.elevation_m + 1_300 * METRES_PER_FOOT
    pair = [
        report("blue", "A1", at(zurich.lat_deg, zurich.lon_deg, -3.0, 2.6), low),
        report("red", "B1", at(zurich.lat_deg, zurich.lon_deg, -2.3, 3.3), low),
    ]
    assert findings(pair, None) == ["separation:blue/A1|red/B1"]  # en-route rules everywhere
    assert findings(pair, areas) == []


def test_inside_the_terminal_area_three_nm_apply_not_five(areas: TerminalAreas, zurich: Any) -> None:
    # Level at 8,000 ft above the aerodrome, 20 NM north, on parallel tracks 4 NM apart.
    high = zurich.elevation_m + 8_000 * METRES_PER_FOOT
    north = [
        report("blue", "A1", at(zurich.lat_deg, zurich.lon_deg, 0.0, 20.0), high, vertical_rate_m_s=0.0),
        report("red", "B1", at(zurich.lat_deg, zurich.lon_deg, 4.0, 20.0), high, vertical_rate_m_s=0.0),
    ]
    assert findings(north, None) == ["separation:blue/A1|red/B1"]
    assert findings(north, areas) == []
    # 2.5 NM apart is a loss under the terminal minimum too.
    closer = [
        north[0],
        report("red", "B1", at(zurich.lat_deg, zurich.lon_deg, 2.5, 20.0), high, vertical_rate_m_s=0.0),
    ]
    assert findings(closer, areas) == ["separation:blue/A1|red/B1"]


def test_away_from_aerodromes_and_above_the_terminal_area_en_route_rules_hold(
    areas: TerminalAreas, zurich: Any
) -> None:
    level = {"vertical_rate_m_s": 0.0}
    far = zurich.elevation_m + 8_000 * METRES_PER_FOOT
    away = [
        report("blue", "A1", at(zurich.lat_deg, zurich.lon_deg, 0.0, 60.0), far, **level),
        report("red", "B1", at(zurich.lat_deg, zurich.lon_deg, 4.0, 60.0), far, **level),
    ]
    assert findings(away, areas) == ["separation:blue/A1|red/B1"]
    above = zurich.elevation_m + 30_000 * METRES_PER_FOOT
    overhead = [
        report("blue", "A1", at(zurich.lat_deg, zurich.lon_deg, 0.0, 0.0), above, **level),
        report("red", "B1", at(zurich.lat_deg, zurich.lon_deg, 2.0, 0.0), above, **level),
    ]
    assert findings(overhead, areas) == ["separation:blue/A1|red/B1"]


def test_drones_keep_their_own_minima_next_to_the_runway(areas: TerminalAreas, zurich: Any) -> None:
    low = zurich.elevation_m + 300 * METRES_PER_FOOT
    drones = [
        report("blue", "D1", at(zurich.lat_deg, zurich.lon_deg, 1.0, 1.0), low, platform_class="drone"),
        report("red", "D2", at(zurich.lat_deg, zurich.lon_deg, 1.3, 1.0), low, platform_class="drone"),
    ]
    assert findings(drones, areas) == ["separation:blue/D1|red/D2"]


def test_the_grid_finds_what_a_scan_of_every_aerodrome_finds() -> None:
    areas = terminal_areas("iata", RULES)
    assert areas is not None and len(areas) > 5_000
    rng = np.random.default_rng(15)
    lat = rng.uniform(-70, 70, 1_500)
    lon = rng.uniform(-180, 180, 1_500)
    # Near real aerodromes too: a third of the points within 40 NM of one.
    picks = rng.integers(0, len(areas), 500)
    for k, i in enumerate(picks):
        a = areas.aerodromes[int(i)]
        lat[k], lon[k] = at(a.lat_deg, a.lon_deg, *rng.uniform(-40, 40, 2))
    every = list(range(len(areas)))
    for la, lo in zip(lat, lon, strict=True):
        grid = set(areas.near(float(la), float(lo)))
        distance = areas.distance_m(every, float(la), float(lo))
        inside = {every[j] for j in np.flatnonzero(distance < RULES.area_radius_m)}
        assert inside <= grid


def test_the_terminal_picture_equals_the_brute_force_oracle_on_the_same_rule(
    areas: TerminalAreas, zurich: Any
) -> None:
    rng = np.random.default_rng(20181)
    reports = []
    for i in range(400):
        where = at(zurich.lat_deg, zurich.lon_deg, *rng.uniform(-45, 45, 2))
        height = rng.choice([1_000.0, 2_000.0, 6_000.0, 12_000.0]) * METRES_PER_FOOT + rng.uniform(0, 300)
        reports.append(
            report(
                str(rng.choice(["blue", "red"])),
                f"P{i:03d}",
                where,
                zurich.elevation_m + height,
                ground_speed_m_s=float(rng.uniform(60, 200)),
                track_deg=float(rng.uniform(0, 360)),
                vertical_rate_m_s=float(rng.choice([0.0, -4.0, 4.0])),
            )
        )
    picture = picture_at(reports, T0 + timedelta(seconds=0), 60.0)
    view = terminal_view(picture.state, picture.reports.platform_class, picture.minima, areas)
    assert view.with_tower.any() and any(m != DEFAULT_MINIMA for m in view.minima)
    keep = np.flatnonzero(~view.with_tower)
    oracle = detect_brute_force(picture.state.take(keep), [view.minima[int(i)] for i in keep])
    fast = separation(picture, areas)
    assert fast == oracle and len(fast) > 0
