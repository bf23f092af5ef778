"""GET /v1/operations?bbox=…&limit=…: the box is applied before the limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from payloads import square_op


def test_bbox_and_limit_return_the_match_listed_after_many_outside(live_server: Any) -> None:
    blue = live_server.client("blue")
    for i in range(12):  # each starts earlier than the one inside, so it is listed first
        far = square_op(lon=-60.0 + i, start_in=timedelta(hours=1, minutes=i))
        assert blue.post("/v1/operations", json=far).status_code == 201
    inside = blue.post("/v1/operations", json=square_op(lon=35.0, start_in=timedelta(hours=3)))
    assert inside.status_code == 201, inside.text
    listed = blue.get("/v1/operations", params={"bbox": "35.02,35.02,35.08,35.08", "limit": 10})
    assert listed.status_code == 200, listed.text
    assert [op["id"] for op in listed.json()] == [inside.json()["operation"]["id"]]
    assert len(blue.get("/v1/operations", params={"limit": 10}).json()) == 10
