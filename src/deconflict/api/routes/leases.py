"""/v1/operations/{id}/heartbeat: an emission's owner renews its lease (see domain/lease.py)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ...domain.access import require_writer
from ...service.leases import Heartbeat, heartbeat
from ..auth import ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES
from .operations import OperationId

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)


class LeaseView(BaseModel):
    operation_id: str
    state: str
    lease_expires_at: datetime = Field(description="Renew before this moment (service clock).")
    lease_s: float = Field(description="How long each renewal lasts, seconds.")


@router.post("/operations/{operation_id}/heartbeat", tags=["operations"])
def renew_lease(
    request: Request, service: ServiceDep, actor: ActorDep, operation_id: OperationId
) -> LeaseView:
    """Renew an emission's lease (owner only). The lease runs ``lease_s`` from now, or from the
    emission's start if that is later. A lease that ran out is not renewed (409): the emission is
    suspended, the other parties are told (event ``emission.suspended``), and it must be submitted
    again. Only emissions (operations in the spectrum domain) hold a lease."""
    require_writer(actor)
    lease = service.rules.lease
    outcome = heartbeat(
        service.uow(), service.clock, lease, Heartbeat(actor.party, operation_id, actor.signature)
    )
    request.app.state.notifier.notify()
    return LeaseView(
        operation_id=outcome.operation_id,
        state=outcome.state.value,
        lease_expires_at=outcome.expires_at,
        lease_s=lease.total_seconds(),
    )
