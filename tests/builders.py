"""Small builders for test volumes (W84 metres, UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from deconflict.domain.altitude import AltitudeBand
from deconflict.domain.footprint import Footprint, polygon_footprint
from deconflict.domain.tactical import TrackState
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import TaggedVolume, Volume4D, VolumeRef

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def square(lon: float, lat: float, size_deg: float = 0.1) -> Footprint:
    return polygon_footprint(
        [(lon, lat), (lon + size_deg, lat), (lon + size_deg, lat + size_deg), (lon, lat + size_deg)]
    )


def volume(
    footprint: Footprint | None = None,
    lower_m: float = 0.0,
    upper_m: float = 1000.0,
    start_min: float = 0.0,
    end_min: float = 60.0,
) -> Volume4D:
    return Volume4D(
        footprint or square(10.0, 50.0),
        AltitudeBand(lower_m, upper_m),
        TimeWindow(T0 + timedelta(minutes=start_min), T0 + timedelta(minutes=end_min)),
    )


def tagged(party: str, operation: str, vol: Volume4D, index: int = 0) -> TaggedVolume:
    return TaggedVolume(VolumeRef(party, operation, index), vol)


class FixedClock:
    """The service clock, moved by hand."""

    def __init__(self, moment: datetime = T0 - timedelta(hours=2)) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> datetime:
        self.moment += timedelta(seconds=seconds)
        return self.moment


@dataclass(frozen=True)
class Platform:
    """One platform for a tactical scene (degrees, metres, m/s)."""

    id: str
    party: str
    lat: float
    lon: float
    alt_m: float = 10_000.0
    gs: float = 0.0
    trk: float = 0.0
    vs: float = 0.0


def track_scene(at: datetime, platforms: Sequence[Platform]) -> TrackState:
    return TrackState.from_columns(
        at,
        ids=[p.id for p in platforms],
        party=[p.party for p in platforms],
        lat_deg=[p.lat for p in platforms],
        lon_deg=[p.lon for p in platforms],
        alt_m=[p.alt_m for p in platforms],
        ground_speed_m_s=[p.gs for p in platforms],
        track_deg=[p.trk for p in platforms],
        vertical_rate_m_s=[p.vs for p in platforms],
    )


_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def respelled(b64: str) -> list[str]:
    """The other spellings of canonical base64 ``b64`` that a lenient decoder reads as the
    same bytes: its last character before the padding with other unused low bits."""
    data = b64.rstrip("=")
    unused = 6 * len(data) % 8
    value = _B64_ALPHABET.index(data[-1])
    return [data[:-1] + _B64_ALPHABET[value | low] + b64[len(data) :] for low in range(1, 1 << unused)]
