"""Issue 13 item 6: accommodation status with its history (from where they went and by hand), a
respectful "has died" that closes waiting messages (not delivered) and takes the person off the desk's
search and lists, and the cohort report over hand-built histories."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.errors import PermissionDenied, RuleViolation
from safespace_desk.domain.messages import MessageState
from safespace_desk.reports.cohort import cohort_report
from safespace_desk.reports.period import month_range
from safespace_desk.services import arrivals, guests, messages, outcomes, search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON, add, at_local, desk_as


def visit(desk: DeskContext, guest_id: str, to: str | None = None) -> None:
    visits.sign_out(desk, visits.sign_in(desk, guest_id, "self").visit_id, to)


def test_status_comes_from_where_they_went_and_by_hand_with_history(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 10, 1, 10, 0)
    kez = add(desk, "Kez")
    visit(desk, kez, "Back to the street")
    at_local(clock, 2026, 10, 2, 10, 0)
    visit(desk, kez, "back to the street")  # the same status again: not a new one
    at_local(clock, 2026, 10, 3, 10, 0)
    visit(desk, kez, "Hostel")
    at_local(clock, 2026, 11, 20, 10, 0)
    outcomes.set_status(desk, kez, "settled", since=date(2026, 11, 18))  # a worker heard they got a flat
    history = outcomes.status_history(desk, kez)
    assert [(r.kind, r.by_hand) for r in history] == [
        (DestinationKind.SETTLED, True), (DestinationKind.HOSTEL, False), (DestinationKind.STREET, False)]
    ops = [r[0] for r in desk.store.raw_connection_sql("SELECT op FROM outbox ORDER BY seq")]
    assert ops.count("status.record") == 3


def test_a_death_closes_messages_and_takes_them_off_the_desk(desk: DeskContext, data_dir: Path,
                                                              clock: FixedClock) -> None:
    kez, jo = add(desk, "Kez"), add(desk, "Kezia")
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    waiting, _ = messages.post_message(desk, guest_id=kez, agency_id=gp, body="Appointment Friday")
    arrivals.expect_arrival(desk, guest_id=kez, from_whom="Hospital", via="hospital", expected_at=clock.now())
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        with pytest.raises(PermissionDenied):
            outcomes.record_death(front, kez)
    finally:
        front.close()
    visits.sign_in(desk, kez, "self")
    with pytest.raises(RuleViolation, match="sign the visit out"):
        outcomes.record_death(desk, kez)
    visits.sign_out(desk, visits.open_visit_of(desk, kez) or "")
    outcomes.record_death(desk, kez, died_on=date(2026, 11, 23))
    message = messages.open_message(desk, waiting)
    assert message.state_at(clock.now()) is MessageState.NOT_PASSED_ON and message.delivered_at is None
    assert messages.waiting_for(desk, kez) == []
    assert arrivals.open_arrivals(desk) == []
    assert [h.guest_id for h in search.find_guests(desk, "kez")] == [jo]
    with pytest.raises(RuleViolation, match="recorded as having died"):
        visits.sign_in(desk, kez, "self")
    # The record stays (figures, retention); a manager can take back a death recorded on the wrong record.
    assert guests.get_guest(desk, kez).preferred_name == "Kez"
    outcomes.correct_death(desk, kez)
    assert kez in [h.guest_id for h in search.find_guests(desk, "kez")]


def test_the_cohort_report_over_hand_built_histories(desk: DeskContext, clock: FixedClock) -> None:
    # September's newcomers: Ann (hostel, then settled), Bob (died), Cat (nothing recorded), Dee and
    # Dee's duplicate (merged: one person, supported housing). Eve was first seen in August: not in the cohort.
    at_local(clock, 2026, 8, 20, 10, 0)
    eve = add(desk, "Eve")
    visit(desk, eve, "Settled accommodation")
    at_local(clock, 2026, 9, 5, 10, 0)
    ann, bob, cat, dee, dee2 = (add(desk, n) for n in ("Ann", "Bob", "Cat", "Dee", "Dee B"))
    for guest_id in (ann, bob, cat, dee2):
        visit(desk, guest_id, "Hostel" if guest_id == ann else None)
    at_local(clock, 2026, 9, 25, 10, 0)
    visit(desk, dee, "Supported housing")
    guests.merge_guests(desk, keep_id=dee, merge_id=dee2)
    at_local(clock, 2026, 10, 10, 10, 0)
    visit(desk, eve)  # a later visit by an earlier newcomer changes nothing
    outcomes.set_status(desk, ann, "settled")
    outcomes.record_death(desk, bob)
    at_local(clock, 2027, 1, 5, 10, 0)
    cohort = cohort_report(desk, month_range(2026, 9, LONDON))
    assert cohort.people == 4
    assert {k: v for k, v in cohort.now.items() if v} == {"settled": 1, "supported_housing": 1, "died": 1,
                                                          "no_status": 1}
    assert cohort.in_accommodation == 2
    assert ("cohort_now", "died", 1) in cohort.rows()
    assert cohort_report(desk, month_range(2026, 8, LONDON)).now["settled"] == 1
    assert cohort.generated_at - clock.now() < timedelta(seconds=1)
