"""Request bodies for the API tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def square_op(
    lon: float = 35.0,
    lat: float = 35.0,
    size: float = 0.1,
    start_in: timedelta = timedelta(hours=2),
    hours: float = 2,
    domain: str = "air",
    **extra: Any,
) -> dict[str, Any]:
    start = datetime.now(UTC) + start_in
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "domain": domain,
                    "alt_lower": 0,
                    "alt_upper": 3000,
                    "alt_ref": "W84",
                    "time_start": iso(start),
                    "time_end": iso(start + timedelta(hours=hours)),
                },
            }
        ],
        **extra,
    }
