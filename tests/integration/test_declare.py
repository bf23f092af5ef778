"""The one ``declare`` use case on both backends: limits and proof of read, for every entry point."""

from __future__ import annotations

from typing import Any

import pytest

from builders import FixedClock, square, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.declaration import Declaration
from deconflict.domain.errors import LimitExceeded, MissedOverlaps
from deconflict.domain.operation import DeclarationKind
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty, AmendOperation, Declare
from deconflict.service.operations import amend_operation, declare, overlaps_for
from deconflict.service.parties import add_party


@pytest.fixture
def svc(service: Any) -> Any:
    service.clock = FixedClock()
    for name in ("blue", "red"):
        add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))
    return service


def put(svc: Any, party: str, lon: float, seen: dict[str, int], op_id: str, size: float = 0.1) -> Any:
    cmd = Declare(
        party,
        Declaration(ActivityDomain.AIR, (volume(square(lon, 50.0, size)),)),
        DeclarationKind.OPERATION,
        seen,
        op_id,
    )
    return declare(svc.uow(), svc.clock, svc.rules, cmd)


def test_declare_wants_the_overlaps_seen_at_their_current_versions(svc: Any) -> None:
    put(svc, "blue", 10.0, {}, "tanker")
    with pytest.raises(MissedOverlaps) as missed:
        put(svc, "red", 10.05, {}, "transit")
    assert missed.value.missed == [{"operation_id": "tanker", "version": 1, "seen_version": None}]
    with svc.uow(write=False) as uow:
        assert uow.operations.get("transit") is None
    seen = overlaps_for(svc.uow(write=False), svc.rules, "red", (volume(square(10.05, 50.0)),))
    assert seen == {"tanker": 1}
    assert len(put(svc, "red", 10.05, seen, "transit").conflicts) == 1


def test_declare_and_amend_are_held_to_the_area_cap(svc: Any) -> None:
    with pytest.raises(LimitExceeded, match="exceeds the cap of 250,000 km²") as refused:
        put(svc, "blue", 10.0, {}, "huge", size=10.0)
    assert refused.value.field == "features[0].geometry"
    put(svc, "blue", 10.0, {}, "small")
    with pytest.raises(LimitExceeded):
        amend_operation(
            svc.uow(),
            svc.clock,
            svc.rules,
            AmendOperation("blue", "small", 1, (volume(square(10.0, 50.0, 10.0)),), seen_versions={}),
        )
    with svc.uow(write=False) as uow:
        stored = uow.operations.get("small")
    assert stored is not None and stored.operation.version == 1
