"""Review: the retention purge and merged records."""

from __future__ import annotations

from datetime import UTC, datetime

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.retention import RetentionPolicy
from safespace_desk.services import data_rights, guests, search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add


def test_purge_keeps_a_merged_record_of_a_guest_seen_recently(desk: DeskContext, clock: FixedClock) -> None:
    clock.set(datetime(2019, 3, 1, 12, tzinfo=UTC))
    old = add(desk, "Jonny Oldname")
    v = visits.sign_in(desk, old, "self")
    visits.sign_out(desk, v.visit_id)
    kept = add(desk, "John Keeper")
    guests.merge_guests(desk, kept, old)
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    v = visits.sign_in(desk, kept, "self")
    visits.sign_out(desk, v.visit_id)
    data_rights.set_retention_policy(desk, RetentionPolicy())
    results = {r.kind: r.removed for r in data_rights.purge_expired(desk)}
    assert "guests" not in results  # the person was seen last week: nobody is anonymised
    assert guests.get_guest(desk, old).preferred_name == "Jonny Oldname"
    assert [h.guest_id for h in search.find_guests(desk, "jonny")] == [kept]
