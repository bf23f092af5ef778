"""Leases and the suspended state: when a lease runs out, and what suspension allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deconflict.domain.activity import ActivityDomain
from deconflict.domain.errors import InvalidTransition
from deconflict.domain.lease import holds_lease, lapsed, lease_expiry
from deconflict.domain.operation import DeclarationKind, OperationAction, OperationState, next_state

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def test_only_emissions_hold_a_lease() -> None:
    assert holds_lease(ActivityDomain.SPECTRUM, DeclarationKind.OPERATION)
    assert not holds_lease(ActivityDomain.SPECTRUM, DeclarationKind.ZONE)
    for domain in (ActivityDomain.AIR, ActivityDomain.SEA, ActivityDomain.GROUND):
        assert not holds_lease(domain, DeclarationKind.OPERATION)


def test_the_lease_runs_from_the_later_of_now_and_the_start() -> None:
    assert lease_expiry(NOW, NOW - timedelta(hours=1), LEASE) == NOW + LEASE
    assert lease_expiry(NOW, NOW + timedelta(hours=2), LEASE) == NOW + timedelta(hours=2) + LEASE


def test_a_lease_lapses_only_when_run_out_inside_the_window() -> None:
    expires, end = NOW + LEASE, NOW + timedelta(hours=1)
    assert not lapsed(expires, NOW, end)
    assert lapsed(expires, expires, end)  # at the expiry instant it has run out
    assert lapsed(expires, expires + timedelta(seconds=1), end)
    # A lease that covers the rest of the window never lapses: the emission just ends.
    assert not lapsed(end, end + timedelta(hours=1), end)


def test_suspension_is_not_live_and_final_but_for_cancel() -> None:
    for state in (OperationState.PROPOSED, OperationState.ACCEPTED, OperationState.ACTIVATED):
        assert next_state(state, OperationAction.SUSPEND) is OperationState.SUSPENDED
    assert not OperationState.SUSPENDED.live
    assert next_state(OperationState.SUSPENDED, OperationAction.CANCEL) is OperationState.CANCELLED
    for action in (
        OperationAction.ACCEPT,
        OperationAction.ACTIVATE,
        OperationAction.END,
        OperationAction.SUSPEND,
    ):
        with pytest.raises(InvalidTransition):
            next_state(OperationState.SUSPENDED, action)
    for state in (OperationState.ENDED, OperationState.CANCELLED):
        with pytest.raises(InvalidTransition):
            next_state(state, OperationAction.SUSPEND)
