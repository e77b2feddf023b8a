"""Commissioners' figures over hand-built months whose answers are known: a repeat referral across a
month boundary, calls over midnight, and the October clock change (25 October 2026, when 01:30
happens twice in London)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.reports.export import figures_to_csv, figures_to_json_text
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import diary, guests, referrals, support
from safespace_desk.services.context import DeskContext
from tests.services.casework_helpers import make_service
from tests.services.frontdesk_helpers import LONDON, add, at_local


def _call(desk: DeskContext, clock: FixedClock, guest_id: str, kind: str, minutes: int, *when: int) -> None:
    start = at_local(clock, *when)
    clock.advance(minutes=minutes)  # logged when it ends, dated when it began
    diary.log_contact(desk, guest_id, kind, minutes=minutes, at=start)


@pytest.fixture
def autumn(desk: DeskContext, clock: FixedClock) -> DeskContext:
    crisis = make_service(desk, "crisis")
    at_local(clock, 2026, 9, 10, 14, 0)
    sam = add(crisis, "Sam", birth_year=1990)
    guests.set_ethnicity(crisis, sam, "White British")
    first = referrals.receive_referral(crisis, sam, source="spa", reason="Money worries", factors=["financial"])
    referrals.accept_referral(crisis, first.referral_id)
    at_local(clock, 2026, 9, 28, 17, 0)
    referrals.close_case(crisis, sam, "resolved")
    # 23:55 on 30 September (BST): September's. 00:20 on 1 October (BST, still 30 Sep in UTC): October's.
    _call(crisis, clock, sam, "call_in", 20, 2026, 9, 30, 23, 55)
    _call(crisis, clock, sam, "call_in", 10, 2026, 10, 1, 0, 20)
    # The repeat referral arrives on 30 September; it is accepted (the case re-opens) on 1 October.
    repeat = referrals.receive_referral(crisis, sam, source="spa", reason="Bereavement",
                                        received_at=at_local(clock, 2026, 9, 30, 23, 30))
    at_local(clock, 2026, 10, 1, 0, 40)
    referrals.accept_referral(crisis, repeat.referral_id)
    at_local(clock, 2026, 10, 2, 16, 0)  # a Friday
    referrals.receive_referral(crisis, sam, source="crisis_team", reason="Rang again")  # duplicate
    counselling, _ = support.refer_onward(crisis, sam, "counselling")
    jo = add(crisis, "Jo")
    at_local(clock, 2026, 10, 5, 11, 0)  # Monday: offered one working day after Friday's referral
    support.record_onward(crisis, counselling, "offered")
    declined = referrals.receive_referral(crisis, jo, source="gp", reason="Anxiety")
    _call(crisis, clock, jo, "call_out", 15, 2026, 10, 5, 12, 0)
    at_local(clock, 2026, 10, 6, 9, 0)
    referrals.decline_referral(crisis, declined.referral_id, "Supported by their CMHT")
    second, _ = support.refer_onward(crisis, jo, "counselling")
    at_local(clock, 2026, 10, 8, 9, 0)  # Thursday: two working days
    support.record_onward(crisis, second, "offered")
    support.give_support(crisis, sam, "food_pack")
    support.give_support(crisis, jo, "food_pack")
    support.give_support(crisis, sam, "electric_topup", amount="10")
    mistake, _ = support.give_support(crisis, sam, "bedding")
    support.void_support(crisis, mistake)
    # The clock change: 01:30 BST (00:30 UTC) and 01:30 GMT (01:30 UTC) on 25 October, both that day's.
    _call(crisis, clock, sam, "call_in", 30, 2026, 10, 25, 0, 30)
    clock.set(clock.now().replace(hour=0, minute=30))
    diary.log_contact(crisis, sam, "call_in", minutes=30)
    clock.set(clock.now().replace(hour=1, minute=30))
    diary.log_contact(crisis, sam, "call_in", minutes=30)
    # A call at 23:50 on 31 October that runs past midnight: October's (it began then).
    _call(crisis, clock, sam, "call_out", 30, 2026, 10, 31, 23, 50)
    diary.log_contact(crisis, sam, "visit", minutes=45, at=at_local(clock, 2026, 11, 2, 14, 0))
    at_local(clock, 2026, 11, 20, 12, 0)
    return crisis


def test_september_and_october_for_the_commissioners(autumn: DeskContext) -> None:
    september = compute_figures(autumn, month_range(2026, 9, LONDON)).casework
    october = compute_figures(autumn, month_range(2026, 10, LONDON)).casework
    assert september is not None and october is not None
    # The repeat is counted when it arrived (September); the case re-opened when accepted (October).
    assert september.referrals == {"new": 1, "repeat": 1, "duplicate": 0, "accepted": 1, "declined": 0}
    assert (september.cases_closed, september.cases_reopened, september.cases_open_at_end) == (1, 0, 0)
    assert september.closures_by_reason["resolved"] == 1
    assert october.referrals == {"new": 1, "repeat": 0, "duplicate": 1, "accepted": 1, "declined": 1}
    assert (october.cases_closed, october.cases_reopened, october.cases_open_at_end) == (0, 1, 1)
    assert september.contacts["call_in"] == 1
    # Sam: 00:20 on the 1st, the clock-change hour twice plus 00:30 BST, 23:50 on the 31st; Jo: one call.
    assert october.contacts == {"call_in": 4, "call_out": 2, "visit": 0, "virtual": 0}
    assert october.calls_per_person == {"mean": 3.0, "max": 5}
    assert (october.unique_people, october.people_reached) == (2, 2)
    assert october.contact_minutes == 10 + 15 + 30 * 3 + 30
    assert october.practical_support["food_pack"] == 2 and october.practical_support["bedding"] == 0
    assert october.practical_support_pounds["electric_topup"] == 10.0
    assert october.onward_referrals["counselling"] == 2 and october.onward_outcomes["offered"] == 2
    assert (october.days_to_counselling_offer, october.counselling_offers,
            october.counselling_offered_within_2_working_days) == (1.5, 2, 2)
    assert september.referral_factors["financial"] == 1
    assert october.people_by_age_band["35-44"] == 1 and october.people_by_age_band["not recorded"] == 1
    assert october.people_by_ethnicity == {"White British": 1, "not recorded": 1}
    november = compute_figures(autumn, month_range(2026, 11, LONDON)).casework
    assert november is not None and november.contacts["call_out"] == 0 and november.contacts["visit"] == 1


def test_a_crisis_service_report_shows_its_sections_and_not_the_hubs(autumn: DeskContext) -> None:
    figures = compute_figures(autumn, month_range(2026, 10, LONDON))
    rows = {(r["section"], r["key"]): r["value"] for r in csv.DictReader(io.StringIO(figures_to_csv(figures)))}
    assert rows[("report", "service_kind")] == "crisis"
    assert rows[("referrals", "repeat")] == "0" and rows[("cases", "cases_reopened")] == "1"
    assert rows[("casework", "calls_per_person.max")] == "5"
    assert rows[("casework", "days_to_counselling_offer")] == "1.5"
    sections = {section for section, _ in rows}
    assert not sections & {"exclusions", "messages", "messages_by_agency", "health"}
    assert ("guests", "bed_nights") not in rows
    data = json.loads(figures_to_json_text(figures))
    assert data["casework"]["cases_reopened"] == 1 and "exclusions_issued" not in data and "shown" not in data


def test_every_casework_figure_is_defined_in_docs_figures() -> None:
    from pathlib import Path

    from safespace_desk.reports.casework_figures import CaseworkFigures

    doc = (Path(__file__).parents[2] / "docs" / "figures.md").read_text()
    for name in CaseworkFigures.__dataclass_fields__:
        assert f"`{name}`" in doc, f"{name} is not defined in docs/figures.md"
