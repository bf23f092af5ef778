"""One monitor cycle: everything the live picture shows, as alert findings.

Near aerodromes the terminal rules of :mod:`.terminal` adjust the separation test.

Three detectors run over the same picture: predicted or current loss of
separation between platforms of different parties (:func:`.cpa.detect`, each
platform with the minima of its class), breach of another party's zone, now or
within the look-ahead (:func:`.zones.zone_breaches`), and a platform outside
the volume of the operation it is linked to (:func:`.conformance.non_conformances`).

A non-conformance concerns every party, not only the owner: the others planned
against the declared volume, and it no longer holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..alert import AlertKind, Finding, Severity
from ..altitude import flight_level_uncertainty_m
from ..volume import TaggedVolume, Volume4D
from .conformance import NonConformance, non_conformances
from .cpa import PredictedConflict, detect
from .report import Picture, PositionReport
from .state import Minima, TrackState
from .terminal import TerminalAreas, terminal_view
from .zones import ZoneBreach, zone_breaches

__all__ = [
    "assess",
    "breach_finding",
    "nonconformance_finding",
    "prediction_confidence",
    "separation",
    "separation_finding",
]

NM = 1852.0


def _seconds(value: float) -> float:
    return round(float(value), 1)


def prediction_confidence(found: PredictedConflict, vertical_horizon_s: float) -> str:
    """How sure a separation finding is: ``high`` for a loss now or one predicted within the
    vertical horizon from the reported velocities; ``medium`` for a later one that needs no
    levelling off (straight lines further ahead); ``low`` when it rests on both levelling off
    at the horizon (a climb or descent not extrapolated further)."""
    if found.vertical_bounded:
        return "low"
    if found.current_loss or found.t_in_s <= vertical_horizon_s:
        return "high"
    return "medium"


def _vertical_reference(a: PositionReport, b: PositionReport) -> tuple[str, float]:
    """The pair's common altitude reference, and how uncertain converting to it was (m)."""
    pressures = [r.pressure_alt_m for r in (a, b) if r.pressure_alt_m is not None]
    if len(pressures) == 2:
        return "pressure", 0.0
    if not pressures:
        return "geometric", 0.0
    return "mixed", flight_level_uncertainty_m(pressures[0])


def separation_finding(
    picture: Picture, found: PredictedConflict, vertical_horizon_s: float = math.inf
) -> Finding:
    a, b = picture.report(found.a), picture.report(found.b)
    reference, uncertainty = _vertical_reference(a, b)
    if found.current_loss:
        severity, summary = Severity.CURRENT, f"loss of separation now between {found.a} and {found.b}"
    else:
        summary = (
            f"predicted loss of separation between {found.a} and {found.b} in {found.t_in_s:.0f} s "
            f"(closest {found.dcpa_m / NM:.2f} NM at {found.tcpa_s:.0f} s)"
        )
        severity = Severity.PREDICTED
    return Finding(
        kind=AlertKind.SEPARATION,
        key=f"separation:{found.a}|{found.b}",
        parties=tuple(sorted({a.party, b.party})),
        severity=severity,
        summary=summary,
        subjects={"platforms": [found.a, found.b], "operations": _operations(a.operation_id, b.operation_id)},
        detail={
            "tcpa_s": _seconds(found.tcpa_s),
            "dcpa_m": round(found.dcpa_m),
            "t_in_s": _seconds(found.t_in_s),
            "t_out_s": _seconds(found.t_out_s),
            "vertical_reference": reference,
            "vertical_uncertainty_m": round(uncertainty),
            "vertical_bounded": found.vertical_bounded,
            "confidence": prediction_confidence(found, vertical_horizon_s),
        },
    )


def _operations(*ids: str | None) -> list[str]:
    return sorted({i for i in ids if i is not None})


def breach_finding(picture: Picture, found: ZoneBreach) -> Finding:
    zone = found.zone
    where = f"{zone.party}'s zone {zone.operation}"
    if found.current:
        severity, summary = Severity.CURRENT, f"{found.platform} is inside {where}"
    else:
        severity, summary = (
            Severity.PREDICTED,
            f"{found.platform} predicted to enter {where} in {found.t_in_s:.0f} s",
        )
    return Finding(
        kind=AlertKind.ZONE_BREACH,
        key=f"zone_breach:{found.platform}|{zone.party}/{zone.operation}/{zone.index}",
        parties=tuple(sorted({found.party, zone.party})),
        severity=severity,
        summary=summary,
        subjects={
            "platforms": [found.platform],
            "zone": {"party": zone.party, "operation_id": zone.operation, "volume": zone.index},
            "operations": _operations(picture.report(found.platform).operation_id),
        },
        detail={"t_in_s": _seconds(found.t_in_s), "t_out_s": _seconds(found.t_out_s)},
    )


def nonconformance_finding(found: NonConformance, everyone: Sequence[str]) -> Finding:
    return Finding(
        kind=AlertKind.NON_CONFORMANCE,
        key=f"non_conformance:{found.platform}|{found.operation_id}",
        parties=tuple(sorted({found.party, *everyone})),
        severity=Severity.CURRENT,
        summary=f"{found.platform} is outside its operation {found.operation_id}: {found.reason}",
        subjects={"platforms": [found.platform], "operations": [found.operation_id]},
        detail={"distance_m": round(found.distance_m), "reason": found.reason},
    )


def separation(
    picture: Picture, terminal: TerminalAreas | None = None, vertical_horizon_s: float = math.inf
) -> tuple[PredictedConflict, ...]:
    """Predicted or current losses of separation in the picture: each platform with the
    minima of its class, the terminal minima inside a terminal area, and aircraft the tower
    has (:mod:`.terminal`) left out; climbs and descents extrapolated ``vertical_horizon_s``
    at most."""
    state = picture.state
    view = terminal_view(state, picture.reports.platform_class, picture.minima, terminal)
    if not view.with_tower.any():
        return detect(state, view.minima, vertical_horizon_s)
    keep = np.flatnonzero(~view.with_tower)
    minima: list[Minima] = [view.minima[int(i)] for i in keep]
    subset: TrackState = state.take(keep)
    return detect(subset, minima, vertical_horizon_s)


def assess(
    picture: Picture,
    zones: Sequence[TaggedVolume],
    operation_volumes: Mapping[str, Sequence[Volume4D]],
    look_ahead_s: float,
    everyone: Sequence[str] = (),
    terminal: TerminalAreas | None = None,
    vertical_horizon_s: float = math.inf,
) -> list[Finding]:
    """Every finding of one cycle, sorted by key.

    ``operation_volumes`` holds the volumes of the operations tracks are linked
    to (links to anything else are ignored); ``everyone`` lists the parties a
    non-conformance concerns besides the owner; ``terminal`` the aerodromes whose
    terminal rules apply (none: en-route rules everywhere); climbs and descents are
    extrapolated ``vertical_horizon_s`` at most.
    """
    if not len(picture):
        return []
    state = picture.state
    findings = [
        separation_finding(picture, c, vertical_horizon_s)
        for c in separation(picture, terminal, vertical_horizon_s)
    ]
    findings += [breach_finding(picture, b) for b in zone_breaches(state, zones, look_ahead_s)]
    links = {track: op for track, op in picture.links().items() if op in operation_volumes}
    findings += [
        nonconformance_finding(n, everyone) for n in non_conformances(state, links, operation_volumes)
    ]
    return sorted(findings, key=lambda f: f.key)
