"""The access policy pinned to the README's need-to-know rules (the matrix test asks the API the same)."""

from __future__ import annotations

import pytest

from deconflict.domain.access import (
    Access,
    Relation,
    Role,
    Thing,
    Verdict,
    Viewer,
    may_see_event,
    party_filter,
    relation,
    require_writer,
    takes_messages,
    verdict,
)
from deconflict.domain.errors import InvalidInput, PermissionDenied

P, OBS, A = Role.PARTY, Role.OBSERVER, Role.ADMIN
OWNER, CONCERNED, THIRD = Relation.OWNER, Relation.CONCERNED, Relation.THIRD


def test_operations_are_seen_by_all_their_details_by_the_owner_and_the_administrator() -> None:
    for role in Role:
        assert verdict(role, THIRD, Thing.OPERATION, Access.SEE) is Verdict.ALLOW
    assert verdict(P, OWNER, Thing.DETAILS, Access.SEE) is Verdict.ALLOW
    assert verdict(A, THIRD, Thing.DETAILS, Access.SEE) is Verdict.ALLOW
    assert verdict(OBS, THIRD, Thing.DETAILS, Access.SEE) is Verdict.HIDE
    assert verdict(P, THIRD, Thing.DETAILS, Access.SEE) is Verdict.HIDE
    # Only the owner changes an operation; the others see it, so they are refused, not misled.
    assert verdict(P, OWNER, Thing.OPERATION, Access.ACT) is Verdict.ALLOW
    for role in (P, OBS, A):
        assert verdict(role, THIRD, Thing.OPERATION, Access.ACT) is Verdict.FORBID


@pytest.mark.parametrize("thing", [Thing.CONFLICT, Thing.ALERT])
def test_conflicts_and_alerts_go_to_their_parties_and_oversight(thing: Thing) -> None:
    assert verdict(P, CONCERNED, thing, Access.ACT) is Verdict.ALLOW
    assert verdict(P, THIRD, thing, Access.SEE) is Verdict.HIDE
    assert verdict(P, THIRD, thing, Access.ACT) is Verdict.HIDE  # acting on it: as if missing
    for role in (OBS, A):
        assert verdict(role, THIRD, thing, Access.SEE) is Verdict.ALLOW
        assert verdict(role, THIRD, thing, Access.ACT) is Verdict.FORBID


def test_hotline_traffic_is_between_its_parties_only() -> None:
    assert verdict(P, OWNER, Thing.MESSAGE, Access.SEE) is Verdict.ALLOW
    assert verdict(P, CONCERNED, Thing.MESSAGE, Access.ACT) is Verdict.ALLOW
    assert verdict(P, OWNER, Thing.MESSAGE, Access.ACT) is Verdict.FORBID  # the sender reports no receipt
    for role in (P, OBS, A):
        assert verdict(role, THIRD, Thing.MESSAGE, Access.SEE) is Verdict.HIDE
    assert [r for r in Role if takes_messages(r)] == [P, A]


def test_observers_write_nothing() -> None:
    with pytest.raises(PermissionDenied, match="observers may read"):
        require_writer(Viewer("watcher", OBS))
    require_writer(Viewer("blue"))
    require_writer(Viewer("root", A))
    assert party_filter(Viewer("watcher", OBS), Thing.CONFLICT) is None
    assert party_filter(Viewer("blue"), Thing.CONFLICT) == "blue"
    assert party_filter(Viewer("root", A), Thing.MESSAGE) == "root"


def test_events_follow_the_same_rules() -> None:
    blue, green, watcher = Viewer("blue"), Viewer("green"), Viewer("watcher", OBS)
    conflict = {"a": {"party": "blue"}, "b": {"party": "red"}}
    assert may_see_event(blue, "conflict.found", conflict) and may_see_event(
        watcher, "conflict.found", conflict
    )
    assert not may_see_event(green, "conflict.found", conflict)
    sent = {"sender": "blue", "recipients": ["red"]}
    assert may_see_event(blue, "message.sent", sent) and not may_see_event(watcher, "message.sent", sent)
    assert may_see_event(green, "notice.late", {"party": "red", "concerns": ["green"]})
    assert not may_see_event(blue, "party.token_issued", {"party_id": "red"})
    for public in ("operation.submitted", "party.added", "checkpoint", "emission.suspended"):
        assert may_see_event(green, public, {})


def test_relation_and_roles() -> None:
    assert relation("blue", "blue", ["red"]) is OWNER
    assert relation("red", "blue", ["red"]) is CONCERNED
    assert relation("green", "blue", ["red"]) is THIRD
    assert Role.parse("observer") is OBS
    with pytest.raises(InvalidInput):
        Role.parse("service")  # the service's own role is not given to a party
