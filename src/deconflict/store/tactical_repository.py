"""The tactical repositories over one connection: latest reports, zones for the monitor, alerts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, and_, bindparam, insert, literal_column, select, tuple_, update

from ..domain.activity import ActivityDomain
from ..domain.alert import Alert, AlertKind, AlertState, Finding, OpenAlert, Severity
from ..domain.operation import DeclarationKind, OperationState
from ..domain.tactical.report import PositionReport, ReportColumns
from ..domain.volume import TaggedVolume, Volume4D, VolumeRef
from . import tables as t
from . import tables_tactical as tt
from .codec import utc, volume_from_row
from .engine import upsert_into

_LIVE = [state.value for state in OperationState if state.live]
_TRACK_COLUMNS = ("t_s", "lat", "lon", "alt_m", "gs_m_s", "trk_deg", "vs_m_s")
_UPSERT_COLUMNS = (
    "party_id",
    "platform",
    *_TRACK_COLUMNS,
    "platform_class",
    "operation_id",
    "source",
    "received_s",
    "pressure_alt_m",
    "on_ground",
)
_HELD_AHEAD_S = "60.0"
# Per dialect: the statement compiled once, and its parameter order when positional (SQLite's ?).
_UPSERT_SQL: dict[str, tuple[str, tuple[str, ...] | None]] = {}


def _upsert_sql(conn: Connection) -> tuple[str, tuple[str, ...] | None]:
    """Insert, or replace the held report when this one is newer; compiled for the connection."""
    name = conn.dialect.name
    if name not in _UPSERT_SQL:
        statement = upsert_into(conn, tt.tracks).values({c: bindparam(c) for c in _UPSERT_COLUMNS})
        statement = statement.on_conflict_do_update(
            index_elements=["party_id", "platform"],
            set_={c: statement.excluded[c] for c in _UPSERT_COLUMNS[2:]},
            # A held report far ahead of the clock (stored before reports from the future
            # were refused) must not shadow the good ones that follow it.
            where=(statement.excluded.t_s >= tt.tracks.c.t_s)
            | (tt.tracks.c.t_s > statement.excluded.received_s + literal_column(_HELD_AHEAD_S)),
        )
        compiled = statement.compile(dialect=conn.dialect)
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        _UPSERT_SQL[name] = (str(compiled), order)
    return _UPSERT_SQL[name]


_PICTURE = select(
    tt.tracks.c.party_id,
    tt.tracks.c.platform,
    *(tt.tracks.c[name] for name in _TRACK_COLUMNS),
    tt.tracks.c.platform_class,
    tt.tracks.c.operation_id,
    tt.tracks.c.source,
    tt.tracks.c.pressure_alt_m,
    tt.tracks.c.on_ground,
)
_CURRENT_VOLUMES = (
    select(t.volumes, t.operations.c.party_id)
    .join(t.operations, t.operations.c.id == t.volumes.c.operation_id)
    .where(t.volumes.c.version == t.operations.c.version, t.operations.c.state.in_(_LIVE))
)


def _report(row: Any) -> PositionReport:
    return PositionReport(
        party=row.party_id,
        platform=row.platform,
        at=datetime.fromtimestamp(row.t_s, UTC),
        lat_deg=row.lat,
        lon_deg=row.lon,
        alt_m=row.alt_m,
        ground_speed_m_s=row.gs_m_s,
        track_deg=row.trk_deg,
        vertical_rate_m_s=row.vs_m_s,
        platform_class=row.platform_class,
        operation_id=row.operation_id,
        source=row.source,
        pressure_alt_m=row.pressure_alt_m,
        on_ground=bool(row.on_ground),
    )


class SqlTrackRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def upsert(self, reports: Sequence[PositionReport], received_at: datetime) -> None:
        if not reports:
            return
        received_s = received_at.timestamp()
        rows = [
            {
                "party_id": r.party,
                "platform": r.platform,
                "t_s": r.at.timestamp(),
                "lat": r.lat_deg,
                "lon": r.lon_deg,
                "alt_m": r.alt_m,
                "gs_m_s": r.ground_speed_m_s,
                "trk_deg": r.track_deg,
                "vs_m_s": r.vertical_rate_m_s,
                "platform_class": r.platform_class,
                "operation_id": r.operation_id,
                "source": r.source,
                "received_s": received_s,
                "pressure_alt_m": r.pressure_alt_m,
                "on_ground": r.on_ground,
            }
            for r in reports
        ]
        # The driver's executemany: the hot path of ingest, at a third of the time that
        # SQLAlchemy's per-row parameter processing took.
        sql, order = _upsert_sql(self.conn)
        if order is None:
            self.conn.exec_driver_sql(sql, rows)
        else:
            self.conn.exec_driver_sql(sql, [tuple(row[c] for c in order) for row in rows])

    def since(
        self,
        at: datetime,
        party: str | None = None,
        limit: int | None = None,
        tracks: Sequence[tuple[str, str]] | None = None,
    ) -> list[PositionReport]:
        query = select(tt.tracks).where(tt.tracks.c.t_s >= at.timestamp())
        if party is not None:
            query = query.where(tt.tracks.c.party_id == party)
        if tracks is not None:
            query = query.where(tuple_(tt.tracks.c.party_id, tt.tracks.c.platform).in_(sorted(set(tracks))))
        query = query.order_by(tt.tracks.c.party_id, tt.tracks.c.platform)
        if limit is not None:
            query = query.limit(limit)
        return [_report(row) for row in self.conn.execute(query)]

    def latest_of(self, party: str, platforms: Sequence[str]) -> list[PositionReport]:
        if not platforms:
            return []
        query = select(tt.tracks).where(
            tt.tracks.c.party_id == party, tt.tracks.c.platform.in_(sorted(set(platforms)))
        )
        return [_report(row) for row in self.conn.execute(query)]

    def columns_since(self, at: datetime) -> ReportColumns:
        rows = self.conn.execute(_PICTURE.where(tt.tracks.c.t_s >= at.timestamp())).all()
        if not rows:
            return ReportColumns.of([])
        party, platform, t_s, lat, lon, alt, gs, trk, vs, klass, operation, source, pressure, ground = zip(
            *rows, strict=True
        )

        def floats(values: tuple[float, ...]) -> NDArray[np.float64]:
            return np.array(values, dtype=np.float64)

        return ReportColumns(
            party=party,
            platform=platform,
            t_s=floats(t_s),
            lat_deg=floats(lat),
            lon_deg=floats(lon),
            alt_m=floats(alt),
            ground_speed_m_s=floats(gs),
            track_deg=floats(trk),
            vertical_rate_m_s=floats(vs),
            platform_class=klass,
            operation_id=operation,
            source=source,
            pressure_alt_m=np.array([np.nan if p is None else p for p in pressure], dtype=np.float64),
            on_ground=np.array(ground, dtype=np.bool_),
        )

    def live_zones(self, start: datetime, end: datetime) -> list[TaggedVolume]:
        rows = self.conn.execute(
            _CURRENT_VOLUMES.where(
                t.operations.c.kind == DeclarationKind.ZONE.value,
                t.operations.c.domain != ActivityDomain.SPECTRUM.value,
                t.volumes.c.time_end > start,
                t.volumes.c.time_start < end,
            ).order_by(t.volumes.c.operation_id, t.volumes.c.idx)
        ).mappings()
        return [
            TaggedVolume(VolumeRef(r["party_id"], r["operation_id"], r["idx"]), volume_from_row(r))
            for r in rows
        ]

    def operation_volumes(self, operation_ids: Sequence[str]) -> dict[str, list[Volume4D]]:
        out: dict[str, list[Volume4D]] = {}
        if not operation_ids:
            return out
        rows = self.conn.execute(
            _CURRENT_VOLUMES.where(t.volumes.c.operation_id.in_(sorted(set(operation_ids)))).order_by(
                t.volumes.c.operation_id, t.volumes.c.idx
            )
        ).mappings()
        for r in rows:
            out.setdefault(r["operation_id"], []).append(volume_from_row(r))
        return out

    def owners(self, operation_ids: Sequence[str]) -> dict[str, str]:
        if not operation_ids:
            return {}
        rows = self.conn.execute(
            select(t.operations.c.id, t.operations.c.party_id).where(
                t.operations.c.id.in_(sorted(set(operation_ids)))
            )
        )
        return {row.id: row.party_id for row in rows}


def _alert_row(alert: Alert) -> dict[str, Any]:
    f = alert.finding
    return {
        "id": alert.id,
        "kind": f.kind.value,
        "key": f.key,
        "state": alert.state.value,
        "severity": f.severity.value,
        "parties": json.dumps(list(f.parties)),
        "summary": f.summary,
        "subjects": json.dumps(dict(f.subjects), sort_keys=True),
        "detail": json.dumps(dict(f.detail), sort_keys=True),
        "acknowledged_by": json.dumps(list(alert.acknowledged_by)),
        "message_id": alert.message_id,
        "raised_at": alert.raised_at,
        "updated_at": alert.updated_at,
        "cleared_at": alert.cleared_at,
    }


def _alert(row: Any) -> Alert:
    finding = Finding(
        kind=AlertKind(row.kind),
        key=row.key,
        parties=tuple(json.loads(row.parties)),
        severity=Severity(row.severity),
        summary=row.summary,
        subjects=json.loads(row.subjects),
        detail=json.loads(row.detail),
    )
    return Alert(
        id=row.id,
        finding=finding,
        state=AlertState(row.state),
        raised_at=utc(row.raised_at),
        updated_at=utc(row.updated_at),
        cleared_at=None if row.cleared_at is None else utc(row.cleared_at),
        acknowledged_by=tuple(json.loads(row.acknowledged_by)),
        message_id=row.message_id,
    )


class SqlAlertRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, alert: Alert) -> None:
        self.conn.execute(insert(tt.alerts), [_alert_row(alert)])

    def update(self, alert: Alert) -> None:
        row = _alert_row(alert)
        del row["id"]
        self.conn.execute(update(tt.alerts).where(tt.alerts.c.id == alert.id).values(**row))

    def get(self, alert_id: str, *, for_update: bool = False) -> Alert | None:
        query = select(tt.alerts).where(tt.alerts.c.id == alert_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else _alert(row)

    def open(self) -> list[OpenAlert]:
        rows = self.conn.execute(
            select(tt.alerts.c.id, tt.alerts.c.key, tt.alerts.c.severity, tt.alerts.c.updated_at)
            .where(tt.alerts.c.state != AlertState.CLEARED.value)
            .order_by(tt.alerts.c.raised_at, tt.alerts.c.id)
        )
        return [OpenAlert(row.id, row.key, Severity(row.severity), utc(row.updated_at)) for row in rows]

    def last_cleared(self, key: str, since: datetime) -> Alert | None:
        row = self.conn.execute(
            select(tt.alerts)
            .where(
                tt.alerts.c.key == key,
                tt.alerts.c.state == AlertState.CLEARED.value,
                tt.alerts.c.cleared_at >= since,
            )
            .order_by(tt.alerts.c.cleared_at.desc())
            .limit(1)
        ).first()
        return None if row is None else _alert(row)

    def open_by_keys(self, keys: Sequence[str]) -> list[Alert]:
        if not keys:
            return []
        rows = self.conn.execute(
            select(tt.alerts)
            .where(tt.alerts.c.key.in_(sorted(set(keys))), tt.alerts.c.state != AlertState.CLEARED.value)
            .with_for_update()
        )
        return [_alert(row) for row in rows]

    def list(
        self,
        party: str | None = None,
        state: AlertState | None = None,
        open_only: bool = False,
        limit: int = 500,
    ) -> list[Alert]:
        conditions = []
        if state is not None:
            conditions.append(tt.alerts.c.state == state.value)
        if open_only:
            conditions.append(tt.alerts.c.state != AlertState.CLEARED.value)
        if party is not None:
            # A JSON list of party ids, which are slugs ([a-z0-9-]): no LIKE wildcard inside.
            conditions.append(tt.alerts.c.parties.like(f'%"{party}"%'))
        query = (
            select(tt.alerts)
            .where(and_(True, *conditions))
            .order_by(tt.alerts.c.raised_at.desc(), tt.alerts.c.id)
            .limit(limit)
        )
        return [_alert(row) for row in self.conn.execute(query)]


class SqlMonitorLease:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(self, holder: str, now: datetime, until: datetime) -> bool:
        """Take or renew the lease when it is ours or has run out; True when we hold it now."""
        done = self.conn.execute(
            update(tt.monitor_lease)
            .where(
                tt.monitor_lease.c.id == 1,
                (tt.monitor_lease.c.holder == holder) | (tt.monitor_lease.c.expires_at < now),
            )
            .values(holder=holder, expires_at=until)
        )
        return bool(done.rowcount)
