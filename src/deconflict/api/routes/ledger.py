"""/v1/ledger: page through the record, download the export, fetch the keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from ...domain.access import ledger_copy
from ...domain.ledger import entry_to_json
from ...domain.ledger_verify import KeyRing, export_lines
from ..auth import ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES
from ..views import LedgerPage

router = APIRouter(prefix="/v1/ledger", tags=["ledger"], responses=ERROR_RESPONSES)


@router.get("")
def page(
    service: ServiceDep,
    actor: ActorDep,
    after: Annotated[int, Query(ge=0, le=2**62, description="Last sequence number already seen.")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> LedgerPage:
    """Entries after ``after``, in order. Payloads carry no owner-only details, and payloads
    the caller has no need to know (other parties' conflicts and hotline traffic) are withheld."""
    with service.uow(write=False) as uow:
        entries = [entry_to_json(ledger_copy(actor, e)) for e in uow.ledger.entries(after + 1, limit=limit)]
    return LedgerPage(entries=entries, next_after=entries[-1]["seq"] if len(entries) == limit else None)


@router.get("/head")
def head(service: ServiceDep, actor: ActorDep) -> dict[str, int]:
    """The last sequence number: a live-event client starts after it (``/v1/ws?after=``)."""
    with service.uow(write=False) as uow:
        return {"seq": uow.ledger.head_seq()}


@router.get(
    "/export", response_class=StreamingResponse, responses={200: {"content": {"application/jsonl": {}}}}
)
def export(service: ServiceDep, actor: ActorDep) -> StreamingResponse:
    """The whole ledger as JSON lines with a signed trailer; check it with ``deconflict ledger verify``."""

    def lines() -> Iterator[bytes]:
        with service.uow(write=False) as uow:
            copy = (ledger_copy(actor, e) for e in uow.ledger.entries())
            yield from export_lines(copy, service.clock.now(), service.key.private_b64)

    return StreamingResponse(
        lines(),
        media_type="application/jsonl",
        headers={"Content-Disposition": 'attachment; filename="deconflict-ledger.jsonl"'},
    )


@router.get("/keys")
def keys(service: ServiceDep, actor: ActorDep) -> dict[str, Any]:
    """The public keys ``ledger verify --keys`` needs: the service's and each party's."""
    with service.uow(write=False) as uow:
        ring = KeyRing((service.key.public_b64,), {p.id: p.public_keys for p in uow.parties.all()})
    return ring.to_json()
