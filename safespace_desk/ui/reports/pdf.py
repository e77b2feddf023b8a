"""The monthly report as a two-page A4 PDF, for partnership meetings and commissioners.

Page 1: the headline figures, guests per day and arrivals by source. Page 2: occupancy,
exclusions, messages by agency, health, the shift log and gender, with a pointer to the
definitions. Usable without any window (the command line calls ``write_report_pdf`` too).
"""

from __future__ import annotations

from pathlib import Path

from safespace_desk.reports.figures import Figures
from safespace_desk.ui.reports import casework_rows
from safespace_desk.ui.reports import formatting as fmt
from safespace_desk.ui.reports.pdf_canvas import MUTED, SERIES_COLOURS, PdfCanvas, Series

MAX_AGENCIES_CHARTED = 5


def page_count(figures: Figures) -> int:
    """Two pages for a hub; a crisis service or haven has its casework page (and the hub's second
    page only if it uses exclusions, messages or triage too)."""
    hub_page = figures.casework is None or any(figures.shows(s) for s in ("exclusions", "messages", "health"))
    return 1 + hub_page + (figures.casework is not None)


def write_report_pdf(figures: Figures, path: Path) -> None:
    """Write the report for ``figures`` to ``path`` (replacing any file there)."""
    with PdfCanvas(Path(path), f"{figures.site_name}: {figures.range_label}") as canvas:
        _page_one(canvas, figures)
        if figures.casework is None or page_count(figures) == 3:
            canvas.new_page()
            _page_two(canvas, figures)
        if figures.casework is not None:
            canvas.new_page()
            _casework_page(canvas, figures)


def _title(canvas: PdfCanvas, f: Figures, subtitle: str) -> float:
    y = canvas.text(0, 0, canvas.width, f"{f.site_name}: figures for {f.range_label}", 16, bold=True)
    y += 2 + canvas.text(0, y + 2, canvas.width, subtitle, 8.5, colour=MUTED)
    canvas.rule(y + 6)
    return y + 16


def _footer(canvas: PdfCanvas, f: Figures) -> None:
    canvas.footer(f"SafeSpace Desk · {f.site_name} · {f.range_label} · page {canvas.page_number} of {page_count(f)}")


def _heading(canvas: PdfCanvas, y: float, text: str, x: float = 0, w: float | None = None) -> float:
    return y + 4 + canvas.text(x, y, w or canvas.width, text, 11.5, bold=True)


def _page_one(canvas: PdfCanvas, f: Figures) -> None:
    generated = f.generated_at.strftime("%-d %b %Y %H:%M UTC")
    y = _title(canvas, f, f"{f.first_day:%-d %B %Y} to {f.last_day:%-d %B %Y} (inclusive) · "
                          f"generated {generated}")
    gap = 10.0
    tile_w = (canvas.width - 2 * gap) / 3
    shown = [h for h in fmt.headlines(f) if h.key != "bed_nights" or f.shows("beds")]
    for n, headline in enumerate(shown):
        row, column = divmod(n, 3)
        canvas.tile(column * (tile_w + gap), y + row * 68, tile_w, 60, headline.value, headline.label,
                    headline.hint)
    y += 2 * 68 + 10

    y = _heading(canvas, y, "Different guests present each day")
    days = f.daily_unique_guests
    # Day-of-month labels for one month; day and month when a range crosses months.
    one_month = f.first_day.month == f.last_day.month and f.first_day.year == f.last_day.year
    labels = [f"{d.day}" if one_month else f"{d:%-d %b}" for d, _ in days]
    every = max(1, len(days) // 16) if one_month else max(1, len(days) // 8)
    canvas.vertical_bars(0, y, canvas.width, 230, labels, [n for _, n in days], label_every=every)
    y += 230 + 22

    y = _heading(canvas, y, "Arrivals by source (sign-ins in the range)")
    sources = list(f.arrivals_by_source.items())
    canvas.horizontal_bars(0, y, canvas.width, 22 * len(sources) + 14, [fmt.source_label(s) for s, _ in sources],
                           [Series("Sign-ins", [n for _, n in sources], SERIES_COLOURS[0])])
    y += 22 * len(sources) + 20
    rest = ("The casework figures are on page 2." if page_count(f) == 2 and f.casework is not None
            else "Occupancy, exclusions, messages, health and the shift log are on page 2.")
    canvas.text(0, y, canvas.width, rest, 8, colour=MUTED)
    _footer(canvas, f)


def _page_two(canvas: PdfCanvas, f: Figures) -> None:
    y = _title(canvas, f, "Occupancy, exclusions, messages, health and the shift log")
    half = (canvas.width - 20) / 2

    y = _heading(canvas, y, "Occupancy by period")
    header, rows = fmt.occupancy_table(f)
    used = canvas.table(0, y, [62, 42, 40, 52, half - 196], header, rows)
    periods = [o.name for o in f.occupancy]
    series = [Series("Peak", [o.peak for o in f.occupancy], SERIES_COLOURS[0]),
              Series("Average", [o.average for o in f.occupancy], SERIES_COLOURS[1]),
              Series("Places", [o.places for o in f.occupancy], "#9aa5b1")]
    chart_h = max(80.0, 40.0 * len(periods) + 14)
    canvas.horizontal_bars(half + 20, y, half, chart_h, periods, series, label_w=50)
    canvas.legend(half + 70, y + chart_h + 4, series)
    y += max(used, chart_h + 16) + 14

    # Left: exclusions above health. Right: the message totals, with what became of each
    # agency's messages charted beneath them when there are few agencies (with many, the table
    # below says it all and the chart would push the page over).
    left_y = _heading(canvas, y, "Exclusions", w=half)
    left_y += canvas.table(0, left_y, [170, half - 170], ["", "Number"], fmt.exclusion_rows(f)) + 12
    left_y = _heading(canvas, left_y, "Health", w=half)
    left_y += canvas.table(0, left_y, [170, half - 170], ["", "Number"], fmt.health_rows(f))
    right_x = half + 20
    right_y = _heading(canvas, y, "Messages left by agencies", x=right_x, w=half)
    right_y += canvas.table(right_x, right_y, [170, half - 170], ["All agencies", "Messages"],
                            fmt.message_rows(f)) + 8
    if 0 < len(f.messages_by_agency) <= MAX_AGENCIES_CHARTED:
        outcomes = message_outcome_series(f)
        chart_h = 16.0 * len(f.messages_by_agency) + 14
        canvas.horizontal_bars(right_x, right_y, half, chart_h, list(f.messages_by_agency), outcomes,
                               stacked=True, label_w=70)
        canvas.legend(right_x + 50, right_y + chart_h + 2, outcomes)
        right_y += chart_h + 14
    y = max(left_y, right_y) + 12

    y = _heading(canvas, y, "Messages by agency")
    header, rows = fmt.agency_table(f)
    if rows:
        y += canvas.table(0, y, [155, 65, 65, 65, 80, 85], header, rows, size=8)
    else:
        y += canvas.text(0, y, canvas.width, "No messages in this range.", 9, colour=MUTED)
    y += 14

    left_y = _heading(canvas, y, "Shift log entries by kind", w=half)
    left_y += canvas.table(0, left_y, [170, half - 170], ["", "Entries"], fmt.log_rows(f))
    right_y = _heading(canvas, y, "Guests by gender (where recorded)", x=half + 20, w=half)
    right_y += canvas.table(half + 20, right_y, [170, half - 170], ["", "Guests"], fmt.gender_rows(f))
    y = max(left_y, right_y) + 16

    canvas.rule(y)
    canvas.text(0, y + 6, canvas.width, fmt.DEFINITIONS_NOTE, 8, colour=MUTED)
    _footer(canvas, f)


def _casework_page(canvas: PdfCanvas, f: Figures) -> None:
    """Referrals and cases, contacts, practical support, onward referrals, sessions and reach, in three
    columns; with the occupancy of the building (in-person visits only)."""
    assert f.casework is not None
    y = _title(canvas, f, "Casework for commissioners: referrals, contacts, support and reach")
    gap = 14.0
    width = (canvas.width - 2 * gap) / 3
    columns = [0.0, 0.0, 0.0]
    top = y
    for title, rows in casework_rows.all_tables(f.casework):
        side = columns.index(min(columns))  # the shortest column takes the next table
        x = side * (width + gap)
        at = _heading(canvas, top + columns[side], title, x=x, w=width)
        at += canvas.table(x, at, [width - 34, 34], ["", "Number"], rows, size=7) + 10
        columns[side] = at - top
    y = top + max(columns) + 4
    if f.occupancy:
        y = _heading(canvas, y, "Occupancy of the building (in-person visits)")
        header, rows = fmt.occupancy_table(f)
        y += canvas.table(0, y, [100, 60, 60, 70, 70], header, rows, size=8) + 10
    canvas.rule(y)
    canvas.text(0, y + 6, canvas.width, fmt.DEFINITIONS_NOTE, 8, colour=MUTED)
    _footer(canvas, f)


def message_outcome_series(f: Figures) -> list[Series]:
    """What became of each agency's messages: delivered, expired, not passed on (stacked)."""
    agencies = list(f.messages_by_agency.values())
    return [Series("Delivered", [a.delivered for a in agencies], SERIES_COLOURS[1]),
            Series("Expired", [a.expired for a in agencies], SERIES_COLOURS[2]),
            Series("Not passed on", [a.not_passed_on for a in agencies], SERIES_COLOURS[3])]
