"""Zone breaches of live tracks: inside another party's zone now, or about to enter it.

Zone breach
-----------
A platform of party A *breaches* a zone (a :class:`~deconflict.domain.volume.TaggedVolume`)
of party B != A at time ``t`` (seconds after ``state.at``) when all three hold:

* horizontally, its position at ``t`` lies in the footprint polygon, **boundary
  included** (a platform exactly on the edge is inside: ``shapely.intersects_xy``);
  the polygon's edges are straight in the lon/lat plane and it is tested as it is,
  with the platform's longitude taken by whole turns next to the polygon;
* its altitude ``alt_m + vertical_rate_m_s * t`` lies in the closed band
  ``[lower_m, upper_m]``;
* ``state.at + t`` lies in the zone's half-open window ``[start, end)``.

Motion is :func:`.motion.advance` (a great circle, flown at the ground speed
along the tangent line and projected back). :func:`zone_breaches` reports the
first stay inside within ``[0, look_ahead_s]``: ``t_in_s`` (0 when inside now)
and ``t_out_s`` (when that stay ends, clipped to the look-ahead). ``current`` is
exact: the three tests at ``t = 0`` on the platform's own position.

How the fast path works
-----------------------
1. *Swept boxes.* For each platform, the exact lon/lat box of its arc over
   ``[0, look_ahead_s]``: along a great circle the longitude is monotone (the
   arc is shorter than a quarter turn, so it spans less than 180 deg of
   longitude) and the latitude is monotone except at the circle's vertex, whose
   latitude is added when the arc passes it. An arc that passes within
   ``_POLAR_DEG`` of a pole (or starts there) gets every longitude. Boxes are
   compared with each zone's polygon bounds on the circle of longitudes (an
   interval test modulo 360 deg, so the antimeridian is an ordinary place), and
   with the altitude swept over the look-ahead, the window and the party. The
   latitude match runs on platforms sorted by the bottom of their box (no
   N x Z matrix). The boxes hold the polyline of step 3 too (its vertices lie on
   the arc, its chords inside their vertices' box), so pruning drops nothing.
2. *Admissible time.* For each candidate, the times when altitude and window
   both hold, intersected with ``[0, look_ahead_s]``: one interval ``[lo, hi]``
   (all three are intervals). Empty: no breach.
3. *Exact horizontal part.* The arc over ``[lo, hi]`` is sampled at ``k + 1``
   exact positions (uniform in time) and joined into a lon/lat polyline made
   continuous in longitude and shifted by whole turns onto the zone (every copy
   of the polygon the polyline's longitudes reach is tested). Shapely
   intersects it with the polygon; each piece's two ends are located along the
   polyline and turned back into times by linear interpolation within their
   segment. Pieces that touch are merged; the first merged piece is the stay.

Error bound of the polyline. Between two samples ``L = v dt`` metres apart,
the flown position ``P(t)`` departs from the chord point at the same fraction
of ``dt`` by at most ``max|P''| dt^2 / 8`` (linear interpolation). In the lon/lat
plane scaled to local metres (``x = R cos(phi0) lon``, ``y = R lat``: lon/lat
chords are straight there), a great circle flown at heading ``a`` has
``x'' = v^2 sin(2a) tan(phi) / R`` and ``y'' = -v^2 sin^2(a) tan(phi) / R``, so
``|P''| <= (2 / sqrt 3) v^2 tan|phi| / R``; the projected motion slows along the
track by at most ``0.65 v^2 / R`` (the ``atan``), taken as ``v^2 / R``. Hence the
chord error is at most ``L^2 (1.155 tan|phi*| + 1) / (8 R)`` to first order in
``L / R`` (the unit tests measure it against the flown arc at 0-89 deg: at most
0.93 m). ``phi*`` is the largest latitude that matters: the smaller of
the platform's swept latitude and the zone's, plus 0.1 deg (a segment is at
most ``MAX_SEGMENT_M`` = 10 km, 0.09 deg, so a segment that reaches the zone
stays within it), capped at 89.99 deg. ``k`` is the fewest segments of equal
time for which this is at most :data:`CHORD_ERROR_M` (1 m), and never longer
than 10 km. So every position farther than about a metre from the footprint's
edge is classified exactly; entry and exit times are exact to about
``1 m / (speed x sin(crossing angle))`` (a few milliseconds for an aircraft
crossing an edge squarely; a grazing pass can gain or lose a stay of that
depth). A path of less than 1 mm over ``[lo, hi]`` (a hovering platform) is a
single point, tested exactly. A polyline that crosses itself (only possible when
circling a pole within a few km) may have a piece located on the wrong branch.

Cost: 10,000 tracks x 200 zones (circles of 2-20 km) over 1,000 km, 300 s
look-ahead: about 50 ms, of which the polygon overlays (about 15 us each for a
100-vertex circle) are half.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Polygon

from ..errors import InvalidInput
from ..lonlat import FULL_TURN, next_to, wrap_delta
from ..volume import TaggedVolume, VolumeRef
from .motion import EARTH_RADIUS_M, advance
from .state import MAX_LOOK_AHEAD_S, TrackState

__all__ = [
    "CHORD_ERROR_M",
    "MAX_SEGMENT_M",
    "ZoneBreach",
    "zone_breaches",
    "zone_breaches_brute_force",
]

# The polyline departs from the flown arc by at most about this (see the module docstring).
CHORD_ERROR_M = 1.0
# No polyline segment is longer than this, whatever the latitude.
MAX_SEGMENT_M = 10_000.0
# An arc that passes this close to a pole (in latitude) gets every longitude in its box.
_POLAR_DEG = 89.9
# max |P''| / (v^2 tan|phi| / R) over headings (see the module docstring).
_CURVATURE_FACTOR = 2.0 / math.sqrt(3.0)
# The latitude used for the chord bound never exceeds this.
_CAP_DEG = 89.99
# How far (degrees of latitude) beyond the zone a segment that reaches it may go.
_SEGMENT_REACH_DEG = 0.1
# A path shorter than this over its admissible time is a single point.
_STATIC_M = 1e-3
# Rounding margin on the swept boxes, degrees (about 0.1 mm).
_BOX_PAD_DEG = 1e-9
# Pieces of a stay closer than this in time are one stay.
_MERGE_S = 1e-9
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]
GeometryArray = NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class ZoneBreach:
    """Platform ``platform`` (of ``party``) inside, or predicted inside, another party's zone.

    ``[t_in_s, t_out_s]`` is the first stay inside within the look-ahead, in
    seconds after ``state.at`` (``t_in_s`` is 0 when ``current``); ``t_out_s`` is
    clipped to the look-ahead.
    """

    platform: str
    party: str
    zone: VolumeRef
    t_in_s: float
    t_out_s: float
    current: bool


@dataclass(frozen=True, slots=True, eq=False)
class _Zones:
    """The zones in columns; times in seconds after ``state.at``."""

    refs: tuple[VolumeRef, ...]
    polygons: GeometryArray
    min_lon: FloatArray
    min_lat: FloatArray
    max_lon: FloatArray
    max_lat: FloatArray
    centre_lon: FloatArray
    lower_m: FloatArray
    upper_m: FloatArray
    start_s: FloatArray
    end_s: FloatArray
    party: list[str]


@dataclass(frozen=True, slots=True, eq=False)
class _Boxes:
    """Each platform's swept lon/lat box over the look-ahead (longitude as start + width)."""

    lat_lo: FloatArray
    lat_hi: FloatArray
    lon_lo: FloatArray
    lon_width: FloatArray


def _check_look(look_ahead_s: float) -> float:
    look = float(look_ahead_s)
    if not (math.isfinite(look) and 0.0 <= look <= MAX_LOOK_AHEAD_S):
        raise InvalidInput(
            f"must be between 0 and {MAX_LOOK_AHEAD_S:.0f} s, got {look}", field="look_ahead_s"
        )
    return look


def _zone_table(zones: Sequence[TaggedVolume], at: datetime) -> _Zones:
    polygons = np.empty(len(zones), dtype=object)
    for n, zone in enumerate(zones):
        polygons[n] = zone.volume.footprint.polygon
    shapely.prepare(polygons)
    bounds = shapely.bounds(polygons).reshape(len(zones), 4)
    return _Zones(
        refs=tuple(z.ref for z in zones),
        polygons=polygons,
        min_lon=bounds[:, 0],
        min_lat=bounds[:, 1],
        max_lon=bounds[:, 2],
        max_lat=bounds[:, 3],
        centre_lon=(bounds[:, 0] + bounds[:, 2]) / 2.0,
        lower_m=np.array([z.volume.altitude.lower_m for z in zones], dtype=np.float64),
        upper_m=np.array([z.volume.altitude.upper_m for z in zones], dtype=np.float64),
        start_s=np.array([(z.volume.window.start - at).total_seconds() for z in zones], dtype=np.float64),
        end_s=np.array([(z.volume.window.end - at).total_seconds() for z in zones], dtype=np.float64),
        party=[z.ref.party for z in zones],
    )


def _party_codes(state: TrackState, zones: _Zones) -> tuple[IndexArray, IndexArray]:
    names = np.concatenate([state.party, np.array(zones.party, dtype=np.str_)])
    _, codes = np.unique(names, return_inverse=True)
    codes = codes.reshape(-1).astype(np.intp)
    n = len(state)
    return codes[:n], codes[n:]


def _swept_boxes(state: TrackState, look: float) -> _Boxes:
    """The exact lon/lat box of each platform's arc over ``[0, look]`` (see the module docstring)."""
    lat = np.radians(state.lat_deg)
    trk = np.radians(state.track_deg)
    # Unit position u and unit direction d; the arc is cos(θ) u + sin(θ) d, θ in [0, Θ].
    # Only their third (polar) components matter here.
    uz = np.sin(lat)
    dz = np.cos(trk) * np.cos(lat)
    arc = np.arctan(state.ground_speed_m_s * look / EARTH_RADIUS_M)
    end_lat, end_lon = advance(state.lat_deg, state.lon_deg, state.ground_speed_m_s, state.track_deg, look)
    # z(θ) = uz cos θ + dz sin θ = A cos(θ - θ0): top at θ0, bottom at θ0 + π.
    amplitude = np.minimum(np.hypot(uz, dz), 1.0)
    theta0 = np.arctan2(dz, uz)
    vertex_lat = np.degrees(np.arcsin(amplitude))
    top = np.mod(theta0, 2.0 * np.pi) <= arc
    bottom = np.mod(theta0 + np.pi, 2.0 * np.pi) <= arc
    lat_hi = np.maximum(state.lat_deg, end_lat)
    lat_lo = np.minimum(state.lat_deg, end_lat)
    lat_hi = np.where(top, np.maximum(lat_hi, vertex_lat), lat_hi)
    lat_lo = np.where(bottom, np.minimum(lat_lo, -vertex_lat), lat_lo)
    # Longitude is monotone along the arc (it spans < 180 deg): the shorter way is the way flown.
    delta = wrap_delta(end_lon - state.lon_deg)
    polar = ((top | bottom) & (vertex_lat >= _POLAR_DEG)) | (np.abs(state.lat_deg) >= _POLAR_DEG)
    lon_lo = np.where(polar, -180.0, state.lon_deg + np.minimum(delta, 0.0))
    lon_width = np.where(polar, FULL_TURN, np.abs(delta))
    return _Boxes(
        lat_lo=lat_lo - _BOX_PAD_DEG,
        lat_hi=lat_hi + _BOX_PAD_DEG,
        lon_lo=lon_lo - _BOX_PAD_DEG,
        lon_width=lon_width + 2.0 * _BOX_PAD_DEG,
    )


def _latitude_pairs(boxes: _Boxes, zones: _Zones, live: IndexArray) -> tuple[IndexArray, IndexArray]:
    """Pairs (platform, zone in ``live``) whose latitude ranges meet, without an N x Z matrix.

    Platforms sorted by the bottom of their box: for a zone, those whose bottom
    lies in ``[zone bottom - span, zone top]`` (``span`` the tallest box) hold every
    match. The few platforms far taller than the rest (fast, long look-ahead)
    would make that range wide for all, so they are matched against every zone.
    """
    span = boxes.lat_hi - boxes.lat_lo
    tall = span > max(4.0 * float(np.median(span)), 0.05)
    found_i: list[IndexArray] = []
    found_j: list[IndexArray] = []
    short = np.flatnonzero(~tall)
    if short.size:
        order = short[np.argsort(boxes.lat_lo[short], kind="stable")]
        bottoms = boxes.lat_lo[order]
        reach = float(span[short].max())
        first = np.searchsorted(bottoms, zones.min_lat[live] - reach, side="left")
        last = np.searchsorted(bottoms, zones.max_lat[live], side="right")
        counts = np.maximum(last - first, 0)
        col = np.repeat(np.arange(live.size, dtype=np.intp), counts)
        pos = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(
            np.cumsum(counts) - counts - first, counts
        )
        found_i.append(order[pos])
        found_j.append(live[col])
    wide = np.flatnonzero(tall)
    if wide.size:
        row, col = np.nonzero(
            (boxes.lat_lo[wide, None] <= zones.max_lat[None, live])
            & (boxes.lat_hi[wide, None] >= zones.min_lat[None, live])
        )
        found_i.append(wide[row])
        found_j.append(live[col])
    i = np.concatenate(found_i).astype(np.intp)
    j = np.concatenate(found_j).astype(np.intp)
    keep = (boxes.lat_lo[i] <= zones.max_lat[j]) & (boxes.lat_hi[i] >= zones.min_lat[j])
    return i[keep], j[keep]


def _candidates(
    state: TrackState, zones: _Zones, boxes: _Boxes, look: float
) -> tuple[IndexArray, IndexArray]:
    """Pairs (platform, zone) of different parties whose swept boxes, altitudes and times meet."""
    track_party, zone_party = _party_codes(state, zones)
    live = np.flatnonzero((zones.start_s <= look) & (zones.end_s > 0.0))
    if live.size == 0 or len(state) == 0:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    i, j = _latitude_pairs(boxes, zones, live)
    # Longitude intervals on the circle: [a, a + wa] and [b, b + wb] meet iff one's start
    # lies in the other.
    a, wa = boxes.lon_lo[i], boxes.lon_width[i]
    b, wb = zones.min_lon[j], zones.max_lon[j] - zones.min_lon[j]
    lon_ok = (np.mod(b - a, FULL_TURN) <= wa) | (np.mod(a - b, FULL_TURN) <= wb)
    end_alt = state.alt_m[i] + state.vertical_rate_m_s[i] * look
    alt_ok = (np.minimum(state.alt_m[i], end_alt) <= zones.upper_m[j]) & (
        np.maximum(state.alt_m[i], end_alt) >= zones.lower_m[j]
    )
    keep = lon_ok & alt_ok & (track_party[i] != zone_party[j])
    return i[keep].astype(np.intp), j[keep].astype(np.intp)


def _admissible(
    state: TrackState, zones: _Zones, i: IndexArray, j: IndexArray, look: float
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Per pair, ``[lo, hi]``: times in ``[0, look]`` when altitude and window both hold."""
    h, w = state.alt_m[i], state.vertical_rate_m_s[i]
    lower, upper = zones.lower_m[j], zones.upper_m[j]
    level = w == 0.0
    in_band = (h >= lower) & (h <= upper)
    safe_w = np.where(level, 1.0, w)
    t1, t2 = (lower - h) / safe_w, (upper - h) / safe_w
    a_start = np.where(level, np.where(in_band, -np.inf, np.inf), np.minimum(t1, t2))
    a_end = np.where(level, np.where(in_band, np.inf, -np.inf), np.maximum(t1, t2))
    lo = np.maximum(np.maximum(a_start, zones.start_s[j]), 0.0)
    hi = np.minimum(np.minimum(a_end, zones.end_s[j]), look)
    ok = (lo <= hi) & (lo < zones.end_s[j])
    return lo, hi, ok


def _inside_xy(zones: _Zones, j: IndexArray, lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Exact point-in-footprint (boundary inside), longitude taken next to the zone."""
    if j.size == 0:
        return np.zeros(0, dtype=np.bool_)
    x = next_to(lon, zones.centre_lon[j])
    return np.asarray(shapely.intersects_xy(zones.polygons[j], x, lat), dtype=np.bool_)


def _segment_limit_m(phi_deg: FloatArray) -> FloatArray:
    """Longest segment whose chord error is at most :data:`CHORD_ERROR_M` at latitude ``phi``."""
    tan = np.tan(np.radians(np.minimum(np.abs(phi_deg), _CAP_DEG)))
    curvature = _CURVATURE_FACTOR * tan + 1.0
    return np.minimum(MAX_SEGMENT_M, np.sqrt(8.0 * EARTH_RADIUS_M * CHORD_ERROR_M / curvature))


def _first_stays(
    pair: IndexArray, t0: FloatArray, t1: FloatArray, n_pairs: int, span: float
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Merge touching pieces per pair and keep each pair's first stay."""
    has = np.zeros(n_pairs, dtype=np.bool_)
    first_in = np.zeros(n_pairs)
    first_out = np.zeros(n_pairs)
    if pair.size == 0:
        return has, first_in, first_out
    order = np.lexsort((t0, pair))
    pair, t0, t1 = pair[order], t0[order], t1[order]
    starts = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1])))
    rank = np.cumsum(np.concatenate(([False], pair[1:] != pair[:-1])))
    offset = rank * (span + 10.0)
    reach = np.maximum.accumulate(t1 + offset) - offset
    gap = np.concatenate(([True], (pair[1:] != pair[:-1]) | (t0[1:] > reach[:-1] + _MERGE_S)))
    breaks = np.append(np.flatnonzero(gap), pair.size)
    # The first stay of a pair runs from its first piece to just before the next break.
    stop = breaks[np.searchsorted(breaks, starts, side="right")]
    p = pair[starts]
    has[p] = True
    first_in[p] = t0[starts]
    first_out[p] = reach[stop - 1]
    return has, first_in, first_out


def _horizontal_pieces(
    state: TrackState,
    zones: _Zones,
    boxes: _Boxes,
    i: IndexArray,
    j: IndexArray,
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[IndexArray, FloatArray, FloatArray]:
    """Time intervals (pair, t0, t1) when each pair's path is inside the footprint."""
    run_m = state.ground_speed_m_s[i] * (hi - lo)
    static = run_m < _STATIC_M
    out_pair: list[IndexArray] = []
    out_t0: list[FloatArray] = []
    out_t1: list[FloatArray] = []
    # Hovering platforms: one exact point test.
    s = np.flatnonzero(static)
    if s.size:
        lat_s, lon_s = advance(
            state.lat_deg[i[s]],
            state.lon_deg[i[s]],
            state.ground_speed_m_s[i[s]],
            state.track_deg[i[s]],
            lo[s],
        )
        inside = _inside_xy(zones, j[s], lon_s, lat_s)
        out_pair.append(s[inside])
        out_t0.append(lo[s[inside]])
        out_t1.append(hi[s[inside]])
    m = np.flatnonzero(~static)
    if m.size:
        pair, t0, t1 = _moving_pieces(state, zones, boxes, i[m], j[m], lo[m], hi[m])
        out_pair.append(m[pair])
        out_t0.append(t0)
        out_t1.append(t1)
    if not out_pair:
        return np.empty(0, dtype=np.intp), np.empty(0), np.empty(0)
    return (
        np.concatenate(out_pair).astype(np.intp),
        np.concatenate(out_t0),
        np.concatenate(out_t1),
    )


def _moving_pieces(
    state: TrackState,
    zones: _Zones,
    boxes: _Boxes,
    i: IndexArray,
    j: IndexArray,
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[IndexArray, FloatArray, FloatArray]:
    """The polyline part of :func:`_horizontal_pieces` for platforms that move."""
    n = i.shape[0]
    track_lat = np.maximum(np.abs(boxes.lat_lo[i]), np.abs(boxes.lat_hi[i]))
    zone_lat = np.maximum(np.abs(zones.min_lat[j]), np.abs(zones.max_lat[j])) + _SEGMENT_REACH_DEG
    limit = _segment_limit_m(np.minimum(track_lat, zone_lat))
    run_m = state.ground_speed_m_s[i] * (hi - lo)
    k = np.maximum(np.ceil(run_m / limit), 1.0).astype(np.intp)
    counts = k + 1
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    total = int(counts.sum())
    owner = np.repeat(np.arange(n, dtype=np.intp), counts)
    step = np.arange(total, dtype=np.intp) - starts[owner]
    fraction = step / k[owner]
    t = np.where(step == k[owner], hi[owner], lo[owner] + (hi - lo)[owner] * fraction)
    ii = i[owner]
    lat_p, lon_p = advance(
        state.lat_deg[ii], state.lon_deg[ii], state.ground_speed_m_s[ii], state.track_deg[ii], t
    )
    # Continuous longitudes within each path, then whole turns onto the zone.
    first = np.zeros(total, dtype=np.bool_)
    first[starts] = True
    dlon = np.where(first[1:], 0.0, wrap_delta(np.diff(lon_p)))
    cum = np.concatenate(([0.0], np.cumsum(dlon)))
    base = next_to(lon_p[starts], zones.centre_lon[j])
    x = base[owner] + (cum - cum[starts][owner])
    y = lat_p
    # Cumulative polyline length (degrees in the lon/lat plane), per path from its start.
    seg = np.where(first[1:], 0.0, np.hypot(np.diff(x), np.diff(y)))
    along = np.concatenate(([0.0], np.cumsum(seg)))
    # Every copy of the polygon (by whole turns) that the path's longitudes reach.
    x_min = np.minimum.reduceat(x, starts)
    x_max = np.maximum.reduceat(x, starts)
    row_pair_parts: list[IndexArray] = []
    row_shift_parts: list[FloatArray] = []
    for turn in (0.0, -FULL_TURN, FULL_TURN):
        reach = np.flatnonzero((x_min <= zones.max_lon[j] + turn) & (x_max >= zones.min_lon[j] + turn))
        row_pair_parts.append(reach.astype(np.intp))
        row_shift_parts.append(np.full(reach.size, turn))
    row_pair = np.concatenate(row_pair_parts)
    row_shift = np.concatenate(row_shift_parts)
    empty = (np.empty(0, dtype=np.intp), np.empty(0), np.empty(0))
    if row_pair.size == 0:
        return empty
    row_counts = counts[row_pair]
    row_of = np.repeat(np.arange(row_pair.size, dtype=np.intp), row_counts)
    row_starts = np.concatenate(([0], np.cumsum(row_counts)[:-1])).astype(np.intp)
    sample = starts[row_pair][row_of] + (np.arange(row_of.size, dtype=np.intp) - row_starts[row_of])
    coords = np.column_stack([x[sample] - row_shift[row_of], y[sample]])
    lines = np.asarray(shapely.linestrings(coords, indices=row_of), dtype=object)
    polygons = zones.polygons[j[row_pair]]
    hit = np.flatnonzero(shapely.intersects(lines, polygons))
    if hit.size == 0:
        return empty
    # A path wholly inside (edges included) is one piece; the overlay is for the others.
    whole = np.asarray(shapely.contains(polygons[hit], lines[hit]), dtype=np.bool_)
    inside_pair = row_pair[hit[whole]]
    hit = hit[~whole]
    pieces = shapely.intersection(lines[hit], polygons[hit])
    parts, part_of = shapely.get_parts(pieces, return_index=True)
    xy, coord_of = shapely.get_coordinates(parts, return_index=True)
    part_ids = np.arange(parts.shape[0])
    first_c = np.searchsorted(coord_of, part_ids, side="left")
    last_c = np.searchsorted(coord_of, part_ids, side="right") - 1
    real = last_c >= first_c
    part_row = hit[part_of[real]]
    first_c, last_c = first_c[real], last_c[real]
    part_lines = lines[part_row]
    s_a = shapely.line_locate_point(part_lines, shapely.points(xy[first_c]))
    s_b = shapely.line_locate_point(part_lines, shapely.points(xy[last_c]))
    pair = row_pair[part_row]
    times = [
        _time_along(np.asarray(s, dtype=np.float64), pair, starts, k, along, t)
        for s in (np.minimum(s_a, s_b), np.maximum(s_a, s_b))
    ]
    return (
        np.concatenate([inside_pair, pair]).astype(np.intp),
        np.concatenate([lo[inside_pair], times[0]]),
        np.concatenate([hi[inside_pair], times[1]]),
    )


def _time_along(
    s: FloatArray, pair: IndexArray, starts: IndexArray, k: IndexArray, along: FloatArray, t: FloatArray
) -> FloatArray:
    """The time at distance ``s`` along pair ``pair``'s polyline (linear within a segment)."""
    first = starts[pair]
    # ``along`` runs on through all paths (flat between them): offset s by the path's start,
    # then keep the segment within the path.
    s = s + along[first]
    found = np.searchsorted(along, s, side="right") - 1
    seg = np.clip(found, first, first + k[pair] - 1)
    length = along[seg + 1] - along[seg]
    safe = np.where(length > 0.0, length, 1.0)
    fraction = np.clip(np.where(length > 0.0, (s - along[seg]) / safe, 0.0), 0.0, 1.0)
    return np.asarray(t[seg] + fraction * (t[seg + 1] - t[seg]), dtype=np.float64)


def _assemble(
    state: TrackState,
    zones: _Zones,
    i: IndexArray,
    j: IndexArray,
    t_in: FloatArray,
    t_out: FloatArray,
    current: BoolArray,
) -> tuple[ZoneBreach, ...]:
    if i.size == 0:
        return ()
    by_id = np.argsort(state.ids, kind="stable")
    id_rank = np.empty(len(state), dtype=np.intp)
    id_rank[by_id] = np.arange(len(state))
    by_ref = sorted(range(len(zones.refs)), key=lambda n: zones.refs[n])
    ref_rank = np.empty(len(zones.refs), dtype=np.intp)
    ref_rank[by_ref] = np.arange(len(zones.refs))
    order = np.lexsort((ref_rank[j], id_rank[i]))
    ids = state.ids[i[order]].tolist()
    parties = state.party[i[order]].tolist()
    refs = [zones.refs[z] for z in j[order].tolist()]
    return tuple(
        ZoneBreach(str(p), str(q), r, float(a), float(b), bool(c))
        for p, q, r, a, b, c in zip(
            ids,
            parties,
            refs,
            t_in[order].tolist(),
            t_out[order].tolist(),
            current[order].tolist(),
            strict=True,
        )
    )


def _snap(t: FloatArray, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """Times within rounding (``_MERGE_S``) of the admissible interval's ends, onto them."""
    t = np.where(np.abs(t - lo) <= _MERGE_S, lo, t)
    return np.asarray(np.where(np.abs(t - hi) <= _MERGE_S, hi, t), dtype=np.float64)


def zone_breaches(
    state: TrackState, zones: Sequence[TaggedVolume], look_ahead_s: float
) -> tuple[ZoneBreach, ...]:
    """Platforms inside, or predicted within ``look_ahead_s`` to enter, another party's zone.

    One breach per (platform, zone) with its first stay inside; sorted by
    ``(platform, zone)``. See the module docstring for the geometry, the
    pruning (which never drops a breach) and the error bound of predicted times.
    """
    look = _check_look(look_ahead_s)
    if len(state) == 0 or not zones:
        return ()
    table = _zone_table(zones, state.at)
    boxes = _swept_boxes(state, look)
    i, j = _candidates(state, table, boxes, look)
    lo, hi, ok = _admissible(state, table, i, j, look)
    i, j, lo, hi = i[ok], j[ok], lo[ok], hi[ok]
    n = i.shape[0]
    if n == 0:
        return ()
    current = (
        (lo == 0.0)
        & (state.alt_m[i] >= table.lower_m[j])
        & (state.alt_m[i] <= table.upper_m[j])
        & (table.start_s[j] <= 0.0)
        & (table.end_s[j] > 0.0)
    )
    cur = np.flatnonzero(current)
    current[cur] = _inside_xy(table, j[cur], state.lon_deg[i[cur]], state.lat_deg[i[cur]])
    pair, t0, t1 = _horizontal_pieces(state, table, boxes, i, j, lo, hi)
    t0 = _snap(np.clip(t0, lo[pair], hi[pair]), lo[pair], hi[pair])
    t1 = _snap(np.clip(t1, lo[pair], hi[pair]), lo[pair], hi[pair])
    has, t_in, t_out = _first_stays(pair, t0, t1, n, look)
    # Half-open window: a stay that would start at its end is no stay.
    has &= t_in < table.end_s[j]
    # Inside now is decided by the exact point test; the polyline only extends it.
    continues = has & (t_in <= _MERGE_S)
    t_out = np.where(current, np.where(continues, t_out, 0.0), t_out)
    t_in = np.where(current, 0.0, t_in)
    keep = has | current
    return _assemble(state, table, i[keep], j[keep], t_in[keep], t_out[keep], current[keep])


def _zone_reach_m(polygon: Polygon, centre: tuple[float, float]) -> float:
    """Largest distance (sphere) from ``centre`` to the polygon's densified boundary, metres."""
    ring = np.asarray(shapely.segmentize(polygon.exterior, 0.01).coords)
    return float(np.max(_haversine_m(centre[1], centre[0], ring[:, 1], ring[:, 0])))


def _haversine_m(lat1: float, lon1: float, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2.0) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0))), dtype=np.float64)


def zone_breaches_brute_force(
    state: TrackState, zones: Sequence[TaggedVolume], look_ahead_s: float, step_s: float = 1.0
) -> tuple[ZoneBreach, ...]:
    """The oracle: every pair tested at times ``0, step, 2 step, ...`` and ``look_ahead_s``.

    At each sample the three conditions are tested exactly, on the exact
    position from :func:`.motion.advance`. ``t_in_s`` is the first inside sample,
    ``t_out_s`` the last inside sample of that run. The only shortcut is one
    that is plainly safe: a platform whose start is farther from the zone's
    centre than its run over the look-ahead (``speed × look_ahead_s``; the arc
    flown is shorter) plus twice the zone's reach plus 10 km is skipped.
    Stays shorter than a step can be missed.
    """
    look = _check_look(look_ahead_s)
    step = float(step_s)
    if not (math.isfinite(step) and step > 0.0):
        raise InvalidInput(f"must be a positive number of seconds, got {step}", field="step_s")
    if len(state) == 0 or not zones:
        return ()
    table = _zone_table(zones, state.at)
    times = np.arange(0.0, look, step)
    times = np.append(times, look) if times.size == 0 or times[-1] < look else times
    found_i: list[int] = []
    found_j: list[int] = []
    found_in: list[float] = []
    found_out: list[float] = []
    found_now: list[bool] = []
    run = state.ground_speed_m_s * look
    for z, zone in enumerate(zones):
        polygon = zone.volume.footprint.polygon
        cx = float(table.centre_lon[z])
        cy = float(table.min_lat[z] + table.max_lat[z]) / 2.0
        reach = _zone_reach_m(polygon, (cx, cy))
        away = _haversine_m(cy, cx, state.lat_deg, state.lon_deg)
        tracks = np.flatnonzero((state.party != zone.ref.party) & (away <= run + 2.0 * reach + 10_000.0))
        if tracks.size == 0:
            continue
        lat, lon = advance(
            state.lat_deg[tracks, None],
            state.lon_deg[tracks, None],
            state.ground_speed_m_s[tracks, None],
            state.track_deg[tracks, None],
            times[None, :],
        )
        x = next_to(lon, np.full(lon.shape, cx))
        horizontal = np.asarray(shapely.intersects_xy(polygon, x, lat), dtype=np.bool_)
        alt = state.alt_m[tracks, None] + state.vertical_rate_m_s[tracks, None] * times[None, :]
        vertical = (alt >= table.lower_m[z]) & (alt <= table.upper_m[z])
        window = (times >= table.start_s[z]) & (times < table.end_s[z])
        inside = horizontal & vertical & window[None, :]
        for row in np.flatnonzero(inside.any(axis=1)).tolist():
            samples = inside[row]
            first = int(np.argmax(samples))
            after = np.flatnonzero(~samples[first:])
            last = first + (int(after[0]) - 1 if after.size else samples.size - first - 1)
            found_i.append(int(tracks[row]))
            found_j.append(z)
            found_in.append(float(times[first]))
            found_out.append(float(times[last]))
            found_now.append(bool(samples[0]))
    return _assemble(
        state,
        table,
        np.array(found_i, dtype=np.intp),
        np.array(found_j, dtype=np.intp),
        np.array(found_in),
        np.array(found_out),
        np.array(found_now, dtype=np.bool_),
    )
