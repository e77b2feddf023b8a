"""The Reports page on the hand-built October of tests/reports/test_figures.py, and its exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from safespace_desk.reports.export import figures_to_csv
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.reports.page import ReportsPage
from safespace_desk.ui.reports.pdf import write_report_pdf
from safespace_desk.ui.shell import MainShell
from tests.reports.test_figures import october  # noqa: F401 (the fixture)
from tests.support import pdf as pdf_reader


def _page(qtbot: QtBot, shell: MainShell, desk: DeskContext) -> ReportsPage:
    page = ReportsPage(desk, shell)
    shell.add_page("reports", "Reports", page)
    shell.show()
    qtbot.waitExposed(shell)
    shell.show_page("reports")
    page.picker.set_month(2026, 10)
    assert page.figures is not None and page.figures.range_label == "October 2026"
    return page


def test_the_page_shows_octobers_numbers(qtbot: QtBot, shell: MainShell, october: DeskContext) -> None:  # noqa: F811
    page = _page(qtbot, shell, october)
    tiles = {key: tile.value.text() for key, tile in page.tiles.items()}
    assert tiles == {"unique_guests": "3", "new_guests": "2 / 1", "visits": "3",
                     "average_daily_unique_guests": "0.2", "bed_nights": "2", "police_drop_offs": "1"}
    assert page.exclusions_table.value_of("Exclusions issued") == "1"
    assert page.exclusions_table.value_of("Average length as issued") == "24.0 hours"
    assert page.messages_table.value_of("Median time to delivery") == "216.0 hours"
    assert page.agency_table.value_of("GP", 1) == "2" and page.agency_table.value_of("Housing", 3) == "1"
    assert page.health_table.value_of("Triage assessments") == "2"
    assert page.log_table.value_of("Police called") == "1"
    assert page.gender_table.value_of("Not recorded") == "1"
    assert page.arrivals_table.value_of("Police") == "1"
    assert all(button.isEnabled() for button in page.export_buttons.values())
    # Stepping back a month recounts: September has Dee and Ann's first visit.
    page.picker.previous_button.click()
    assert page.figures.range_label == "September 2026"
    assert page.tiles["unique_guests"].value.text() == "2"


def test_a_custom_range_and_a_backwards_one(qtbot: QtBot, shell: MainShell, october: DeskContext) -> None:  # noqa: F811
    from datetime import date
    page = _page(qtbot, shell, october)
    page.picker.set_custom(date(2026, 10, 24), date(2026, 10, 25))
    assert page.figures is not None and page.figures.range_label == "24 Oct 2026 to 25 Oct 2026"
    assert page.tiles["visits"].value.text() == "1"  # Ben, brought by police over the clock change
    page.picker.set_custom(date(2026, 10, 25), date(2026, 10, 1))
    assert "before the start" in page.banner.text() and page.banner.isVisible()


def test_csv_and_json_exports_match_the_page(qtbot: QtBot, shell: MainShell, october: DeskContext,  # noqa: F811
                                             tmp_path: Path) -> None:
    page = _page(qtbot, shell, october)
    csv_path = page.save_report("csv", tmp_path / "october")  # the extension is added
    json_path = page.save_report("json", tmp_path / "october.json")
    assert csv_path == tmp_path / "october.csv" and json_path == tmp_path / "october.json"
    assert "Saved october.json" in page.banner.text()
    rows = {(r["section"], r["key"]): r["value"]
            for r in csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8")))}
    data = json.loads(json_path.read_text(encoding="utf-8"))
    for key, tile in page.tiles.items():
        if key != "new_guests":
            assert str(data[key]) == tile.value.text() == rows[("guests", key)]
    assert rows[("arrivals_by_source", "police")] == "1" == str(data["arrivals_by_source"]["police"])
    assert rows[("messages_by_agency", "GP.received")] == "2"
    assert rows[("messages", "median_hours_to_delivery")] == "216.0" == str(data["median_hours_to_delivery"])


def test_the_cohort_is_counted_on_demand_and_saved_as_csv(qtbot: QtBot, shell: MainShell,
                                                          october: DeskContext, tmp_path: Path) -> None:  # noqa: F811
    page = _page(qtbot, shell, october)
    assert not page.cohort_csv_button.isEnabled() and page.save_cohort_csv(tmp_path / "x.csv") is None
    page.cohort_button.click()
    assert page.cohort_csv_button.isEnabled()
    saved = page.save_cohort_csv(tmp_path / "cohort")  # the extension is added
    assert saved == tmp_path / "cohort.csv" and "Saved cohort.csv" in page.banner.text()
    rows = {(r["section"], r["key"]): r["value"] for r in csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8")))}
    assert rows[("cohort", "people")] == page.cohort_table.value_of("First seen in this range")
    assert rows[("cohort", "first_day")] == "2026-10-01"
    # Another range: the count shown (and saved) would be of other dates, so it is counted again.
    page.picker.previous_button.click()
    assert not page.cohort_csv_button.isEnabled()


def test_a_failed_save_is_shown_in_plain_words(qtbot: QtBot, shell: MainShell, october: DeskContext,  # noqa: F811
                                               tmp_path: Path) -> None:
    page = _page(qtbot, shell, october)
    assert page.save_report("csv", tmp_path / "no-such-folder" / "x.csv") is None
    assert "could not be saved" in page.banner.text()


def test_the_pdf_has_two_pages_with_the_key_numbers(qtbot: QtBot, shell: MainShell, october: DeskContext,  # noqa: F811
                                                    tmp_path: Path) -> None:
    page = _page(qtbot, shell, october)
    assert page.figures is not None
    path = tmp_path / "report.pdf"
    write_report_pdf(page.figures, path)
    assert pdf_reader.page_count(path) == 2
    width, height = pdf_reader.page_size_mm(path)
    assert (round(width), round(height)) == (210, 297)  # A4
    first = pdf_reader.text(path, 1, 1)
    second = pdf_reader.text(path, 2, 2)
    assert "Test Hub: figures for October 2026" in first
    for label in ("Unique guests", "New / returning", "Bed nights", "Police drop-offs", "Arrivals by source"):
        assert label in first
    assert "2/1" in first.replace(" ", "")  # pdftotext may drop the spaces of a short string
    for label in ("Occupancy by period", "Exclusions", "Messages by agency", "Shift log entries by kind",
                  "Guests by gender", "docs/figures.md"):
        assert label in second
    assert "216.0" in second and "24.0 hours" in second
    # The CSV the page would save carries the same numbers as the PDF.
    assert "bed_nights,2" in figures_to_csv(page.figures)


def test_a_long_site_name_in_large_text_keeps_the_page_within_a_1366_screen(
        qtbot: QtBot, shell: MainShell, october: DeskContext) -> None:  # noqa: F811
    """The line naming the site and the period wraps: unwrapped, a crisis service's name in Large text
    made the page (and so every page's window) wider than the screen."""
    from PySide6.QtWidgets import QApplication

    from safespace_desk.ui.kit.theme import Theme, ThemeController

    page = _page(qtbot, shell, october)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    controller = ThemeController(app, theme=Theme.DAY)
    try:
        controller.set_large_text(True)
        page.status.setText("Demo Crisis Service (synthetic data) · 1 November 2026 to 30 November 2026 "
                            "(30 days, whole days in the site's time zone)")
        navigation = 320  # the widest navigation, at a crisis service in Large text
        assert page.minimumSizeHint().width() <= 1366 - navigation
    finally:
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())
        app.setProperty("safespaceScheme", None)
        app.setFont(font)


def test_a_crisis_services_page_leaves_out_a_hubs_arrivals_and_swaps(qtbot: QtBot, shell: MainShell,
                                                                     desk: DeskContext) -> None:
    from tests.services.casework_helpers import make_service

    make_service(desk, "crisis")
    page = ReportsPage(desk, shell)
    shell.add_page("reports", "Reports", page)
    shell.show()
    shell.show_page("reports")
    page.picker.set_month(2026, 10)
    labels = {table: [table.table.item(r, 0).text() for r in range(table.table.rowCount())]
              for table in (page.arrivals_table, page.moves_table, page.day_table)}
    assert "Prison" not in labels[page.arrivals_table] and "Police" in labels[page.arrivals_table]
    assert "Hostel swaps" not in labels[page.moves_table]
    assert not any(label.startswith("Expected") for label in labels[page.day_table])
    assert page.day_table.heading.text() == "Debriefs after hard moments"
    # The CSV keeps the documented layout (zeros), so a spreadsheet reads every site's alike.
    assert page.figures is not None and "moves,hostel_swaps,0" in figures_to_csv(page.figures)


def test_every_agency_has_room_for_its_label(qtbot: QtBot, shell: MainShell, october: DeskContext) -> None:  # noqa: F811
    """Finding 8: with nine agencies the chart named four (Qt hides the category labels that do not
    fit); the chart grows so each bar has room for its name, in Large text too."""
    from collections import Counter
    from dataclasses import replace

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from safespace_desk.reports.figures import AgencyFigures
    from safespace_desk.ui.reports import charts

    page = _page(qtbot, shell, october)
    assert page.figures is not None
    nine = {f"Agency number {i}": AgencyFigures(received=i, delivered=i) for i in range(1, 10)}
    app_font = QApplication.font()
    large = QApplication.font()
    large.setPointSize(15)  # Large text: where the labels have least room
    QApplication.setFont(large)
    try:
        charts.messages(page.messages_chart, replace(page.figures, messages_by_agency=nine))
    finally:
        QApplication.setFont(app_font)
    qtbot.wait(50)
    # Each axis label is an item of the chart's scene, all of one height (the labels' font), and
    # those with no room are hidden: the nine agencies' and every value label must show.
    ticks = page.messages_chart.chart().axes(Qt.Orientation.Horizontal)[0].tickCount()
    heights = Counter(round(item.boundingRect().height()) for item in page.messages_chart.scene().items()
                      if type(item).__name__ == "QGraphicsItem" and item.isVisible())
    assert max(heights.values()) >= len(nine) + ticks, heights
