"""Changing one line's unit cost: the amount, the share, saving or cost, how it is made up, the source
and its date; with the line's history of changes beneath, so nothing is ever changed unseen."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.impact import Direction, EstimateLine, UnitCost, parse_pounds
from safespace_desk.domain.text import SHORT_TEXT_MAX
from safespace_desk.services.impact import CostChange
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors, text_edit
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import label, muted_label, section_title


def _pounds_text(pence: int | None) -> str:
    return "" if pence is None else f"{pence // 100}.{pence % 100:02d}"


class CostForm(QFrame):
    save_requested = Signal(str, object)  # line key, UnitCost
    review_requested = Signal(str)  # line key: back to the review's figure

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._zone = zone
        self._line: EstimateLine | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        self.title = section_title("Unit cost of the chosen line")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.counted = muted_label()
        layout.addWidget(self.counted)
        self.amount = text_edit("Unit cost in pounds", 12)
        self.amount.setPlaceholderText("e.g. 121.52; empty: not costed")
        self.share = QSpinBox()
        self.share.setRange(1, 100)
        self.share.setSuffix(" %")
        self.share.setAccessibleName("Share of the events that count")
        self.direction = QComboBox()
        for direction in Direction:
            self.direction.addItem(direction.label, direction.value)
        self.direction.setAccessibleName("Saving or cost")
        self.basis = text_edit("How it is made up", SHORT_TEXT_MAX)
        self.basis.setPlaceholderText("e.g. 2 officers × 2 hours × £30.38 an hour")
        self.source = text_edit("Source", SHORT_TEXT_MAX)
        self.source.setPlaceholderText("Where the figure comes from")
        self.source_date = text_edit("Source's date", 10)
        self.source_date.setPlaceholderText("2024 or 2024-03")
        general = label()
        self.errors = FieldErrors(general)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        fields = (("unit_cost", self.amount, "Unit cost (£)"), ("share", self.share, "Share"),
                  ("direction", self.direction, "Saving or cost"), ("basis", self.basis, "How it is made up"),
                  ("source", self.source, "Source"), ("source_date", self.source_date, "Source's date"))
        for n, (field, editor, title) in enumerate(fields):
            column, row = (n % 3), (n // 3) * 3
            caption = QLabel(title)
            caption.setObjectName("fieldLabel")
            caption.setBuddy(editor)
            grid.addWidget(caption, row, column)
            grid.addWidget(editor, row + 1, column)
            grid.addWidget(self.errors.bind(field, editor), row + 2, column)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        layout.addLayout(grid)
        layout.addWidget(general)
        for editor in (self.amount, self.basis, self.source, self.source_date):
            editor.returnPressed.connect(self._save)
        buttons = FlowLayout(spacing=8)
        self.save_button = shortcut_button("Save the unit cost", "Ctrl+S", self._save, parent=self, kind="primary",
                                           page=self)
        self.review_button = shortcut_button("Back to the review's figure", None, self._review, parent=self)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.review_button)
        layout.addLayout(buttons)
        layout.addWidget(section_title("Changes to this line"))
        self.history = label()
        self.history.setObjectName("costHistory")
        layout.addWidget(self.history)
        self.show_line(None, [])

    def show_line(self, line: EstimateLine | None, history: list[CostChange]) -> None:
        self._line = line
        self.errors.clear()
        for widget in (self.amount, self.share, self.direction, self.basis, self.source, self.source_date,
                       self.save_button, self.review_button):
            widget.setEnabled(line is not None)
        if line is None:
            self.title.setText("Unit cost of the chosen line")
            self.counted.setText("Choose a line of the estimate to see or change its unit cost.")
            self.history.setText("")
            return
        cost = line.cost
        self.title.setText(f"Unit cost: {line.spec.event}")
        self.counted.setText(f"Counted by the desk: {line.spec.count_label()}.")
        self.amount.setText(_pounds_text(cost.unit_pence))
        self.share.setValue(cost.share_percent)
        self.direction.setCurrentIndex(max(0, self.direction.findData(cost.direction.value)))
        self.basis.setText(cost.basis)
        self.source.setText(cost.source)
        self.source_date.setText(cost.source_date)
        for editor in (self.basis, self.source):
            editor.setCursorPosition(0)  # the start of a long source is what says what it is
        if history:
            self.history.setText("\n".join(
                f"{change.at.astimezone(self._zone):%-d %b %Y %H:%M}, {change.staff_name or 'unknown'}: "
                f"{change.describe()}" for change in history[:6]))
        else:
            self.history.setText("None: as the program started it, from the Derby review." if cost.source
                                 else "None: not costed yet.")

    def _save(self) -> None:
        if self._line is None:
            return
        self.errors.clear()
        try:
            pence = parse_pounds(self.amount.text())
        except DeskError as error:
            self.errors.show(error)
            return
        cost = UnitCost(pence, self.share.value(), Direction(self.direction.currentData()), self.basis.text(),
                        self.source.text(), self.source_date.text())
        self.save_requested.emit(self._line.spec.key, cost)

    def _review(self) -> None:
        if self._line is not None:
            self.review_requested.emit(self._line.spec.key)

    def show_error(self, error: DeskError | str) -> None:
        self.errors.show(error)
