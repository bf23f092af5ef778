"""Alerts: one per persisting situation, escalation when it turns current, clearing after the hold."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builders import T0
from deconflict.domain.alert import (
    Alert,
    AlertKind,
    AlertState,
    Cleared,
    Finding,
    Hysteresis,
    OpenAlert,
    Severity,
    acknowledge_alert,
    reconcile,
)
from deconflict.domain.errors import InvalidTransition, PermissionDenied

HOLD = timedelta(seconds=10)


def finding(key: str = "separation:blue/A|red/B", severity: Severity = Severity.PREDICTED) -> Finding:
    return Finding(AlertKind.SEPARATION, key, ("blue", "red"), severity, "close")


def full(f: Finding, at_s: float = 0.0) -> Alert:
    at = T0 + timedelta(seconds=at_s)
    return Alert("a1", f, AlertState.NEW, at, at)


def alert(f: Finding, at_s: float = 0.0) -> OpenAlert:
    return full(f, at_s).brief


def test_a_new_finding_is_raised_and_a_persisting_one_is_not_raised_again() -> None:
    f = finding()
    first = reconcile([], [f], {}, T0, HOLD)
    assert first.raised == (f,) and not first.escalated and not first.cleared
    again = reconcile([alert(f)], [f], {f.key: T0}, T0 + timedelta(seconds=1), HOLD)
    assert not again


def test_predicted_turning_current_escalates_the_same_alert() -> None:
    open_alert = alert(finding())
    now_current = finding(severity=Severity.CURRENT)
    changes = reconcile([open_alert], [now_current], {}, T0 + timedelta(seconds=5), HOLD)
    assert changes.escalated == ((open_alert, now_current),)
    assert not changes.raised
    # Current turning back to predicted changes nothing: the alert keeps its highest severity.
    current_alert = alert(now_current)
    assert not reconcile([current_alert], [finding()], {}, T0, HOLD)


def test_an_absent_finding_clears_only_after_the_hold() -> None:
    f = finding()
    open_alert = alert(f)
    seen = {f.key: T0 + timedelta(seconds=3)}
    assert not reconcile([open_alert], [], seen, T0 + timedelta(seconds=12), HOLD)
    assert reconcile([open_alert], [], seen, T0 + timedelta(seconds=13), HOLD).cleared == (open_alert,)


def test_with_no_memory_a_restarted_monitor_waits_the_hold_from_the_last_update() -> None:
    open_alert = alert(finding(), at_s=100)
    assert not reconcile([open_alert], [], {}, T0 + timedelta(seconds=105), HOLD)
    assert reconcile([open_alert], [], {}, T0 + timedelta(seconds=110), HOLD).cleared


def test_each_concerned_party_acknowledges_once_and_outsiders_cannot() -> None:
    a = full(finding())
    once = acknowledge_alert(a, "red", T0)
    assert once.state is AlertState.ACKNOWLEDGED and once.acknowledged_by == ("red",)
    assert acknowledge_alert(once, "red", T0) is once
    both = acknowledge_alert(once, "blue", T0)
    assert both.acknowledged_by == ("blue", "red")
    with pytest.raises(PermissionDenied):
        acknowledge_alert(a, "green", T0)
    cleared = Alert("a2", finding(), AlertState.CLEARED, T0, T0, cleared_at=T0)
    with pytest.raises(InvalidTransition):
        acknowledge_alert(cleared, "blue", T0)


RULES = Hysteresis(
    clear_hold=timedelta(seconds=30),
    confirm=timedelta(seconds=10),
    raise_within_s=60.0,
    rearm=timedelta(seconds=120),
)


def predicted(t_in_s: float) -> Finding:
    return Finding(
        AlertKind.SEPARATION,
        "separation:blue/A|red/B",
        ("blue", "red"),
        Severity.PREDICTED,
        "close",
        detail={"t_in_s": t_in_s},
    )


def test_a_distant_prediction_is_raised_only_once_it_has_persisted() -> None:
    f = predicted(240.0)
    assert not reconcile([], [f], {}, T0, RULES, seen_since={f.key: T0})
    later = T0 + timedelta(seconds=9)
    assert not reconcile([], [f], {}, later, RULES, seen_since={f.key: T0})
    assert reconcile([], [f], {}, T0 + timedelta(seconds=10), RULES, seen_since={f.key: T0}).raised == (f,)


def test_a_close_prediction_or_a_current_loss_is_raised_at_once() -> None:
    assert reconcile([], [predicted(45.0)], {}, T0, RULES).raised
    now = finding(severity=Severity.CURRENT)
    assert reconcile([], [now], {}, T0, RULES).raised == (now,)


def test_a_cleared_situation_is_not_raised_again_within_the_rearm_hold_unless_more_severe() -> None:
    f = predicted(30.0)
    gone = {f.key: Cleared(T0, Severity.PREDICTED)}
    one_second_later = T0 + timedelta(seconds=1)
    assert not reconcile([], [f], {}, one_second_later, RULES, cleared=gone)
    worse = finding(severity=Severity.CURRENT)
    assert reconcile([], [worse], {}, one_second_later, RULES, cleared=gone).raised == (worse,)
    assert not reconcile(
        [], [worse], {}, one_second_later, RULES, cleared={f.key: Cleared(T0, Severity.CURRENT)}
    )
    assert reconcile([], [f], {}, T0 + timedelta(seconds=120), RULES, cleared=gone).raised == (f,)


def test_the_longer_hold_clears_later() -> None:
    open_alert = alert(finding())
    seen = {open_alert.key: T0}
    assert not reconcile([open_alert], [], seen, T0 + timedelta(seconds=29), RULES)
    assert reconcile([open_alert], [], seen, T0 + timedelta(seconds=30), RULES).cleared == (open_alert,)
