"""/v1/tracks: live position reports in (batches, per-report rejects) and the picture out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel, Field

from ...domain.access import Thing, require_writer
from ...domain.errors import LimitExceeded
from ...domain.units import METRES_PER_SECOND_PER_FPM, METRES_PER_SECOND_PER_KNOT
from ...geoid import LazyEGM96
from ...service.tactical import Reject, TrackChecks, ingest, visible_tracks
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
    on_ground: bool = Field(description="A surface report: out of airborne separation.")


def rejects_counter(registry: CollectorRegistry) -> Counter:
    """``deconflict_track_rejects_total{reason}`` on /metrics: glitches, clocks ahead, bad fields."""
    return Counter(
        "deconflict_track_rejects", "Position reports refused, by reason", ["reason"], registry=registry
    )


def _count_rejects(request: Request, rejected: tuple[Reject, ...]) -> None:
    counter: Counter | None = getattr(request.app.state, "track_rejects", None)
    if counter is not None:
        for reject in rejected:
            counter.labels(reject.reason).inc()


@router.post("")
def post_tracks(service: ServiceDep, actor: ActorDep, batch: TrackBatch, request: Request) -> IngestView:
    """Report positions of your platforms. A report that fails its checks (or links to an
    operation that is not yours) is rejected by index; the others are kept. So is one stamped
    more than a few seconds ahead of the service clock, one outside its class's bounds, and one
    that jumped further from the platform's previous report than the class can move. Each
    platform's newest report is what the monitor sees; an older one changes nothing."""
    require_writer(actor, Thing.TRACK)
    limit = service.settings.max_track_batch
    if len(batch.reports) > limit:
        raise LimitExceeded(f"at most {limit} reports per batch, got {len(batch.reports)}", field="reports")
    reports, rejected = parse_reports(batch.reports, actor.party, _GEOID)
    checks = TrackChecks(max_future_s=service.settings.track_max_future_s)
    outcome = ingest(service.uow(), service.clock, actor.party, reports, rejected, checks)
    _count_rejects(request, outcome.rejected)
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
            on_ground=r.on_ground,
        )
        for r in visible
    ]
