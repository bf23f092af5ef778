"""Recorded ADS-B from the ``traffic`` package, split between two parties, and its true close approaches.

The sample is ``traffic.data.samples.switzerland``: 842 aircraft over Switzerland on
1 August 2018, 05:00-22:00 UTC, every aircraft's state every 10 s on a common 10 s grid
(barometric altitude in ft, ground speed, track, vertical rate), up to 48 at once. It ships
inside the package (no download at run time). ``quickstart`` is kept for an independent check.

Parties: an aircraft is blue's when its ICAO address is odd, red's when even.

A *true close approach* is computed here from the recorded positions alone, independently of
the monitor: at one recorded instant, two aircraft of different parties, both airborne, both
with a position recorded at that instant, closer than 5 NM on the WGS84 ellipsoid (pyproj's
geodesic) and less than 1,000 ft apart in recorded pressure altitude by more than ADS-B's
25 ft reporting step (so 975 ft between aircraft holding FL350 and FL360 is standard
separation read one step short, not a loss: a loss is 950 ft or less). Those are the en-route
radar minima (ICAO Doc 4444, 5 NM / 1,000 ft), the ones that apply at every position of this
sample: it lies above FL300, far above any terminal area (:func:`check_en_route` asserts it).
One approach is a maximal run of such instants of one pair (a gap of more than one sampling
step starts a new one).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

NM = 1852.0
SEP_H_M = 5.0 * NM
SEP_V_FT = 1000.0
RESOLUTION_FT = 25.0  # ADS-B altitude step: a gap within one step of the minimum is the minimum
STEP_S = 10.0
SAMPLE = "switzerland"
HEADER = ("id", "party", "t", "lat", "lon", "alt_ft", "gs_kt", "trk_deg", "vs_fpm", "on_ground")


@dataclass(frozen=True)
class Approach:
    a: str  # party/platform, a < b
    b: str
    start: datetime
    end: datetime
    closest_m: float


def party_of(icao24: str) -> str:
    return "blue" if int(icao24, 16) % 2 else "red"


def load_sample(start: datetime | None = None, minutes: float | None = None) -> Any:
    """The sample's rows (a pandas frame), optionally only ``[start, start + minutes)``."""
    from traffic.data import samples

    data = getattr(samples, SAMPLE).data
    data = data.dropna(subset=["latitude", "longitude", "altitude", "groundspeed", "track", "vertical_rate"])
    if start is not None and minutes is not None:
        stop = start + timedelta(minutes=minutes)
        data = data[(data.timestamp >= start) & (data.timestamp < stop)]
    return data.sort_values(["timestamp", "icao24"]).reset_index(drop=True)


def check_en_route(data: Any) -> None:
    """Every position above FL200: the en-route minima apply throughout."""
    assert float(data.altitude.min()) > 20_000.0


def on_ground(data: Any) -> np.ndarray:
    if "onground" in data.columns:
        return data.onground.fillna(False).to_numpy(dtype=bool)
    return np.zeros(len(data), dtype=bool)


def write_csv(data: Any, path: Path) -> Path:
    """The replay's CSV: one row per recorded state, party by ICAO address."""
    ground = on_ground(data)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for row, still in zip(data.itertuples(index=False), ground, strict=True):
            out.writerow(
                [
                    row.icao24.upper(),
                    party_of(row.icao24),
                    row.timestamp.isoformat(),
                    row.latitude,
                    row.longitude,
                    row.altitude,
                    row.groundspeed,
                    row.track,
                    row.vertical_rate,
                    "true" if still else "false",
                ]
            )
    return path


def true_approaches(data: Any, level_ft: float = 0.0) -> list[Approach]:
    """Every true close approach in the sample (see the module docstring). ``level_ft`` 100
    rounds each altitude to the flight level a controller reads first (ADS-B reports in 25 ft
    steps, so an aircraft holding FL350 reads 34,975 to 35,025 ft and FL350 against FL360 may
    read 975 ft apart); 0 compares the recorded altitudes as they are."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    ground = on_ground(data)
    ids = np.array([f"{party_of(i)}/{i.upper()}" for i in data.icao24])
    party = np.array([party_of(i) for i in data.icao24])
    lat, lon = data.latitude.to_numpy(float), data.longitude.to_numpy(float)
    alt = data.altitude.to_numpy(float)
    if level_ft:
        alt = np.round(alt / level_ft) * level_ft  # the flight level shown
    stamps = data.timestamp.astype("datetime64[us, UTC]").astype("int64").to_numpy() / 1e6
    losses: dict[tuple[str, str], list[tuple[datetime, float]]] = {}
    for stamp in np.unique(stamps):
        rows = np.flatnonzero((stamps == stamp) & ~ground)
        blue, red = rows[party[rows] == "blue"], rows[party[rows] == "red"]
        if not blue.size or not red.size:
            continue
        a, b = np.repeat(blue, red.size), np.tile(red, blue.size)
        close_v = np.abs(alt[a] - alt[b]) < SEP_V_FT - RESOLUTION_FT
        a, b = a[close_v], b[close_v]
        if not a.size:
            continue
        _, _, distance = geod.inv(lon[a], lat[a], lon[b], lat[b])
        at = datetime.fromtimestamp(float(stamp), UTC)
        for i, j, d in zip(a, b, np.asarray(distance), strict=True):
            if d < SEP_H_M:
                pair = (min(ids[i], ids[j]), max(ids[i], ids[j]))
                losses.setdefault(pair, []).append((at, float(d)))
    out = []
    for (x, y), instants in sorted(losses.items()):
        run = [instants[0]]
        for moment in [*instants[1:], (datetime.max.replace(tzinfo=UTC), math.inf)]:
            if (moment[0] - run[-1][0]).total_seconds() > STEP_S * 1.5:
                out.append(Approach(x, y, run[0][0], run[-1][0], min(d for _, d in run)))
                run = []
            run.append(moment)
    return out


@dataclass(frozen=True)
class Figures:
    alerts: int
    true_events: int
    alerted_events: int
    matching_alerts: int
    repeats: int

    @property
    def recall(self) -> float:
        return self.alerted_events / self.true_events if self.true_events else 1.0

    @property
    def precision(self) -> float:
        return self.matching_alerts / self.alerts if self.alerts else 1.0

    def line(self) -> str:
        return (
            f"alerts {self.alerts}, true close approaches {self.true_events}, "
            f"recall {self.recall:.0%} ({self.alerted_events}/{self.true_events}), "
            f"precision {self.precision:.0%} ({self.matching_alerts}/{self.alerts}), repeats {self.repeats}"
        )


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def separation_alerts(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in items if a["kind"] == "separation"]


def pair(item: dict[str, Any]) -> tuple[str, str]:
    a, b = item["subjects"]["platforms"]
    return (min(a, b), max(a, b))


def figures(items: Sequence[dict[str, Any]], truth: Sequence[Approach], look_ahead_s: float) -> Figures:
    """Recall: a true approach counts as alerted when an alert on its pair was open at some
    instant of it. Precision: an alert matches when a true approach of its pair meets
    ``[raised, raised + look_ahead]``."""
    alerts = separation_alerts(items)
    look = timedelta(seconds=look_ahead_s)
    by_pair: dict[tuple[str, str], list[Approach]] = {}
    for approach in truth:
        by_pair.setdefault((approach.a, approach.b), []).append(approach)
    end_of_time = datetime.max.replace(tzinfo=UTC)

    def open_during(approach: Approach) -> bool:
        return any(
            pair(a) == (approach.a, approach.b)
            and _when(a["raised_at"]) <= approach.end  # type: ignore[operator]
            and (_when(a["cleared_at"]) or end_of_time) >= approach.start
            for a in alerts
        )

    def matches(item: dict[str, Any]) -> bool:
        raised = _when(item["raised_at"])
        assert raised is not None
        return any(p.start <= raised + look and p.end >= raised for p in by_pair.get(pair(item), []))

    return Figures(
        alerts=len(alerts),
        true_events=len(truth),
        alerted_events=sum(open_during(p) for p in truth),
        matching_alerts=sum(matches(a) for a in alerts),
        repeats=len(alerts) - len({pair(a) for a in alerts}),
    )
