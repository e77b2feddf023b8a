"""Import sign-in sheets (managers): choose a CSV, check its columns, dry run, then import.

Import is offered only after a dry run of the same file with the same columns found no
problems, so what is written is exactly what the manager has just reviewed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.sign_in_sheet import REQUIRED
from safespace_desk.services import importer
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.importer import ImportReport, UncertainMatch
from safespace_desk.services.site import get_site
from safespace_desk.ui.data_rights.column_mapping import LABELS, SKIP_COLUMN, ColumnMappingForm, read_header
from safespace_desk.ui.kit.formatting import tell_apart
from safespace_desk.ui.kit.forms import PAGE_MARGINS, Banner, describe_error, primary_button
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.shell import MainShell


class _ProgressRelay(QObject):
    """Carries the importer's progress from the worker thread to the progress bar (queued)."""

    progress = Signal(int, int)


class ImportPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._path: Path | None = None
        self._sha256 = ""  # of the file as chosen; a dry run and its import must read the same bytes
        self._checked: tuple[str, tuple[tuple[str, str], ...]] | None = None  # what the clean dry run saw
        self.report: ImportReport | None = None
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._show_progress)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading("Import sign-in sheets", "pageTitle"))
        layout.addWidget(explanation(
            "Add past visits from paper or spreadsheet sign-in sheets saved as CSV. Nothing is written "
            "until every line is right, and importing the same file again adds nothing twice."))
        file_row = QHBoxLayout()
        self.choose_button = primary_button("&Choose CSV file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen.")
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.file_label, 1)
        layout.addLayout(file_row)
        self.banner = Banner()
        layout.addWidget(self.banner)

        body = QHBoxLayout()
        body.setSpacing(16)
        columns = QFrame()
        columns.setObjectName("panel")
        columns_box = QVBoxLayout(columns)
        columns_box.setContentsMargins(16, 12, 16, 14)
        columns_box.addWidget(heading("Which column is which"))
        self.mapping = ColumnMappingForm()
        columns_box.addWidget(self.mapping)
        hint = QLabel("* required. Dates as YYYY-MM-DD or DD/MM/YYYY; times as HH:MM in the site's time. A time out "
                      "earlier than the time in is the next morning. An empty “arrived via” means self.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        columns_box.addWidget(hint)
        columns_box.addStretch(1)
        actions = QHBoxLayout()
        self.dry_run_button = QPushButton("&Dry run (check only)")
        self.dry_run_button.clicked.connect(self.dry_run)
        self.import_button = primary_button("&Import")
        self.import_button.clicked.connect(self.run_import)
        actions.addWidget(self.dry_run_button)
        actions.addWidget(self.import_button)
        columns_box.addLayout(actions)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("%p% imported")
        self.progress.setAccessibleName("Import progress")
        columns_box.addWidget(self.progress)
        # The drop-downs get the wider half, so "(not in this file)" is read whole.
        body.addWidget(columns, 3)

        results = QVBoxLayout()
        results.setSpacing(8)
        self.summary = QLabel("Choose a file, check the columns, then press Dry run.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("fieldLabel")
        results.addWidget(self.summary)
        self.problems_title = QLabel("Lines with problems")
        self.problems_title.setObjectName("fieldLabel")
        results.addWidget(self.problems_title)
        self.problems = _table(["Line", "Problem"], "Lines with problems")
        results.addWidget(self.problems, 3)
        self.uncertain_title = QLabel("Names that may be guests already (added as new guests and listed "
                                      "for a lead to merge or keep apart under Duplicates)")
        self.uncertain_title.setObjectName("fieldLabel")
        self.uncertain_title.setWordWrap(True)
        results.addWidget(self.uncertain_title)
        self.uncertain = _table(["Name in the file", "May be"], "Names that may match existing guests")
        results.addWidget(self.uncertain, 2)
        body.addLayout(results, 2)
        layout.addLayout(body, 1)
        self.mapping_changed()
        for box in self.mapping.boxes.values():
            box.currentIndexChanged.connect(self.mapping_changed)

    def focus_first(self) -> None:
        self.choose_button.setFocus()

    # -- the file -------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a sign-in sheet", str(Path.home()),
                                              "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        self.banner.clear_message()
        try:
            sheet, header = read_header(path)
        except OSError as error:
            self.banner.show_message(f"{path.name} could not be read ({getattr(error, 'strerror', None) or error}).")
            return False
        except Exception as error:
            self.banner.show_message(f"{path.name}: {describe_error(error)}")
            return False
        self._path, self._sha256 = path, sheet.sha256
        separated = {",": "", ";": " · separated by semicolons", "\t": " · separated by tabs"}[sheet.delimiter]
        self.file_label.setText(f"{path.name} · {sheet.line_breaks:,} lines{separated} · columns: {', '.join(header)}")
        self.mapping.set_header(header)
        self._clear_results("Check the columns, then press Dry run.")
        self.mapping_changed()
        return True

    def mapping_changed(self) -> None:
        # A different mapping means a different import: it needs its own dry run.
        self.dry_run_button.setEnabled(self._path is not None)
        self.import_button.setEnabled(self._checked is not None and self._checked == self._fingerprint())

    def _fingerprint(self) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        if self._path is None:
            return None
        return self._sha256, tuple(sorted(self.mapping.mapping().items()))

    def _missing_required(self) -> str | None:
        mapping = self.mapping.mapping()
        missing = [LABELS[c] for c in REQUIRED if mapping[c] == SKIP_COLUMN]
        if missing:
            return f"Choose the file's column for {' and '.join(missing)}: the importer needs it."
        return None

    # -- dry run and import ---------------------------------------------------------------------
    def dry_run(self) -> None:
        self._start(dry_run=True)

    def run_import(self) -> None:
        if self.import_button.isEnabled():
            self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        if self._path is None:
            return
        problem = self._missing_required()
        if problem:
            self.banner.show_message(problem)
            return
        self.banner.clear_message()
        self._clear_results("Checking every line…" if dry_run else "Importing…")
        self.dry_run_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        path, mapping, desk, fingerprint = self._path, self.mapping.mapping(), self._desk, self._fingerprint()
        sha256 = self._sha256
        relay = self._relay.progress.emit
        # The file is read again by the worker, a block at a time; a file changed since it was chosen
        # (or since its dry run) is refused, so what is imported is what the dry run checked.
        self._shell.runner.run(
            lambda: importer.import_visits(desk, path, mapping=mapping, dry_run=dry_run, progress=relay,
                                           expect_sha256=sha256),
            lambda report: self._finished(report, dry_run, fingerprint),
            self._failed)

    def _may_be(self, match: UncertainMatch) -> str:
        return may_be_text(match, get_site(self._desk).zone, self._desk.clock.now())

    def _finished(self, report: ImportReport, dry_run: bool, fingerprint: object) -> None:
        self.report = report
        self.choose_button.setEnabled(True)
        self.summary.setText(report.summary())
        self.problems.setRowCount(len(report.errors))
        for row, error in enumerate(report.errors):
            self.problems.setItem(row, 0, _item(str(error.line), right=True))
            self.problems.setItem(row, 1, _item(error.message))
        self.uncertain.setRowCount(len(report.uncertain))
        for row, match in enumerate(report.uncertain):
            self.uncertain.setItem(row, 0, _item(match.name))
            self.uncertain.setItem(row, 1, _item(self._may_be(match)))
        self.problems.resizeRowsToContents()
        self.uncertain.resizeRowsToContents()
        if report.errors:
            pass  # the summary says so, and the table lists every line
        elif dry_run and not report.visits_added:
            # A file imported before: say so, and leave Import off (finding 11: it said "ready").
            self._checked = None
            self.summary.setText(f"Nothing new to import: all {report.already_imported} visits in this file "
                                 "were imported before.")
            self.banner.show_message("This file has been imported already; there is nothing to add.", "info")
        elif dry_run:
            self._checked = fingerprint  # type: ignore[assignment]
            self.banner.show_message("The file is ready to import. Press Import to add these visits.", "info")
        else:
            self._checked = None  # imported: a second import of the same file would add nothing
            self.progress.setValue(100)
            self.banner.show_message("Import finished: the visits now count in reports.", "success")
            if report.written:
                self._shell.apply_changes(Changes(frozenset({"visit", "guest"})))
        self.mapping_changed()

    def _failed(self, error: Exception) -> None:
        self.choose_button.setEnabled(True)
        self.summary.setText("Nothing was imported.")
        self.banner.show_message(describe_error(error))
        self.mapping_changed()

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setValue(round(100 * done / total) if total else 100)

    def _clear_results(self, summary: str) -> None:
        self.summary.setText(summary)
        self.problems.setRowCount(0)
        self.uncertain.setRowCount(0)
        self.progress.setValue(0)
        self._checked = None


def may_be_text(match: UncertainMatch, zone: ZoneInfo, now: datetime) -> str:
    """One line per guest it may be, with what tells them apart: two "Jonno"s were shown as
    "Jonno, Jonno" (finding 7)."""
    if not match.details:
        return ", ".join(match.candidates)
    return "\n".join(f"{c.name} · {tell_apart(c.other_names, None, c.last_seen_at, c.card_code, zone, now)}"
                     for c in match.details)


def _table(header: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(header))
    table.setHorizontalHeaderLabels(header)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(len(header) - 1, QHeaderView.ResizeMode.Stretch)
    return table


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
