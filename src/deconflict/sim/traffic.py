"""Live traffic for the demo theatre: a few platforms whose reports show the watch at work.

``deconflict serve --demo`` reports these positions every second through the
ordinary ingest use case. Each platform flies a straight leg from its start
point and starts again when the leg ends, so the situations repeat:

- Blue's BLU11 and Red's RED21 meet head-on at FL310 over the middle of the
  theatre: a predicted loss of separation, then a current one (both parties
  get an alert and a FLASH hotline message from the service);
- Blue's drone BLU-UAV1 flies east into Red's air-defence zone EAST: a
  predicted breach, then a breach;
- Red's patrol boat RED-PB7 and Blue's airlifter BLU31 keep clear of everyone.

Coordination for safety only: nothing here plans, selects or evaluates a target.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..bootstrap import Deconflict
from ..domain.altitude import Geoid, flight_level_to_msl_m
from ..domain.tactical.motion import advance
from ..domain.tactical.report import PositionReport
from ..domain.units import METRES_PER_SECOND_PER_KNOT
from ..geoid import egm96
from ..service.tactical import ingest

__all__ = ["DEMO_FLIGHTS", "Leg", "fly_demo_traffic", "positions_at"]

log = logging.getLogger("deconflict.demo")


@dataclass(frozen=True, slots=True)
class Leg:
    party: str  # party id
    platform: str
    lat: float
    lon: float
    alt_msl_m: float
    speed_kt: float
    track_deg: float
    period_s: float  # the leg restarts after this long
    platform_class: str = "en_route"


DEMO_FLIGHTS: tuple[Leg, ...] = (
    # 36.0 E to 37.0 E at 35.5 N is about 91 km; closing at 900 kt they meet ~3 min in (and
    # the leg ends before BLU11 could head into zone EAST).
    Leg("blue", "BLU11", 35.5, 36.0, flight_level_to_msl_m(310), 450, 90.0, 400),
    Leg("red", "RED21", 35.5, 37.0, flight_level_to_msl_m(310), 450, 270.0, 400),
    # 37.6 E to the zone's edge at 38.0 E is about 36 km: 16 min at 75 kt.
    Leg("blue", "BLU-UAV1", 35.0, 37.6, 1_500.0, 75, 90.0, 1_500, "drone"),
    Leg("red", "RED-PB7", 33.8, 35.5, 0.0, 18, 45.0, 3_600, "vessel"),
    Leg("blue", "BLU31", 36.6, 35.0, flight_level_to_msl_m(240), 280, 100.0, 1_800),
)


def positions_at(now: datetime, geoid: Geoid, flights: Sequence[Leg] = DEMO_FLIGHTS) -> list[PositionReport]:
    """Every demo platform's report at ``now`` (the legs are timed from the Unix epoch)."""
    out = []
    for leg in flights:
        elapsed = now.timestamp() % leg.period_s
        speed = leg.speed_kt * METRES_PER_SECOND_PER_KNOT
        lat, lon = advance(leg.lat, leg.lon, speed, leg.track_deg, elapsed)
        (undulation,) = geoid.undulation_m([float(lon)], [float(lat)])
        out.append(
            PositionReport(
                party=leg.party,
                platform=leg.platform,
                at=now,
                lat_deg=float(lat),
                lon_deg=float(lon),
                alt_m=leg.alt_msl_m + float(undulation),
                ground_speed_m_s=speed,
                track_deg=leg.track_deg,
                vertical_rate_m_s=0.0,
                platform_class=leg.platform_class,
                source="demo",
            )
        )
    return out


def fly_demo_traffic(service: Deconflict, stop: threading.Event, every_s: float = 1.0) -> None:
    """Report the demo platforms every ``every_s`` until ``stop`` is set (run it in a thread)."""
    geoid = egm96()
    while not stop.is_set():
        reports = positions_at(service.clock.now(), geoid)
        try:
            for party in sorted({r.party for r in reports}):
                mine = [(i, r) for i, r in enumerate(reports) if r.party == party]
                ingest(service.uow(), service.clock, party, mine)
        except Exception:
            log.exception("demo traffic could not report; trying again")
        stop.wait(every_s)
