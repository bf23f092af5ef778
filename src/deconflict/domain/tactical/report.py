"""Position reports and the live picture built from them.

A report is one platform's position and velocity at one instant, as a party
sent it (batch API, ADS-B, AIS). Reports arrive at different instants; the
picture at ``now`` dead-reckons each platform's latest report to ``now`` along
its velocity (:func:`.motion.advance`), drops reports older than its class may
coast (:data:`COAST_S_BY_CLASS`: a few seconds for an aircraft heard twice a
second, minutes for a vessel; a lost track predicts nothing worth alerting
on), and holds the result as one :class:`.state.TrackState` whose ids are
``party/platform`` — two parties may use the same platform name.

A report given as a flight level keeps its pressure altitude beside the W84
one, so that two of them are compared as pressure altitudes; a surface report
(``on_ground``) is out of airborne separation (:func:`separation_layers`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInput
from ..timewindow import as_utc
from .motion import advance
from .state import AIRBORNE, GROUND, MINIMA_BY_CLASS, SURFACE, Minima, TrackState

__all__ = [
    "COAST_S_BY_CLASS",
    "Picture",
    "PositionReport",
    "ReportColumns",
    "picture_at",
    "separation_layers",
    "track_id",
]

# How long a platform that stopped reporting is dead-reckoned, by class: a few of its
# source's normal update gaps (ADS-B positions come twice a second, a drone's telemetry
# every second or so, an AIS class A vessel's every 2 s to 3 min, class B's up to 3 min).
COAST_S_BY_CLASS: Mapping[str, float] = MappingProxyType(
    {"en_route": 10.0, "terminal": 10.0, "drone": 10.0, "vessel": 360.0}
)

PLATFORM_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def track_id(party: str, platform: str) -> str:
    """The id of a platform in the picture: unique across parties."""
    return f"{party}/{platform}"


@dataclass(frozen=True, slots=True)
class PositionReport:
    """One platform at one instant. Altitude is metres above the WGS84 ellipsoid;
    ``pressure_alt_m`` is the pressure altitude (ISA) when it was reported as a
    flight level; ``on_ground`` marks a surface report (landed, taxiing, afloat)."""

    party: str
    platform: str
    at: datetime
    lat_deg: float
    lon_deg: float
    alt_m: float
    ground_speed_m_s: float
    track_deg: float
    vertical_rate_m_s: float
    platform_class: str = "en_route"
    operation_id: str | None = None
    source: str = "api"
    pressure_alt_m: float | None = None
    on_ground: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", as_utc(self.at, field="t"))
        if self.pressure_alt_m is not None:
            pressure = float(self.pressure_alt_m)
            if not math.isfinite(pressure):
                raise InvalidInput(f"must be a finite number, got {pressure}", field="alt")
            object.__setattr__(self, "pressure_alt_m", pressure)
        object.__setattr__(self, "on_ground", bool(self.on_ground))
        if not PLATFORM_PATTERN.fullmatch(self.platform):
            raise InvalidInput("1 to 64 characters of letters, digits and . _ : -", field="platform")
        for name in ("lat_deg", "lon_deg", "alt_m", "ground_speed_m_s", "track_deg", "vertical_rate_m_s"):
            value = float(getattr(self, name))
            if not math.isfinite(value):
                raise InvalidInput(f"must be a finite number, got {value}", field=name)
            object.__setattr__(self, name, value)
        if not -90.0 <= self.lat_deg <= 90.0:
            raise InvalidInput(f"latitude {self.lat_deg} is outside [-90, 90]", field="lat")
        if not -180.0 <= self.lon_deg <= 180.0:
            raise InvalidInput(f"longitude {self.lon_deg} is outside [-180, 180]", field="lon")
        if self.ground_speed_m_s < 0.0:
            raise InvalidInput("a ground speed is never negative", field="gs")
        if self.platform_class not in MINIMA_BY_CLASS:
            known = ", ".join(sorted(MINIMA_BY_CLASS))
            raise InvalidInput(f"unknown class {self.platform_class!r} (known: {known})", field="class")
        object.__setattr__(self, "track_deg", self.track_deg % 360.0)

    @property
    def track_id(self) -> str:
        return track_id(self.party, self.platform)


@dataclass(frozen=True, slots=True, eq=False)
class ReportColumns:
    """Many reports in columns (one row per report): what the monitor loads each cycle.

    Columns are not checked again: they come from reports that were (the store
    holds only checked ones). ``t_s`` is seconds since the Unix epoch;
    ``pressure_alt_m`` is NaN where none was reported.
    """

    party: Sequence[str]
    platform: Sequence[str]
    t_s: NDArray[np.float64]
    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    alt_m: NDArray[np.float64]
    ground_speed_m_s: NDArray[np.float64]
    track_deg: NDArray[np.float64]
    vertical_rate_m_s: NDArray[np.float64]
    platform_class: Sequence[str]
    operation_id: Sequence[str | None]
    source: Sequence[str]
    pressure_alt_m: NDArray[np.float64]
    on_ground: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.party)

    @classmethod
    def of(cls, reports: Sequence[PositionReport]) -> ReportColumns:
        def floats(name: str) -> NDArray[np.float64]:
            return np.array([getattr(r, name) for r in reports], dtype=np.float64)

        return cls(
            party=[r.party for r in reports],
            platform=[r.platform for r in reports],
            t_s=np.array([r.at.timestamp() for r in reports], dtype=np.float64),
            lat_deg=floats("lat_deg"),
            lon_deg=floats("lon_deg"),
            alt_m=floats("alt_m"),
            ground_speed_m_s=floats("ground_speed_m_s"),
            track_deg=floats("track_deg"),
            vertical_rate_m_s=floats("vertical_rate_m_s"),
            platform_class=[r.platform_class for r in reports],
            operation_id=[r.operation_id for r in reports],
            source=[r.source for r in reports],
            pressure_alt_m=np.array(
                [math.nan if r.pressure_alt_m is None else r.pressure_alt_m for r in reports],
                dtype=np.float64,
            ),
            on_ground=np.array([r.on_ground for r in reports], dtype=np.bool_),
        )

    def take(self, rows: NDArray[np.intp]) -> ReportColumns:
        picked = rows.tolist()
        return ReportColumns(
            party=[self.party[i] for i in picked],
            platform=[self.platform[i] for i in picked],
            t_s=self.t_s[rows],
            lat_deg=self.lat_deg[rows],
            lon_deg=self.lon_deg[rows],
            alt_m=self.alt_m[rows],
            ground_speed_m_s=self.ground_speed_m_s[rows],
            track_deg=self.track_deg[rows],
            vertical_rate_m_s=self.vertical_rate_m_s[rows],
            platform_class=[self.platform_class[i] for i in picked],
            operation_id=[self.operation_id[i] for i in picked],
            source=[self.source[i] for i in picked],
            pressure_alt_m=self.pressure_alt_m[rows],
            on_ground=self.on_ground[rows],
        )

    def report(self, i: int) -> PositionReport:
        return PositionReport(
            party=self.party[i],
            platform=self.platform[i],
            at=datetime.fromtimestamp(float(self.t_s[i]), UTC),
            lat_deg=float(self.lat_deg[i]),
            lon_deg=float(self.lon_deg[i]),
            alt_m=float(self.alt_m[i]),
            ground_speed_m_s=float(self.ground_speed_m_s[i]),
            track_deg=float(self.track_deg[i]),
            vertical_rate_m_s=float(self.vertical_rate_m_s[i]),
            platform_class=self.platform_class[i],
            operation_id=self.operation_id[i],
            source=self.source[i],
            pressure_alt_m=None if math.isnan(self.pressure_alt_m[i]) else float(self.pressure_alt_m[i]),
            on_ground=bool(self.on_ground[i]),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Picture:
    """Every live platform dead-reckoned to one instant, with what the monitor needs of each.

    Row ``i`` of ``state`` is row ``i`` of ``reports`` (the report it came from).
    """

    state: TrackState
    reports: ReportColumns
    minima: tuple[Minima, ...]  # each platform's minima, by its class
    _row: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_row", {str(t): i for i, t in enumerate(self.state.ids.tolist())})

    def __len__(self) -> int:
        return len(self.reports)

    def report(self, track: str) -> PositionReport:
        return self.reports.report(self._row[track])

    def links(self) -> dict[str, str]:
        """Track id -> the operation its report is linked to."""
        ids = self.state.ids.tolist()
        return {str(ids[i]): op for i, op in enumerate(self.reports.operation_id) if op is not None}


def separation_layers(classes: Sequence[str], on_ground: NDArray[np.bool_]) -> NDArray[np.int8]:
    """Where each platform is separated: vessels on the sea surface (from each other);
    an aircraft or drone reported on the ground nowhere (it has landed); else airborne."""
    vessel = np.array(classes, dtype=np.str_) == "vessel" if len(classes) else np.zeros(0, dtype=np.bool_)
    return np.where(vessel, SURFACE, np.where(on_ground, GROUND, AIRBORNE)).astype(np.int8)


def picture_at(
    reports: Sequence[PositionReport] | ReportColumns,
    now: datetime,
    max_age_s: float,
    minima_by_class: Mapping[str, Minima] = MINIMA_BY_CLASS,
    coast_s_by_class: Mapping[str, float] | None = None,
    vertical_horizon_s: float = math.inf,
) -> Picture:
    """The latest report of each platform, moved on to ``now``, while it may coast.

    A report older than ``max_age_s`` or than its class's coast time
    (``coast_s_by_class``; none: ``max_age_s`` alone) is dropped. A report from
    the future (a sender's clock ahead of ours) is moved back to ``now`` the
    same way; one more than ``max_age_s`` ahead is dropped too. Altitudes move
    with the vertical rate for at most ``vertical_horizon_s``.
    """
    now = as_utc(now, field="now")
    columns = reports if isinstance(reports, ReportColumns) else ReportColumns.of(reports)
    ages = now.timestamp() - columns.t_s
    limit = np.full(ages.shape[0], float(max_age_s))
    if coast_s_by_class is not None and ages.size:
        table = {name: min(float(max_age_s), float(s)) for name, s in coast_s_by_class.items()}
        limit = np.array([table.get(c, float(max_age_s)) for c in columns.platform_class], dtype=np.float64)
    live = np.flatnonzero((ages <= limit) & (ages >= -float(max_age_s)))
    ids = (
        np.char.add(
            np.char.add(np.array(columns.party, dtype=np.str_)[live], "/"),
            np.array(columns.platform, dtype=np.str_)[live],
        )
        if live.size
        else np.array([], dtype=np.str_)
    )
    # The newest report of each platform, then sorted by id.
    order = np.lexsort((-columns.t_s[live], ids))
    first = np.ones(order.shape[0], dtype=np.bool_)
    first[1:] = ids[order][1:] != ids[order][:-1]
    rows = live[order[first]]
    kept = columns.take(rows)
    age = ages[rows]
    lat, lon = advance(kept.lat_deg, kept.lon_deg, kept.ground_speed_m_s, kept.track_deg, age)
    climb = kept.vertical_rate_m_s * np.clip(age, -vertical_horizon_s, vertical_horizon_s)
    state = TrackState.from_columns(
        now,
        ids=ids[order[first]],
        party=kept.party,
        lat_deg=np.clip(lat, -90.0, 90.0),
        lon_deg=np.clip(lon, -180.0, 180.0),
        alt_m=kept.alt_m + climb,
        ground_speed_m_s=kept.ground_speed_m_s,
        track_deg=kept.track_deg,
        vertical_rate_m_s=kept.vertical_rate_m_s,
        pressure_alt_m=kept.pressure_alt_m + climb,
        layer=separation_layers(kept.platform_class, kept.on_ground),
    )
    return Picture(state, kept, tuple(minima_by_class[c] for c in kept.platform_class))
