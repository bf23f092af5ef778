"""The hotline's rules: precedence deadlines, the receipt lifecycle, escalation, lead time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builders import T0, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.errors import InvalidInput, InvalidTransition
from deconflict.domain.message import (
    HotlinePolicy,
    Message,
    MessageArea,
    MessageType,
    Precedence,
    Receipt,
    RecipientState,
    Reference,
    ReferenceKind,
    RosterLevel,
    escalation_due,
    escalation_due_at,
    lead_time,
    levels_due,
    next_deadline_after,
    roster_contacts,
    steps_to,
)

S = RecipientState


def message(**kw: object) -> Message:
    fields: dict[str, object] = {
        "id": "m1",
        "sender": "blue",
        "recipients": ("red",),
        "precedence": Precedence.FLASH,
        "type": MessageType.ALERT,
        "text": "strike package crossing at 1000",
        "sent_at": T0,
        "deadline": timedelta(seconds=60),
    }
    fields.update(kw)
    return Message(**fields)  # type: ignore[arg-type]


def test_default_deadlines_follow_precedence() -> None:
    assert Precedence.FLASH.default_deadline == timedelta(seconds=60)
    assert Precedence.IMMEDIATE.default_deadline == timedelta(minutes=5)
    assert Precedence.PRIORITY.default_deadline == timedelta(minutes=30)
    assert Precedence.ROUTINE.default_deadline == timedelta(hours=6)
    assert HotlinePolicy().deadline(Precedence.FLASH) == timedelta(seconds=60)
    assert (
        HotlinePolicy({Precedence.FLASH: timedelta(seconds=2)}).deadline(Precedence.FLASH).total_seconds()
        == 2
    )


def test_policy_refuses_non_positive_deadlines_and_levels() -> None:
    with pytest.raises(InvalidInput):
        HotlinePolicy({Precedence.ROUTINE: timedelta(0)})
    with pytest.raises(InvalidInput):
        HotlinePolicy(top_level=0)


@pytest.mark.parametrize(
    ("current", "target", "steps"),
    [
        (S.SENT, S.DELIVERED, (S.DELIVERED,)),
        (S.SENT, S.ACKNOWLEDGED, (S.DELIVERED, S.READ, S.ACKNOWLEDGED)),
        (S.DELIVERED, S.READ, (S.READ,)),
        (S.READ, S.DELIVERED, ()),
        (S.ACKNOWLEDGED, S.ACKNOWLEDGED, ()),
    ],
)
def test_receipts_only_move_forward_and_name_the_steps_passed(
    current: RecipientState, target: RecipientState, steps: tuple[RecipientState, ...]
) -> None:
    assert steps_to(current, target) == steps


def test_nothing_moves_a_recipient_back_to_sent() -> None:
    with pytest.raises(InvalidTransition):
        steps_to(S.READ, S.SENT)


def test_acknowledging_stamps_every_step_and_stops_the_timer() -> None:
    receipt = Receipt("red", next_deadline=T0 + timedelta(seconds=60))
    later = T0 + timedelta(seconds=5)
    acked, steps = receipt.advance(S.ACKNOWLEDGED, later, "Maj. Petrov")
    assert steps == (S.DELIVERED, S.READ, S.ACKNOWLEDGED)
    assert acked.delivered_at == acked.read_at == acked.acknowledged_at == later
    assert acked.acknowledged_by == "Maj. Petrov"
    assert acked.next_deadline is None


def test_escalation_schedule_is_fixed_by_the_sending_time() -> None:
    deadline = timedelta(seconds=60)
    assert escalation_due_at(T0, deadline, 0) == T0 + timedelta(seconds=60)
    assert escalation_due_at(T0, deadline, 1) == T0 + timedelta(seconds=120)
    assert not escalation_due(T0, deadline, 0, T0 + timedelta(seconds=59.999))
    assert escalation_due(T0, deadline, 0, T0 + timedelta(seconds=60))
    assert not escalation_due(T0, deadline, 3, T0 + timedelta(hours=1), top_level=3)


def test_a_late_runner_catches_up_level_by_level_up_to_the_top() -> None:
    deadline = timedelta(seconds=60)
    assert levels_due(T0, deadline, 0, T0 + timedelta(seconds=30), 3) == ()
    assert levels_due(T0, deadline, 0, T0 + timedelta(seconds=61), 3) == (1,)
    assert levels_due(T0, deadline, 0, T0 + timedelta(seconds=150), 3) == (1, 2)
    assert levels_due(T0, deadline, 1, T0 + timedelta(hours=5), 3) == (2, 3)
    assert next_deadline_after(T0, deadline, 2, 3) == T0 + timedelta(seconds=180)
    assert next_deadline_after(T0, deadline, 3, 3) is None


def test_the_roster_rung_of_a_level_falls_back_to_the_highest_below() -> None:
    roster = (RosterLevel(1, ("duty officer",)), RosterLevel(2, ("watch chief", "deputy")))
    assert roster_contacts(roster, 1) == roster[0]
    assert roster_contacts(roster, 3) == roster[1]
    assert roster_contacts((), 1) is None


def test_lead_time_is_operation_start_minus_sending_time() -> None:
    assert lead_time(T0 + timedelta(minutes=7), T0) == timedelta(minutes=7)
    assert lead_time(T0, T0 + timedelta(minutes=2)) == timedelta(minutes=-2)


def test_references_parse_kind_and_id() -> None:
    assert Reference.parse("op:abc") == Reference(ReferenceKind.OPERATION, "abc")
    assert str(Reference.parse("msg: m-1")) == "message:m-1"
    for bad in ("abc", "track:1", "op:"):
        with pytest.raises(InvalidInput):
            Reference.parse(bad)


def test_an_area_gives_the_window_when_none_is_stated() -> None:
    vol = volume(start_min=10, end_min=40)
    m = message(area=MessageArea(ActivityDomain.AIR, (vol,)))
    assert m.window == vol.window
    assert m.first_deadline == T0 + timedelta(seconds=60)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipients": ()}, "to"),
        ({"recipients": ("red", "red")}, "to"),
        ({"recipients": ("blue",)}, "to"),
        ({"text": "  "}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"officer": "o" * 201}, "officer"),
    ],
)
def test_a_message_refuses_bad_fields_naming_them(change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        message(**change)
    assert error.value.field == field
