"""What the API shows, and to whom (need to know).

Another party's operation is visible only as its volumes, state, owner,
version and contact; ``details`` (free text) is shown to the owner (and the
administrator) alone. Observers see every party's volumes, never details.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..domain.access import Access, Thing, may, relation
from ..formats.geojson import feature_collection, volume_feature
from ..service.ports import ConflictRecord, StoredOperation
from .auth import Actor


class OperationView(BaseModel):
    id: str
    party: str
    kind: str = Field(description="operation | zone")
    category: str
    domain: str
    state: str
    version: int
    priority: int
    contact: str
    notice_at: datetime = Field(description="When the service first saw it (service clock).")
    lead_time_s: float = Field(description="Operation start − notice, seconds.")
    late_notice: bool
    time_start: datetime
    time_end: datetime
    created_at: datetime
    updated_at: datetime
    volumes: dict[str, Any] = Field(description="GeoJSON FeatureCollection, one Feature per volume.")
    details: str | None = Field(default=None, description="Owner only.")
    lease_expires_at: datetime | None = Field(
        default=None, description="An emission's lease: renew it (heartbeat) before this moment."
    )


class VolumeRefView(BaseModel):
    party: str
    operation: str
    index: int
    version: int


class ConflictView(BaseModel):
    id: str
    state: str
    a: VolumeRefView
    b: VolumeRefView
    time_start: datetime
    time_end: datetime
    alt_lower_m: float
    alt_upper_m: float
    vertical_gap_m: float
    distance_m: float
    overlap_area_m2: float
    acknowledged_by: list[str]
    note: str
    found_at: datetime
    updated_at: datetime


class SubmissionView(BaseModel):
    operation: OperationView
    conflicts: list[ConflictView]


class OverlapsView(BaseModel):
    """Proof of read: send these back as ``seen`` when submitting."""

    seen: dict[str, int]


class LedgerPage(BaseModel):
    entries: list[dict[str, Any]]
    next_after: int | None = Field(description="Pass as ?after= for the next page; null at the end.")


def operation_view(stored: StoredOperation, actor: Actor) -> OperationView:
    op = stored.operation
    features = [volume_feature(v, party=op.party, operation=op.id, domain=op.domain) for v in op.volumes]
    may_see_details = may(actor, Thing.DETAILS, Access.SEE, relation(actor.party, op.party))
    return OperationView(
        id=op.id,
        party=op.party,
        kind=op.kind.value,
        category=op.category,
        domain=op.domain.value,
        state=op.state.value,
        version=op.version,
        priority=op.priority,
        contact=op.contact,
        notice_at=op.notice_at or stored.created_at,
        lead_time_s=stored.lead_time_s,
        late_notice=stored.late_notice,
        time_start=op.start,
        time_end=op.end,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        volumes=feature_collection(features),
        details=op.details if may_see_details else None,
        lease_expires_at=stored.lease_expires_at,
    )


def conflict_view(record: ConflictRecord) -> ConflictView:
    c = record.conflict
    return ConflictView(
        id=record.id,
        state=record.state.value,
        a=VolumeRefView(party=c.a.party, operation=c.a.operation, index=c.a.index, version=record.a_version),
        b=VolumeRefView(party=c.b.party, operation=c.b.operation, index=c.b.index, version=record.b_version),
        time_start=c.window.start,
        time_end=c.window.end,
        alt_lower_m=c.alt_lower_m,
        alt_upper_m=c.alt_upper_m,
        vertical_gap_m=c.vertical_gap_m,
        distance_m=c.distance_m,
        overlap_area_m2=c.overlap_area_m2,
        acknowledged_by=list(record.acknowledged_by),
        note=record.note,
        found_at=record.found_at,
        updated_at=record.updated_at,
    )
