"""The by-name list and the impact estimate as text: CSV (and JSON for the estimate), and the cell
texts the page, the print and the PDF share. No Qt here. docs/figures.md describes both layouts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.impact import INDICATIVE, Estimate, EstimateLine, pounds
from safespace_desk.domain.partnership import ByNameList, ListRow
from safespace_desk.reports.csv_safe import csv_text

LIST_COLUMNS = ("name", "other_names", "on_list_since", "left_list_on", "first_seen", "last_seen", "in_now",
                "visits", "nights", "arrived_via", "exclusions", "excluded_now", "messages_waiting",
                "messages_delivered", "triage", "flags", "action", "owner", "due_on", "agreed_on", "done_on",
                "overdue")


# --- the by-name list -----------------------------------------------------------------------------


def by_agency(counts: dict[str, int]) -> str:
    """'GP 1; Housing 2' (agencies in alphabetical order)."""
    return "; ".join(f"{agency} {n}" for agency, n in sorted(counts.items()))


def arrivals_text(counts: dict[str, int]) -> str:
    """'Police 1; Self 2', in the desk's own order of sources."""
    order = {via.value: n for n, via in enumerate(ArrivedVia)}
    return "; ".join(f"{ArrivedVia(via).label if via in order else via} {n}"
                     for via, n in sorted(counts.items(), key=lambda kv: order.get(kv[0], 99)))


def local_minute(when: datetime | None, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def list_row_cells(row: ListRow, listing: ByNameList, zone: ZoneInfo) -> list[object]:
    action = row.action
    return [row.name, "; ".join(row.other_names), _day(row.on_list_since), _day(row.left_list_on),
            local_minute(row.first_seen, zone), local_minute(row.last_seen, zone), "yes" if row.in_now else "",
            row.visits, row.nights, arrivals_text(row.arrivals), row.exclusions, "yes" if row.excluded_now else "",
            by_agency(row.messages_waiting), by_agency(row.messages_delivered), row.triage_assessments,
            "; ".join(flag.short for flag in row.flags),
            action.text if action else "", action.owner if action else "", _day(action.due_on if action else None),
            _day(action.meeting_day if action else None), _day(action.done_on if action else None),
            "yes" if action is not None and action.overdue_on(listing.meeting_day) else ""]


def list_to_csv(listing: ByNameList, zone: ZoneInfo) -> str:
    """One row per person (the order shown); what the list is for is in the file's name."""
    return csv_text(LIST_COLUMNS, (list_row_cells(row, listing, zone) for row in listing.rows))


def list_file_name(listing: ByNameList, kind: str) -> str:
    return f"by-name-list-{listing.meeting_day.isoformat()}.{kind}"


def list_summary(listing: ByNameList) -> str:
    """'38 people · 2 left off at their own request · since the meeting on 26 Nov 2026'."""
    people = len(listing.rows)
    text = f"{people} {'person' if people == 1 else 'people'}"
    if listing.filters:
        text += f" of {listing.before_filters}"
    text += f" · {listing.on_list} on the list"
    if listing.left_off:
        text += f" · {listing.left_off} left off at their own request"
    return text


# --- the impact estimate --------------------------------------------------------------------------


def money(pence: int | None) -> str:
    """Pounds with two decimals for files ('121.52'); empty for none."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def export_key(line: EstimateLine) -> str:
    """The line's name in files: its key, or ``message:<agency's name>`` for a message line (its key
    inside the program holds the agency's id, which says nothing to a spreadsheet)."""
    return f"message:{line.spec.agency}" if line.spec.agency else line.spec.key


def line_json(line: EstimateLine) -> dict[str, Any]:
    cost = line.cost
    return {"line": export_key(line), "agency": line.spec.agency, "event": line.spec.event, "count_of": line.spec.count_label(),
            "count": line.count, "direction": cost.direction.value, "costed": line.costed,
            "unit_cost": money(cost.unit_pence) or None, "share_percent": cost.share_percent,
            "basis": cost.basis, "source": cost.source, "source_date": cost.source_date,
            "amount": money(line.amount_pence) if line.costed else None, "arithmetic": line.arithmetic(),
            "set_by": cost.set_by, "set_at": cost.set_at.isoformat() if cost.set_at else None}


def estimate_json(estimate: Estimate) -> dict[str, Any]:
    return {
        "estimate": {"site_name": estimate.site_name, "range_label": estimate.range_label,
                     "first_day": estimate.first_day.isoformat(), "last_day": estimate.last_day.isoformat(),
                     "generated_at": estimate.generated_at.isoformat(), "indicative": INDICATIVE},
        "lines": [line_json(line) for line in estimate.lines],
        "totals": {"savings": money(estimate.savings_pence), "costs": money(estimate.costs_pence),
                   "net": money(estimate.net_pence), "arithmetic": estimate.totals_arithmetic()},
    }


def estimate_to_json_text(estimate: Estimate) -> str:
    return json.dumps(estimate_json(estimate), indent=2, ensure_ascii=False) + "\n"


def estimate_rows(estimate: Estimate) -> Iterator[tuple[str, str, object]]:
    data = estimate_json(estimate)
    for key, value in data["estimate"].items():
        yield "estimate", key, value
    for line in data["lines"]:
        name = line["line"]
        for key in ("event", "count_of", "count", "direction", "unit_cost", "share_percent", "basis", "source",
                    "source_date", "amount", "arithmetic", "costed"):
            value = line[key]
            yield "line", f"{name}.{key}", ("yes" if value else "no") if isinstance(value, bool) else value
    for key, value in data["totals"].items():
        yield "totals", key, value


def estimate_to_csv(estimate: Estimate) -> str:
    return csv_text(("section", "key", "value"), ((s, k, "" if v is None else v) for s, k, v in estimate_rows(estimate)))


def estimate_file_name(estimate: Estimate, kind: str) -> str:
    return f"impact-estimate-{estimate.first_day.isoformat()}-to-{estimate.last_day.isoformat()}.{kind}"


def unit_cost_text(line: EstimateLine) -> str:
    """'£121.52' or '75% × £300.00'; 'not costed'."""
    if line.cost.unit_pence is None:
        return "–"
    share = f"{line.cost.share_percent}% × " if line.cost.share_percent != 100 else ""
    return f"{share}{pounds(line.cost.unit_pence)}"


def source_text(line: EstimateLine) -> str:
    cost = line.cost
    if not cost.source:
        return "–"
    set_by = f" (set by {cost.set_by})" if cost.set_by else ""
    return f"{cost.source}, {cost.source_date}{set_by}"
