"""/v1/parties: who shares the theatre (public information only)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from ..auth import ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES

router = APIRouter(prefix="/v1", tags=["parties"], responses=ERROR_RESPONSES)


class PartyView(BaseModel):
    id: str
    name: str
    role: str
    contact: str
    public_keys: list[str]


@router.get("/parties")
def list_parties(service: ServiceDep, actor: ActorDep) -> list[PartyView]:
    with service.uow(write=False) as uow:
        parties = uow.parties.all()
    return [
        PartyView(id=p.id, name=p.name, role=p.role, contact=p.contact, public_keys=list(p.public_keys))
        for p in parties
    ]


@router.get("/me")
def whoami(service: ServiceDep, actor: ActorDep) -> PartyView:
    with service.uow(write=False) as uow:
        party = uow.parties.get(actor.party)
    if party is None:  # pragma: no cover - the token resolved to this party a moment ago
        return PartyView(id=actor.party, name=actor.party, role=actor.role, contact="", public_keys=[])
    return PartyView(
        id=party.id,
        name=party.name,
        role=party.role,
        contact=party.contact,
        public_keys=list(party.public_keys),
    )
