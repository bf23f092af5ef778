"""Listing operations on both backends: bbox through the cell index before LIMIT, volumes in one query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from builders import FixedClock, square, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.declaration import Declaration
from deconflict.domain.operation import DeclarationKind, OperationAction
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty, ChangeOperationState, Declare
from deconflict.service.operations import change_operation_state, declare
from deconflict.service.parties import add_party


@pytest.fixture
def svc(service: Any) -> Any:
    service.clock = FixedClock()
    add_party(service.uow(), service.clock, AddParty("blue", generate_keypair()[1]))
    return service


def put(svc: Any, op_id: str, lon: float, start_min: float, volumes: int = 1) -> None:
    vols = tuple(
        volume(square(lon + i * 0.2, 50.0), start_min=start_min + i, end_min=start_min + 60)
        for i in range(volumes)
    )
    declaration = Declaration(ActivityDomain.AIR, vols)
    cmd = Declare("blue", declaration, DeclarationKind.OPERATION, {}, op_id)
    declare(svc.uow(), svc.clock, svc.rules, cmd)


@contextmanager
def statements(svc: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(svc.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(svc.engine, "before_cursor_execute", record)


def test_bbox_filters_before_the_limit(svc: Any) -> None:
    for i in range(12):  # listed first (earlier start), all far from the box
        put(svc, f"far-{i:02d}", -60.0 + i, start_min=i)
    put(svc, "inside", 10.0, start_min=100)
    with svc.uow(write=False) as uow:
        found = uow.operations.list(kind="operation", bbox=(10.0, 50.0, 10.05, 50.05), limit=10)
        assert [s.operation.id for s in found] == ["inside"]
        # A box that touches the covering's cells but not the footprint: nothing.
        assert uow.operations.list(kind="operation", bbox=(10.2, 50.2, 10.25, 50.25), limit=10) == []


def test_listing_reads_every_operation_s_volumes_in_one_query(svc: Any) -> None:
    for i in range(6):
        put(svc, f"op-{i}", 10.0 + i, start_min=i, volumes=3)
    with statements(svc) as seen, svc.uow(write=False) as uow:
        found = uow.operations.list(limit=100)
    assert [len(s.operation.volumes) for s in found] == [3] * 6
    assert [s.operation.volumes[2].window.start for s in found] == [
        volume(start_min=i + 2).window.start for i in range(6)
    ]
    assert len([s for s in seen if "FROM volumes" in s]) == 1, seen


def test_a_box_too_large_for_the_index_is_still_applied_exactly(svc: Any) -> None:
    put(svc, "first", 10.0, start_min=0)
    put(svc, "second", 20.0, start_min=1)
    with svc.uow(write=False) as uow:
        world = uow.operations.list(bbox=(-180.0, -89.0, 180.0, 89.0), limit=10)
        south = uow.operations.list(bbox=(-180.0, -89.0, 180.0, 0.0), limit=10)
        one = uow.operations.list(bbox=(-180.0, -89.0, 180.0, 89.0), limit=1)
    assert [s.operation.id for s in world] == ["first", "second"]
    assert south == []
    assert [s.operation.id for s in one] == ["first"]


def test_a_cancelled_operation_out_of_the_index_is_still_found_in_its_box(svc: Any) -> None:
    put(svc, "gone", 10.0, start_min=0)
    change_operation_state(svc.uow(), svc.clock, ChangeOperationState("blue", "gone", OperationAction.CANCEL))
    with svc.uow(write=False) as uow:
        found = uow.operations.list(bbox=(10.0, 50.0, 10.05, 50.05), limit=10)
    assert [(s.operation.id, s.operation.state.value) for s in found] == [("gone", "cancelled")]
