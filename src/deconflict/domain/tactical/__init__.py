"""Tactical detection from live tracks: predicted loss of separation (watch during).

:mod:`.state` holds N platforms at one instant in columns and the separation
minima; :mod:`.cpa` holds the pairwise state-based test, the brute-force oracle
and the grid-pruned detector that must return exactly the oracle's pairs.
"""

from __future__ import annotations

from .cpa import EARTH_RADIUS_M, PredictedConflict, detect, detect_brute_force
from .state import (
    DEFAULT_MINIMA,
    DRONE_MINIMA,
    MAX_LOOK_AHEAD_S,
    MINIMA_BY_CLASS,
    TERMINAL_MINIMA,
    Minima,
    TrackState,
    minima_for_classes,
)

__all__ = [
    "DEFAULT_MINIMA",
    "DRONE_MINIMA",
    "EARTH_RADIUS_M",
    "MAX_LOOK_AHEAD_S",
    "MINIMA_BY_CLASS",
    "TERMINAL_MINIMA",
    "Minima",
    "PredictedConflict",
    "TrackState",
    "detect",
    "detect_brute_force",
    "minima_for_classes",
]
