"""The Reports page (managers): figures for a month or any range, charts, and CSV/JSON/PDF export.

Figures are counted in the background task runner; a newer choice of dates wins over a count
still running for an older one, so stepping quickly through months never shows a stale month.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.guests import arrivals_offered
from safespace_desk.domain.profile import ServiceKind
from safespace_desk.domain.roles import Permission, can
from safespace_desk.reports.cohort import Cohort, cohort_file_name, cohort_report
from safespace_desk.reports.figures import Figures, compute_figures
from safespace_desk.reports.period import ReportRange
from safespace_desk.services import feedback
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import PAGE_MARGINS, Banner, describe_error
from safespace_desk.ui.kit.widgets import heading
from safespace_desk.ui.reports import casework_rows, charts, hub_day_rows
from safespace_desk.ui.reports import formatting as fmt
from safespace_desk.ui.reports.exports import FORMATS, export_cohort_csv, export_figures, suggested_name
from safespace_desk.ui.reports.feedback_section import FeedbackSection
from safespace_desk.ui.reports.range_picker import RangePicker
from safespace_desk.ui.reports.sections import FigureTable, HeadlineTile, TileGrid, grid_of
from safespace_desk.ui.shell import MainShell


class ReportsPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._zone = get_site(desk).zone
        self._request = 0  # the newest count asked for; older results are dropped
        self.figures: Figures | None = None
        self.export_dir = Path.home()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(10)
        # Title, range and the save buttons wrap onto a second row in Large text.
        top = FlowLayout(spacing=10)
        top.addWidget(heading("Figures", "pageTitle"))
        today = desk.clock.now().astimezone(self._zone).date()
        self.picker = RangePicker(self._zone, today)
        self.picker.range_changed.connect(self.show_range)
        self.picker.invalid.connect(lambda error: self.banner.show_message(describe_error(error)))
        top.addWidget(self.picker)
        save_as = QLabel("Save as")
        save_as.setObjectName("hint")
        top.addWidget(save_as)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text in (("csv", "&CSV…"), ("json", "&JSON…"), ("pdf", "&PDF…")):
            button = QPushButton(text)
            button.setToolTip(f"Save these figures as {FORMATS[kind].split(' (')[0]}")
            button.setAccessibleName(f"Save as {kind.upper()}")
            button.clicked.connect(lambda _=False, k=kind: self.export_with_dialog(k))
            button.setEnabled(False)
            top.addWidget(button)
            self.export_buttons[kind] = button
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setObjectName("hint")
        # The site's name and the period: one line at most sites, but a long name in Large text would
        # otherwise make the page (and so the window) wider than a 1366-pixel screen.
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.banner = Banner()
        layout.addWidget(self.banner)

        scroll = QScrollArea()
        scroll.setObjectName("reportsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("backdrop")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 8)
        column.setSpacing(12)
        self.tiles = {key: HeadlineTile() for key in fmt.HEADLINE_KEYS}
        column.addWidget(TileGrid(list(self.tiles.values())))

        self.daily_chart = charts.ChartPanel("Different guests present each day", "Chart of guests per day")
        self.arrivals_chart = charts.ChartPanel("Arrivals by source", "Chart of arrivals by source")
        self.occupancy_chart = charts.ChartPanel("Occupancy by period: peak, average and places",
                                                 "Chart of occupancy by period")
        self.messages_chart = charts.ChartPanel("Messages by agency: what became of them",
                                                "Chart of message outcomes by agency")
        column.addLayout(grid_of([self.daily_chart, self.arrivals_chart, self.occupancy_chart,
                                  self.messages_chart], 2))

        self.occupancy_table = FigureTable("Occupancy by period")
        self.exclusions_table = FigureTable("Exclusions")
        self.health_table = FigureTable("Health")
        self.messages_table = FigureTable("Messages")
        self.agency_table = FigureTable("Messages by agency")
        self.log_table = FigureTable("Shift log entries by kind")
        self.gender_table = FigureTable("Guests by gender (where recorded)")
        self.arrivals_table = FigureTable("Arrivals by source")
        # Three columns; the per-agency table has six columns of numbers, so it spans two.
        sections = QGridLayout()
        sections.setSpacing(12)
        for row, col, table, span in (
                (0, 0, self.occupancy_table, 1), (0, 1, self.exclusions_table, 1), (0, 2, self.health_table, 1),
                (1, 0, self.messages_table, 1), (1, 1, self.agency_table, 2),
                (2, 0, self.arrivals_table, 1), (2, 1, self.log_table, 1), (2, 2, self.gender_table, 1)):
            sections.addWidget(table, row, col, 1, span, Qt.AlignmentFlag.AlignTop)
        for col in range(3):
            sections.setColumnStretch(col, 1)
        column.addLayout(sections)
        # A crisis service's or haven's casework (hidden at a hub): referrals and cases, contacts,
        # practical support, onward referrals, sessions and reach.
        self.casework_title = heading("Casework for commissioners")
        column.addWidget(self.casework_title)
        self.casework_tables = [FigureTable(title) for title in casework_rows.TABLES]
        casework_grid = QGridLayout()
        casework_grid.setSpacing(12)
        for index, table in enumerate(self.casework_tables):
            casework_grid.addWidget(table, index // 2, index % 2, Qt.AlignmentFlag.AlignTop)
        for col in range(2):
            casework_grid.setColumnStretch(col, 1)
        column.addLayout(casework_grid)
        # The hub's day beyond sign-in (issue 13): where people went, arrivals, debriefs, enquiries, and
        # the cohort (where the people first seen in the range are now), counted when asked for.
        column.addWidget(heading("Moving on and the hub's day"))
        self.moves_table = FigureTable("Where people went")
        self.day_table = FigureTable("Expected arrivals and debriefs")
        self.enquiries_table = FigureTable("Enquiries about a person, by legal basis")
        self.cohort_table = FigureTable("People first seen in this range: where they are now")
        self.cohort_button = QPushButton("Count where they are now")
        self.cohort_button.setToolTip("The cohort report: of the people first seen in these dates, where they "
                                      "live now (or that they have died)")
        self.cohort_button.clicked.connect(self.count_cohort)
        self.cohort_csv_button = QPushButton("Save as CSV")
        self.cohort_csv_button.setToolTip("The cohort report as a spreadsheet (section,key,value, as the figures)")
        self.cohort_csv_button.clicked.connect(self.cohort_csv_with_dialog)
        self.cohort: Cohort | None = None
        cohort_buttons = QHBoxLayout()
        cohort_buttons.addWidget(self.cohort_button)
        cohort_buttons.addWidget(self.cohort_csv_button)
        cohort_buttons.addStretch(1)
        cohort_box = QVBoxLayout()
        cohort_box.addWidget(self.cohort_table)
        cohort_box.addLayout(cohort_buttons)
        day_grid = QGridLayout()
        day_grid.setSpacing(12)
        day_grid.addWidget(self.moves_table, 0, 0, Qt.AlignmentFlag.AlignTop)
        day_grid.addWidget(self.day_table, 0, 1, Qt.AlignmentFlag.AlignTop)
        day_grid.addWidget(self.enquiries_table, 1, 0, Qt.AlignmentFlag.AlignTop)
        day_grid.addLayout(cohort_box, 1, 1, Qt.AlignmentFlag.AlignTop)
        for col in range(2):
            day_grid.setColumnStretch(col, 1)
        column.addLayout(day_grid)
        # The guests' own feedback, anonymous: counts from the figures, their words read for the range.
        self.feedback = FeedbackSection(self._may_delete_feedback())
        self.feedback.delete_requested.connect(self.delete_feedback)
        column.addWidget(self.feedback)
        definitions = QLabel(fmt.DEFINITIONS_NOTE)
        definitions.setObjectName("hint")
        definitions.setWordWrap(True)
        column.addWidget(definitions)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

    def focus_first(self) -> None:
        self.picker.mode.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        # Counted when first looked at, not when the manager signs in.
        if self.figures is None and self._request == 0:
            self.refresh()

    # -- counting -------------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            chosen = self.picker.current_range()
        except Exception as error:
            self.banner.show_message(describe_error(error))
            return
        self.show_range(chosen)

    def show_range(self, chosen: ReportRange) -> None:
        self._request += 1
        request = self._request
        self.banner.clear_message()
        self.status.setText(f"Counting {chosen.label()}…")
        for button in self.export_buttons.values():
            button.setEnabled(False)
        desk = self._desk
        self._shell.runner.run(lambda: compute_figures(desk, chosen),
                               lambda figures: self._counted(request, figures),
                               lambda error: self._failed(request, error))

    def _counted(self, request: int, figures: Figures) -> None:
        if request != self._request:
            return  # the manager has already moved on to other dates
        self.show_figures(figures)

    def _failed(self, request: int, error: Exception) -> None:
        if request == self._request:
            self.status.setText("")
            self.banner.show_message(describe_error(error))

    def show_figures(self, f: Figures) -> None:
        self.figures = f
        self.status.setText(f"{f.site_name} · {f.first_day:%-d %B %Y} to {f.last_day:%-d %B %Y} "
                            f"({len(f.daily_unique_guests)} days, whole days in the site's time zone)")
        for headline in fmt.headlines(f):
            self.tiles[headline.key].show_headline(headline)
        charts.daily_guests(self.daily_chart, f)
        charts.arrivals(self.arrivals_chart, f)
        charts.occupancy(self.occupancy_chart, f)
        charts.messages(self.messages_chart, f)
        header, rows = fmt.occupancy_table(f)
        self.occupancy_table.set_rows(header, rows)
        self.exclusions_table.set_rows(["", "Number"], fmt.exclusion_rows(f))
        self.health_table.set_rows(["", "Number"], fmt.health_rows(f))
        self.messages_table.set_rows(["All agencies", "Messages"], fmt.message_rows(f))
        header, rows = fmt.agency_table(f)
        self.agency_table.set_rows(header, rows or [["No messages in this range"] + [""] * 5])
        offered = {v.value for v in arrivals_offered(f.service_kind == ServiceKind.HUB.value)}
        self.arrivals_table.set_rows(["Arrived via", "Sign-ins"],
                                     [(fmt.source_label(s), str(n)) for s, n in f.arrivals_by_source.items()
                                      if s in offered or n])
        self.log_table.set_rows(["", "Entries"], fmt.log_rows(f))
        self.gender_table.set_rows(["", "Guests"], fmt.gender_rows(f))
        # Only what this site's profile uses (a hub shows all of its usual sections, as before).
        self.tiles["bed_nights"].setVisible(f.shows("beds"))
        self.exclusions_table.setVisible(f.shows("exclusions"))
        self.health_table.setVisible(f.shows("health"))
        for widget in (self.messages_table, self.agency_table, self.messages_chart):
            widget.setVisible(f.shows("messages"))
        self.casework_title.setVisible(f.casework is not None)
        for table, (_title, rows) in zip(self.casework_tables, casework_rows.all_tables(f.casework)
                                         if f.casework else [("", [])] * len(self.casework_tables), strict=True):
            table.setVisible(f.casework is not None)
            if f.casework is not None:
                table.set_rows(["", "Number"], rows)
        if f.hub_day is not None:
            hub = f.service_kind == ServiceKind.HUB.value
            self.moves_table.set_rows(["", "Number"], hub_day_rows.moves_rows(f.hub_day, hub))
            self.day_table.set_rows(["", "Number"], hub_day_rows.day_rows(f.hub_day, hub))
            self.day_table.set_title("Expected arrivals and debriefs" if hub else "Debriefs after hard moments")
            self.enquiries_table.set_rows(["", "Enquiries"], hub_day_rows.enquiry_rows(f.hub_day))
            self.feedback.show_counts(f.hub_day)
        self._show_feedback_words()
        self.cohort_table.set_rows(["", "People"], [("Not counted yet", "")])
        self.cohort = None
        self.cohort_csv_button.setEnabled(False)
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def _may_delete_feedback(self) -> bool:
        actor = self._desk.actor
        return actor is not None and can(actor.role, Permission.DATA_RIGHTS)

    def _show_feedback_words(self) -> None:
        try:
            self.feedback.show_entries(feedback.feedback_in(self._desk, self.picker.current_range()))
        except Exception as error:
            self.banner.show_message(describe_error(error))

    def delete_feedback(self, feedback_id: str) -> None:
        """A manager deletes an entry (a name written by mistake); the figures are counted again."""
        try:
            changes = feedback.delete_feedback(self._desk, feedback_id)
        except Exception as error:
            self.banner.show_message(describe_error(error))
            return
        self._shell.apply_changes(changes)  # sync sends the deletion on
        self.refresh()
        self.banner.show_message("The feedback entry is deleted.", "success")

    def count_cohort(self) -> None:
        """The cohort report for the dates chosen (on demand: it reads every first visit)."""
        try:
            cohort = cohort_report(self._desk, self.picker.current_range())
        except Exception as error:
            self.banner.show_message(describe_error(error))
            return
        self.cohort_table.set_rows(["", "People"], hub_day_rows.cohort_rows(cohort))
        self.cohort = cohort
        self.cohort_csv_button.setEnabled(True)

    def cohort_csv_with_dialog(self) -> None:
        if self.cohort is None:
            return
        start = str(self.export_dir / cohort_file_name(self.cohort, "csv"))
        path, _ = QFileDialog.getSaveFileName(self, "Save where they are now as CSV", start, FORMATS["csv"])
        if path:
            self.save_cohort_csv(Path(path))

    def save_cohort_csv(self, path: Path) -> Path | None:
        """The cohort counted last, as CSV; the outcome is shown on the page."""
        if self.cohort is None:
            self.banner.show_message("Count where they are now first: there is nothing to save yet.")
            return None
        cohort = self.cohort
        return self._saved(lambda: export_cohort_csv(cohort, path))

    # -- exporting ------------------------------------------------------------------------------
    def export_with_dialog(self, kind: str) -> None:
        if self.figures is None:
            return
        start = str(self.export_dir / suggested_name(self.figures, kind))
        path, _ = QFileDialog.getSaveFileName(self, f"Save the figures as {kind.upper()}", start, FORMATS[kind])
        if path:
            self.save_report(kind, Path(path))

    def save_report(self, kind: str, path: Path) -> Path | None:
        """Save the figures shown as ``kind`` to ``path``; the outcome is shown on the page."""
        if self.figures is None:
            self.banner.show_message("Choose the dates first: there are no figures to save yet.")
            return None
        figures = self.figures
        return self._saved(lambda: export_figures(figures, path, kind))

    def _saved(self, write: Callable[[], Path]) -> Path | None:
        """Run ``write``; say on the page where the file went, or why it could not be saved."""
        try:
            written = write()
        except Exception as error:
            self.banner.show_message(describe_error(error))
            return None
        self.export_dir = written.parent
        self.banner.show_message(f"Saved {written.name} in {written.parent}.", "success")
        return written
