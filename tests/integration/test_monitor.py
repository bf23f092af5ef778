"""The watch during on the real stores: reports in, alerts raised once, FLASH to both, cleared.

Geometry (50 N, 10 E): blue's A flies east and red's B west at 250 m/s, level at
FL350, 0.3 deg of longitude apart (21.4 km): they close at 500 m/s and lose the
5 NM minimum in about 24 s, well inside the 300 s look-ahead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from builders import T0, FixedClock, square, volume
from deconflict.domain.activity import ActivityDomain
from deconflict.domain.alert import AlertKind, AlertState, Severity
from deconflict.domain.errors import NotFound
from deconflict.domain.ledger_verify import KeyRing, export_lines, verify_export
from deconflict.domain.message import HotlinePolicy, Precedence
from deconflict.domain.operation import DeclarationKind
from deconflict.domain.signing import generate_keypair
from deconflict.domain.tactical.report import PositionReport
from deconflict.service.commands import AddParty, SubmitOperation
from deconflict.service.hotline import escalate_due
from deconflict.service.operations import submit_operation
from deconflict.service.parties import add_party
from deconflict.service.tactical import (
    SERVICE_PARTY,
    Monitor,
    MonitorRules,
    acknowledge,
    hold_monitor_lease,
    ingest,
)

NOW = T0 + timedelta(minutes=5)  # inside the builders' windows (T0 .. T0 + 60 min)
FL350_M = 10_668.0


@pytest.fixture
def svc(service: Any) -> Any:
    service.clock = FixedClock()
    for name in ("blue", "red", "green"):
        add_party(service.uow(), service.clock, AddParty(name, generate_keypair()[1]))
    return service


@pytest.fixture
def monitor(svc: Any) -> Monitor:
    return Monitor(MonitorRules(clear_hold=timedelta(seconds=10)), HotlinePolicy(), svc.key.public_b64)


def report(party: str, platform: str, lon: float, track: float, **kw: Any) -> PositionReport:
    fields: dict[str, Any] = {
        "at": NOW,
        "lat_deg": 50.0,
        "lon_deg": lon,
        "alt_m": FL350_M,
        "ground_speed_m_s": 250.0,
        "track_deg": track,
        "vertical_rate_m_s": 0.0,
    }
    fields.update(kw)
    return PositionReport(party, platform, **fields)


def send(svc: Any, party: str, *reports: PositionReport) -> Any:
    """Ingest as the service would when the reports arrive: the clock at their time or later."""
    svc.clock.moment = max([svc.clock.moment, *(r.at for r in reports)])
    return ingest(svc.uow(), svc.clock, party, list(enumerate(reports)))


def cycle(svc: Any, monitor: Monitor, at: Any = NOW) -> Any:
    svc.clock.moment = at
    return monitor.cycle(svc.uow, svc.clock)


def ledger(svc: Any) -> list[Any]:
    with svc.uow(write=False) as uow:
        return list(uow.ledger.entries())


def alerts(svc: Any, **filters: Any) -> list[Any]:
    with svc.uow(write=False) as uow:
        return uow.alerts.list(**filters)


def test_a_predicted_loss_of_separation_is_raised_once_with_a_flash_to_both(
    svc: Any, monitor: Monitor
) -> None:
    send(svc, "blue", report("blue", "A", 10.0, 90.0))
    send(svc, "red", report("red", "B", 10.3, 270.0))
    first = cycle(svc, monitor)
    assert first.platforms == 2 and len(first.raised) == 1
    alert = first.raised[0]
    assert alert.finding.kind is AlertKind.SEPARATION and alert.finding.severity is Severity.PREDICTED
    assert alert.parties == ("blue", "red") and alert.state is AlertState.NEW
    assert alert.finding.subjects["platforms"] == ["blue/A", "red/B"]
    assert 20 < alert.finding.detail["t_in_s"] < 30
    types = [e.type for e in first.entries]
    assert types == ["party.added", "message.sent", "alert.raised"]
    with svc.uow(write=False) as uow:
        message = uow.messages.get(alert.message_id).message
    assert message.sender == SERVICE_PARTY and message.recipients == ("blue", "red")
    assert message.precedence is Precedence.FLASH and "predicted loss of separation" in message.text
    # The same situation a second later: no new alert, nothing written.
    second = cycle(svc, monitor, NOW + timedelta(seconds=1))
    assert not second.raised and not second.entries
    assert len(alerts(svc)) == 1
    # Green is not concerned; red acknowledges.
    with pytest.raises(NotFound):
        acknowledge(svc.uow(), svc.clock, "green", alert.id)
    acked, entries = acknowledge(svc.uow(), svc.clock, "red", alert.id)
    assert acked.state is AlertState.ACKNOWLEDGED and [e.type for e in entries] == ["alert.acknowledged"]
    assert alerts(svc, party="green") == [] and len(alerts(svc, party="blue")) == 1


def test_it_turns_current_then_clears_after_the_hold_and_the_ledger_verifies(
    svc: Any, monitor: Monitor
) -> None:
    send(svc, "blue", report("blue", "A", 10.0, 90.0))
    send(svc, "red", report("red", "B", 10.3, 270.0))
    raised = cycle(svc, monitor).raised[0]
    # 30 s later they are 6 km apart, closing: a current loss, the same alert escalated.
    later = NOW + timedelta(seconds=30)
    send(svc, "blue", report("blue", "A", 10.1, 90.0, at=later))
    send(svc, "red", report("red", "B", 10.18, 270.0, at=later))
    escalated = cycle(svc, monitor, later)
    assert [a.id for a in escalated.escalated] == [raised.id]
    assert escalated.escalated[0].finding.severity is Severity.CURRENT
    # B climbs 3,000 m away: no finding; the alert stays for the hold, then clears.
    apart = later + timedelta(seconds=2)
    send(svc, "red", report("red", "B", 10.18, 270.0, at=apart, alt_m=FL350_M + 3000))
    assert not cycle(svc, monitor, apart).cleared
    done = cycle(svc, monitor, apart + timedelta(seconds=11))
    assert [a.id for a in done.cleared] == [raised.id]
    assert [e.type for e in done.entries] == ["alert.cleared", "message.stood_down"]
    assert alerts(svc, open_only=True) == []
    entries = ledger(svc)
    data = b"".join(export_lines(entries, svc.clock.now(), svc.key.private_b64))
    assert verify_export(data, KeyRing((svc.key.public_b64,))).ok


def test_silent_aircraft_coast_for_seconds_only_and_their_alert_clears(svc: Any, monitor: Monitor) -> None:
    send(svc, "blue", report("blue", "A", 10.0, 90.0))
    send(svc, "red", report("red", "B", 10.3, 270.0))
    assert cycle(svc, monitor).raised
    # An aircraft is heard twice a second: 10 s without a report and it is no longer projected
    # (a landed aircraft used to fly on through the runway for a minute).
    still = cycle(svc, monitor, NOW + timedelta(seconds=10))
    assert still.platforms == 2 and not still.cleared
    lost = cycle(svc, monitor, NOW + timedelta(seconds=11))
    assert lost.platforms == 0 and not lost.cleared  # gone, but only for 1 s of the 10 s hold
    assert cycle(svc, monitor, NOW + timedelta(seconds=21)).cleared


def test_a_vessel_coasts_for_minutes(svc: Any, monitor: Monitor) -> None:
    ship = {"alt_m": 40.0, "ground_speed_m_s": 5.0, "platform_class": "vessel", "on_ground": True}
    send(svc, "blue", report("blue", "S1", 10.0, 90.0, **ship))
    assert cycle(svc, monitor, NOW + timedelta(seconds=300)).platforms == 1
    assert cycle(svc, monitor, NOW + timedelta(seconds=361)).platforms == 0


def test_a_landed_aircraft_under_an_airborne_one_is_no_loss(svc: Any, monitor: Monitor) -> None:
    send(svc, "blue", report("blue", "A", 10.0, 90.0, alt_m=150.0, ground_speed_m_s=20.0, on_ground=True))
    send(svc, "red", report("red", "B", 10.0, 90.0, alt_m=300.0, ground_speed_m_s=70.0))
    outcome = cycle(svc, monitor)
    assert outcome.platforms == 2 and outcome.findings == 0


def test_a_report_from_the_future_is_refused_and_never_shadows_good_ones(svc: Any, monitor: Monitor) -> None:
    svc.clock.moment = NOW
    ahead = report("blue", "A", 10.0, 90.0, at=NOW + timedelta(days=365))
    outcome = ingest(svc.uow(), svc.clock, "blue", [(0, ahead)])
    assert outcome.accepted == 0
    [refused] = outcome.rejected
    assert refused.field == "t" and refused.reason == "future"
    assert "31536000.0 s ahead of the service clock" in refused.error
    assert (
        ingest(
            svc.uow(),
            svc.clock,
            "blue",
            [(0, report("blue", "A", 10.0, 90.0, at=NOW + timedelta(seconds=4)))],
        ).accepted
        == 1
    )
    # One stored before reports from the future were refused: the next good one replaces it.
    with svc.uow() as uow:
        uow.tracks.upsert([report("blue", "B", 10.0, 90.0, at=NOW + timedelta(days=365))], NOW)
        uow.commit()
    good = report("blue", "B", 10.2, 90.0, at=NOW + timedelta(seconds=1))
    assert send(svc, "blue", good).accepted == 1
    with svc.uow(write=False) as uow:
        held = {r.platform: r for r in uow.tracks.since(NOW - timedelta(minutes=1))}
    assert held["B"] == good
    assert cycle(svc, monitor, NOW + timedelta(seconds=2)).platforms == 2


def test_glitches_are_refused_with_a_reason(svc: Any) -> None:
    def level(fl: float, at: Any, **kw: Any) -> PositionReport:
        pressure = fl * 100 * 0.3048
        return report("blue", "A", 10.0, 90.0, at=at, alt_m=pressure + 47.0, pressure_alt_m=pressure, **kw)

    t = [NOW + timedelta(seconds=s) for s in range(6)]
    batch = [
        level(35, t[0]),
        level(1082, t[1]),  # FL1082: above any aircraft
        level(99999, t[2]),
        level(-2.5, t[3]),  # 3,750 ft down in 3 s
        level(36, t[4], lon_deg=11.0),  # 38 NM east in 4 s
        level(36, t[5]),
    ]
    outcome = send(svc, "blue", *batch)
    assert outcome.accepted == 2
    assert [(r.index, r.field, r.reason) for r in outcome.rejected] == [
        (1, "alt", "implausible"),
        (2, "alt", "implausible"),
        (3, "alt", "jump"),
        (4, "lat", "jump"),
    ]
    assert "FL1082" in outcome.rejected[0].error
    assert "3,750 ft in 3.0 s" in outcome.rejected[2].error


def test_a_breach_of_another_partys_zone_and_a_non_conformance(svc: Any, monitor: Monitor) -> None:
    zone = volume(square(10.0, 50.0), 0.0, 1000.0)
    submit_operation(
        svc.uow(),
        svc.clock,
        svc.rules,
        SubmitOperation("red", ActivityDomain.AIR, (zone,), kind=DeclarationKind.ZONE),
    )
    own = volume(square(12.0, 50.0), 0.0, 1000.0)
    op = submit_operation(
        svc.uow(), svc.clock, svc.rules, SubmitOperation("blue", ActivityDomain.AIR, (own,))
    )
    op_id = op.stored.operation.id
    drone = {"ground_speed_m_s": 10.0, "alt_m": 300.0, "platform_class": "drone"}
    inside_zone = report("blue", "D1", 10.05, 0.0, lat_deg=50.05, **drone)
    off_course = report("blue", "D2", 13.0, 0.0, lat_deg=50.05, operation_id=op_id, **drone)
    on_course = report("blue", "D3", 12.05, 0.0, lat_deg=50.05, operation_id=op_id, **drone)
    assert send(svc, "blue", inside_zone, off_course, on_course).accepted == 3
    found = {a.finding.kind: a for a in cycle(svc, monitor).raised}
    assert set(found) == {AlertKind.ZONE_BREACH, AlertKind.NON_CONFORMANCE}
    breach = found[AlertKind.ZONE_BREACH]
    assert breach.parties == ("blue", "red") and breach.finding.severity is Severity.CURRENT
    assert breach.finding.subjects["zone"]["party"] == "red" and breach.message_id is not None
    off = found[AlertKind.NON_CONFORMANCE]
    assert off.finding.subjects["platforms"] == ["blue/D2"] and off.message_id is None
    assert off.parties == ("blue", "green", "red")  # every party planned against the volume


def test_a_report_linked_to_another_partys_operation_is_rejected_alone(svc: Any) -> None:
    op = submit_operation(
        svc.uow(), svc.clock, svc.rules, SubmitOperation("red", ActivityDomain.AIR, (volume(),))
    )
    red_op = op.stored.operation.id
    outcome = send(
        svc,
        "blue",
        report("blue", "A", 10.0, 90.0),
        report("blue", "B", 10.0, 90.0, operation_id=red_op),
        report("blue", "C", 10.0, 90.0, operation_id="nope"),
    )
    assert outcome.accepted == 1
    assert [(r.index, r.field) for r in outcome.rejected] == [(1, "operation_id"), (2, "operation_id")]


def test_an_older_report_arriving_late_does_not_replace_a_newer_one(svc: Any) -> None:
    send(svc, "blue", report("blue", "A", 10.5, 90.0))
    send(svc, "blue", report("blue", "A", 10.0, 90.0, at=NOW - timedelta(seconds=5)))
    with svc.uow(write=False) as uow:
        (held,) = uow.tracks.since(NOW - timedelta(minutes=1))
    assert held.lon_deg == 10.5 and held.at == NOW


def test_one_holder_runs_the_monitor_until_its_lease_runs_out(svc: Any) -> None:
    ttl = timedelta(seconds=3)
    svc.clock.moment = NOW
    assert hold_monitor_lease(svc.uow(), svc.clock, "a", ttl)
    assert not hold_monitor_lease(svc.uow(), svc.clock, "b", ttl)
    svc.clock.moment = NOW + timedelta(seconds=2)
    assert hold_monitor_lease(svc.uow(), svc.clock, "a", ttl)  # renewed until +5 s
    svc.clock.moment = NOW + timedelta(seconds=4)
    assert not hold_monitor_lease(svc.uow(), svc.clock, "b", ttl)
    svc.clock.moment = NOW + timedelta(seconds=6)  # a stopped renewing: b takes over
    assert hold_monitor_lease(svc.uow(), svc.clock, "b", ttl)
    assert not hold_monitor_lease(svc.uow(), svc.clock, "a", ttl)


def test_a_cleared_alert_stands_its_flash_down_and_a_re_raised_one_reuses_it(
    svc: Any, monitor: Monitor
) -> None:
    policy = HotlinePolicy()
    send(svc, "blue", report("blue", "A", 10.0, 90.0))
    send(svc, "red", report("red", "B", 10.3, 270.0))
    raised = cycle(svc, monitor).raised[0]
    # B climbs away: the alert clears after the hold, and its FLASH is stood down.
    apart = NOW + timedelta(seconds=1)
    send(svc, "red", report("red", "B", 10.3, 270.0, at=apart, alt_m=FL350_M + 3000))
    cycle(svc, monitor, apart)
    done = cycle(svc, monitor, apart + timedelta(seconds=11))
    assert [a.id for a in done.cleared] == [raised.id]
    assert [e.type for e in done.entries] == ["alert.cleared", "message.stood_down"]
    stood = done.entries[1].payload
    assert stood["message_id"] == raised.message_id and stood["alert_id"] == raised.id
    assert "stand down" in stood["note"]
    # Nobody acknowledged, and an hour passes: the stood-down FLASH escalates no more.
    svc.clock.moment = NOW + timedelta(hours=1)
    assert escalate_due(svc.uow(), svc.clock, policy) == []
    # B descends back into conflict within the reuse hold: the same FLASH, no new message.
    back = apart + timedelta(seconds=60)
    svc.clock.moment = back
    send(svc, "red", report("red", "B", 10.3, 270.0, at=back))
    send(svc, "blue", report("blue", "A", 10.0, 90.0, at=back))
    again = cycle(svc, monitor, back)
    [second] = again.raised
    assert second.id != raised.id and second.message_id == raised.message_id
    assert [e.type for e in again.entries if e.type != "checkpoint"] == ["message.resumed", "alert.raised"]
    # It escalates again, on its original schedule: each level once per recipient in all.
    svc.clock.moment = back + timedelta(seconds=1)
    steps = escalate_due(svc.uow(), svc.clock, policy)
    assert {(s.party, s.level) for s in steps} == {(p, 1) for p in ("blue", "red")}


def test_hysteresis_a_distant_prediction_waits_and_a_cleared_pair_is_not_raised_again_a_second_later(
    svc: Any,
) -> None:
    rules = MonitorRules(
        clear_hold=timedelta(seconds=30),
        confirm=timedelta(seconds=10),
        raise_within_s=60.0,
        rearm=timedelta(seconds=120),
    )
    monitor = Monitor(rules, HotlinePolicy(), svc.key.public_b64)
    # 1.5 deg apart (107 km) head-on: a loss predicted in about 190 s, not close in time.
    send(svc, "blue", report("blue", "A", 10.0, 90.0))
    send(svc, "red", report("red", "B", 11.5, 270.0))
    assert not cycle(svc, monitor).raised
    assert not cycle(svc, monitor, NOW + timedelta(seconds=5)).raised
    [raised] = cycle(svc, monitor, NOW + timedelta(seconds=10)).raised
    # B climbs away; the alert clears 30 s after it was last seen (at +10 s).
    away = NOW + timedelta(seconds=11)
    send(svc, "red", report("red", "B", 11.5, 270.0, at=away, alt_m=FL350_M + 3000))
    assert not cycle(svc, monitor, away).cleared
    assert not cycle(svc, monitor, NOW + timedelta(seconds=39)).cleared
    gone = NOW + timedelta(seconds=40)
    assert [a.id for a in cycle(svc, monitor, gone).cleared] == [raised.id]
    # Back on the level a second after the clear, predicted again: not raised within the rearm hold...
    back = gone + timedelta(seconds=1)
    send(svc, "red", report("red", "B", 11.2, 270.0, at=back))
    send(svc, "blue", report("blue", "A", 10.3, 90.0, at=back))
    for second in (0, 15, 30):
        assert not cycle(svc, monitor, back + timedelta(seconds=second)).raised
    # ...but a current loss is more severe, and is raised (reported past the jump check's window,
    # so the reports are not taken for glitches).
    close = back + timedelta(seconds=61)
    send(svc, "blue", report("blue", "A", 10.70, 90.0, at=close))
    send(svc, "red", report("red", "B", 10.74, 270.0, at=close))
    [again] = cycle(svc, monitor, close).raised
    assert again.finding.severity is Severity.CURRENT and again.id != raised.id
