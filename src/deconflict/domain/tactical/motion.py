"""Straight-line motion on the sphere: where a platform will be after ``t`` seconds.

The model of :mod:`.cpa`: a platform moves along the line tangent to the
sphere (radius :data:`EARTH_RADIUS_M`) at its position, at its ground speed and
track; the point reached is projected back onto the sphere. Over the
look-ahead of a few minutes this is the great circle to well under a metre per
kilometre flown, and it needs no special case at the poles or the antimeridian.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["EARTH_RADIUS_M", "advance"]

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius

FloatArray = NDArray[np.float64]


def advance(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    ground_speed_m_s: ArrayLike,
    track_deg: ArrayLike,
    seconds: ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Latitude and longitude (degrees, longitude in [-180, 180]) after ``seconds``.

    Arguments broadcast against each other (NumPy rules), so one call moves N
    platforms by one time each, or one platform to many times.
    """
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    trk = np.radians(np.asarray(track_deg, dtype=np.float64))
    run = (
        np.asarray(ground_speed_m_s, dtype=np.float64)
        * np.asarray(seconds, dtype=np.float64)
        / EARTH_RADIUS_M
    )
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    sin_lon, cos_lon = np.sin(lon), np.cos(lon)
    east, north = run * np.sin(trk), run * np.cos(trk)
    # u + (east * e_east + north * e_north), in units of the radius.
    x = cos_lat * cos_lon - east * sin_lon - north * sin_lat * cos_lon
    y = cos_lat * sin_lon + east * cos_lon - north * sin_lat * sin_lon
    z = sin_lat + north * cos_lat
    lat_out = np.degrees(np.arctan2(z, np.hypot(x, y)))
    lon_out = np.degrees(np.arctan2(y, x))
    return lat_out, lon_out
