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
