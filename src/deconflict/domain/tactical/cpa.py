"""Predicted loss of separation between live tracks (state-based conflict detection).

The pairwise test
-----------------
The geometry of BlueSky's state-based detector (``StateBased``): each platform
flies straight at its current ground speed, track and vertical rate. For a pair
(a, b), in a local flat east/north frame,

* ``tcpa = -(r . dv) / |dv|^2`` and ``dcpa = |r + dv tcpa|`` (horizontal only),
  where ``r`` and ``dv`` are b's position and velocity relative to a;
* the horizontal loss interval ``[t_in_h, t_out_h] = tcpa -/+ sqrt(S^2 - dcpa^2) / |dv|``
  (the two roots of ``|r + dv t| = S``), empty when ``dcpa >= S``;
* the vertical loss interval from the altitude difference and the vertical
  closure rate: the times when ``|dh + dw t| < V``;
* a *conflict* when the two intervals overlap each other and ``(0, look_ahead)``;
  a *current loss* when both distances are already inside the minima.
  Comparisons are strict: exactly at the minimum is not a loss.

Three refinements for real traffic. The altitude difference of a pair that
both report pressure altitude (flight levels) is taken in pressure altitude,
the pair's common reference, and its vertical minimum is reduced by the
reporting step (:data:`.state.PRESSURE_ALTITUDE_RESOLUTION_M`): adjacent flight
levels are never a loss; any other pair uses the W84 altitudes (and a
micrometre less than the minimum, so that float rounding does not make exactly
the minimum a loss). A climb or
descent is extrapolated for at most ``vertical_horizon_s`` (then the platform is
taken as level): ``dh(t) = dh + dw min(t, H)``, which is monotone, so the
vertical interval stays one interval (it ends at ``H`` unless the levelled
difference is inside the minimum, then it never ends). And a pair is tested
only within one separation layer (airborne, surface), never on the ground.

The local frame (a better frame than an equirectangular one)
------------------------------------------------------------
Each pair is measured in the plane tangent to the Earth (a sphere of mean
radius :data:`EARTH_RADIUS_M`) at the pair's midpoint ``m = (u_a + u_b) / |u_a + u_b|``
(``u`` the unit vector of a position). The relative position is the chord
``r = R (u_b - u_a)``, which lies *exactly* in that plane (``|u_a| = |u_b|``), and
each velocity, defined in its own platform's east/north frame, is carried into
3D and projected onto the plane. This is the local east/north frame of the
pair with no latitude-dependent term, so it needs no longitude wrapping (the
antimeridian is an ordinary place) and no special case near the poles, where
an equirectangular frame fails: at 85 deg, two platforms 100 km apart east-west
have "north" directions about 10 deg apart, which an equirectangular frame
ignores. Error bounds for a pair at great-circle distance ``s``: the chord is
shorter than the arc by ``s^3 / (24 R^2)`` (1 m at 100 km, 0.1 % at 1,000 km);
the sphere differs from the WGS84 ellipsoid by at most ~0.5 % in distance;
altitude is ignored horizontally (0.2 % at 12 km). Pairs more than a quarter
of the globe apart (``u_a . u_b <= 0``) are never in conflict.

Sub-quadratic detection and why the pruning is conservative
-----------------------------------------------------------
:func:`detect` indexes, for each platform, the axis-aligned box of its swept
path over the look-ahead in Earth-centred Cartesian coordinates (on the sphere,
metres, rotated so that the third axis points at the scene's centre: any
rotation keeps distances, and this one makes a regional scene's boxes thin)
and in altitude, registers each box in the cells of a uniform 4D grid, and runs
the exact test only on pairs of different parties whose boxes overlap. Take the largest minima and look-ahead in the scene, ``S*``, ``V*``,
``T*``, and the largest ground speed ``g*``. Suppose the test finds a conflict:
there is a time ``t`` in ``(0, T*)`` with ``|r_h(t)| < S*`` and ``|dh(t)| < V*``.

1. Altitude: a's altitude at ``t`` lies in ``[h_a, h_a + w_a min(T*, H)]``, b's
   likewise, and they are less than ``V*`` apart, so the intervals padded by
   ``V*/2`` each overlap. A pair compared in pressure altitude is less than
   ``V*`` apart in pressure, and each W84 altitude is its pressure altitude
   plus a fixed offset (the geoid there), so the W84 altitudes are less than
   ``V* + D`` apart, ``D`` the spread of those offsets in the scene: the
   padding is ``(V* + D) / 2``.
2. Horizontal: let ``Y(t) = R u + v t`` be the platform moving along its tangent
   line in 3D. ``Y_b(t) - Y_a(t) = r + dv t = r_h(t) + (dv . m) t m`` because ``r``
   is orthogonal to ``m``, so ``|Y_b(t) - Y_a(t)|^2 = |r_h(t)|^2 + (dv . m)^2 t^2``.
   ``v_a`` is orthogonal to ``u_a``, so ``|v_a . m| = |v_a . (m - u_a)| <= g* 2 sin(theta/4)``,
   ``theta`` the angle between ``u_a`` and ``u_b``. Since
   ``|r_h(t)| >= |r| - |dv| t``, a conflict needs ``|r| = 2R sin(theta/2) < S* + 2 g* T*``,
   which bounds ``theta`` by ``theta_max`` (and ``theta <= 90 deg`` by the rule above).
   Hence ``|Y_b(t) - Y_a(t)| < S3 = sqrt(S*^2 + (4 g* T* sin(theta_max/4))^2)``, and
   the boxes of the two 3D segments ``Y([0, T*])`` padded by ``S3/2`` each overlap.

Both paddings get one more metre, far above the rounding of the test. So every
conflict is among the candidates; the grid (each overlapping pair found exactly
once, in the lowest cell the two boxes share) never builds an N x N matrix:
pairs are generated and tested in batches of bounded size. There is no pole
fallback to make: the grid is Cartesian and has no singularity there. Cells
start at the median box size (4x in altitude) and double while boxes would
occupy too many cells, so a few fast platforms cannot blow up the index; the
cost stays O(N + candidate pairs), which is quadratic only for a scene where
nearly every pair is a candidate (everyone in one spot).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import InvalidInput
from .motion import EARTH_RADIUS_M
from .state import DEFAULT_MINIMA, GROUND, PRESSURE_ALTITUDE_RESOLUTION_M, Minima, TrackState

__all__ = ["EARTH_RADIUS_M", "PredictedConflict", "detect", "detect_brute_force"]

# Relative speeds below these are "not moving" (no division by ~0).
_STILL_DV2 = 1e-12  # (m/s)^2, horizontal
_STILL_DW = 1e-9  # m/s, vertical
# Exactly the minimum is not a loss, whatever the rounding of sums of metres.
_ROUNDING_M = 1e-6
# Extra padding of the swept boxes over the proof's bound, far above rounding.
_PAD_M = 1.0
# Pairs per vectorised batch: bounds memory whatever N, and keeps the temporaries
# small enough to stay in cache and in the allocator's heap (fresh large arrays
# cost page faults). Tuned with tests/bench/bench_cpa.py.
_PAIR_BUDGET = 1 << 15
_ORACLE_BATCH = 1 << 12
# Grid cells per box: at most this many per platform on average.
_REGISTRATIONS_PER_BOX = 24
# Cell size against the median box: tuned on 1k-10k tracks (tests/bench/bench_cpa.py).
_CELL_SPATIAL = 1.0
_CELL_ALTITUDE = 4.0
# No box spans more than this many cells per axis (plus one) at the start.
_MAX_CELLS_PER_AXIS = 8.0

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class PredictedConflict:
    """A predicted (or current) loss of separation between platforms ``a < b``.

    ``tcpa_s`` and ``dcpa_m`` are the time (may be negative: closest point
    already passed) and horizontal distance of the closest point of approach;
    with no relative horizontal motion, ``tcpa_s`` is 0 and ``dcpa_m`` the
    current distance.
    ``[t_in_s, t_out_s]`` is the predicted loss of separation clipped to
    ``[0, look_ahead_s]``; ``current_loss`` when both distances are inside now.
    ``vertical_bounded`` when the loss lasts past the vertical horizon while the
    pair climbs or descends relative to each other: it rests on the assumption
    that both level off there.
    """

    a: str
    b: str
    tcpa_s: float
    dcpa_m: float
    t_in_s: float
    t_out_s: float
    current_loss: bool
    vertical_bounded: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class _Kinematics:
    """Per-platform quantities every pair test gathers from."""

    ux: FloatArray  # unit position vector (sphere)
    uy: FloatArray
    uz: FloatArray
    vx: FloatArray  # horizontal velocity in 3D, m/s
    vy: FloatArray
    vz: FloatArray
    alt_m: FloatArray
    pressure_alt_m: FloatArray  # NaN when not reported
    vertical_rate_m_s: FloatArray
    ground_speed_m_s: FloatArray
    layer: NDArray[np.int8]
    vertical_horizon_s: float  # a climb or descent is extrapolated this long, then level
    party: IndexArray  # party code
    horizontal_m: FloatArray  # each platform's own minima
    vertical_m: FloatArray
    look_ahead_s: FloatArray


@dataclass(frozen=True, slots=True, eq=False)
class _Found:
    """Conflicts found in one batch of pairs, in columns."""

    a: IndexArray
    b: IndexArray
    tcpa_s: FloatArray
    dcpa_m: FloatArray
    t_in_s: FloatArray
    t_out_s: FloatArray
    current_loss: NDArray[np.bool_]
    vertical_bounded: NDArray[np.bool_]


def _kinematics(
    state: TrackState, minima: Minima | Sequence[Minima], vertical_horizon_s: float
) -> _Kinematics:
    n = len(state)
    horizon = float(vertical_horizon_s)
    if not horizon >= 0.0:
        raise InvalidInput(f"must be 0 or more seconds, got {horizon}", field="vertical_horizon_s")
    if isinstance(minima, Minima):
        table = [minima]
        which = np.zeros(n, dtype=np.intp)
    else:
        if len(minima) != n:
            raise InvalidInput(f"needs one Minima per platform ({n}), got {len(minima)}", field="minima")
        table = list(dict.fromkeys(minima))
        code = {m: i for i, m in enumerate(table)}
        which = np.fromiter((code[m] for m in minima), dtype=np.intp, count=n)
    lat = np.radians(state.lat_deg)
    lon = np.radians(state.lon_deg)
    trk = np.radians(state.track_deg)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    sin_lon, cos_lon = np.sin(lon), np.cos(lon)
    # east = (-sin lon, cos lon, 0); north = (-sin lat cos lon, -sin lat sin lon, cos lat)
    east_speed = state.ground_speed_m_s * np.sin(trk)
    north_speed = state.ground_speed_m_s * np.cos(trk)
    _, party = np.unique(state.party, return_inverse=True)
    return _Kinematics(
        ux=cos_lat * cos_lon,
        uy=cos_lat * sin_lon,
        uz=sin_lat,
        vx=-east_speed * sin_lon - north_speed * sin_lat * cos_lon,
        vy=east_speed * cos_lon - north_speed * sin_lat * sin_lon,
        vz=north_speed * cos_lat,
        alt_m=state.alt_m,
        pressure_alt_m=state.pressure_alt_m,
        vertical_rate_m_s=state.vertical_rate_m_s,
        ground_speed_m_s=state.ground_speed_m_s,
        layer=state.layer,
        vertical_horizon_s=horizon,
        party=party.reshape(n).astype(np.intp),
        horizontal_m=np.array([m.horizontal_m for m in table])[which],
        vertical_m=np.array([m.vertical_m for m in table])[which],
        look_ahead_s=np.array([m.look_ahead_s for m in table])[which],
    )


def _test_pairs(k: _Kinematics, a: IndexArray, b: IndexArray) -> _Found:
    """The exact state-based test on pairs ``(a[i], b[i])``; keeps the conflicts."""
    uxa, uya, uza = k.ux[a], k.uy[a], k.uz[a]
    uxb, uyb, uzb = k.ux[b], k.uy[b], k.uz[b]
    # Midpoint normal m; pairs a quarter of the globe apart or more never conflict.
    sx, sy, sz = uxa + uxb, uya + uyb, uza + uzb
    s2 = sx * sx + sy * sy + sz * sz
    near = s2 > 2.0
    inv = 1.0 / np.sqrt(np.where(near, s2, 1.0))
    mx, my, mz = sx * inv, sy * inv, sz * inv
    # Relative position (chord, in the tangent plane at m) and horizontal velocity.
    rx = EARTH_RADIUS_M * (uxb - uxa)
    ry = EARTH_RADIUS_M * (uyb - uya)
    rz = EARTH_RADIUS_M * (uzb - uza)
    dvx, dvy, dvz = k.vx[b] - k.vx[a], k.vy[b] - k.vy[a], k.vz[b] - k.vz[a]
    dvm = dvx * mx + dvy * my + dvz * mz
    hx, hy, hz = dvx - dvm * mx, dvy - dvm * my, dvz - dvm * mz
    dv2 = hx * hx + hy * hy + hz * hz
    rr = rx * rx + ry * ry + rz * rz
    moving = dv2 > _STILL_DV2
    safe_dv2 = np.where(moving, dv2, 1.0)
    tcpa = np.where(moving, -(rx * hx + ry * hy + rz * hz) / safe_dv2, 0.0)
    cx, cy, cz = rx + hx * tcpa, ry + hy * tcpa, rz + hz * tcpa
    dcpa2 = cx * cx + cy * cy + cz * cz
    sep_h = np.maximum(k.horizontal_m[a], k.horizontal_m[b])
    sep_h2 = sep_h * sep_h
    inside_h = rr < sep_h2
    crosses = dcpa2 < sep_h2
    half = np.sqrt(np.maximum(sep_h2 - dcpa2, 0.0) / safe_dv2)
    t_in_h = np.where(moving, np.where(crosses, tcpa - half, np.inf), np.where(inside_h, -np.inf, np.inf))
    t_out_h = np.where(moving, np.where(crosses, tcpa + half, -np.inf), np.where(inside_h, np.inf, -np.inf))
    # Vertical: |dh + dw min(t, H)| < sep_v, in pressure altitude when both report one.
    pa_a, pa_b = k.pressure_alt_m[a], k.pressure_alt_m[b]
    pressure = np.isfinite(pa_a) & np.isfinite(pa_b)
    dh = np.where(pressure, pa_b - pa_a, k.alt_m[b] - k.alt_m[a])
    dw = k.vertical_rate_m_s[b] - k.vertical_rate_m_s[a]
    sep_v = np.maximum(k.vertical_m[a], k.vertical_m[b]) - np.where(
        pressure, PRESSURE_ALTITUDE_RESOLUTION_M, _ROUNDING_M
    )
    inside_v = np.abs(dh) < sep_v
    climbing = np.abs(dw) > _STILL_DW
    safe_dw = np.where(climbing, dw, 1.0)
    t1, t2 = (-sep_v - dh) / safe_dw, (sep_v - dh) / safe_dw
    horizon = k.vertical_horizon_s
    levels_inside = np.abs(dh + safe_dw * horizon) < sep_v if math.isfinite(horizon) else False
    t_in_v = np.where(climbing, np.minimum(t1, t2), np.where(inside_v, -np.inf, np.inf))
    t_out_climb = np.where(levels_inside, np.inf, np.minimum(np.maximum(t1, t2), horizon))
    t_out_v = np.where(climbing, t_out_climb, np.where(inside_v, np.inf, -np.inf))
    look = np.maximum(k.look_ahead_s[a], k.look_ahead_s[b])
    t_in = np.maximum(t_in_h, t_in_v)
    t_out = np.minimum(t_out_h, t_out_v)
    current = near & inside_h & inside_v
    layered = (k.layer[a] == k.layer[b]) & (k.layer[a] != GROUND)
    hit = (
        ((near & (t_in < t_out) & (t_out > 0.0) & (t_in < look)) | current)
        & (k.party[a] != k.party[b])
        & layered
    )
    t_in_s = np.where(current, 0.0, np.clip(t_in, 0.0, look))
    t_out_s = np.minimum(np.maximum(t_out, t_in_s), look)
    bounded = climbing & (t_out_s > horizon)
    return _Found(
        a=a[hit],
        b=b[hit],
        tcpa_s=tcpa[hit],
        dcpa_m=np.sqrt(dcpa2[hit]),
        t_in_s=t_in_s[hit],
        t_out_s=t_out_s[hit],
        current_loss=current[hit],
        vertical_bounded=bounded[hit],
    )


def _expand(partners: NDArray[np.int64], budget: int) -> Iterator[tuple[IndexArray, IndexArray]]:
    """Pair position ``p`` with ``p + 1 ... p + partners[p]``, in batches of ~``budget``."""
    cum = np.cumsum(partners)
    n = int(partners.shape[0])
    start, done = 0, 0
    while start < n:
        stop = max(int(np.searchsorted(cum, done + budget, side="right")), start + 1)
        counts = partners[start:stop]
        total = int(cum[stop - 1]) - done
        if total:
            first = np.repeat(np.arange(start, stop, dtype=np.intp), counts)
            offset = np.arange(total, dtype=np.intp) - np.repeat(cum[start:stop] - counts - done, counts)
            yield first, first + 1 + offset
        start, done = stop, int(cum[stop - 1])


def _assemble(state: TrackState, batches: list[_Found]) -> tuple[PredictedConflict, ...]:
    """One conflict per pair, ``a < b`` by id, sorted by ``(a, b)``."""
    if not batches:
        return ()
    by_id = np.argsort(state.ids, kind="stable")
    rank = np.empty(len(state), dtype=np.intp)
    rank[by_id] = np.arange(len(state))
    ra = rank[np.concatenate([f.a for f in batches])]
    rb = rank[np.concatenate([f.b for f in batches])]
    first, second = np.minimum(ra, rb), np.maximum(ra, rb)
    order = np.lexsort((second, first))
    names_a = state.ids[by_id[first[order]]].tolist()
    names_b = state.ids[by_id[second[order]]].tolist()
    columns = [
        np.concatenate([getattr(f, name) for f in batches])[order].tolist()
        for name in ("tcpa_s", "dcpa_m", "t_in_s", "t_out_s", "current_loss", "vertical_bounded")
    ]
    return tuple(PredictedConflict(*row) for row in zip(names_a, names_b, *columns, strict=True))


def detect_brute_force(
    state: TrackState,
    minima: Minima | Sequence[Minima] = DEFAULT_MINIMA,
    vertical_horizon_s: float = math.inf,
) -> tuple[PredictedConflict, ...]:
    """Every pair tested: the O(N^2) oracle. Batched, so memory stays bounded.

    ``minima`` is one :class:`Minima` for all, or one per platform (a pair uses
    the larger of each); vertical rates are extrapolated ``vertical_horizon_s``
    at most. Returns conflicts between different parties, sorted by ``(a, b)``.
    """
    k = _kinematics(state, minima, vertical_horizon_s)
    n = len(state)
    partners = (n - 1 - np.arange(n)).astype(np.int64)
    found = [_test_pairs(k, a, b) for a, b in _expand(partners, _ORACLE_BATCH)]
    return _assemble(state, [f for f in found if f.a.size])


def _scene_axes(k: _Kinematics) -> tuple[tuple[float, float, float], ...]:
    """An orthonormal frame whose third axis points at the scene's centre.

    Any rotation keeps the proof (distances are unchanged); this one makes a
    regional scene nearly flat in the third axis, so its boxes are tight.
    """
    c = np.array([k.ux.sum(), k.uy.sum(), k.uz.sum()])
    norm = float(np.linalg.norm(c))
    if norm < 1e-6 * k.ux.shape[0]:
        return ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    up = c / norm
    helper = np.array([0.0, 0.0, 1.0]) if abs(up[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    east = np.cross(helper, up)
    east /= np.linalg.norm(east)
    north = np.cross(up, east)
    return tuple((float(v[0]), float(v[1]), float(v[2])) for v in (east, north, up))


def _swept_boxes(k: _Kinematics) -> tuple[FloatArray, FloatArray]:
    """Per platform, the padded box (x, y, z, alt) holding it over the look-ahead."""
    n = k.ux.shape[0]
    sep_h = float(k.horizontal_m.max())
    sep_v = float(k.vertical_m.max())
    look = float(k.look_ahead_s.max())
    speed = float(k.ground_speed_m_s.max())
    reach = sep_h + 2.0 * speed * look
    theta_max = math.pi / 2.0
    if reach < 2.0 * EARTH_RADIUS_M:
        theta_max = min(theta_max, 2.0 * math.asin(reach / (2.0 * EARTH_RADIUS_M)))
    lean = 4.0 * speed * look * math.sin(theta_max / 4.0)
    pad_h = 0.5 * math.hypot(sep_h, lean) + _PAD_M
    offset = k.alt_m - k.pressure_alt_m  # the geoid under each pressure altitude
    offset = offset[np.isfinite(offset)]
    spread = float(offset.max() - offset.min()) if offset.size else 0.0
    pad_v = 0.5 * (sep_v + spread) + _PAD_M
    lo = np.empty((n, 4))
    hi = np.empty((n, 4))
    for d, axis in enumerate(_scene_axes(k)):
        start = EARTH_RADIUS_M * (axis[0] * k.ux + axis[1] * k.uy + axis[2] * k.uz)
        end = start + look * (axis[0] * k.vx + axis[1] * k.vy + axis[2] * k.vz)
        lo[:, d] = np.minimum(start, end) - pad_h
        hi[:, d] = np.maximum(start, end) + pad_h
    end_alt = k.alt_m + k.vertical_rate_m_s * min(look, k.vertical_horizon_s)
    lo[:, 3] = np.minimum(k.alt_m, end_alt) - pad_v
    hi[:, 3] = np.maximum(k.alt_m, end_alt) + pad_v
    return lo, hi


def _grid(lo: FloatArray, hi: FloatArray) -> tuple[NDArray[np.int64], NDArray[np.int64], list[int]]:
    """Cell ranges of each box: first cell, cells per dimension, and the key radices.

    Cells start at about the median box size and grow until the boxes occupy
    a bounded number of cells and a cell key fits in 62 bits.
    """
    n = lo.shape[0]
    extent = hi - lo
    spatial = extent[:, :3].max(axis=1)
    size = np.array([0.0, 0.0, 0.0, 0.0])
    size[:3] = max(_CELL_SPATIAL * float(np.median(spatial)), float(spatial.max()) / _MAX_CELLS_PER_AXIS)
    altitude = extent[:, 3]
    size[3] = max(_CELL_ALTITUDE * float(np.median(altitude)), float(altitude.max()) / _MAX_CELLS_PER_AXIS)
    while True:
        first = np.floor(lo / size).astype(np.int64)
        last = np.floor(hi / size).astype(np.int64)
        base = first.min(axis=0)
        first -= base
        last -= base
        counts = last - first + 1
        radices = [int(r) + 1 for r in last.max(axis=0)]
        registrations = int(counts.prod(axis=1).sum())
        if registrations <= _REGISTRATIONS_PER_BOX * n and math.prod(radices) < 2**62:
            return first, counts, radices
        size *= 2.0


def _candidates(k: _Kinematics, budget: int) -> Iterator[tuple[IndexArray, IndexArray]]:
    """Pairs ``a < b`` of different parties whose swept boxes overlap; each once."""
    lo, hi = _swept_boxes(k)
    n = lo.shape[0]
    first, counts, radices = _grid(lo, hi)
    per_box = counts.prod(axis=1)
    box = np.repeat(np.arange(n, dtype=np.intp), per_box)
    rank = np.arange(box.shape[0], dtype=np.int64) - np.repeat(np.cumsum(per_box) - per_box, per_box)
    key = np.zeros(box.shape[0], dtype=np.int64)
    scale = 1
    for d in (3, 2, 1, 0):
        c = counts[box, d]
        key += (first[box, d] + rank % c) * scale
        rank //= c
        scale *= radices[d]
    order = np.argsort(key)
    key, box = key[order], box[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    ends = np.append(starts[1:], key.shape[0])
    partners = np.repeat(ends, ends - starts) - np.arange(key.shape[0]) - 1
    lows = [np.ascontiguousarray(lo[:, d]) for d in range(4)]
    highs = [np.ascontiguousarray(hi[:, d]) for d in range(4)]
    cells = [np.ascontiguousarray(first[:, d]) for d in range(4)]
    for p, q in _expand(partners.astype(np.int64), budget):
        a, b = box[p], box[q]
        # Altitude first: it rejects most pairs that share a cell.
        keep = (k.party[a] != k.party[b]) & (lows[3][a] <= highs[3][b]) & (lows[3][b] <= highs[3][a])
        p, a, b = p[keep], a[keep], b[keep]
        keep = np.ones(p.shape[0], dtype=np.bool_)
        for d in (0, 1, 2):
            keep &= (lows[d][a] <= highs[d][b]) & (lows[d][b] <= highs[d][a])
        p, a, b = p[keep], a[keep], b[keep]
        # Report the pair only from the lowest cell both boxes share.
        lowest = np.zeros(p.shape[0], dtype=np.int64)
        scale = 1
        for d in (3, 2, 1, 0):
            lowest += np.maximum(cells[d][a], cells[d][b]) * scale
            scale *= radices[d]
        once = lowest == key[p]
        a, b = a[once], b[once]
        yield np.minimum(a, b), np.maximum(a, b)


def detect(
    state: TrackState,
    minima: Minima | Sequence[Minima] = DEFAULT_MINIMA,
    vertical_horizon_s: float = math.inf,
) -> tuple[PredictedConflict, ...]:
    """The same conflicts as :func:`detect_brute_force`, without testing every pair.

    Swept boxes in a uniform grid pick the candidate pairs (a superset of the
    conflicts: see the module docstring); the exact test runs on those only.
    """
    k = _kinematics(state, minima, vertical_horizon_s)
    if len(state) < 2:
        return ()
    found = [_test_pairs(k, a, b) for a, b in _candidates(k, _PAIR_BUDGET)]
    return _assemble(state, [f for f in found if f.a.size])
