"""Tactical detection from live tracks (watch during).

:mod:`.state` holds N platforms at one instant in columns and the separation
minima; :mod:`.motion` moves them on the sphere; :mod:`.report` turns position
reports into that picture; :mod:`.cpa` is the predicted loss of separation (the
pairwise test, the brute-force oracle and the grid-pruned detector that must
return exactly the oracle's pairs); :mod:`.zones` the breach of another party's
zone; :mod:`.conformance` a platform outside its own operation's volume; and
:mod:`.watch` runs the three over one picture as alert findings.
"""

from __future__ import annotations

from .conformance import NonConformance, horizontal_distance_m, non_conformances
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
    ZoneBreach,
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
