"""/v1/reports/{kind}: review figures over a period, each citing the ledger entries it rests on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime

from ...domain.review import DEFAULT_SHARE, Period, Report, ReportKind
from ...service.reports import ReportQuery, review_report
from ..auth import ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=ERROR_RESPONSES)


@router.get("/{kind}")
def report(
    service: ServiceDep,
    actor: ActorDep,
    kind: Annotated[ReportKind, Path(description="notice | hotline | reciprocity | conflicts")],
    start: Annotated[AwareDatetime | None, Query(description="Period start (RFC 3339), inclusive.")] = None,
    end: Annotated[AwareDatetime | None, Query(description="Period end (RFC 3339), exclusive.")] = None,
    party: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Only figures about it.")
    ] = None,
    share: Annotated[
        float, Query(ge=0, le=1, description="Reciprocity: flag a direction under this share of the other.")
    ] = DEFAULT_SHARE,
) -> Report:
    """Figures over ``[start, end)`` from the ledger (service clock). A party sees the figures
    about pairs it belongs to; observers and the administrator see all."""
    query = ReportQuery(kind, Period(start, end), party, share)
    return review_report(service.uow(write=False), query, actor)
