"""Ledger payloads: what each event says, as plain JSON-able mappings."""

from __future__ import annotations

from typing import Any

from ..domain.operation import Operation
from ..formats.geojson import volume_feature
from .ports import ConflictRecord


def iso(moment: Any) -> str:
    return str(moment.isoformat().replace("+00:00", "Z"))


def operation_payload(op: Operation, lead_time_s: float, late: bool) -> dict[str, Any]:
    """Everything the others may know of an operation: no free-text details (need to know)."""
    return {
        "operation_id": op.id,
        "party": op.party,
        "kind": op.kind.value,
        "category": op.category,
        "domain": op.domain.value,
        "version": op.version,
        "state": op.state.value,
        "contact": op.contact,
        "notice_at": iso(op.notice_at),
        "time_start": iso(op.start),
        "time_end": iso(op.end),
        "lead_time_s": round(lead_time_s, 3),
        "late_notice": late,
        "volumes": [volume_feature(v, party=op.party, operation=op.id, domain=op.domain) for v in op.volumes],
    }


def conflict_payload(record: ConflictRecord) -> dict[str, Any]:
    c = record.conflict
    return {
        "conflict_id": record.id,
        "state": record.state.value,
        "a": {
            "party": c.a.party,
            "operation": c.a.operation,
            "index": c.a.index,
            "version": record.a_version,
        },
        "b": {
            "party": c.b.party,
            "operation": c.b.operation,
            "index": c.b.index,
            "version": record.b_version,
        },
        "time_start": iso(c.window.start),
        "time_end": iso(c.window.end),
        "alt_lower_m": round(c.alt_lower_m, 3),
        "alt_upper_m": round(c.alt_upper_m, 3),
        "vertical_gap_m": round(c.vertical_gap_m, 3),
        "distance_m": round(c.distance_m, 3),
        "overlap_area_m2": round(c.overlap_area_m2, 1),
        "acknowledged_by": list(record.acknowledged_by),
        "note": record.note,
    }
