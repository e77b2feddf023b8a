"""Figures as CSV and JSON text, for the Reports page and ``safespace-desk report`` alike.

No Qt here: the PDF lives in ``safespace_desk/ui/reports/pdf.py``. The CSV layout (one
``section,key,value`` row per figure) is described in docs/figures.md so a commissioner's
spreadsheet can pick out any number by its section and key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from safespace_desk.reports.csv_safe import csv_text
from safespace_desk.reports.figures import Figures

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
    """Every figure as (section, key, value), in the order of docs/figures.md."""
    f = figures
    yield from _section("report", site_name=f.site_name, range_label=f.range_label,
                        first_day=f.first_day.isoformat(), last_day=f.last_day.isoformat(),
                        generated_at=f.generated_at.isoformat())
    yield from _section("guests", unique_guests=f.unique_guests, new_guests=f.new_guests,
                        returning_guests=f.returning_guests, visits=f.visits,
                        average_daily_unique_guests=f.average_daily_unique_guests,
                        police_drop_offs=f.police_drop_offs, bed_nights=f.bed_nights)
    yield from _section("arrivals_by_source", **f.arrivals_by_source)
    yield from _section("guests_by_gender", **f.guests_by_gender)
    for period in f.occupancy:
        # Keys are "<period>.<figure>", e.g. "Night.peak": period names are the site's own.
        yield from (("occupancy", f"{period.name}.{key}", value) for key, value in
                    (("places", period.places), ("windows", period.windows), ("peak", period.peak),
                     ("average", period.average)))
    yield from _section("exclusions", exclusions_issued=f.exclusions_issued,
                        average_exclusion_hours=f.average_exclusion_hours,
                        exclusions_lifted_early=f.exclusions_lifted_early)
    yield from _section("messages", messages_received=f.messages_received,
                        messages_delivered=f.messages_delivered, messages_expired=f.messages_expired,
                        messages_not_passed_on=f.messages_not_passed_on,
                        median_hours_to_delivery=f.median_hours_to_delivery)
    for agency, figs in f.messages_by_agency.items():
        yield from (("messages_by_agency", f"{agency}.{key}", value) for key, value in
                    (("received", figs.received), ("delivered", figs.delivered), ("expired", figs.expired),
                     ("not_passed_on", figs.not_passed_on),
                     ("median_hours_to_delivery", figs.median_hours_to_delivery)))
    yield from _section("health", triage_assessments=f.triage_assessments, guests_triaged=f.guests_triaged)
    yield from _section("log_entries_by_kind", **f.log_entries_by_kind)
    yield from (("daily_unique_guests", day.isoformat(), count) for day, count in f.daily_unique_guests)


def _section(name: str, **values: object) -> Iterator[tuple[str, str, object]]:
    return ((name, key, value) for key, value in values.items())


def _cell(value: object) -> object:
    # Floats are already rounded to one decimal place by compute_figures; None means "none".
    return "" if value is None else value
