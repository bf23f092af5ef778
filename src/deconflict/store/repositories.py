"""Repositories over one connection: parties, operations, conflicts."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shapely.geometry import box
from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select, update

from ..domain.access import Role
from ..domain.activity import ActivityDomain
from ..domain.conflict import Conflict
from ..domain.conflict_state import ConflictState
from ..domain.operation import DeclarationKind, Operation, OperationState
from ..domain.signing import key_id
from ..domain.timewindow import TimeWindow
from ..domain.volume import TaggedVolume, Volume4D, VolumeRef
from ..index.cells import box_covering, covering
from ..service.ports import ConflictRecord, PartyRecord, StoredOperation
from . import tables as t
from . import tables_requests as tr
from .codec import utc, volume_from_row, volume_row
from .engine import upsert_into

# Statements built once: SQLAlchemy then reuses their compiled form on every call.
_INSERT_OPERATION = insert(t.operations)
_INSERT_VOLUME = insert(t.volumes).returning(t.volumes.c.id)
_INSERT_CELLS = insert(t.volume_cells)
_INSERT_CONFLICT = insert(t.conflicts)
_HITS = (
    select(t.volume_cells.c.volume_id)
    .where(
        t.volume_cells.c.cell.in_(bindparam("cells", expanding=True)),
        t.volume_cells.c.time_end > bindparam("start"),
        t.volume_cells.c.time_start < bindparam("end"),
    )
    .distinct()
    .subquery()
)
_LIVE_NEAR = (
    select(t.volumes, t.operations.c.party_id)
    .join(_HITS, _HITS.c.volume_id == t.volumes.c.id)
    .join(t.operations, t.operations.c.id == t.volumes.c.operation_id)
    .where(t.operations.c.party_id != bindparam("party"))
)

_NOT_INDEXED = [state.value for state in OperationState if not state.live]


class SqlPartyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # Parties read in this transaction (a monitor cycle checks the same few thousands of times).
        self._seen: dict[str, PartyRecord | None] = {}

    def add(self, party: PartyRecord, at: datetime) -> None:
        self._seen.pop(party.id, None)
        self.conn.execute(
            insert(t.parties).values(
                id=party.id, name=party.name, role=party.role.value, contact=party.contact, created_at=at
            )
        )
        for key in party.public_keys:
            self.add_key(party.id, key, at)

    def add_key(self, party_id: str, public_key: str, at: datetime) -> str:
        self._seen.pop(party_id, None)
        kid = key_id(public_key)
        self.conn.execute(
            insert(t.party_keys).values(key_id=kid, party_id=party_id, public_key=public_key, added_at=at)
        )
        return kid

    def _record(self, row: Any) -> PartyRecord:
        keys = self.conn.execute(
            select(t.party_keys.c.public_key)
            .where(t.party_keys.c.party_id == row.id)
            .order_by(t.party_keys.c.added_at)
        ).scalars()
        return PartyRecord(row.id, row.name, Role(row.role), row.contact, tuple(keys))

    def get(self, party_id: str) -> PartyRecord | None:
        if party_id not in self._seen:
            row = self.conn.execute(select(t.parties).where(t.parties.c.id == party_id)).first()
            self._seen[party_id] = None if row is None else self._record(row)
        return self._seen[party_id]

    def by_name(self, name: str) -> PartyRecord | None:
        row = self.conn.execute(select(t.parties).where(t.parties.c.name == name)).first()
        return None if row is None else self._record(row)

    def all(self) -> list[PartyRecord]:
        rows = self.conn.execute(select(t.parties).order_by(t.parties.c.name)).all()
        return [self._record(r) for r in rows]

    def add_token(self, party_id: str, token_hash: str, at: datetime) -> None:
        self.conn.execute(
            insert(t.party_tokens).values(token_hash=token_hash, party_id=party_id, created_at=at)
        )

    def claim_signature(
        self, signature_sha256: str, party_id: str, at: datetime, forget_before: datetime
    ) -> bool:
        """Record a signed request's signature; False when it was used already (a replay)."""
        self.conn.execute(delete(tr.used_signatures).where(tr.used_signatures.c.used_at < forget_before))
        inserted = self.conn.execute(
            upsert_into(self.conn, tr.used_signatures)
            .values(signature_sha256=signature_sha256, party_id=party_id, used_at=at)
            .on_conflict_do_nothing(index_elements=["signature_sha256"])
        )
        return bool(inserted.rowcount)

    def by_token_hash(self, token_hash: str) -> PartyRecord | None:
        row = self.conn.execute(
            select(t.parties)
            .join(t.party_tokens, t.party_tokens.c.party_id == t.parties.c.id)
            .where(t.party_tokens.c.token_hash == token_hash)
        ).first()
        return None if row is None else self._record(row)


class SqlOperationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _insert_volumes(self, op: Operation) -> None:
        for idx, volume in enumerate(op.volumes):
            volume_id = self.conn.execute(
                _INSERT_VOLUME,
                {"operation_id": op.id, "version": op.version, "idx": idx, **volume_row(volume)},
            ).scalar_one()
            if op.state.live:
                cells = covering(volume.footprint.polygon)
                self.conn.execute(
                    _INSERT_CELLS,
                    [
                        {
                            "cell": c,
                            "volume_id": volume_id,
                            "time_start": volume.window.start,
                            "time_end": volume.window.end,
                        }
                        for c in cells
                    ],
                )

    def add(self, op: Operation, lead_time_s: float, late: bool, at: datetime) -> None:
        if op.notice_at is None:
            raise ValueError("an operation is stored with the service's notice time")
        self.conn.execute(
            _INSERT_OPERATION,
            {
                "id": op.id,
                "party_id": op.party,
                "kind": op.kind.value,
                "category": op.category,
                "domain": op.domain.value,
                "state": op.state.value,
                "version": op.version,
                "priority": op.priority,
                "details": op.details,
                "contact": op.contact,
                "notice_at": op.notice_at,
                "lead_time_s": lead_time_s,
                "late_notice": late,
                "time_start": op.start,
                "time_end": op.end,
                "created_at": at,
                "updated_at": at,
            },
        )
        self._insert_volumes(op)

    def _drop_from_index(self, operation_id: str) -> None:
        live_ids = select(t.volumes.c.id).where(t.volumes.c.operation_id == operation_id)
        self.conn.execute(delete(t.volume_cells).where(t.volume_cells.c.volume_id.in_(live_ids)))

    def save_version(self, op: Operation, at: datetime) -> None:
        self._drop_from_index(op.id)
        self.conn.execute(
            update(t.operations)
            .where(t.operations.c.id == op.id)
            .values(
                version=op.version,
                state=op.state.value,
                priority=op.priority,
                details=op.details,
                contact=op.contact,
                time_start=op.start,
                time_end=op.end,
                updated_at=at,
            )
        )
        self._insert_volumes(op)

    def set_state(self, operation_id: str, state: OperationState, at: datetime) -> None:
        self.conn.execute(
            update(t.operations)
            .where(t.operations.c.id == operation_id)
            .values(state=state.value, updated_at=at)
        )
        if not state.live:
            self._drop_from_index(operation_id)

    def _volumes_of(self, rows: Sequence[Any]) -> dict[str, list[Volume4D]]:
        """The current version's volumes of every operation in ``rows``, in one query."""
        if not rows:
            return {}
        current = and_(
            t.operations.c.id == t.volumes.c.operation_id, t.operations.c.version == t.volumes.c.version
        )
        found: dict[str, list[Volume4D]] = {row.id: [] for row in rows}
        for v in self.conn.execute(
            select(t.volumes)
            .join(t.operations, current)
            .where(t.volumes.c.operation_id.in_(list(found)))
            .order_by(t.volumes.c.operation_id, t.volumes.c.idx)
        ).mappings():
            found[v["operation_id"]].append(volume_from_row(v))
        return found

    def _stored(self, rows: Sequence[Any]) -> list[StoredOperation]:
        volumes = self._volumes_of(rows)
        return [
            StoredOperation(
                Operation(
                    id=row.id,
                    party=row.party_id,
                    domain=ActivityDomain(row.domain),
                    volumes=tuple(volumes[row.id]),
                    version=row.version,
                    state=OperationState(row.state),
                    kind=DeclarationKind(row.kind),
                    priority=row.priority,
                    details=row.details,
                    contact=row.contact,
                    notice_at=utc(row.notice_at),
                    category=row.category,
                ),
                row.lead_time_s,
                row.late_notice,
                utc(row.created_at),
                utc(row.updated_at),
                None if row.lease_expires_at is None else utc(row.lease_expires_at),
            )
            for row in rows
        ]

    def lock(self, operation_id: str) -> None:
        """Hold the operation's row until the transaction ends (PostgreSQL; SQLite has one writer)."""
        self.conn.execute(
            select(t.operations.c.id).where(t.operations.c.id == operation_id).with_for_update()
        )

    def get(self, operation_id: str) -> StoredOperation | None:
        row = self.conn.execute(select(t.operations).where(t.operations.c.id == operation_id)).first()
        return None if row is None else self._stored([row])[0]

    def live_volumes_near(
        self, cells: Sequence[int], window: TimeWindow, exclude_party: str
    ) -> list[TaggedVolume]:
        """Other parties' live volumes that share a cell and may overlap the window."""
        if not cells:
            return []
        rows = self.conn.execute(
            _LIVE_NEAR,
            {"cells": list(cells), "start": window.start, "end": window.end, "party": exclude_party},
        ).mappings()
        return [
            TaggedVolume(VolumeRef(r["party_id"], r["operation_id"], r["idx"]), volume_from_row(r))
            for r in rows
        ]

    def versions_of(self, operation_ids: Sequence[str]) -> dict[str, int]:
        if not operation_ids:
            return {}
        rows = self.conn.execute(
            select(t.operations.c.id, t.operations.c.version).where(
                t.operations.c.id.in_(list(operation_ids))
            )
        )
        return {r.id: r.version for r in rows}

    def list(self, **filters: Any) -> list[StoredOperation]:
        """Operations by owner, kind, domain, state, time and ``bbox`` (minlon, minlat, maxlon,
        maxlat), in start order, at most ``limit``. The box is applied before the limit: live
        operations are narrowed in SQL to those sharing an index cell with it, then every
        candidate's footprints are tested exactly, page by page, until ``limit`` are found."""
        query = select(t.operations)
        if filters.get("party"):
            query = query.where(t.operations.c.party_id == filters["party"])
        if filters.get("kind"):
            query = query.where(t.operations.c.kind == filters["kind"])
        if filters.get("domain"):
            query = query.where(t.operations.c.domain == filters["domain"])
        if filters.get("state"):
            query = query.where(t.operations.c.state == filters["state"])
        if filters.get("start"):
            query = query.where(t.operations.c.time_end > filters["start"])
        if filters.get("end"):
            query = query.where(t.operations.c.time_start < filters["end"])
        limit = int(filters.get("limit") or 1000)
        query = query.order_by(t.operations.c.time_start, t.operations.c.id)
        bbox = filters.get("bbox")
        if bbox is None:
            return self._stored(self.conn.execute(query.limit(limit)).all())
        cells = box_covering(*bbox)
        if cells is not None:
            hits = (
                select(t.volumes.c.operation_id)
                .join(t.volume_cells, t.volume_cells.c.volume_id == t.volumes.c.id)
                .where(t.volume_cells.c.cell.in_(cells))
            )
            # Ended, cancelled and suspended operations have left the index: tested exactly.
            query = query.where(or_(t.operations.c.id.in_(hits), t.operations.c.state.in_(_NOT_INDEXED)))
        area = box(*bbox)
        found: list[StoredOperation] = []
        page = max(limit, 100)
        for offset in itertools.count(0, page):
            rows = self.conn.execute(query.offset(offset).limit(page)).all()
            found += [
                s
                for s in self._stored(rows)
                if any(v.footprint.polygon.intersects(area) for v in s.operation.volumes)
            ]
            if len(found) >= limit or len(rows) < page:
                break
        return found[:limit]


class SqlConflictRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, record: ConflictRecord) -> None:
        c = record.conflict
        self.conn.execute(
            _INSERT_CONFLICT,
            {
                "id": record.id,
                "a_operation_id": c.a.operation,
                "a_version": record.a_version,
                "a_index": c.a.index,
                "a_party": c.a.party,
                "b_operation_id": c.b.operation,
                "b_version": record.b_version,
                "b_index": c.b.index,
                "b_party": c.b.party,
                "state": record.state.value,
                "time_start": c.window.start,
                "time_end": c.window.end,
                "alt_lower_m": c.alt_lower_m,
                "alt_upper_m": c.alt_upper_m,
                "vertical_gap_m": c.vertical_gap_m,
                "distance_m": c.distance_m,
                "overlap_area_m2": c.overlap_area_m2,
                "acknowledged_by": json.dumps(list(record.acknowledged_by)),
                "note": record.note,
                "found_at": record.found_at,
                "updated_at": record.updated_at,
            },
        )

    @staticmethod
    def _record(row: Any) -> ConflictRecord:
        conflict = Conflict(
            VolumeRef(row.a_party, row.a_operation_id, row.a_index),
            VolumeRef(row.b_party, row.b_operation_id, row.b_index),
            TimeWindow(utc(row.time_start), utc(row.time_end)),
            row.alt_lower_m,
            row.alt_upper_m,
            row.vertical_gap_m,
            row.distance_m,
            row.overlap_area_m2,
        )
        return ConflictRecord(
            row.id,
            conflict,
            row.a_version,
            row.b_version,
            ConflictState(row.state),
            tuple(json.loads(row.acknowledged_by or "[]")),
            row.note,
            utc(row.found_at),
            utc(row.updated_at),
        )

    def get(self, conflict_id: str) -> ConflictRecord | None:
        row = self.conn.execute(select(t.conflicts).where(t.conflicts.c.id == conflict_id)).first()
        return None if row is None else self._record(row)

    def unsettled_for_operation(self, operation_id: str) -> list[ConflictRecord]:
        rows = self.conn.execute(
            select(t.conflicts)
            .where(
                or_(
                    t.conflicts.c.a_operation_id == operation_id, t.conflicts.c.b_operation_id == operation_id
                ),
                t.conflicts.c.state.in_([ConflictState.OPEN.value, ConflictState.ACKNOWLEDGED.value]),
            )
            .order_by(t.conflicts.c.found_at, t.conflicts.c.id)
        ).all()
        return [self._record(r) for r in rows]

    def update(self, record: ConflictRecord) -> None:
        self.conn.execute(
            update(t.conflicts)
            .where(t.conflicts.c.id == record.id)
            .values(
                state=record.state.value,
                acknowledged_by=json.dumps(list(record.acknowledged_by)),
                note=record.note,
                updated_at=record.updated_at,
            )
        )

    def list(self, **filters: Any) -> list[ConflictRecord]:
        query = select(t.conflicts)
        if filters.get("party"):
            party = filters["party"]
            query = query.where(or_(t.conflicts.c.a_party == party, t.conflicts.c.b_party == party))
        if filters.get("operation"):
            op = filters["operation"]
            query = query.where(or_(t.conflicts.c.a_operation_id == op, t.conflicts.c.b_operation_id == op))
        if filters.get("state"):
            query = query.where(t.conflicts.c.state == filters["state"])
        limit = int(filters.get("limit") or 1000)
        rows = self.conn.execute(query.order_by(t.conflicts.c.found_at, t.conflicts.c.id).limit(limit)).all()
        return [self._record(r) for r in rows]
