"""Figures on hand-built months whose answers are known (October 2026 has the clock change)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, ValidationError
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.reports.figures import Figures, compute_figures
from safespace_desk.reports.period import make_range, month_range, parse_day
from safespace_desk.services import exclusions, guests, messages, shiftlog, triage, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import at_local, desk_as

LONDON = ZoneInfo("Europe/London")


def _guest(desk: DeskContext, name: str, gender: str | None = None) -> str:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=name, gender=gender))
    return record.id


def _visit(desk: DeskContext, clock: FixedClock, guest_id: str, via: str, start: tuple[int, ...],
           end: tuple[int, ...]) -> None:
    at_local(clock, *start)
    result = visits.sign_in(desk, guest_id, via)
    at_local(clock, *end)
    visits.sign_out(desk, result.visit_id)


@pytest.fixture
def october(desk: DeskContext, data_dir: Path, clock: FixedClock) -> DeskContext:
    at_local(clock, 2026, 9, 1, 9, 0)
    ann = _guest(desk, "Ann", "woman")
    ben = _guest(desk, "Ben", "man")
    cal = _guest(desk, "Cal")
    dee = _guest(desk, "Dee", "woman")
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    housing = next(a.id for a in messages.list_agencies(desk) if a.name == "Housing")
    _visit(desk, clock, dee, "self", (2026, 9, 5, 10, 0), (2026, 9, 5, 15, 0))
    # Ann: first ever visit spans the September/October boundary, overnight with a bed.
    _visit(desk, clock, ann, "police", (2026, 9, 30, 22, 0), (2026, 10, 1, 9, 0))
    at_local(clock, 2026, 10, 1, 10, 0)
    ann_msg, _ = messages.post_message(desk, agency_id=gp, guest_id=ann, body="Appointment Friday")
    _visit(desk, clock, ann, "self", (2026, 10, 10, 10, 0), (2026, 10, 10, 12, 0))
    at_local(clock, 2026, 10, 10, 10, 0)
    messages.deliver(desk, ann_msg)  # 9 days = 216 hours after it was left
    medic = desk_as(desk, data_dir, clock, "Pat Medic", "paramedic")
    try:
        triage.record_triage(medic, ann, presenting_need="Cough", outcome="advice")
        at_local(clock, 2026, 10, 10, 11, 0)
        triage.record_triage(medic, ann, presenting_need="Cough review", outcome="referred_gp")
    finally:
        medic.close()
    at_local(clock, 2026, 10, 12, 14, 0)
    exclusions.issue_exclusion(desk, dee, "Fighting", 24)
    at_local(clock, 2026, 10, 20, 9, 0)
    messages.post_message(desk, agency_id=housing, guest_id=ben, body="Viewing", relevant_until=date(2026, 10, 22))
    at_local(clock, 2026, 10, 21, 9, 0)
    shiftlog.add_entry(desk, "incident", "Argument at the door")
    shiftlog.add_entry(desk, "police_called", "Police called for a welfare check")
    # Ben: overnight across the clock change (a 13-hour night), over midnight.
    _visit(desk, clock, ben, "police", (2026, 10, 24, 21, 0), (2026, 10, 25, 9, 0))
    at_local(clock, 2026, 10, 26, 9, 0)
    cal_msg, _ = messages.post_message(desk, agency_id=gp, guest_id=cal, body="Blood test")
    at_local(clock, 2026, 10, 27, 9, 0)
    messages.not_passed_on(desk, cal_msg, "Asked us not to pass on GP messages")
    # Cal: over the October/November boundary.
    _visit(desk, clock, cal, "outreach", (2026, 10, 31, 23, 0), (2026, 11, 1, 8, 30))
    at_local(clock, 2026, 11, 20, 12, 0)
    return desk


def test_october_figures(october: DeskContext) -> None:
    f = compute_figures(october, month_range(2026, 10, LONDON))
    assert f.range_label == "October 2026"
    assert (f.unique_guests, f.new_guests, f.returning_guests, f.visits) == (3, 2, 1, 3)
    assert f.average_daily_unique_guests == round(5 / 31, 1)
    assert f.arrivals_by_source["police"] == 1 and f.police_drop_offs == 1
    assert (f.arrivals_by_source["self"], f.arrivals_by_source["outreach"]) == (1, 1)
    assert sum(f.arrivals_by_source.values()) == f.visits
    assert f.bed_nights == 2  # Ben on 24 Oct, Cal on 31 Oct; Ann's night began in September
    assert (f.exclusions_issued, f.average_exclusion_hours) == (1, 24.0)
    assert (f.messages_received, f.messages_delivered, f.messages_expired, f.messages_not_passed_on) == (3, 1, 1, 1)
    assert f.median_hours_to_delivery == 216.0
    assert f.messages_by_agency["GP"].received == 2 and f.messages_by_agency["Housing"].expired == 1
    assert (f.triage_assessments, f.guests_triaged) == (2, 1)
    assert f.log_entries_by_kind["incident"] == 1 and f.log_entries_by_kind["police_called"] == 1
    assert f.guests_by_gender == {"man": 1, "woman": 1, "not recorded": 1}
    night = next(o for o in f.occupancy if o.name == "Night")
    # 31 nights begin in October, plus the tail of the night of 30 September (00:00-08:00 on the 1st).
    assert night.peak == 1 and night.windows == 32


def test_visits_spanning_month_boundaries_count_in_both_months(october: DeskContext) -> None:
    sept = compute_figures(october, month_range(2026, 9, LONDON))
    nov = compute_figures(october, month_range(2026, 11, LONDON))
    assert (sept.unique_guests, sept.visits, sept.new_guests, sept.bed_nights) == (2, 2, 2, 1)
    assert (nov.unique_guests, nov.visits, nov.new_guests, nov.returning_guests) == (1, 0, 0, 1)


def test_a_single_day_on_the_clock_change(october: DeskContext) -> None:
    rng = make_range(date(2026, 10, 25), date(2026, 10, 25), LONDON)
    assert (rng.ends_at - rng.starts_at).total_seconds() == 25 * 3600
    f = compute_figures(october, rng)
    assert (f.unique_guests, f.visits, f.average_daily_unique_guests) == (1, 0, 1.0)


def test_json_has_the_documented_keys(october: DeskContext) -> None:
    data = compute_figures(october, month_range(2026, 10, LONDON)).to_json()
    for key in ("unique_guests", "new_guests", "returning_guests", "visits", "average_daily_unique_guests",
                "bed_nights", "arrivals_by_source", "exclusions_issued", "messages_received",
                "messages_delivered", "messages_expired", "median_hours_to_delivery", "triage_assessments",
                "guests_triaged"):
        assert key in data
    assert data["arrivals_by_source"]["police"] == 1


def test_every_json_key_is_defined_in_docs_figures() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "figures.md").read_text()
    for name in Figures.__dataclass_fields__:
        assert f"`{name}`" in doc, f"{name} is not defined in docs/figures.md"


def test_reports_are_for_managers(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    lead = desk_as(desk, data_dir, clock, "Lee Lead", "lead")
    try:
        with pytest.raises(PermissionDenied):
            compute_figures(lead, month_range(2026, 10, LONDON))
    finally:
        lead.close()


def test_date_parsing_and_ranges() -> None:
    assert parse_day("2026-10-01", "from") == date(2026, 10, 1)
    assert parse_day("01/10/2026", "from") == date(2026, 10, 1)
    with pytest.raises(ValidationError) as err:
        parse_day("10/2026", "from")
    assert err.value.field == "from"
    with pytest.raises(ValidationError):
        make_range(date(2026, 10, 2), date(2026, 10, 1), LONDON)


def test_a_stay_longer_than_the_period_is_counted_in_it(desk: DeskContext, clock: FixedClock) -> None:
    # Found through the long-stay index for a month (migration 0014), through the time indexes for
    # a period shorter than eight days: the same answer either way.
    at_local(clock, 2026, 9, 1, 9, 0)
    eve = _guest(desk, "Eve")
    _visit(desk, clock, eve, "self", (2026, 9, 20, 10, 0), (2026, 11, 5, 10, 0))
    october = compute_figures(desk, month_range(2026, 10, LONDON))
    week = compute_figures(desk, make_range(date(2026, 10, 5), date(2026, 10, 11), LONDON))
    assert (october.unique_guests, october.visits, october.returning_guests) == (1, 0, 1)
    assert (week.unique_guests, week.visits) == (1, 0)
    assert desk.store.raw_connection_sql("SELECT count(*) FROM visit INDEXED BY visit_long_stay WHERE "
                                         "julianday(signed_out_at) - julianday(signed_in_at) > 7") == [(1,)]
