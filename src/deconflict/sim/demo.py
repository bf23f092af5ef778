"""The demo theatre that ``deconflict serve --demo`` loads.

Two parties, Blue and Red, share the airspace and coastal waters of a fictional
country (roughly 33.5–37°N, 34.5–39.5°E, eastern Mediterranean); an observer
watches. Over the next 24 hours they fly routine operations — transits,
combat air patrol orbits, air-to-air refuelling, training, a drone survey, a
maritime patrol, a check flight, a road repair on the ground, a radar on the
air — and each declares standing zones, Blue among them a TABOO entry of the
restricted frequency list (the distress-beacon band). The geometry is laid out
so that exactly two Blue/Red pairs collide:

1. Red's transit corridor crosses Blue's tanker track at overlapping levels
   and times (declared with ample notice);
2. Red's post-maintenance check flight, declared only 5 minutes before it
   starts (air needs 15), overlaps Blue's combat air patrol orbit: late notice.

Every other pair is kept apart in space, altitude, time or frequency; in
particular no Blue operation enters Red's air-defence zone, nothing meets Blue's
sea exercise area (it starts in 4 days), Blue's ground works (surface to 60 m)
lie far from Red's low-level flying, and Red's radar (2.7–2.9 GHz) shares no
band with Blue's TABOO entry (406.0–406.1 MHz) and lies over 150 km from it.
Volumes with a frequency band meet only other spectrum volumes.

This is coordination for safety only: nothing here plans, selects or
evaluates a target.

Every change goes through the ordinary use cases (the one write path; each
declaration reads its overlaps first and declares them seen, as a party would), so the
ledger records the demo like any other traffic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..bootstrap import Deconflict
from ..domain.access import Role
from ..domain.activity import ActivityDomain
from ..domain.altitude import AltitudeRef, AltitudeSpec, AltitudeUnit
from ..domain.declaration import Declaration, band_over
from ..domain.footprint import (
    Footprint,
    circle_footprint,
    corridor_footprint,
    polygon_footprint,
    racetrack_footprint,
)
from ..domain.operation import DeclarationKind, OperationAction
from ..domain.signing import generate_keypair
from ..domain.spectrum import FrequencyBand
from ..domain.timewindow import TimeWindow
from ..domain.units import nautical_miles_to_metres
from ..domain.volume import Volume4D
from ..geoid import egm96
from ..service.commands import AddParty, ChangeOperationState, Declare
from ..service.operations import change_operation_state, declare, overlaps_for
from ..service.parties import add_party, issue_token, party_id_for

__all__ = ["BLUE", "OBSERVER", "RED", "DemoSummary", "load_demo"]

BLUE = "Blue"
RED = "Red"
OBSERVER = "Observer"

_CONTACTS = {
    BLUE: "Blue JOC duty officer, +00 000 0000 (hotline 1)",
    RED: "Red air operations centre duty officer, +00 000 0001 (hotline 2)",
    OBSERVER: "Observer mission liaison officer, +00 000 0002",
}


@dataclass(frozen=True)
class DemoSummary:
    """What the demo theatre holds: ids, and a fresh bearer token per party."""

    parties: tuple[str, ...]
    tokens: Mapping[str, str]  # party id -> bearer token (only its hash is stored)
    operations: tuple[str, ...]
    zones: tuple[str, ...]
    conflicts: tuple[str, ...]
    loaded: bool  # False when the theatre was already there and nothing was added


def _ft(spec_lower: float, spec_upper: float) -> AltitudeSpec:
    return AltitudeSpec(spec_lower, spec_upper, AltitudeRef.MSL, AltitudeUnit.FT)


def _fl(lower: float, upper: float) -> AltitudeSpec:
    return AltitudeSpec(lower, upper, AltitudeRef.FL)


def _sfc(height_m: float) -> AltitudeSpec:
    return AltitudeSpec(0.0, height_m, AltitudeRef.SFC, AltitudeUnit.M)


def _volume(
    footprint: Footprint,
    spec: AltitudeSpec,
    start: datetime,
    end: datetime,
    frequencies: FrequencyBand | None = None,
    eirp_dbm: float | None = None,
) -> Volume4D:
    return Volume4D(
        footprint, band_over(spec, footprint, egm96()), TimeWindow(start, end), frequencies, eirp_dbm
    )


@dataclass(frozen=True)
class _Plan:
    party: str
    domain: ActivityDomain
    category: str
    details: str
    volume: Volume4D
    kind: DeclarationKind = DeclarationKind.OPERATION
    priority: int = 0
    actions: tuple[OperationAction, ...] = ()


def _plans(now: datetime) -> list[_Plan]:
    """The theatre, in submission order. Longitude first, as in GeoJSON."""

    def at(minutes: float) -> datetime:
        return now + timedelta(minutes=minutes)

    nm = nautical_miles_to_metres
    air, sea = ActivityDomain.AIR, ActivityDomain.SEA
    ground, spectrum = ActivityDomain.GROUND, ActivityDomain.SPECTRUM
    accept, activate = OperationAction.ACCEPT, OperationAction.ACTIVATE
    return [
        # Standing zones first, so later operations are checked against them.
        _Plan(
            RED,
            air,
            "air_defence",
            "Standing air-defence zone EAST; entry only by prior coordination on hotline 2.",
            _volume(
                polygon_footprint([(38.0, 34.5), (39.2, 34.5), (39.2, 35.6), (38.0, 35.6)]),
                _fl(0, 450),  # surface (0 ft MSL) to FL450
                now,
                now + timedelta(days=30),
            ),
            kind=DeclarationKind.ZONE,
            actions=(activate,),
        ),
        _Plan(
            BLUE,
            sea,
            "exercise_area",
            "Naval exercise area SOUTHWEST: surface gunnery and helicopter deck landings.",
            _volume(
                circle_footprint((34.85, 35.0), nm(15)),
                _ft(0, 10_000),
                now + timedelta(days=4),  # sea needs 72 h notice: on time
                now + timedelta(days=7),
            ),
            kind=DeclarationKind.ZONE,
            actions=(accept,),
        ),
        _Plan(
            BLUE,
            spectrum,
            "taboo",
            "Restricted frequency list: distress beacons (406 MHz) must never be jammed or blocked.",
            _volume(
                polygon_footprint([(35.0, 34.6), (36.6, 34.6), (36.6, 35.9), (35.0, 35.9)]),
                _sfc(18_000),  # from the surface to 18 km
                now,
                now + timedelta(days=30),
                FrequencyBand(406.0e6, 406.1e6),
            ),
            kind=DeclarationKind.ZONE,
            actions=(activate,),
        ),
        # Blue's day.
        _Plan(
            BLUE,
            air,
            "combat_air_patrol",
            "Defensive CAP orbit NORTH, two aircraft, on station for 4 h.",
            _volume(racetrack_footprint((36.4, 35.9), (36.9, 36.3), nm(20)), _fl(200, 280), at(30), at(270)),
            priority=5,
            actions=(accept, activate),
        ),
        _Plan(
            BLUE,
            air,
            "transit",
            "Airlift transit WEST-EAST, C-130 pair, keeps clear of Red's zone EAST.",
            _volume(
                corridor_footprint([(35.2, 34.3), (36.2, 34.4), (37.3, 34.2)], nm(5)),
                _fl(250, 290),
                at(60),
                at(240),
            ),
            actions=(accept,),
        ),
        _Plan(
            BLUE,
            air,
            "survey",
            "Coastal erosion survey by a small drone, visual line of sight.",
            _volume(circle_footprint((35.95, 35.45), 3_000), _ft(0, 500), at(60), at(180)),
        ),
        _Plan(
            BLUE,
            air,
            "training",
            "Training area SOUTH: basic handling and formation flying.",
            _volume(
                polygon_footprint([(36.5, 34.6), (37.2, 34.6), (37.2, 35.1), (36.5, 35.1)]),
                _fl(100, 200),
                at(120),
                at(300),
            ),
        ),
        _Plan(
            BLUE,
            air,
            "air_refuelling",
            "Tanker track COAST, KC-135 on a north-south racetrack.",
            _volume(racetrack_footprint((35.4, 35.2), (35.4, 35.9), nm(15)), _fl(230, 260), at(360), at(600)),
            priority=3,
        ),
        _Plan(
            BLUE,
            ground,
            "engineering",
            "Coast road repair: plant, vehicles and a mobile crane up to 60 m above ground.",
            _volume(
                polygon_footprint([(35.75, 35.0), (35.9, 35.0), (35.9, 35.1), (35.75, 35.1)]),
                _sfc(60),
                at(120),  # ground needs 1 h notice: on time
                at(480),
            ),
        ),
        # Red's day.
        _Plan(
            RED,
            air,
            "combat_air_patrol",
            "CAP orbit NORTHEAST inside own airspace.",
            _volume(racetrack_footprint((38.3, 36.6), (38.9, 36.9), nm(20)), _fl(220, 300), at(60), at(300)),
            priority=5,
            actions=(accept,),
        ),
        _Plan(
            RED,
            air,
            "training",
            "Helicopter training area SOUTHEAST, low level.",
            _volume(
                polygon_footprint([(37.6, 33.6), (38.2, 33.6), (38.2, 34.0), (37.6, 34.0)]),
                _ft(0, 3_000),
                at(180),
                at(480),
            ),
        ),
        _Plan(
            RED,
            air,
            "transit",
            "Ferry transit EAST-WEST to the coast; crosses Blue's tanker track (conflict 1).",
            _volume(
                corridor_footprint([(39.5, 36.8), (37.8, 36.4), (36.0, 35.6), (35.0, 35.5)], nm(5)),
                _fl(240, 300),
                at(420),
                at(540),
            ),
        ),
        _Plan(
            RED,
            air,
            "maritime_patrol",
            "Maritime patrol aircraft, search-and-rescue readiness orbit offshore.",
            _volume(circle_footprint((34.7, 34.2), 25_000), _ft(1_000, 10_000), at(720), at(1_080)),
        ),
        _Plan(
            RED,
            spectrum,
            "radar",
            "Air surveillance radar EAST, S band, on a 30 m mast.",
            _volume(
                circle_footprint((38.6, 36.2), 5_000),
                _sfc(30),
                at(60),  # spectrum needs 30 min notice: on time
                at(600),
                FrequencyBand(2.7e9, 2.9e9),
                eirp_dbm=90.0,
            ),
        ),
        _Plan(
            RED,
            air,
            "check_flight",
            "Functional check flight after maintenance, declared 5 min before take-off "
            "(late notice); enters Blue's CAP orbit (conflict 2).",
            _volume(circle_footprint((37.0, 36.4), 15_000), _fl(150, 250), at(5), at(95)),
            actions=(activate,),
        ),
    ]


def _issue_tokens(service: Deconflict, party_ids: Sequence[str]) -> dict[str, str]:
    return {pid: issue_token(service.uow(), service.clock, pid) for pid in party_ids}


def _existing(service: Deconflict, party_ids: Sequence[str]) -> DemoSummary:
    operations: list[str] = []
    zones: list[str] = []
    conflicts: dict[str, None] = {}
    with service.uow(write=False) as uow:
        for pid in party_ids:
            for stored in uow.operations.list(party=pid, limit=10_000):
                op = stored.operation
                (zones if op.kind is DeclarationKind.ZONE else operations).append(op.id)
            for record in uow.conflicts.list(party=pid, limit=10_000):
                conflicts.setdefault(record.id)
    return DemoSummary(
        tuple(party_ids),
        _issue_tokens(service, party_ids),
        tuple(operations),
        tuple(zones),
        tuple(conflicts),
        loaded=False,
    )


def load_demo(service: Deconflict, now: datetime) -> DemoSummary:
    """Load the demo theatre relative to ``now`` (the service clock's time).

    Idempotent: if party Blue exists the theatre is left as it is, and the
    summary lists what is there with a fresh token per party (tokens are
    stored hashed and cannot be recovered).
    """
    names = (BLUE, RED, OBSERVER)
    party_ids = tuple(party_id_for(name) for name in names)
    with service.uow(write=False) as uow:
        present = uow.parties.get(party_id_for(BLUE)) is not None
    if present:
        return _existing(service, party_ids)

    for name in names:
        # A fresh Ed25519 key per party; the private half is discarded at once: the
        # demo parties act through bearer tokens and never sign requests themselves.
        _private, public = generate_keypair()
        role = Role.OBSERVER if name == OBSERVER else Role.PARTY
        add_party(service.uow(), service.clock, AddParty(name, public, _CONTACTS[name], role))

    operations: list[str] = []
    zones: list[str] = []
    conflicts: list[str] = []
    for plan in _plans(now):
        party = party_id_for(plan.party)
        declaration = Declaration(
            plan.domain, (plan.volume,), plan.category, plan.details, _CONTACTS[plan.party], plan.priority
        )
        # As any party would: read what it overlaps, then declare those versions seen.
        seen = overlaps_for(service.uow(write=False), service.rules, party, declaration.volumes)
        outcome = declare(
            service.uow(), service.clock, service.rules, Declare(party, declaration, plan.kind, seen)
        )
        op_id = outcome.stored.operation.id
        (zones if plan.kind is DeclarationKind.ZONE else operations).append(op_id)
        conflicts.extend(record.id for record in outcome.conflicts)
        for action in plan.actions:
            change_operation_state(service.uow(), service.clock, ChangeOperationState(party, op_id, action))

    return DemoSummary(
        party_ids,
        _issue_tokens(service, party_ids),
        tuple(operations),
        tuple(zones),
        tuple(conflicts),
        loaded=True,
    )
