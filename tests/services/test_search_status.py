"""Status at a glance in search results (in now, excluded, messages waiting), read in one statement,
agrees with what the desk's own lists say for every guest on a full page of results."""

from __future__ import annotations

from datetime import timedelta

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import exclusions, guests, messages, search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add


def test_a_page_of_results_shows_each_guests_own_status(desk: DeskContext, clock: FixedClock) -> None:
    gp = next(ag.id for ag in messages.list_agencies(desk) if ag.name == "GP")
    ids = [add(desk, f"Pat {n:02d}") for n in range(22)]
    # Statuses of every kind, some on records later merged into another guest.
    for n in (1, 4, 9):
        visits.sign_in(desk, ids[n], "self")
    exclusions.issue_exclusion(desk, ids[2], "Fighting", 24)
    lifted, _ = exclusions.issue_exclusion(desk, ids[3], "Shouting", 24)
    exclusions.lift_exclusion(desk, lifted.id, "Apologised")
    exclusions.issue_exclusion(desk, ids[5], "Short one", 1)
    exclusions.issue_exclusion(desk, ids[6], "Old one", 1)
    clock.advance(hours=2)  # the 1-hour exclusions have ended
    exclusions.issue_exclusion(desk, ids[5], "Again", 48)
    for n, urgent in ((7, True), (7, False), (8, False), (2, True)):
        messages.post_message(desk, agency_id=gp, guest_id=ids[n], body="Call the surgery", urgent=urgent)
    delivered, _ = messages.post_message(desk, agency_id=gp, guest_id=ids[10], body="Done")
    messages.deliver(desk, delivered)
    messages.post_message(desk, agency_id=gp, guest_id=ids[11], body="Soon stale",
                          relevant_until=clock.now() + timedelta(hours=1))
    # A chain of merges: 12 into 13, then 13 into 14; 12 carries a visit and a message.
    visits.sign_in(desk, ids[12], "police")
    messages.post_message(desk, agency_id=gp, guest_id=ids[12], body="Housing", urgent=True)
    guests.merge_guests(desk, ids[13], ids[12])
    guests.merge_guests(desk, ids[14], ids[13])
    clock.advance(hours=2)  # the message for 11 is no longer relevant

    hits = search.find_guests(desk, "pat")
    assert len(hits) == 20 and ids[12] not in {h.guest_id for h in hits}
    in_now = {row.guest_id: row.visit_id for row in visits.who_is_in(desk)}
    barred = {row.exclusion.guest_id: row.exclusion for row in exclusions.active_exclusions(desk)}
    waiting = messages.waiting_counts(desk, [h.guest_id for h in hits])
    for hit in hits:
        assert hit.visit_id == in_now.get(hit.guest_id)
        assert (hit.in_since is not None) == (hit.guest_id in in_now)
        ex = barred.get(hit.guest_id)
        assert (hit.exclusion_id, hit.excluded_until) == ((ex.id, ex.ends_at) if ex else (None, None))
        assert (hit.messages_waiting, hit.urgent_messages) == waiting.get(hit.guest_id, (0, 0))
    by_id = {h.guest_id: h for h in hits}
    # Spelled out too, so the comparison above cannot pass by both sides being empty.
    assert sum(1 for h in hits if h.visit_id) == 4 and by_id[ids[14]].visit_id is not None
    assert by_id[ids[2]].exclusion_reason == "Fighting" and by_id[ids[3]].excluded_until is None
    assert by_id[ids[5]].exclusion_reason == "Again" and by_id[ids[6]].excluded_until is None
    assert [(by_id[ids[n]].messages_waiting, by_id[ids[n]].urgent_messages) for n in (7, 8, 10, 11, 14)] == \
        [(2, 1), (1, 0), (0, 0), (0, 0), (1, 1)]
