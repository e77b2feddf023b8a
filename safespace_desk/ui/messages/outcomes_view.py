"""Outcomes for agencies: what happened to each message received in a date range, one line each,
ready to copy into an email or save as CSV or PDF for a partnership meeting."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.messages import MessageView
from safespace_desk.reports.csv_safe import write_csv
from safespace_desk.services import messages
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import for_whom, full_date_time
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import InlineBanner, label
from safespace_desk.ui.messages.actions import ServiceActions
from safespace_desk.ui.messages.printing import escape, wrap_html, write_pdf

_HEADERS = ("Received", "From", "For", "Outcome")


class AgencyOutcomesView(QWidget):
    def __init__(self, actions: ServiceActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self.rows: list[tuple[MessageView, str]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(label("Tell an agency what happened to the messages they left. Choose the agency "
                               "and the days the messages were received.", muted=True))
        self.agency = QComboBox()
        self.agency.setAccessibleName("Agency")
        self.agency.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.start = _date_edit("From")
        self.end = _date_edit("To")
        self.show_button = shortcut_button("Show", "Ctrl+Return", self.load, kind="primary", page=self)
        row = FlowLayout()  # wraps in Large text
        for widget in (label("Agency", wrap=False), self.agency, label("Received from", wrap=False), self.start,
                       label("to", wrap=False), self.end, self.show_button):
            row.addWidget(widget)
        layout.addLayout(row)
        general = label()
        self.errors = FieldErrors(general)
        layout.addWidget(self.errors.bind("end", self.end))
        layout.addWidget(general)
        self.banner = InlineBanner()
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setHorizontalHeaderLabels(list(_HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.copy_button = shortcut_button("Copy all", "Ctrl+Shift+C", self.copy_all, page=self)
        self.csv_button = shortcut_button("Save as CSV…", None, self._ask_csv)
        self.pdf_button = shortcut_button("Save as PDF…", None, self._ask_pdf)
        row = QHBoxLayout()
        for button in (self.copy_button, self.csv_button, self.pdf_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self._loaded_agencies = False

    def prepare(self, today: date) -> None:
        """Fill the agency list and default to this month so far (done when first shown)."""
        if self._loaded_agencies:
            return
        self._loaded_agencies = True
        self.agency.addItem("All agencies", None)
        for agency in self._actions.read(messages.list_agencies, include_inactive=True):
            self.agency.addItem(agency.name, agency.id)
        first = today.replace(day=1) if today.day > 7 else today - timedelta(days=30)
        self.start.setDate(QDate(first.year, first.month, first.day))
        self.end.setDate(QDate(today.year, today.month, today.day))

    def load(self) -> None:
        self.errors.clear()
        self.banner.clear()
        start, end = self.start.date().toPython(), self.end.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        try:
            self.rows = self._actions.read(messages.agency_outcomes, self.agency.currentData(), start, end)
        except DeskError as err:
            self.errors.show(err)
            return
        zone = self._actions.read(get_site).zone
        self.table.setRowCount(len(self.rows))
        for r, (view, line) in enumerate(self.rows):
            for c, text in enumerate((full_date_time(view.created_at, zone), view.agency, for_whom(view), line)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.banner.show_message("info", f"{len(self.rows)} message{'s' if len(self.rows) != 1 else ''} "
                                         f"received from {start:%d %b} to {end:%d %b %Y}.")

    def outcome_lines(self) -> list[str]:
        return [line for _view, line in self.rows]

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.outcome_lines()))
        self.banner.show_message("success", "Copied. Paste it into an email to the agency.")

    def save_csv(self, path: str | Path) -> Path:
        zone = self._actions.read(get_site).zone
        now = self._actions.desk.clock.now()
        # Names and notes are what staff and agencies typed: write_csv keeps them from running as formulas.
        return write_csv(Path(path), ("received", "agency", "for", "state", "outcome"),
                         [(view.created_at.astimezone(zone).isoformat(timespec="minutes"), view.agency,
                           for_whom(view), view.state_at(now).label, line) for view, line in self.rows])

    def to_html(self) -> str:
        zone = self._actions.read(get_site).zone
        title = f"Message outcomes: {self.agency.currentText()}"
        rows = "".join(f"<tr><td>{escape(full_date_time(v.created_at, zone))}</td><td>{escape(v.agency)}</td>"
                       f"<td>{escape(for_whom(v))}</td><td>{escape(line)}</td></tr>" for v, line in self.rows)
        span = f"{self.start.date().toString('d MMM yyyy')} to {self.end.date().toString('d MMM yyyy')}"
        return wrap_html(title, f"<h1>{escape(title)}</h1><p class='muted'>Messages received {span}.</p>"
                                "<table class='data' width='100%' cellpadding='4'><tr><th>Received</th>"
                                f"<th>From</th><th>For</th><th>Outcome</th></tr>{rows}</table>")

    def save_pdf(self, path: str | Path) -> Path:
        return write_pdf(self.to_html(), path, "Message outcomes")

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save outcomes as CSV", "message-outcomes.csv", "CSV (*.csv)")
        if path:
            self.save_csv(path)
            self.banner.show_message("success", f"Saved {Path(path).name}.")

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save outcomes as PDF", "message-outcomes.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf(path)
            self.banner.show_message("success", f"Saved {Path(path).name}.")


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    return edit
