"""Issue 13 item 3: expected arrivals (a weekend prison release, a hospital discharge, a hostel swap)
shown on the desk at the right time and in the handover, linked to the visit on sign-in (or by hand
for a description), or marked as not arrived."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from safespace_desk.domain.arrivals import ArrivalState
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import arrivals, data_rights, guests, handover, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add, at_local, desk_as


def test_an_expected_guest_is_linked_when_they_sign_in(desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 11, 28, 9, 0)  # a Saturday
    kez = add(desk, "Kez")
    expected_id, _ = arrivals.expect_arrival(desk, guest_id=kez, from_whom="HMP Nottingham", via="prison",
                                             expected_at=now + timedelta(hours=5), needs="A bed tonight, methadone script")
    [shown] = arrivals.open_arrivals(desk)
    assert (shown.who, shown.via, shown.due(now), shown.late(now)) == ("Kez", ArrivedVia.PRISON, True, False)
    result = visits.sign_in(desk, kez, ArrivedVia.PRISON)
    assert result.expected == "Expected from HMP Nottingham: A bed tonight, methadone script"
    assert arrivals.open_arrivals(desk) == []
    row = desk.store.raw_connection_sql(f"SELECT visit_id, arrived_at IS NOT NULL FROM expected_arrival "
                                        f"WHERE id = '{expected_id}'")
    assert row == [(result.visit_id, 1)]
    ops = [r[0] for r in desk.store.raw_connection_sql("SELECT op FROM outbox ORDER BY seq")]
    assert ops[-2:] == ["visit.sign_in", "arrival.arrived"]
    assert [(g.name, g.arrived_via) for g in visits.who_is_in(desk)] == [("Kez", ArrivedVia.PRISON)]


def test_an_arrival_expected_under_a_record_since_merged_is_linked(desk: DeskContext) -> None:
    kez = add(desk, "Kez")
    other = add(desk, "Kez B")
    arrivals.expect_arrival(desk, guest_id=other, from_whom="Royal Derby Hospital", via="hospital",
                            expected_at=desk.clock.now())
    guests.merge_guests(desk, keep_id=kez, merge_id=other)
    assert [a.who for a in arrivals.open_arrivals(desk)] == ["Kez"]
    assert visits.sign_in(desk, kez, "hospital").expected is not None


def test_a_description_is_linked_by_hand_or_marked_not_arrived(desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 11, 28, 9, 0)
    later = now + timedelta(days=2)
    first, _ = arrivals.expect_arrival(desk, description="Man in his 40s, Scottish accent", from_whom="Probation",
                                       via="prison", expected_at=now + timedelta(hours=1))
    second, _ = arrivals.expect_arrival(desk, description="Woman from the hostel swap", from_whom="Centenary House",
                                        via="hostel", expected_at=later)
    due = [a.id for a in arrivals.open_arrivals(desk) if a.due(now)]
    assert due == [first]  # the one two days away is not on the desk yet
    visit = visits.sign_in(desk, add(desk, "Jock"), "prison")
    arrivals.link_arrival(desk, first, visit.visit_id)
    with pytest.raises(RuleViolation, match="already closed"):
        arrivals.mark_not_arrived(desk, first)
    clock.set(later + timedelta(hours=3))
    [late] = arrivals.open_arrivals(desk)
    assert late.late(clock.now())
    arrivals.mark_not_arrived(desk, second)
    assert arrivals.open_arrivals(desk) == []
    states = desk.store.raw_connection_sql("SELECT count(*) FROM expected_arrival WHERE not_arrived_at IS NOT NULL")
    assert states == [(1,)] and ArrivalState.NOT_ARRIVED.label == "Did not arrive"


def test_a_named_arrival_is_never_linked_to_someone_else(desk: DeskContext) -> None:
    expected, _ = arrivals.expect_arrival(desk, guest_id=add(desk, "Kez"), from_whom="Probation", via="prison",
                                          expected_at=desk.clock.now())
    visit = visits.sign_in(desk, add(desk, "Robbie"), "self")
    with pytest.raises(RuleViolation, match="someone else"):
        arrivals.link_arrival(desk, expected, visit.visit_id)


def test_bad_input_names_the_field(desk: DeskContext) -> None:
    now = desk.clock.now()
    cases = [({"from_whom": " ", "via": "prison", "expected_at": now, "description": "x"}, "from_whom"),
             ({"from_whom": "HMP", "via": "boat", "expected_at": now, "description": "x"}, "via"),
             ({"from_whom": "HMP", "via": "prison", "expected_at": now}, "description"),
             ({"from_whom": "HMP", "via": "prison", "expected_at": now - timedelta(days=3), "description": "x"},
              "expected_at"),
             ({"from_whom": "HMP", "via": "prison", "expected_at": now.replace(tzinfo=None), "description": "x"},
              "expected_at")]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as err:
            arrivals.expect_arrival(desk, **kwargs)  # type: ignore[arg-type]
        assert err.value.field == field
    assert desk.store.raw_connection_sql("SELECT count(*) FROM expected_arrival") == [(0,)]


def test_the_handover_lists_who_is_expected_before_the_next_shift_ends(desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 11, 27, 19, 0)  # Friday evening, day shift
    arrivals.expect_arrival(desk, description="Weekend release", from_whom="HMP Nottingham", via="prison",
                            expected_at=now + timedelta(hours=10), needs="Bed")
    arrivals.expect_arrival(desk, description="Next week's discharge", from_whom="Hospital", via="hospital",
                            expected_at=now + timedelta(days=5))
    snap = handover.build_snapshot(desk)
    assert [(e.who, e.via, e.needs) for e in snap.expected] == [("Weekend release", "Prison", "Bed")]
    assert handover.HandoverSnapshot.from_json(snap.to_json()).expected == snap.expected


def test_roles_and_audit(desk: DeskContext, data_dir, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    medic = desk_as(desk, data_dir, clock, "Pat Medic", "paramedic")
    try:
        with pytest.raises(PermissionDenied):
            arrivals.expect_arrival(medic, description="x", from_whom="y", via="prison", expected_at=clock.now())
        with pytest.raises(PermissionDenied):
            arrivals.open_arrivals(medic)
    finally:
        medic.close()
    arrivals.expect_arrival(desk, description="Someone", from_whom="Probation", via="prison", expected_at=clock.now())
    actions = [r[0] for r in desk.store.raw_connection_sql("SELECT action FROM audit_log ORDER BY seq")]
    assert "arrival_expected" in actions
    args = json.loads(desk.store.raw_connection_sql("SELECT args FROM outbox WHERE op = 'arrival.expect'")[0][0])
    assert args["via"] == "prison"


def test_erasure_takes_the_words_and_keeps_that_it_happened(desk: DeskContext) -> None:
    kez = add(desk, "Kez")
    arrivals.expect_arrival(desk, guest_id=kez, from_whom="HMP Nottingham", via="prison",
                            expected_at=desk.clock.now(), needs="Kez needs a bed")
    arrivals.expect_arrival(desk, description="Kez's friend", from_whom="Outreach", via="outreach",
                            expected_at=desk.clock.now())
    assert len(data_rights.export_guest(desk, kez)["expected_arrivals"]) == 1
    data_rights.erase_guest(desk, kez, "Asked to be forgotten")
    rows = desk.store.raw_connection_sql("SELECT description, needs, from_whom FROM expected_arrival ORDER BY created_at")
    assert "Kez" not in json.dumps(rows)
