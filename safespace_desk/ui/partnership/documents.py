"""The by-name list and the impact estimate on paper: HTML laid out on A4 by QTextDocument (the
handover's way), printed or written as PDF. The list is landscape (it is a wide table); the estimate
portrait. Usable without a window: the command line writes the estimate's PDF too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtPrintSupport import QPrinter

from safespace_desk.domain.impact import INDICATIVE, Estimate, net_wording, pounds
from safespace_desk.domain.partnership import ByNameList
from safespace_desk.reports.partnership_export import (
    arrivals_text,
    by_agency,
    list_summary,
    source_text,
    unit_cost_text,
)
from safespace_desk.ui.messages.printing import document_for, escape, wrap_html, write_pdf
from safespace_desk.ui.reports.pdf_canvas import ensure_gui_app

NEED_TO_KNOW = ("Counts and dates only: no notes, reasons, message text or health details are on this list. "
                "People who asked not to be discussed are left off; only their number is shown.")
REVIEW_TOTALS_NOTE = (
    "The starting unit costs are the Derby Safe Space review's (2021, Appendix 2). Its totals are not used: "
    "the appendix prints £40,000,000,000 where its text says about £40m, gives the safeguarding cost as "
    "£163,770 in one place and £163,733 in another, and its 3,583 safeguarding referrals were made by all "
    "the partners, not the hub. Only this hub's own counts are multiplied here.")


INDICATIVE_FIRST, INDICATIVE_REST = INDICATIVE.split(". ", 1)
INDICATIVE_FIRST += "."


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "never"
    local = value.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M}"


def list_title(listing: ByNameList) -> str:
    day = listing.meeting_day
    return f"By-name list for the partnership meeting on {day:%a} {day.day} {day:%b %Y}"


def list_html(listing: ByNameList, site_name: str, zone: ZoneInfo, printed_by: str, now: datetime) -> str:
    first, last = listing.first_day, listing.last_day
    period = f"{first.day} {first:%b %Y} to {last.day} {last:%b %Y}"
    since = (f"last meeting {listing.previous_meeting.day} {listing.previous_meeting:%b %Y}"
             if listing.previous_meeting else "no earlier meeting recorded")
    filters = ", ".join(f.label.lower() for f in sorted(listing.filters)) or "none"
    head = (f"<h1>{escape(list_title(listing))}</h1>"
            f"<p class='muted'>{escape(site_name)} · period {period} ({since}) · as of "
            f"{_when(listing.as_of, zone)} · {escape(list_summary(listing))} · filters: {escape(filters)}</p>"
            f"<p class='muted'>{escape(NEED_TO_KNOW)}</p>")
    header = ("Name (other names)", "On the list", "First seen", "Last seen", "Visits", "Nights", "Arrived via",
              "Excl.", "Messages waiting", "Delivered", "Triage", "Flags", "Action agreed (owner, due)")
    widths = (9, 6, 7, 7, 5, 5, 8, 4, 8, 8, 5, 5, 23)  # percent of the landscape page
    rows = []
    for row in listing.rows:
        name = escape(row.name) + (f"<br><span class='muted'>{escape('; '.join(row.other_names))}</span>"
                                   if row.other_names else "")
        on_list = (f"since {row.on_list_since.day} {row.on_list_since:%b}" if row.on_list_since else "")
        if row.left_list_on:
            on_list += f"<br>leaves {row.left_list_on.day} {row.left_list_on:%b}"
        excluded = str(row.exclusions) + (" <b>now</b>" if row.excluded_now else "")
        action = ""
        if row.action is not None:
            a = row.action
            state = " <b>done</b>" if a.done_on else (" <b>overdue</b>" if a.overdue_on(listing.meeting_day) else "")
            action = (f"{escape(a.text)}<br><span class='muted'>{escape(a.owner)}, due {a.due_on.day} "
                      f"{a.due_on:%b} (agreed {a.meeting_day.day} {a.meeting_day:%b})</span>{state}")
        last_seen = "in now" if row.in_now else _when(row.last_seen, zone)
        cells = [name, on_list, _when(row.first_seen, zone), last_seen, str(row.visits), str(row.nights),
                 escape(arrivals_text(row.arrivals)), excluded, escape(by_agency(row.messages_waiting)),
                 escape(by_agency(row.messages_delivered)), str(row.triage_assessments),
                 escape(", ".join(f.short for f in row.flags)), action]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    if not rows:
        rows.append(f"<tr><td colspan='{len(header)}' class='none'>Nobody on the list for this meeting and "
                    "these filters.</td></tr>")
    table = ("<table class='data' width='100%' cellpadding='3' style='font-size: 8pt'><tr>"
             + "".join(f"<th width='{w}%'>{h}</th>" for h, w in zip(header, widths, strict=True)) + "</tr>"
             + "".join(rows) + "</table>")
    foot = f"<p class='muted'>Printed by {escape(printed_by)} on {_when(now, zone)}. Keep it safe; shred it after the meeting.</p>"
    return wrap_html(list_title(listing), head + table + foot)


def estimate_title(estimate: Estimate) -> str:
    return f"Impact estimate: {estimate.site_name}, {estimate.range_label}"


def estimate_html(estimate: Estimate, zone: ZoneInfo) -> str:
    head = (f"<h1>{escape(estimate_title(estimate))}</h1>"
            f"<p class='muted'>{estimate.first_day.day} {estimate.first_day:%b %Y} to {estimate.last_day.day} "
            f"{estimate.last_day:%b %Y} (whole days) · worked out {_when(estimate.generated_at, zone)}</p>"
            f"<p><b>{escape(INDICATIVE_FIRST)}</b> {escape(INDICATIVE_REST)}</p>")
    header = ("What it stands for", "Counted by the desk", "Count", "Unit cost", "Arithmetic", "Counts as",
              "Source of the unit cost")
    widths = (21, 17, 7, 12, 16, 9, 18)  # percent of the page
    rows = []
    for line in estimate.lines:
        cost = line.cost
        how = f"<br><span class='muted'>{escape(cost.basis)}</span>" if cost.basis else ""
        kind = cost.direction.label if line.costed else "not costed"
        cells = [escape(line.spec.event), escape(line.spec.count_label()), str(line.count),
                 escape(unit_cost_text(line)) + how, escape(line.arithmetic()), kind, escape(source_text(line))]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    table = ("<table class='data' width='100%' cellpadding='3' style='font-size: 8.5pt'><tr>"
             + "".join(f"<th width='{w}%'>{h}</th>" for h, w in zip(header, widths, strict=True)) + "</tr>"
             + "".join(rows) + "</table>")
    totals = (f"<h2>Totals</h2><p>Savings {pounds(estimate.savings_pence)} · costs {pounds(estimate.costs_pence)} · "
              f"{escape(estimate.totals_arithmetic())}</p><p><b>{escape(net_wording(estimate))}</b></p>"
              f"<p class='muted'>{escape(REVIEW_TOTALS_NOTE)}</p>")
    return wrap_html(estimate_title(estimate), head + table + totals)


def write_list_pdf(html: str, path: Path, title: str) -> Path:
    ensure_gui_app()
    return write_pdf(html, path, title, landscape=True)


def print_list_to(printer: QPrinter, html: str) -> None:
    document_for(html).print_(printer)


def write_estimate_pdf(estimate: Estimate, path: Path, zone: ZoneInfo | None = None) -> Path:
    ensure_gui_app()
    return write_pdf(estimate_html(estimate, zone or ZoneInfo("Europe/London")), path, estimate_title(estimate))
