"""/v1/conflicts: the workflow between the two parties of each conflict."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from ...domain.conflict_state import ConflictAction, ConflictState
from ...service import conflicts as cases
from ...service.commands import ChangeConflict
from ..auth import Actor, ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES
from ..views import ConflictView, conflict_view

router = APIRouter(prefix="/v1/conflicts", tags=["conflicts"], responses=ERROR_RESPONSES)
ConflictId = Annotated[str, Path(min_length=1, max_length=64)]


class NoteBody(BaseModel):
    note: str = Field(default="", max_length=10_000, description="e.g. which side amended")


class ReasonBody(BaseModel):
    reason: str = Field(min_length=1, max_length=10_000, description="Why the conflict is accepted as is.")


@router.get("")
def list_conflicts(
    service: ServiceDep,
    actor: ActorDep,
    state: Annotated[ConflictState | None, Query()] = None,
    operation: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> list[ConflictView]:
    """The conflicts that concern the caller (observers, the administrator: all)."""
    records = cases.list_conflicts(service.uow(write=False), actor, state, operation, limit)
    return [conflict_view(r) for r in records]


@router.get("/{conflict_id}")
def get_conflict(service: ServiceDep, actor: ActorDep, conflict_id: ConflictId) -> ConflictView:
    """One conflict, to the parties it concerns (observers, the administrator: any); else 404."""
    return conflict_view(cases.get_conflict(service.uow(write=False), actor, conflict_id))


def _act(
    request: Request, service: object, actor: Actor, conflict_id: str, action: ConflictAction, note: str
) -> ConflictView:
    record = cases.change_conflict(
        service.uow(),  # type: ignore[attr-defined]
        service.clock,  # type: ignore[attr-defined]
        ChangeConflict(actor.party, conflict_id, action, note, actor.signature, actor.role),
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
