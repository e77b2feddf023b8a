"""Issue 13 item 4: where people went is a short list the site extends (named hostels); a hostel swap is
one move out and one in, counted once; the figures count moves on to accommodation."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.errors import PermissionDenied, ValidationError
from safespace_desk.reports.export import figures_to_csv
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import arrivals, moves, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON, add, at_local, desk_as


def test_the_list_is_the_kinds_and_the_site_adds_named_places(desk: DeskContext, data_dir: Path,
                                                              clock: FixedClock) -> None:
    names = [d.name for d in moves.destinations(desk)]
    assert names[:4] == ["Hostel", "B&B", "Supported housing", "Settled accommodation"] and "Not known" in names
    moves.add_destination(desk, "Centenary House", "hostel")
    assert moves.destinations(desk)[-1].kind is DestinationKind.HOSTEL
    with pytest.raises(ValidationError, match="twice"):
        moves.add_destination(desk, "centenary house", "hostel")
    with pytest.raises(ValidationError, match="each kind"):
        moves.remove_destination(desk, "Prison")
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        with pytest.raises(PermissionDenied):
            moves.add_destination(front, "Somewhere", "b_and_b")
    finally:
        front.close()


def test_sign_out_keeps_the_kind_of_place(desk: DeskContext) -> None:
    moves.add_destination(desk, "Centenary House", "hostel")
    kez = visits.sign_in(desk, add(desk, "Kez"), "self")
    visits.sign_out(desk, kez.visit_id, "centenary house")
    row = desk.store.raw_connection_sql(f"SELECT departed_to, departed_kind FROM visit WHERE id = '{kez.visit_id}'")
    assert row == [("Centenary House", "hostel")]
    jo = visits.sign_in(desk, add(desk, "Jo"), "self")
    visits.sign_out(desk, jo.visit_id, "a friend's sofa")  # words not on the list are kept, no kind
    assert desk.store.raw_connection_sql(f"SELECT departed_kind FROM visit WHERE id = '{jo.visit_id}'") == [(None,)]
    visits.undo_sign_out(desk, kez.visit_id)
    assert desk.store.raw_connection_sql(f"SELECT departed_kind FROM visit WHERE id = '{kez.visit_id}'") == [(None,)]


def test_a_hostel_swap_is_one_move_out_and_one_in_counted_once(desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 10, 6, 11, 0)
    moves.add_destination(desk, "Centenary House", "hostel")
    kez = visits.sign_in(desk, add(desk, "Kez"), "self")
    jo = add(desk, "Jo")
    result = moves.hostel_swap(desk, kez.visit_id, "Centenary House", expected_at=now + timedelta(hours=2),
                               incoming_guest_id=jo, needs="Settling in")
    assert [g.name for g in visits.who_is_in(desk)] == []  # Kez left
    [expected] = arrivals.open_arrivals(desk)
    assert (expected.who, expected.from_whom, expected.id) == ("Jo", "Centenary House", result.expected_id)
    clock.set(now + timedelta(hours=1))
    assert visits.sign_in(desk, jo, "hostel").expected is not None  # the move in completes the swap
    ops = [r[0] for r in desk.store.raw_connection_sql("SELECT op FROM outbox ORDER BY seq")]
    assert ops[-5:] == ["visit.sign_out", "status.record", "swap.record", "visit.sign_in", "arrival.arrived"]
    figures = compute_figures(desk, month_range(2026, 10, LONDON))
    assert figures.hub_day is not None
    assert figures.hub_day.hostel_swaps == 1
    assert figures.hub_day.departures_by_destination["hostel"] == 1
    assert figures.hub_day.moved_on_to_accommodation == 1
    assert figures.hub_day.expected_arrivals == {"arrived": 1, "did_not_arrive": 0}
    assert figures.arrivals_by_source["hostel"] == 1
    csv = figures_to_csv(figures)
    assert "moves,hostel_swaps,1" in csv and "departures_by_destination,hostel,1" in csv
    assert json.loads(json.dumps(figures.to_json()))["hub_day"]["hostel_swaps"] == 1


def test_a_swap_needs_a_hostel_on_the_list_and_someone_coming(desk: DeskContext) -> None:
    visit = visits.sign_in(desk, add(desk, "Kez"), "self")
    with pytest.raises(ValidationError) as err:
        moves.hostel_swap(desk, visit.visit_id, "B&B", expected_at=desk.clock.now(), incoming_description="x")
    assert err.value.field == "hostel"
    with pytest.raises(ValidationError) as err:
        moves.hostel_swap(desk, visit.visit_id, "Hostel", expected_at=desk.clock.now())
    assert err.value.field == "description"
    assert [g.name for g in visits.who_is_in(desk)] == ["Kez"]  # nothing half written


def test_moved_on_counts_people_once_and_not_other_places(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 10, 6, 11, 0)
    kez, jo = add(desk, "Kez"), add(desk, "Jo")
    for guest, place in ((kez, "Supported housing"), (kez, "Settled accommodation"), (jo, "Hospital")):
        visits.sign_out(desk, visits.sign_in(desk, guest, "self").visit_id, place)
    visits.sign_out(desk, visits.sign_in(desk, jo, "self").visit_id)
    h = compute_figures(desk, month_range(2026, 10, LONDON)).hub_day
    assert h is not None and h.moved_on_to_accommodation == 1
    assert (h.departures_by_destination["hospital"], h.departures_by_destination["not_recorded"]) == (1, 1)
