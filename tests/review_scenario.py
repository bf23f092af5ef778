"""A hand-built day with known answers for the review reports, made through the real use cases.

The service clock starts at 08:00 (T0 = 10:00 is when most operations start):

- 08:00 red declares R1 (air, 10:00-11:00), lead 7200 s
- 08:10 blue declares B1 (air, far away), lead 6600 s
- 08:20 red declares zone Z1 (air defence) over B1: conflict C0, never handled
- 09:00 green declares G1 (sea, far away, starts 10:00): lead 3600 s, late (sea needs 72 h), concerns nobody
- 09:59:15 blue declares B2 over R1, starting 10:00: lead 45 s, late, concerns red; conflict C1
- 09:59:20 blue → red FLASH m1; red delivered 09:59:30, read 09:59:50, acknowledged 10:00:00
- 10:00:00 red → blue IMMEDIATE m2; blue never answers; escalated at 10:05:00
- 10:00:30 red acknowledges C1 (75 s after it was found)
- 10:01:00 blue → red FLASH m3; red acknowledges at 10:02:00 (delivered and read implied)
- 10:03:00 blue amends B2 away from R1: C1 resolved 225 s after it was found, blue amended
- 10:04:00 blue declares B3 over R1 (starts 10:30, lead 1560 s); conflict C2
- 10:05:00 the escalation runner escalates m2 at blue
- 10:06:00 red waives C2; green → blue ROUTINE m4, never acknowledged
- 10:07:00 green → blue ROUTINE m5; blue acknowledges at 10:37:00 (1800 s)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from builders import T0, FixedClock, square, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.conflict_state import ConflictAction
from deconflict.domain.message import HotlinePolicy, Precedence
from deconflict.domain.operation import DeclarationKind
from deconflict.domain.signing import generate_keypair
from deconflict.service.commands import AddParty, AmendOperation, ChangeConflict, SubmitOperation
from deconflict.service.conflicts import change_conflict
from deconflict.service.hotline import acknowledge, escalate_due, mark_delivered, mark_read, send_message
from deconflict.service.hotline_commands import SendMessage
from deconflict.service.operations import amend_operation, submit_operation
from deconflict.service.parties import add_party

ROLES = {"blue": "party", "red": "party", "green": "party", "watcher": "observer", "root": "admin"}
POLICY = HotlinePolicy()


@dataclass
class Scenario:
    """Ids the day made; ``seq(type, **match)`` finds the ledger entry a figure must cite."""

    service: Any
    ids: dict[str, str]

    def seq(self, event_type: str, **match: Any) -> int:
        with self.service.uow(write=False) as uow:
            found = [
                e.seq
                for e in uow.ledger.entries()
                if e.type == event_type and all(e.payload.get(k) == v for k, v in match.items())
            ]
        assert len(found) == 1, (event_type, match, found)
        return found[0]


def build_day(service: Any) -> Scenario:
    clock = FixedClock(T0 - timedelta(hours=2))
    service.clock = clock
    for name, role in ROLES.items():
        add_party(service.uow(), clock, AddParty(name, generate_keypair()[1], f"{name} desk", role))

    def at(hh: int, mm: int, ss: int = 0) -> None:
        clock.moment = T0.replace(hour=hh, minute=mm, second=ss)

    def declare(
        party: str, op_id: str, domain: ActivityDomain = ActivityDomain.AIR, zone: bool = False, **vol: Any
    ) -> None:
        kind, category = (DeclarationKind.ZONE, "air_defence") if zone else (DeclarationKind.OPERATION, "")
        cmd = SubmitOperation(party, domain, (volume(**vol),), kind, category, operation_id=op_id)
        submit_operation(service.uow(), clock, service.rules, cmd)

    def send(party: str, to: str, precedence: Precedence, text: str) -> str:
        cmd = SendMessage(party=party, recipients=(to,), text=text, precedence=precedence)
        return str(send_message(service.uow(), clock, POLICY, cmd).record.message.id)

    def conflict_of(op_id: str) -> str:
        with service.uow(write=False) as uow:
            (record,) = uow.conflicts.list(operation=op_id, party=None, state=None, limit=10)
        return str(record.id)

    ids: dict[str, str] = {}
    at(8, 0)
    declare("red", "R1", footprint=square(10.0, 50.0))
    at(8, 10)
    declare("blue", "B1", footprint=square(20.0, 50.0))
    at(8, 20)
    declare("red", "Z1", zone=True, footprint=square(20.0, 50.0), start_min=-60, end_min=120)
    at(9, 0)
    declare("green", "G1", ActivityDomain.SEA, footprint=square(-30.0, 40.0), lower_m=-10.0, upper_m=10.0)
    at(9, 59, 15)
    declare("blue", "B2", footprint=square(10.02, 50.02, 0.05))
    ids["C1"] = conflict_of("B2")
    at(9, 59, 20)
    ids["m1"] = send("blue", "red", Precedence.FLASH, "B2 enters your area at 1000")
    at(9, 59, 30)
    mark_delivered(service.uow(), clock, "red", ids["m1"])
    at(9, 59, 50)
    mark_read(service.uow(), clock, "red", ids["m1"])
    at(10, 0)
    acknowledge(service.uow(), clock, "red", ids["m1"], "Maj. Red")
    ids["m2"] = send("red", "blue", Precedence.IMMEDIATE, "confirm B2 altitude")
    at(10, 0, 30)
    change_conflict(service.uow(), clock, ChangeConflict("red", ids["C1"], ConflictAction.ACKNOWLEDGE))
    at(10, 1)
    ids["m3"] = send("blue", "red", Precedence.FLASH, "B2 moves north")
    at(10, 2)
    acknowledge(service.uow(), clock, "red", ids["m3"])
    at(10, 3)
    away = (volume(square(10.5, 51.0, 0.05)),)
    amend_operation(service.uow(), clock, service.rules, AmendOperation("blue", "B2", 1, away))
    at(10, 4)
    declare("blue", "B3", footprint=square(10.02, 50.02, 0.05), start_min=30)
    ids["C2"] = conflict_of("B3")
    at(10, 5)
    assert len(escalate_due(service.uow(), clock, POLICY)) == 1
    at(10, 6)
    waive = ChangeConflict("red", ids["C2"], ConflictAction.WAIVE, "B3 stays below our floor")
    change_conflict(service.uow(), clock, waive)
    ids["m4"] = send("green", "blue", Precedence.ROUTINE, "exercise area G1 active")
    at(10, 7)
    ids["m5"] = send("green", "blue", Precedence.ROUTINE, "G1 extended to 1200")
    at(10, 37)
    acknowledge(service.uow(), clock, "blue", ids["m5"])
    at(11, 0)
    return Scenario(service, ids)
