"""Bulk preloading of live volumes for benchmarks (bypasses the write path on purpose:
it is the setting being measured in, not the thing measured)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert

from deconflict.domain.altitude import AltitudeBand
from deconflict.domain.footprint import circle_footprint, polygon_footprint
from deconflict.domain.operation import OperationState
from deconflict.domain.timewindow import TimeWindow
from deconflict.domain.volume import Volume4D
from deconflict.index.cells import covering
from deconflict.store import tables as t
from deconflict.store.codec import volume_row

THEATRE = (30.0, 30.0, 42.0, 39.0)  # lon/lat box, about 1,100 km × 1,000 km


def random_volume(
    rng: random.Random, t0: datetime, box: tuple[float, float, float, float] = THEATRE
) -> Volume4D:
    lon, lat = rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])
    if rng.random() < 0.5:
        fp = circle_footprint((lon, lat), rng.uniform(300, 3_000))
    else:
        s = rng.uniform(0.005, 0.03)
        fp = polygon_footprint([(lon, lat), (lon + s, lat), (lon + s, lat + s), (lon, lat + s)])
    lower = rng.uniform(0, 10_000)
    start = t0 + timedelta(minutes=rng.uniform(0, 24 * 60))
    return Volume4D(
        fp,
        AltitudeBand(lower, lower + rng.uniform(150, 1_500)),
        TimeWindow(start, start + timedelta(minutes=rng.uniform(10, 120))),
    )


def preload(service, count: int, parties: list[str], t0: datetime, seed: int = 1, batch: int = 5_000) -> None:  # type: ignore[no-untyped-def]
    """Insert ``count`` live single-volume operations spread over the theatre and a day."""
    rng = random.Random(seed)
    templates = [random_volume(rng, t0) for _ in range(min(count, 2_000))]
    now = t0 - timedelta(hours=1)
    done = 0
    with service.engine.begin() as conn:
        next_volume_id = 1 + (
            conn.execute(
                t.volumes.select().with_only_columns(t.volumes.c.id).order_by(t.volumes.c.id.desc()).limit(1)
            ).scalar()
            or 0
        )
        while done < count:
            ops, vols, cells = [], [], []
            for i in range(done, min(count, done + batch)):
                template = templates[i % len(templates)]
                # Shift a template around the theatre so footprints differ without re-polygonising.
                dx, dy = rng.uniform(-2, 2), rng.uniform(-2, 2)
                polygon = _shift(template.footprint.polygon, dx, dy)
                fp = type(template.footprint)(
                    template.footprint.kind,
                    template.footprint.spec,
                    polygon,
                    template.footprint.error_bound_m,
                )
                vol = Volume4D(fp, template.altitude, template.window)
                op_id = f"pre-{i}"
                ops.append(
                    {
                        "id": op_id,
                        "party_id": parties[i % len(parties)],
                        "kind": "operation",
                        "category": "",
                        "domain": "air",
                        "state": OperationState.ACCEPTED.value,
                        "version": 1,
                        "priority": 0,
                        "details": "",
                        "contact": "",
                        "notice_at": now,
                        "lead_time_s": 3600.0,
                        "late_notice": False,
                        "time_start": vol.window.start,
                        "time_end": vol.window.end,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                vid = next_volume_id
                next_volume_id += 1
                vols.append({"id": vid, "operation_id": op_id, "version": 1, "idx": 0, **volume_row(vol)})
                cells.extend(
                    {"cell": c, "volume_id": vid, "time_start": vol.window.start, "time_end": vol.window.end}
                    for c in covering(polygon)
                )
            conn.execute(insert(t.operations), ops)
            conn.execute(insert(t.volumes), vols)
            conn.execute(insert(t.volume_cells), cells)
            done += len(ops)
        if conn.dialect.name == "postgresql":  # explicit ids do not advance the sequence
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('volumes', 'id'), (SELECT max(id) FROM volumes))"
            )


def _shift(polygon, dx: float, dy: float):  # type: ignore[no-untyped-def]
    import numpy as np
    import shapely

    return shapely.transform(polygon, lambda xy: xy + np.array([dx, dy]))
