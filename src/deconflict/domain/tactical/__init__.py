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
    VESSEL_MINIMA,
    Minima,
    TrackState,
    minima_for_classes,
)
from .zones import (
    CHORD_ERROR_M,
    MAX_SEGMENT_M,
    NonConformance,
    ZoneBreach,
    horizontal_distance_m,
    non_conformances,
    zone_breaches,
    zone_breaches_brute_force,
)

__all__ = [
    "CHORD_ERROR_M",
    "DEFAULT_MINIMA",
    "DRONE_MINIMA",
    "EARTH_RADIUS_M",
    "MAX_LOOK_AHEAD_S",
    "MAX_SEGMENT_M",
    "MINIMA_BY_CLASS",
    "TERMINAL_MINIMA",
    "VESSEL_MINIMA",
    "Minima",
    "NonConformance",
    "PredictedConflict",
    "TrackState",
    "ZoneBreach",
    "detect",
    "detect_brute_force",
    "horizontal_distance_m",
    "minima_for_classes",
    "non_conformances",
    "zone_breaches",
    "zone_breaches_brute_force",
]
