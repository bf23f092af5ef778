"""/v1/conflicts: the workflow between the two parties of each conflict."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from ...domain.conflict_state import ConflictAction, ConflictState
from ...domain.errors import NotFound
from ...service.commands import ChangeConflict
from ...service.conflicts import change_conflict
from ..auth import Actor, ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES
from ..views import ConflictView, conflict_view

router = APIRouter(prefix="/v1/conflicts", tags=["conflicts"], responses=ERROR_RESPONSES)
ConflictId = Annotated[str, Path(min_length=1, max_length=64)]


class NoteBody(BaseModel):
    note: str = Field(default="", max_length=10_000, description="e.g. which side amended")


class ReasonBody(BaseModel):
    reason: str = Field(min_length=1, max_length=10_000, description="Why the conflict is accepted as is.")


def _visible(actor: Actor, view: ConflictView) -> bool:
    return actor.is_observer or actor.is_admin or actor.party in (view.a.party, view.b.party)


@router.get("")
def list_conflicts(
    service: ServiceDep,
    actor: ActorDep,
    state: Annotated[ConflictState | None, Query()] = None,
    operation: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[ConflictView]:
    """The conflicts that concern the caller (observers: all)."""
    party = None if (actor.is_observer or actor.is_admin) else actor.party
    with service.uow(write=False) as uow:
        records = uow.conflicts.list(
            party=party, state=state.value if state else None, operation=operation, limit=limit
        )
    return [conflict_view(r) for r in records]


@router.get("/{conflict_id}")
def get_conflict(service: ServiceDep, actor: ActorDep, conflict_id: ConflictId) -> ConflictView:
    with service.uow(write=False) as uow:
        record = uow.conflicts.get(conflict_id)
    view = None if record is None else conflict_view(record)
    if view is None or not _visible(actor, view):
        raise NotFound(f"no conflict {conflict_id!r}", field="conflict_id")
    return view


def _act(
    request: Request, service: object, actor: Actor, conflict_id: str, action: ConflictAction, note: str
) -> ConflictView:
    actor.require_writer()
    record = change_conflict(
        service.uow(),  # type: ignore[attr-defined]
        service.clock,  # type: ignore[attr-defined]
        ChangeConflict(actor.party, conflict_id, action, note, actor.signature),
    )
    request.app.state.notifier.notify()
    return conflict_view(record)


@router.post("/{conflict_id}/acknowledge")
def acknowledge(
    request: Request, service: ServiceDep, actor: ActorDep, conflict_id: ConflictId
) -> ConflictView:
    return _act(request, service, actor, conflict_id, ConflictAction.ACKNOWLEDGE, "")


@router.post("/{conflict_id}/resolve")
def resolve(
    request: Request,
    service: ServiceDep,
    actor: ActorDep,
    conflict_id: ConflictId,
    body: Annotated[NoteBody | None, Body()] = None,
) -> ConflictView:
    return _act(request, service, actor, conflict_id, ConflictAction.RESOLVE, body.note if body else "")


@router.post("/{conflict_id}/waive")
def waive(
    request: Request, service: ServiceDep, actor: ActorDep, conflict_id: ConflictId, body: ReasonBody
) -> ConflictView:
    return _act(request, service, actor, conflict_id, ConflictAction.WAIVE, body.reason)
