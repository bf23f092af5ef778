"""Longitude bookkeeping for footprints that may cross the antimeridian.

A footprint is kept *unwrapped*: its longitudes are continuous (they may pass
180 or -180) and the centre of its bounding box lies in [-180, 180). Two
footprints are compared after shifting one by a whole turn so that their
centres are at most half a turn apart.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import InvalidGeometry

FULL_TURN = 360.0
HALF_TURN = 180.0


def wrap_delta(delta_deg: ArrayLike) -> NDArray[np.float64]:
    """Map longitude differences into [-180, 180): the shorter way round."""
    d = np.asarray(delta_deg, dtype=np.float64)
    return np.asarray((d + HALF_TURN) % FULL_TURN - HALF_TURN, dtype=np.float64)


def unwrap_ring(lons: ArrayLike, *, field: str = "coordinates") -> NDArray[np.float64]:
    """Make a closed ring's longitudes continuous, each step the shorter way round.

    A ring whose steps add up to a whole turn goes around a pole; such a
    footprint has no bounded lon/lat polygon and is refused.
    """
    raw = np.asarray(lons, dtype=np.float64)
    diff = np.diff(raw)
    # Whole turns added at each step; the input is kept bit for bit where no step wraps
    # (summing the steps instead would move vertices by rounding and open closed rings).
    turns = np.round((wrap_delta(diff) - diff) / FULL_TURN)
    out = raw + FULL_TURN * np.concatenate(([0.0], np.cumsum(turns)))
    if abs(out[-1] - out[0]) > 1e-9 and abs(abs(out[-1] - out[0]) - FULL_TURN) < 1e-6:
        raise InvalidGeometry("footprint must not enclose a pole", field=field)
    return np.asarray(out, dtype=np.float64)


def recentre(lons: NDArray[np.float64], centre_deg: float) -> tuple[NDArray[np.float64], float]:
    """Shift ``lons`` by whole turns so that ``centre_deg`` lands in [-180, 180)."""
    wrapped = (centre_deg + HALF_TURN) % FULL_TURN - HALF_TURN
    shift = float(round((wrapped - centre_deg) / FULL_TURN) * FULL_TURN)  # exactly 0 when in range
    return lons + shift, shift


def near(lons: ArrayLike, reference_deg: float) -> NDArray[np.float64]:
    """Express each longitude as the value nearest ``reference_deg``."""
    d = np.asarray(lons, dtype=np.float64)
    return np.asarray(reference_deg + wrap_delta(d - reference_deg), dtype=np.float64)


def next_to(lon: ArrayLike, centre: ArrayLike) -> NDArray[np.float64]:
    """``lon`` shifted by whole turns to lie within half a turn of ``centre`` (broadcasts).

    Unlike :func:`near` it leaves a longitude that needs no shift untouched to
    the last bit, so a point exactly on an edge stays on it.
    """
    value = np.asarray(lon, dtype=np.float64)
    turns = np.round((np.asarray(centre, dtype=np.float64) - value) / FULL_TURN)
    return np.asarray(value + turns * FULL_TURN, dtype=np.float64)


def turn_shift(centre_a_deg: float, centre_b_deg: float) -> float:
    """Whole turns to add to footprint b so its centre is nearest a's."""
    return float(round((centre_a_deg - centre_b_deg) / FULL_TURN) * FULL_TURN)
