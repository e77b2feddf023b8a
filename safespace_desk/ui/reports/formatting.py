"""Words and numbers shared by the Reports page and the PDF, so both say exactly the same thing."""

from __future__ import annotations

from dataclasses import dataclass

from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.messages import LogKind
from safespace_desk.reports.figures import Figures

DEFINITIONS_NOTE = ("Every figure is defined in docs/figures.md (“Figures: what each number counts”). "
                    "Counts cover whole local days in the site's time zone; sign-ins undone as mistakes are "
                    "left out, and records merged as duplicates count as one guest.")


HEADLINE_KEYS = ("unique_guests", "new_guests", "visits", "average_daily_unique_guests", "bed_nights",
                 "police_drop_offs")


@dataclass(frozen=True)
class Headline:
    key: str  # the JSON key it shows, so tests and exports can be matched up
    value: str
    label: str
    hint: str


def number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "none"
    text = str(value) if isinstance(value, int) else f"{value:.1f}"
    return f"{text} {unit}".strip()


def headlines(f: Figures) -> list[Headline]:
    return [
        Headline("unique_guests", number(f.unique_guests), "Unique guests", "different people present"),
        Headline("new_guests", f"{f.new_guests} / {f.returning_guests}", "New / returning",
                 "first ever visit in the range / seen before"),
        Headline("visits", number(f.visits), "Visits", "sign-ins made in the range"),
        Headline("average_daily_unique_guests", number(f.average_daily_unique_guests), "Average per day",
                 "different guests present each day"),
        Headline("bed_nights", number(f.bed_nights), "Bed nights", "guest and night pairs with a bed"),
        Headline("police_drop_offs", number(f.police_drop_offs), "Police drop-offs",
                 "sign-ins that arrived via police"),
    ]


def source_label(source: str) -> str:
    try:
        return ArrivedVia(source).label
    except ValueError:
        return source.capitalize()


def log_kind_label(kind: str) -> str:
    try:
        return LogKind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


def exclusion_rows(f: Figures) -> list[tuple[str, str]]:
    return [("Exclusions issued", number(f.exclusions_issued)),
            ("Average length as issued", number(f.average_exclusion_hours, "hours")),
            ("Lifted early by a lead", number(f.exclusions_lifted_early))]


def message_rows(f: Figures) -> list[tuple[str, str]]:
    return [("Received", number(f.messages_received)), ("Delivered", number(f.messages_delivered)),
            ("Expired (no outcome)", number(f.messages_expired)),
            ("Not passed on", number(f.messages_not_passed_on)),
            ("Median time to delivery", number(f.median_hours_to_delivery, "hours"))]


def agency_table(f: Figures) -> tuple[list[str], list[list[str]]]:
    header = ["Agency", "Received", "Delivered", "Expired", "Not passed on", "Median hours"]
    rows = [[name, number(a.received), number(a.delivered), number(a.expired), number(a.not_passed_on),
             number(a.median_hours_to_delivery) if a.median_hours_to_delivery is not None else "–"]
            for name, a in f.messages_by_agency.items()]
    return header, rows


def health_rows(f: Figures) -> list[tuple[str, str]]:
    return [("Triage assessments", number(f.triage_assessments)),
            ("Different guests triaged", number(f.guests_triaged))]


def log_rows(f: Figures) -> list[tuple[str, str]]:
    return [(log_kind_label(kind), number(count)) for kind, count in f.log_entries_by_kind.items()]


def gender_rows(f: Figures) -> list[tuple[str, str]]:
    return [(gender.capitalize(), number(count)) for gender, count in f.guests_by_gender.items()] \
        or [("No guests in this range", "0")]


def occupancy_table(f: Figures) -> tuple[list[str], list[list[str]]]:
    header = ["Period", "Places", "Peak", "Average", "Periods"]
    rows = [[o.name, number(o.places), number(o.peak), number(o.average), number(o.windows)]
            for o in f.occupancy]
    return header, rows
