"""Review: records merged in a chain (A into B, then B into C) still count as C everywhere."""

from __future__ import annotations

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import exclusions, guests, messages, search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add


def test_search_status_follows_merges_through_a_chain(desk: DeskContext, clock: FixedClock) -> None:
    a = add(desk, "Andy Oldrecord")
    b = add(desk, "Andrew Middle")
    c = add(desk, "Drew Keeper")
    exclusions.issue_exclusion(desk, a, "Fighting", 24)
    gp = next(ag.id for ag in messages.list_agencies(desk) if ag.name == "GP")
    messages.post_message(desk, agency_id=gp, guest_id=a, body="Appointment", urgent=True)
    guests.merge_guests(desk, b, a)
    guests.merge_guests(desk, c, b)
    [hit] = search.find_guests(desk, "drew keeper")
    assert hit.guest_id == c
    assert hit.excluded_until is not None  # the exclusion on A applies to C (sign-in is blocked)
    assert (hit.messages_waiting, hit.urgent_messages) == (1, 1)
    assert messages.waiting_counts(desk, [c]) == {c: (1, 1)}


def test_open_visit_on_a_chained_record_shows_in_search(desk: DeskContext, clock: FixedClock) -> None:
    a = add(desk, "Andy Oldrecord")
    b = add(desk, "Andrew Middle")
    c = add(desk, "Drew Keeper")
    v = visits.sign_in(desk, a, "self")
    guests.merge_guests(desk, b, a)
    guests.merge_guests(desk, c, b)
    [hit] = search.find_guests(desk, "drew keeper")
    assert hit.visit_id == v.visit_id


def test_board_for_guests_in_now_follows_merges(desk: DeskContext, clock: FixedClock) -> None:
    old = add(desk, "Andy Oldrecord")
    kept = add(desk, "Drew Keeper")
    gp = next(ag.id for ag in messages.list_agencies(desk) if ag.name == "GP")
    message_id, _ = messages.post_message(desk, agency_id=gp, guest_id=old, body="Appointment")
    guests.merge_guests(desk, kept, old)
    visits.sign_in(desk, kept, "self")
    assert [m.id for m in messages.board(desk, messages.BoardFilter.IN_NOW)] == [message_id]


def test_board_for_guests_in_now_follows_merges_upwards(desk: DeskContext, clock: FixedClock) -> None:
    old = add(desk, "Andy Oldrecord")
    kept = add(desk, "Drew Keeper")
    visits.sign_in(desk, old, "self")  # signed in on the record that is then merged away
    guests.merge_guests(desk, kept, old)
    gp = next(ag.id for ag in messages.list_agencies(desk) if ag.name == "GP")
    message_id, _ = messages.post_message(desk, agency_id=gp, guest_id=kept, body="Appointment")
    assert [m.id for m in messages.board(desk, messages.BoardFilter.IN_NOW)] == [message_id]
