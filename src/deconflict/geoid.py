"""The EGM96 geoid, read from Debian's proj-data grid (``egm96_15.gtx``).

pyproj's wheel carries its own PROJ data directory; Debian's grids live in
``/usr/share/proj``, which we add to pyproj's search path on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pyproj
from pyproj.transformer import Transformer

from .domain.errors import InvalidInput

GRID_NAME = "egm96_15.gtx"
SYSTEM_PROJ_DIRS = (Path("/usr/share/proj"), Path("/usr/local/share/proj"))


class EGM96Geoid:
    """Geoid heights above the WGS84 ellipsoid from the EGM96 15' grid."""

    def __init__(self) -> None:
        for directory in SYSTEM_PROJ_DIRS:
            if (directory / GRID_NAME).exists() and str(directory) not in pyproj.datadir.get_data_dir():
                pyproj.datadir.append_data_dir(str(directory))
        # EPSG:4979 (ellipsoidal height) to EPSG:4326+5773 (EGM96 height): N = h - H.
        self._to_egm96 = Transformer.from_crs("EPSG:4979", "EPSG:4326+5773", always_xy=True)
        _, _, probe = self._to_egm96.transform(0.0, 0.0, 0.0)
        if not np.isfinite(probe) or probe == 0.0:
            raise InvalidInput(
                f"the EGM96 geoid grid {GRID_NAME} is missing: install Debian's proj-data "
                "(make run / make test do)",
                field="alt_ref",
            )

    def undulation_m(self, lons: Sequence[float], lats: Sequence[float]) -> Sequence[float]:
        lon = np.asarray(lons, dtype=np.float64)
        lon = (lon + 180.0) % 360.0 - 180.0
        lat = np.asarray(lats, dtype=np.float64)
        _, _, orthometric = self._to_egm96.transform(lon, lat, np.zeros_like(lon))
        return list(-np.asarray(orthometric, dtype=np.float64))


@cache
def egm96() -> EGM96Geoid:
    return EGM96Geoid()


class LazyEGM96:
    """Loads the grid on the first conversion, so W84-only input never needs it."""

    def undulation_m(self, lons: Sequence[float], lats: Sequence[float]) -> Sequence[float]:
        return egm96().undulation_m(lons, lats)
