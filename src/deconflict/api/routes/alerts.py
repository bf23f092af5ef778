"""/v1/alerts: what the monitor found, to the parties it concerns; acknowledgement."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from ...domain.alert import Alert, AlertState
from ...service import tactical
from ..auth import ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES

router = APIRouter(prefix="/v1/alerts", tags=["alerts"], responses=ERROR_RESPONSES)
AlertId = Annotated[str, Path(min_length=1, max_length=64)]


class AlertView(BaseModel):
    id: str
    kind: str = Field(description="separation | zone_breach | non_conformance")
    state: str = Field(description="new | acknowledged | cleared")
    severity: str = Field(description="predicted | current")
    parties: list[str]
    summary: str
    subjects: dict[str, Any] = Field(description="The platforms, zone and operations it is about.")
    detail: dict[str, Any] = Field(
        description="Figures when raised or escalated (times in s, distances in m)."
    )
    acknowledged_by: list[str]
    message_id: str | None = Field(description="The FLASH hotline message it opened, if any.")
    raised_at: datetime
    updated_at: datetime
    cleared_at: datetime | None


def alert_view(alert: Alert) -> AlertView:
    f = alert.finding
    return AlertView(
        id=alert.id,
        kind=f.kind.value,
        state=alert.state.value,
        severity=f.severity.value,
        parties=list(f.parties),
        summary=f.summary,
        subjects=dict(f.subjects),
        detail=dict(f.detail),
        acknowledged_by=list(alert.acknowledged_by),
        message_id=alert.message_id,
        raised_at=alert.raised_at,
        updated_at=alert.updated_at,
        cleared_at=alert.cleared_at,
    )


@router.get("")
def list_alerts(
    service: ServiceDep,
    actor: ActorDep,
    state: Annotated[AlertState | None, Query()] = None,
    open_only: Annotated[bool, Query(alias="open", description="Only alerts not cleared.")] = False,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[AlertView]:
    """Alerts that concern the caller, newest first (observers, the administrator: all)."""
    return [
        alert_view(a) for a in tactical.list_alerts(service.uow(write=False), actor, state, open_only, limit)
    ]


@router.get("/{alert_id}")
def get_alert(service: ServiceDep, actor: ActorDep, alert_id: AlertId) -> AlertView:
    return alert_view(tactical.get_alert(service.uow(write=False), actor, alert_id))


@router.post("/{alert_id}/acknowledge")
def acknowledge_alert(request: Request, service: ServiceDep, actor: ActorDep, alert_id: AlertId) -> AlertView:
    """A party the alert concerns acknowledges it (each party once; the state becomes
    ``acknowledged`` at the first). The FLASH message it opened is acknowledged on the hotline."""
    alert, _ = tactical.acknowledge(service.uow(), service.clock, actor.party, alert_id, actor.role)
    request.app.state.notifier.notify()
    return alert_view(alert)
