"""Figures as CSV and JSON text, for the Reports page and ``safespace-desk report`` alike.

No Qt here: the PDF lives in ``safespace_desk/ui/reports/pdf.py``. The CSV layout (one
``section,key,value`` row per figure) is described in docs/figures.md so a commissioner's
spreadsheet can pick out any number by its section and key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from safespace_desk.reports.casework_figures import CaseworkFigures
from safespace_desk.reports.csv_safe import csv_text
from safespace_desk.reports.figures import Figures
from safespace_desk.reports.hub_day_figures import HubDayFigures

CSV_HEADER = ("section", "key", "value")


def figures_to_json_text(figures: Figures) -> str:
    """The documented snake_case JSON (see docs/figures.md), pretty-printed, ending in a newline."""
    return json.dumps(figures.to_json(), indent=2, ensure_ascii=False) + "\n"


def figures_to_csv(figures: Figures) -> str:
    """``section,key,value`` rows; an empty value means "none" (e.g. no deliveries, no median).

    Keys and values can hold what staff typed (a gender, an agency's name): ``csv_text`` makes
    sure none of it reaches a spreadsheet as a formula."""
    return csv_text(CSV_HEADER, ((section, key, _cell(value)) for section, key, value in figure_rows(figures)))


def figure_rows(figures: Figures) -> Iterator[tuple[str, str, object]]:
    """Every figure as (section, key, value), in the order of docs/figures.md. Sections the site's
    profile does not use (e.g. beds at a haven) are left out."""
    f = figures
    yield from _section("report", site_name=f.site_name, service_kind=f.service_kind, range_label=f.range_label,
                        first_day=f.first_day.isoformat(), last_day=f.last_day.isoformat(),
                        generated_at=f.generated_at.isoformat())
    guests: dict[str, object] = dict(unique_guests=f.unique_guests, new_guests=f.new_guests,
                                     returning_guests=f.returning_guests, visits=f.visits,
                                     average_daily_unique_guests=f.average_daily_unique_guests,
                                     police_drop_offs=f.police_drop_offs)
    if f.shows("beds"):
        guests["bed_nights"] = f.bed_nights
    yield from _section("guests", **guests)
    yield from _section("arrivals_by_source", **f.arrivals_by_source)
    yield from _section("guests_by_gender", **f.guests_by_gender)
    for period in f.occupancy:
        # Keys are "<period>.<figure>", e.g. "Night.peak": period names are the site's own.
        yield from (("occupancy", f"{period.name}.{key}", value) for key, value in
                    (("places", period.places), ("windows", period.windows), ("peak", period.peak),
                     ("average", period.average)))
    if f.shows("exclusions"):
        yield from _section("exclusions", exclusions_issued=f.exclusions_issued,
                            average_exclusion_hours=f.average_exclusion_hours,
                            exclusions_lifted_early=f.exclusions_lifted_early)
    if f.shows("messages"):
        yield from _section("messages", messages_received=f.messages_received,
                            messages_delivered=f.messages_delivered, messages_expired=f.messages_expired,
                            messages_not_passed_on=f.messages_not_passed_on,
                            median_hours_to_delivery=f.median_hours_to_delivery)
        for agency, figs in f.messages_by_agency.items():
            yield from (("messages_by_agency", f"{agency}.{key}", value) for key, value in
                        (("received", figs.received), ("delivered", figs.delivered), ("expired", figs.expired),
                         ("not_passed_on", figs.not_passed_on),
                         ("median_hours_to_delivery", figs.median_hours_to_delivery)))
    if f.shows("health"):
        yield from _section("health", triage_assessments=f.triage_assessments, guests_triaged=f.guests_triaged)
    yield from _section("log_entries_by_kind", **f.log_entries_by_kind)
    if f.casework is not None:
        yield from casework_rows(f.casework)
    if f.hub_day is not None:
        yield from hub_day_rows(f.hub_day)
    yield from (("daily_unique_guests", day.isoformat(), count) for day, count in f.daily_unique_guests)


def casework_rows(c: CaseworkFigures) -> Iterator[tuple[str, str, object]]:
    yield from _section("referrals", **c.referrals)
    yield from _section("cases", cases_reopened=c.cases_reopened, cases_open_at_end=c.cases_open_at_end,
                        cases_closed=c.cases_closed)
    yield from _section("closures_by_reason", **c.closures_by_reason)
    yield from _section("contacts", **c.contacts)
    yield from _section("casework", unique_people=c.unique_people, people_reached=c.people_reached,
                        contact_minutes=c.contact_minutes,
                        **{f"calls_per_person.{k}": v for k, v in c.calls_per_person.items()},
                        days_to_counselling_offer=c.days_to_counselling_offer,
                        counselling_offers=c.counselling_offers,
                        counselling_offered_within_2_working_days=c.counselling_offered_within_2_working_days,
                        escalations=c.escalations)
    yield from _section("practical_support", **c.practical_support)
    yield from _section("practical_support_pounds", **c.practical_support_pounds)
    yield from _section("onward_referrals", **c.onward_referrals)
    yield from _section("onward_outcomes", **c.onward_outcomes)
    yield from _section("referral_factors", **c.referral_factors)
    yield from _section("visits_by_mode", **c.visits_by_mode)
    yield from _section("sessions", **c.sessions)
    yield from _section("people_by_age_band", **c.people_by_age_band)
    yield from _section("people_by_ethnicity", **c.people_by_ethnicity)


def hub_day_rows(h: HubDayFigures) -> Iterator[tuple[str, str, object]]:
    yield from _section("departures_by_destination", **h.departures_by_destination)
    yield from _section("moves", moved_on_to_accommodation=h.moved_on_to_accommodation, hostel_swaps=h.hostel_swaps)
    yield from _section("expected_arrivals", **h.expected_arrivals)
    yield from _section("debriefs", **h.debriefs)
    yield from _section("enquiries_by_basis", **h.enquiries_by_basis)
    yield from _section("enquiries", enquiries_beyond_default=h.enquiries_beyond_default)
    yield from _section("appointments", **h.appointments)
    yield from _section("feedback", **h.feedback)
    # The guests' own words, keyed "<date>.<how welcome>" (never a time: feedback is kept by its date).
    yield from (("feedback_words", f"{day}.{rating}", words) for day, rating, words in h.feedback_words)


def _section(name: str, **values: object) -> Iterator[tuple[str, str, object]]:
    return ((name, key, value) for key, value in values.items())


def _cell(value: object) -> object:
    # Floats are already rounded to one decimal place by compute_figures; None means "none".
    return "" if value is None else value
