"""/v1/tracks: live position reports in (batches, per-report rejects) and the picture out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ...domain.access import Thing, require_writer
from ...domain.errors import LimitExceeded
from ...domain.units import METRES_PER_SECOND_PER_FPM, METRES_PER_SECOND_PER_KNOT
from ...geoid import LazyEGM96
from ...service.tactical import ingest, visible_tracks
from ..auth import ActorDep, ServiceDep
from ..errors import ERROR_RESPONSES
from ..tracks_wire import ReportIn, parse_reports

router = APIRouter(prefix="/v1/tracks", tags=["tracks"], responses=ERROR_RESPONSES)

_GEOID = LazyEGM96()


class TrackBatch(BaseModel):
    reports: list[Any] = Field(
        description="Position reports of the caller's own platforms, each checked on its own.",
        json_schema_extra={"items": ReportIn.model_json_schema(by_alias=True)},
    )


class RejectView(BaseModel):
    index: int = Field(description="Position of the report in the batch.")
    field: str
    error: str


class IngestView(BaseModel):
    accepted: int
    rejected: list[RejectView]


class TrackView(BaseModel):
    party: str
    platform: str
    t: datetime
    lat: float
    lon: float
    alt_m: float = Field(description="Metres above the WGS84 ellipsoid.")
    gs_kt: float
    trk_deg: float
    vs_fpm: float
    platform_class: str = Field(serialization_alias="class")
    operation_id: str | None
    source: str


@router.post("")
def post_tracks(service: ServiceDep, actor: ActorDep, batch: TrackBatch) -> IngestView:
    """Report positions of your platforms. A report that fails its checks (or links to an
    operation that is not yours) is rejected by index; the others are kept. Each platform's
    newest report is what the monitor sees; a report older than the one held changes nothing."""
    require_writer(actor, Thing.TRACK)
    limit = service.settings.max_track_batch
    if len(batch.reports) > limit:
        raise LimitExceeded(f"at most {limit} reports per batch, got {len(batch.reports)}", field="reports")
    reports, rejected = parse_reports(batch.reports, actor.party, _GEOID)
    outcome = ingest(service.uow(), service.clock, actor.party, reports, rejected)
    return IngestView(
        accepted=outcome.accepted,
        rejected=[RejectView(index=r.index, field=r.field, error=r.error) for r in outcome.rejected],
    )


@router.get("")
def list_tracks(
    service: ServiceDep,
    actor: ActorDep,
    max_age_s: Annotated[float, Query(gt=0, le=86_400, description="Only reports this recent.")] = 60.0,
    party: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=50_000)] = 10_000,
) -> list[TrackView]:
    """The latest report of each platform. Need to know: your own platforms, and the other
    parties' platforms in an open alert that concerns you (observers, the administrator: all)."""
    since = service.clock.now() - timedelta(seconds=max_age_s)
    visible = visible_tracks(service.uow(write=False), actor, since, party, limit)
    return [
        TrackView(
            party=r.party,
            platform=r.platform,
            t=r.at,
            lat=r.lat_deg,
            lon=r.lon_deg,
            alt_m=r.alt_m,
            gs_kt=r.ground_speed_m_s / METRES_PER_SECOND_PER_KNOT,
            trk_deg=r.track_deg,
            vs_fpm=r.vertical_rate_m_s / METRES_PER_SECOND_PER_FPM,
            platform_class=r.platform_class,
            operation_id=r.operation_id,
            source=r.source,
        )
        for r in visible
    ]
