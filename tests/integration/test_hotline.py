"""The hotline on real stores: lifecycle, deadlines, escalation (idempotent, concurrent), ledger."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from builders import FixedClock, volume
from deconflict.bootstrap import bootstrap, hotline_policy
from deconflict.domain.access import Viewer
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.canonical import canonical_json
from deconflict.domain.errors import InvalidInput, NotFound, PermissionDenied
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.domain.message import (
    HotlinePolicy,
    MessageArea,
    Precedence,
    RecipientState,
    Reference,
    RosterLevel,
)
from deconflict.domain.signing import generate_keypair, public_key_of, sign
from deconflict.service.commands import AddParty, Signature, SubmitOperation
from deconflict.service.hotline import (
    acknowledge,
    escalate_due,
    get_message,
    list_messages,
    mark_delivered,
    mark_message,
    mark_read,
    next_escalation_at,
    send_message,
    set_roster,
)
from deconflict.service.hotline_commands import MarkMessage, SendMessage, SetRoster
from deconflict.service.hotline_ports import Box
from deconflict.service.operations import submit_operation
from deconflict.service.parties import add_party
from deconflict.settings import Settings

POLICY = HotlinePolicy()  # FLASH 60 s, three levels


@pytest.fixture
def svc(service: Any) -> Any:
    service.clock = FixedClock()
    service.private_keys = {}
    for name, role in (("blue", "party"), ("red", "party"), ("green", "party"), ("watcher", "observer")):
        private, public = generate_keypair()
        service.private_keys[name] = private
        add_party(service.uow(), service.clock, AddParty(name, public, role=role))
    return service


def signature(svc: Any, party: str, request: dict[str, Any]) -> Signature:
    private = svc.private_keys[party]
    return Signature(request, sign(private, canonical_json(request)), public_key_of(private))


def send(
    svc: Any, *, to: tuple[str, ...] = ("red",), precedence: Precedence = Precedence.FLASH, **kw: Any
) -> Any:
    cmd = SendMessage(party=kw.pop("party", "blue"), recipients=to, text=kw.pop("text", "hold fire at 1030"),
                      precedence=precedence, **kw)  # fmt: skip
    return send_message(svc.uow(), svc.clock, POLICY, cmd).record


def entries(svc: Any, prefix: str = "message.") -> list[Any]:
    with svc.uow(write=False) as uow:
        return [e for e in uow.ledger.entries() if e.type.startswith(prefix)]


def verify_ledger(svc: Any) -> Any:
    with svc.uow(write=False) as uow:
        data = b"".join(export_lines(list(uow.ledger.entries()), svc.clock.now(), svc.key.private_b64))
    return verify_export(data, KeyRing((svc.key.public_b64,)))


def test_a_signed_message_is_delivered_read_and_acknowledged_with_each_step_in_the_ledger(svc: Any) -> None:
    request = {"action": "message.send", "to": ["red"], "text": "hold fire at 1030"}
    record = send(svc, officer="Capt. Blue", signature=signature(svc, "blue", request))
    message = record.message
    assert message.deadline == timedelta(seconds=60)
    assert record.receipt("red").state is RecipientState.SENT
    assert record.receipt("red").next_deadline == svc.clock.now() + timedelta(seconds=60)
    svc.clock.advance(1)
    mark_delivered(svc.uow(), svc.clock, "red", message.id)
    svc.clock.advance(1)
    mark_read(svc.uow(), svc.clock, "red", message.id)
    svc.clock.advance(1)
    ack_request = {"action": "message.ack", "message_id": message.id}
    acked = mark_message(
        svc.uow(),
        svc.clock,
        MarkMessage(
            "red", message.id, RecipientState.ACKNOWLEDGED, "Maj. Red", signature(svc, "red", ack_request)
        ),
    ).record
    receipt = acked.receipt("red")
    assert receipt.state is RecipientState.ACKNOWLEDGED
    assert receipt.acknowledged_by == "Maj. Red"
    assert receipt.next_deadline is None
    assert (receipt.acknowledged_at - receipt.delivered_at).total_seconds() == 2
    log = entries(svc)
    assert [e.type for e in log] == [
        "message.sent",
        "message.delivered",
        "message.read",
        "message.acknowledged",
    ]
    assert log[0].actor == "blue" and log[0].actor_sig is not None
    assert log[0].payload["text"] == "hold fire at 1030" and log[0].payload["officer"] == "Capt. Blue"
    assert log[-1].actor == "red" and log[-1].actor_sig is not None
    assert log[-1].payload["in_time"] is True and log[-1].payload["since_sent_s"] == 3
    report = verify_ledger(svc)
    assert report.ok, report.summary()
    assert report.actor_signatures == 2


def test_receipts_are_idempotent_and_an_ack_records_the_steps_it_implies(svc: Any) -> None:
    message = send(svc).message
    acknowledge(svc.uow(), svc.clock, "red", message.id)
    again = acknowledge(svc.uow(), svc.clock, "red", message.id)
    assert again.entries == ()
    mark_delivered(svc.uow(), svc.clock, "red", message.id)
    log = entries(svc)
    assert [e.type for e in log] == [
        "message.sent",
        "message.delivered",
        "message.read",
        "message.acknowledged",
    ]
    assert log[1].payload["implied_by"] == "acknowledged"


def test_only_recipients_report_receipts_and_only_the_parties_concerned_see_a_message(svc: Any) -> None:
    message = send(svc).message
    with pytest.raises(PermissionDenied):
        acknowledge(svc.uow(), svc.clock, "blue", message.id)
    with pytest.raises(NotFound):
        acknowledge(svc.uow(), svc.clock, "green", message.id)
    with pytest.raises(NotFound):
        get_message(svc.uow(write=False), Viewer("green"), message.id)
    assert get_message(svc.uow(write=False), Viewer("red"), message.id).message == message
    assert [r.message.id for r in list_messages(svc.uow(write=False), Viewer("red"))] == [message.id]
    assert list_messages(svc.uow(write=False), Viewer("red"), Box.OUTBOX) == []
    assert [r.message.id for r in list_messages(svc.uow(write=False), Viewer("blue"), Box.OUTBOX)] == [
        message.id
    ]
    assert list_messages(svc.uow(write=False), Viewer("green"), Box.ALL) == []


def test_bad_recipients_and_references_are_refused_and_nothing_is_written(svc: Any) -> None:
    with pytest.raises(NotFound) as missing:
        send(svc, to=("red", "nobody"))
    assert missing.value.field == "to[1]"
    with pytest.raises(InvalidInput):
        send(svc, to=("watcher",))
    with pytest.raises(NotFound) as ref:
        send(svc, refs=(Reference.parse("op:nope"),))
    assert ref.value.field == "refs[0]"
    with pytest.raises(InvalidInput):
        send(svc, to=("blue",))
    assert entries(svc) == []


def test_a_message_tied_to_an_operation_states_its_lead_time_and_carries_its_area(svc: Any) -> None:
    op = submit_operation(
        svc.uow(), svc.clock, svc.rules, SubmitOperation("blue", ActivityDomain.AIR, (volume(),))
    ).stored.operation
    svc.clock.moment = op.start - timedelta(minutes=7)
    area = MessageArea(ActivityDomain.AIR, (volume(start_min=0, end_min=30),))
    record = send(svc, refs=(Reference.parse(f"op:{op.id}"),), area=area)
    assert record.message.lead_times_s == ((op.id, 420.0),)
    stored = get_message(svc.uow(write=False), Viewer("red"), record.message.id).message
    assert stored.area == area and stored.window == area.window
    [sent] = entries(svc)
    assert sent.payload["lead_time_s"] == {op.id: 420}
    assert sent.payload["area"]["features"][0]["properties"]["domain"] == "air"
    reply = send(svc, party="red", to=("blue",), refs=(Reference.parse(f"msg:{record.message.id}"),))
    assert str(reply.message.refs[0]) == f"message:{record.message.id}"


def test_an_unacknowledged_flash_escalates_level_by_level_to_the_roster_then_stops(svc: Any) -> None:
    set_roster(
        svc.uow(),
        svc.clock,
        SetRoster("red", (RosterLevel(1, ("red duty officer",)), RosterLevel(2, ("red watch chief",)))),
    )
    message = send(svc).message
    assert escalate_due(svc.uow(), svc.clock, POLICY) == []
    assert next_escalation_at(svc.uow(write=False)) == message.sent_at + timedelta(seconds=60)
    svc.clock.advance(60)
    [first] = escalate_due(svc.uow(), svc.clock, POLICY)
    assert (first.party, first.level, first.due_at) == ("red", 1, message.sent_at + timedelta(seconds=60))
    assert escalate_due(svc.uow(), svc.clock, POLICY) == []  # idempotent: the step is taken once
    svc.clock.advance(300)  # the runner was away: it catches up, each level recorded
    assert [e.level for e in escalate_due(svc.uow(), svc.clock, POLICY)] == [2, 3]
    svc.clock.advance(3600)
    assert escalate_due(svc.uow(), svc.clock, POLICY) == []  # top level reached
    escalations = entries(svc, "message.escalated")
    assert [e.payload["level"] for e in escalations] == [1, 2, 3]
    assert [e.payload["contacts"] for e in escalations] == [
        ["red duty officer"],
        ["red watch chief"],
        ["red watch chief"],
    ]
    assert escalations[0].payload["late_by_s"] == 0
    assert escalations[-1].payload["next_deadline"] is None
    assert verify_ledger(svc).ok


def test_acknowledgement_stops_escalation_for_that_recipient_only(svc: Any) -> None:
    message = send(svc, to=("red", "green")).message
    svc.clock.advance(30)
    acknowledge(svc.uow(), svc.clock, "green", message.id)
    svc.clock.advance(31)
    assert [(e.party, e.level) for e in escalate_due(svc.uow(), svc.clock, POLICY)] == [("red", 1)]
    acknowledge(svc.uow(), svc.clock, "red", message.id)
    svc.clock.advance(3600)
    assert escalate_due(svc.uow(), svc.clock, POLICY) == []
    [ack_green, ack_red] = entries(svc, "message.acknowledged")
    assert ack_green.payload["in_time"] is True and ack_red.payload["in_time"] is False


def test_the_escalation_timer_survives_a_restart_of_the_service(
    svc: Any, database_url: str, tmp_path: Any
) -> None:
    message = send(svc).message
    svc.close()
    again = bootstrap(Settings(data_dir=tmp_path / "data", database_url=database_url, flash_deadline_s=60))
    try:
        again.clock = FixedClock()
        again.clock.moment = message.sent_at + timedelta(seconds=61)
        [step] = escalate_due(again.uow(), again.clock, hotline_policy(again.settings))
        assert (step.message_id, step.level) == (message.id, 1)
    finally:
        again.close()


def test_concurrent_runners_never_take_the_same_step_twice(svc: Any) -> None:
    for _ in range(20):
        send(svc, to=("red", "green"))
    svc.clock.advance(61)
    taken: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def runner() -> None:
        try:
            barrier.wait()
            taken.extend(escalate_due(svc.uow(), svc.clock, POLICY))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert len(taken) == 40
    assert len({(t.message_id, t.party, t.level) for t in taken}) == 40
    assert len(entries(svc, "message.escalated")) == 40
    assert verify_ledger(svc).ok
