"""/v1/operations and /v1/zones: declare, read, amend, change state."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request

from ...domain.access import require_writer
from ...domain.activity import ActivityDomain
from ...domain.errors import NotFound
from ...domain.operation import DeclarationKind, OperationAction, OperationState
from ...formats.geojson import parse_bbox
from ...service.commands import AmendOperation, ChangeOperationState, Declare
from ...service.operations import (
    OperationOutcome,
    amend_operation,
    change_operation_state,
    declare,
    overlaps_for,
)
from .. import bodies
from ..auth import Actor, ActorDep, ServiceDep
from ..declarations import read_declaration
from ..errors import ERROR_RESPONSES
from ..views import OperationView, OverlapsView, SubmissionView, conflict_view, operation_view

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)

EXAMPLE: dict[str, Any] = {
    "type": "FeatureCollection",
    "details": "owner-only free text",
    "seen": {},
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [35.5, 35.0]},
            "properties": {
                "domain": "air",
                "radius_m": 5000,
                "alt_lower": 50,
                "alt_upper": 150,
                "alt_ref": "FL",
                "time_start": "2027-01-01T10:00:00Z",
                "time_end": "2027-01-01T12:00:00Z",
            },
        }
    ],
}
DESCRIPTION = (
    "The GeoJSON format (FeatureCollection, one Feature per volume) with optional members "
    "details, contact, priority, category, seen; or {domain, volumes: [...]}."
)
DeclarationBody = Annotated[bodies.DeclarationBody, Body(description=DESCRIPTION, examples=[EXAMPLE])]
AmendmentBody = Annotated[
    bodies.AmendmentBody,
    Body(description=DESCRIPTION + " Names amends_version.", examples=[{**EXAMPLE, "amends_version": 1}]),
]
OverlapsBody = Annotated[bodies.OverlapsBody, Body(description=DESCRIPTION, examples=[EXAMPLE])]
# From a new operation or zone to reading, amending, cancelling it (OpenAPI links; what
# schemathesis's stateful phase follows).
_BY_ID = {"operation_id": "$response.body#/operation/id"}
_ZONE_ID = {"zone_id": "$response.body#/operation/id"}
CREATED_LINKS = {
    "GetOperation": {"operationId": "get_operation", "parameters": _BY_ID},
    "AmendOperation": {
        "operationId": "amend_operation",
        "parameters": _BY_ID,
        "requestBody": {"amends_version": "$response.body#/operation/version"},
    },
    "CancelOperation": {"operationId": "cancel_operation", "parameters": _BY_ID},
}
ZONE_LINKS = {
    "GetZone": {"operationId": "get_zone", "parameters": _ZONE_ID},
    "RetireZone": {"operationId": "retire_zone", "parameters": _ZONE_ID},
}
OperationId = Annotated[str, Path(min_length=1, max_length=64, description="Operation or zone id.")]


def _submission(outcome: OperationOutcome, actor: Actor) -> SubmissionView:
    return SubmissionView(
        operation=operation_view(outcome.stored, actor),
        conflicts=[conflict_view(c) for c in outcome.conflicts],
    )


def _declare(
    request: Request, service: Any, actor: Actor, body: bodies.Declaration, kind: DeclarationKind
) -> SubmissionView:
    require_writer(actor)
    op_id = str(uuid.uuid4())
    read = read_declaration(bodies.as_json(body), actor.party, op_id)
    outcome = declare(
        service.uow(),
        service.clock,
        service.rules,
        Declare(actor.party, read.declaration(), kind, read.seen or {}, op_id, actor.signature),
    )
    request.app.state.notifier.notify()
    return _submission(outcome, actor)


@router.post(
    "/operations",
    status_code=201,
    tags=["operations"],
    responses={201: {"description": "Declared.", "links": CREATED_LINKS}},
)
def create_operation(
    request: Request, service: ServiceDep, actor: ActorDep, body: DeclarationBody
) -> SubmissionView:
    """Declare an operation. ``seen`` must list the versions of every other party's operation
    and zone it overlaps (proof of read); a miss answers 409 with what was missed, and nothing
    is written. Late notice is accepted and marked."""
    return _declare(request, service, actor, body, DeclarationKind.OPERATION)


@router.post("/operations/overlaps", tags=["operations"])
def operation_overlaps(
    request: Request, service: ServiceDep, actor: ActorDep, body: OverlapsBody
) -> OverlapsView:
    """What this declaration would overlap now, with versions: read them, then submit with ``seen``."""
    declaration = read_declaration(bodies.as_json(body), actor.party, "candidate")
    operation_id = body.operation_id or ""
    seen = overlaps_for(
        service.uow(write=False), service.rules, actor.party, declaration.volumes, operation_id
    )
    return OverlapsView(seen=seen)


def _listing(
    service: Any,
    actor: Actor,
    kind: DeclarationKind,
    party: str | None,
    domain: ActivityDomain | None,
    state: OperationState | None,
    start: datetime | None,
    end: datetime | None,
    bbox: str | None,
    limit: int,
) -> list[OperationView]:
    area = parse_bbox(bbox) if bbox else None
    with service.uow(write=False) as uow:
        found = uow.operations.list(
            party=party,
            kind=kind.value,
            domain=domain.value if domain else None,
            state=state.value if state else None,
            start=start,
            end=end,
            bbox=area,
            limit=limit,
        )
    return [operation_view(s, actor) for s in found]


PartyQuery = Annotated[str | None, Query(description="Owner party id.")]
DomainQuery = Annotated[ActivityDomain | None, Query(description="air | sea | ground | spectrum")]
StateQuery = Annotated[OperationState | None, Query(description="Operation state.")]
StartQuery = Annotated[datetime | None, Query(description="Only those still active after this time.")]
EndQuery = Annotated[datetime | None, Query(description="Only those starting before this time.")]
BboxQuery = Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")]
LimitQuery = Annotated[int, Query(ge=1, le=5000)]


@router.get("/operations", tags=["operations"])
def list_operations(
    service: ServiceDep,
    actor: ActorDep,
    party: PartyQuery = None,
    domain: DomainQuery = None,
    state: StateQuery = None,
    start: StartQuery = None,
    end: EndQuery = None,
    bbox: BboxQuery = None,
    limit: LimitQuery = 1000,
) -> list[OperationView]:
    """Every party's operations; another party's only as volumes, state, owner, version, contact."""
    return _listing(service, actor, DeclarationKind.OPERATION, party, domain, state, start, end, bbox, limit)


def _get(service: Any, actor: Actor, operation_id: str, kind: DeclarationKind) -> OperationView:
    with service.uow(write=False) as uow:
        stored = uow.operations.get(operation_id)
    if stored is None or stored.operation.kind is not kind:
        raise NotFound(f"no {kind.value} {operation_id!r}", field="operation_id")
    return operation_view(stored, actor)


@router.get("/operations/{operation_id}", tags=["operations"], operation_id="get_operation")
def get_operation(service: ServiceDep, actor: ActorDep, operation_id: OperationId) -> OperationView:
    return _get(service, actor, operation_id, DeclarationKind.OPERATION)


@router.put("/operations/{operation_id}", tags=["operations"], operation_id="amend_operation")
def amend(
    request: Request, service: ServiceDep, actor: ActorDep, operation_id: OperationId, body: AmendmentBody
) -> SubmissionView:
    """A new version. The body carries ``amends_version``: the version being replaced (a stale one is 409)."""
    require_writer(actor)
    amends = body.amends_version
    declaration = read_declaration(bodies.as_json(body), actor.party, operation_id)
    outcome = amend_operation(
        service.uow(),
        service.clock,
        service.rules,
        AmendOperation(
            party=actor.party,
            operation_id=operation_id,
            amends_version=amends,
            volumes=declaration.volumes,
            details=declaration.details,
            contact=declaration.contact,
            priority=declaration.priority,
            seen_versions=declaration.seen if declaration.seen is not None else {},
            signature=actor.signature,
        ),
    )
    request.app.state.notifier.notify()
    return _submission(outcome, actor)


def _change(
    request: Request, service: Any, actor: Actor, operation_id: str, action: OperationAction
) -> OperationView:
    require_writer(actor)
    outcome = change_operation_state(
        service.uow(), service.clock, ChangeOperationState(actor.party, operation_id, action, actor.signature)
    )
    request.app.state.notifier.notify()
    return operation_view(outcome.stored, actor)


@router.post("/operations/{operation_id}/accept", tags=["operations"])
def accept(
    request: Request, service: ServiceDep, actor: ActorDep, operation_id: OperationId
) -> OperationView:
    return _change(request, service, actor, operation_id, OperationAction.ACCEPT)


@router.post("/operations/{operation_id}/activate", tags=["operations"])
def activate(
    request: Request, service: ServiceDep, actor: ActorDep, operation_id: OperationId
) -> OperationView:
    return _change(request, service, actor, operation_id, OperationAction.ACTIVATE)


@router.post("/operations/{operation_id}/end", tags=["operations"])
def end_operation(
    request: Request, service: ServiceDep, actor: ActorDep, operation_id: OperationId
) -> OperationView:
    return _change(request, service, actor, operation_id, OperationAction.END)


@router.post("/operations/{operation_id}/cancel", tags=["operations"], operation_id="cancel_operation")
def cancel(
    request: Request, service: ServiceDep, actor: ActorDep, operation_id: OperationId
) -> OperationView:
    return _change(request, service, actor, operation_id, OperationAction.CANCEL)


@router.post(
    "/zones",
    status_code=201,
    tags=["zones"],
    responses={201: {"description": "Declared.", "links": ZONE_LINKS}},
)
def create_zone(
    request: Request, service: ServiceDep, actor: ActorDep, body: DeclarationBody
) -> SubmissionView:
    """A standing zone: airspace boundary, air-defence area, hazard area, restricted frequency
    (``category``). Other parties' operations that touch it conflict with it."""
    return _declare(request, service, actor, body, DeclarationKind.ZONE)


@router.get("/zones", tags=["zones"])
def list_zones(
    service: ServiceDep,
    actor: ActorDep,
    party: PartyQuery = None,
    domain: DomainQuery = None,
    state: StateQuery = None,
    bbox: BboxQuery = None,
    limit: LimitQuery = 1000,
) -> list[OperationView]:
    return _listing(service, actor, DeclarationKind.ZONE, party, domain, state, None, None, bbox, limit)


@router.get("/zones/{zone_id}", tags=["zones"], operation_id="get_zone")
def get_zone(service: ServiceDep, actor: ActorDep, zone_id: OperationId) -> OperationView:
    return _get(service, actor, zone_id, DeclarationKind.ZONE)


@router.post("/zones/{zone_id}/retire", tags=["zones"], operation_id="retire_zone")
def retire_zone(
    request: Request, service: ServiceDep, actor: ActorDep, zone_id: OperationId
) -> OperationView:
    _get(service, actor, zone_id, DeclarationKind.ZONE)
    return _change(request, service, actor, zone_id, OperationAction.CANCEL)
