"""The impact estimate tab: the range, every line with its count, unit cost, arithmetic and source,
the totals in the review's indicative words, changing a unit cost, and CSV, JSON or PDF."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.impact import INDICATIVE, Estimate, UnitCost, net_wording
from safespace_desk.reports.partnership_export import (
    estimate_file_name,
    estimate_to_csv,
    estimate_to_json_text,
    source_text,
    unit_cost_text,
)
from safespace_desk.reports.period import ReportRange
from safespace_desk.services import impact
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import Banner, describe_error
from safespace_desk.ui.kit.widgets import explanation, label, muted_label, set_text_size
from safespace_desk.ui.partnership import documents
from safespace_desk.ui.partnership.cost_form import CostForm
from safespace_desk.ui.partnership.list_tab import share_columns
from safespace_desk.ui.reports.range_picker import RangePicker
from safespace_desk.ui.service_actions import ServiceActions
from safespace_desk.ui.shell import MainShell

HEADERS = ("What it stands for", "Count", "Unit cost", "Arithmetic", "Counts as", "Source and date")
COLUMN_SHARES = (0.26, 0.07, 0.14, 0.19, 0.1)  # the source takes what is left
FORMATS = {"csv": "CSV spreadsheet (*.csv)", "json": "JSON (*.json)", "pdf": "PDF (*.pdf)"}


def last_twelve_months(today: date) -> tuple[date, date]:
    first_this = today.replace(day=1)
    return first_this.replace(year=first_this.year - 1), first_this - timedelta(days=1)


class LinesTable(QTableWidget):
    """Every line at once (the page scrolls, not the table); columns share the width; text wraps."""

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.fit()

    def fit(self) -> None:
        share_columns(self, COLUMN_SHARES)
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(self.horizontalHeader().height() + rows + 2 * self.frameWidth() + 2)


class ImpactTab(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._actions = ServiceActions(desk, self)
        self._zone = get_site(desk).zone
        self._request = 0
        self.estimate: Estimate | None = None
        self.export_dir = Path.home()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        top = FlowLayout(spacing=8)
        today = desk.clock.now().astimezone(self._zone).date()
        self.picker = RangePicker(self._zone, today)
        self.picker.range_changed.connect(self.show_range)
        self.picker.invalid.connect(lambda error: self.banner.show_message(describe_error(error)))
        top.addWidget(self.picker)
        self.year_button = QPushButton("Last 12 months")
        self.year_button.clicked.connect(lambda: self.picker.set_custom(*last_twelve_months(today)))
        top.addWidget(self.year_button)
        top.addWidget(muted_label("Save as"))
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, text in (("csv", "CS&V…"), ("json", "&JSON…"), ("pdf", "&PDF…")):
            button = QPushButton(text)
            button.setAccessibleName(f"Save the estimate as {kind.upper()}")
            button.clicked.connect(lambda _=False, k=kind: self.save_with_dialog(k))
            top.addWidget(button)
            self.export_buttons[kind] = button
        layout.addLayout(top)
        self.indicative = explanation(INDICATIVE)
        layout.addWidget(self.indicative)
        self.banner = Banner()
        layout.addWidget(self.banner)

        self.table = LinesTable(0, len(HEADERS))
        self.table.setObjectName("estimateLines")
        self.table.setAccessibleName("Lines of the impact estimate")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Never asks for more width than the page has: the columns share whatever width there is.
        self.table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.currentCellChanged.connect(lambda row, _c, _r, _pc: self._show_line(row))
        layout.addWidget(self.table)
        self.totals = label()
        self.totals.setObjectName("estimateTotals")
        set_text_size(self.totals, "large", bold=True)
        layout.addWidget(self.totals)
        self.arithmetic = muted_label()
        layout.addWidget(self.arithmetic)
        self.form = CostForm(self._zone)
        self.form.save_requested.connect(self._save_cost)
        self.form.review_requested.connect(self._back_to_review)
        layout.addWidget(self.form)
        layout.addWidget(muted_label(documents.REVIEW_TOTALS_NOTE))
        layout.addStretch(1)
        shell.changes_applied.connect(self._on_changes)

    def start(self) -> None:
        today = self._desk.clock.now().astimezone(self._zone).date()
        self.picker.set_custom(*last_twelve_months(today))

    def refresh(self, keep: str | None = None) -> None:
        try:
            chosen = self.picker.current_range()
        except DeskError as error:
            self.banner.show_message(describe_error(error))
            return
        self.show_range(chosen, keep)

    def show_range(self, chosen: ReportRange, keep: str | None = None) -> None:
        self._request += 1
        request = self._request
        keep = keep or self.selected_key()
        desk = self._desk
        self._shell.runner.run(lambda: impact.estimate(desk, chosen),
                               lambda estimate: self._show(request, estimate, keep),
                               lambda error: self.banner.show_message(describe_error(error)))

    def _show(self, request: int, estimate: Estimate, keep: str | None) -> None:
        if request != self._request:
            return  # the manager has already chosen other dates
        self.estimate = estimate
        self.table.setRowCount(len(estimate.lines))
        for row, line in enumerate(estimate.lines):
            cells = (line.spec.event, str(line.count), unit_cost_text(line) + (f"\n{line.cost.basis}" if line.cost.basis else ""),
                     line.arithmetic(), line.cost.direction.label if line.costed else "Not costed", source_text(line))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self.table.fit()
        self.totals.setText(net_wording(estimate))
        self.arithmetic.setText(f"{estimate.totals_arithmetic()}. Lines not costed add nothing.")
        keys = [line.spec.key for line in estimate.lines]
        row = keys.index(keep) if keep in keys else 0
        self.table.setCurrentCell(row, 0)
        self._show_line(row)

    def selected_key(self) -> str | None:
        row = self.table.currentRow()
        if self.estimate is None or not 0 <= row < len(self.estimate.lines):
            return None
        return self.estimate.lines[row].spec.key

    def select_line(self, key: str) -> None:
        if self.estimate is not None:
            keys = [line.spec.key for line in self.estimate.lines]
            if key in keys:
                self.table.setCurrentCell(keys.index(key), 0)

    def _show_line(self, row: int) -> None:
        if self.estimate is None or not 0 <= row < len(self.estimate.lines):
            self.form.show_line(None, [])
            return
        line = self.estimate.lines[row]
        try:
            history = impact.cost_history(self._desk, line.spec.key)
        except DeskError as error:
            self.banner.show_message(describe_error(error))
            history = []
        self.form.show_line(line, history)

    def _on_changes(self, changes: Changes) -> None:
        if self.estimate is not None and changes.touches(impact.UNIT_COST):
            self.refresh()

    # -- changing a unit cost ----------------------------------------------------------------------
    def _save_cost(self, key: str, cost: UnitCost) -> None:
        self._change(key, lambda: self._actions.run(impact.set_unit_cost, key, cost))

    def _back_to_review(self, key: str) -> None:
        self._change(key, lambda: self._actions.run(impact.back_to_review, key))

    def _change(self, key: str, call: object) -> None:
        try:
            changes = call()  # type: ignore[operator]
        except DeskError as error:
            self.form.show_error(error)
            return
        if not changes.kinds:
            self.banner.show_message("Nothing was changed: the unit cost is as it was.", "info")
        else:
            self.banner.show_message("The unit cost is changed, and the change is kept in the line's history.",
                                     "success")
        self.refresh(keep=key)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- files -----------------------------------------------------------------------------------
    def save_with_dialog(self, kind: str) -> None:
        if self.estimate is None:
            return
        start = str(self.export_dir / estimate_file_name(self.estimate, kind))
        path, _ = QFileDialog.getSaveFileName(self, f"Save the impact estimate as {kind.upper()}", start, FORMATS[kind])
        if path:
            self.save(kind, Path(path))

    def save(self, kind: str, path: Path) -> Path | None:
        if self.estimate is None:
            return None
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            if kind == "pdf":
                documents.write_estimate_pdf(self.estimate, path, self._zone)
            else:
                text = estimate_to_csv(self.estimate) if kind == "csv" else estimate_to_json_text(self.estimate)
                path.write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            self.banner.show_message(f"The estimate could not be saved to {path.name} ({error.strerror or error}). "
                                     "Check the folder exists and the USB stick is in, then try again.")
            return None
        self.export_dir = path.parent
        self.banner.show_message(f"Saved {path.name} in {path.parent}.", "success")
        return path

