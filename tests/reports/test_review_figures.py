"""Review: figures leave out sign-ins undone by staff, and count a merged person once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from safespace_desk.domain.clock import FixedClock
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import guests, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add, at_local

LONDON = ZoneInfo("Europe/London")


def test_an_undone_night_sign_in_is_not_a_bed_night(desk: DeskContext, clock: FixedClock) -> None:
    kez = add(desk, "Kez")
    at_local(clock, 2026, 10, 10, 21, 0)
    result = visits.sign_in(desk, kez, "self")
    assert result.bed is not None
    at_local(clock, 2026, 10, 10, 21, 5)
    visits.undo_sign_in(desk, result.visit_id)  # signed in by mistake
    at_local(clock, 2026, 11, 2, 12, 0)
    figures = compute_figures(desk, month_range(2026, 10, LONDON))
    assert figures.visits == 0 and figures.unique_guests == 0
    assert figures.bed_nights == 0


def test_a_merged_person_in_two_beds_one_night_is_one_bed_night(desk: DeskContext, clock: FixedClock) -> None:
    first = add(desk, "Jonny")
    second = add(desk, "John Smith")
    at_local(clock, 2026, 10, 10, 21, 0)
    v = visits.sign_in(desk, first, "self")
    at_local(clock, 2026, 10, 10, 22, 0)
    visits.sign_out(desk, v.visit_id)
    at_local(clock, 2026, 10, 10, 23, 0)
    v = visits.sign_in(desk, second, "self")
    at_local(clock, 2026, 10, 11, 7, 30)
    visits.sign_out(desk, v.visit_id)
    guests.merge_guests(desk, second, first)  # the same person under two records
    at_local(clock, 2026, 11, 2, 12, 0)
    figures = compute_figures(desk, month_range(2026, 10, LONDON))
    assert figures.unique_guests == 1
    assert figures.bed_nights == 1
