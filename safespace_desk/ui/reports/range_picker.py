"""Choosing the dates a report covers: a month (the usual case) or any from–to range."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from safespace_desk.reports.period import ReportRange, make_range, month_range

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTH_MODE, CUSTOM_MODE = 0, 1


class RangePicker(QWidget):
    """Month and year with previous/next buttons, or a custom from–to. Emits ``range_changed``
    with a ReportRange whenever the choice changes (a bad custom range emits ``invalid``)."""

    range_changed = Signal(object)  # ReportRange
    invalid = Signal(object)  # DeskError

    def __init__(self, zone: ZoneInfo, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zone = zone
        self._today = today
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)

        self.mode = QComboBox()
        self.mode.addItems(["A month", "From – to"])
        self.mode.setAccessibleName("Report covers")
        row.addWidget(self.mode)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._month_controls(today))
        self.stack.addWidget(self._custom_controls(today))
        row.addWidget(self.stack)
        self.mode.currentIndexChanged.connect(self._mode_changed)

    def _month_controls(self, today: date) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.previous_button = QPushButton("◀")
        self.previous_button.setAccessibleName("Previous month")
        self.previous_button.setToolTip("Previous month (Alt+Left)")
        self.previous_button.setShortcut("Alt+Left")
        self.next_button = QPushButton("▶")
        self.next_button.setAccessibleName("Next month")
        self.next_button.setToolTip("Next month (Alt+Right)")
        self.next_button.setShortcut("Alt+Right")
        self.month = QComboBox()
        self.month.addItems(MONTHS)
        self.month.setAccessibleName("Month")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setAccessibleName("Year")
        # Last month by default: month-end reports are written after the month has ended.
        last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
        self.month.setCurrentIndex(last.month - 1)
        self.year.setValue(last.year)
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(48)
        for widget in (self.previous_button, self.month, self.year, self.next_button):
            row.addWidget(widget)
        self.previous_button.clicked.connect(lambda: self.step_month(-1))
        self.next_button.clicked.connect(lambda: self.step_month(1))
        self.month.currentIndexChanged.connect(self._emit)
        self.year.valueChanged.connect(self._emit)
        return box

    def _custom_controls(self, today: date) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.from_date = _date_edit("From", QDate(today.year, today.month, 1))
        self.to_date = _date_edit("To", QDate(today.year, today.month, today.day))
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(self._emit)
        for label, edit in (("&From", self.from_date), ("&to", self.to_date)):
            text = QLabel(label)
            text.setBuddy(edit)
            row.addWidget(text)
            row.addWidget(edit)
        row.addWidget(self.show_button)
        return box

    # -- the chosen range -----------------------------------------------------------------------
    def current_range(self) -> ReportRange:
        """The range shown; raises a ValidationError for a custom range that ends before it starts."""
        if self.mode.currentIndex() == MONTH_MODE:
            return month_range(self.year.value(), self.month.currentIndex() + 1, self._zone)
        return make_range(self.from_date.date().toPython(), self.to_date.date().toPython(), self._zone)

    def set_month(self, year: int, month: int) -> None:
        self.mode.setCurrentIndex(MONTH_MODE)
        self._set_quietly(year, month)
        self._emit()

    def set_custom(self, first: date, last: date) -> None:
        self.from_date.setDate(QDate(first.year, first.month, first.day))
        self.to_date.setDate(QDate(last.year, last.month, last.day))
        if self.mode.currentIndex() != CUSTOM_MODE:
            self.mode.setCurrentIndex(CUSTOM_MODE)  # emits through _mode_changed
        else:
            self._emit()

    def step_month(self, delta: int) -> None:
        index = self.year.value() * 12 + self.month.currentIndex() + delta
        self._set_quietly(index // 12, index % 12 + 1)
        self._emit()

    def _set_quietly(self, year: int, month: int) -> None:
        # One change of range, one report: the combo and spin box would each emit otherwise.
        self.month.blockSignals(True)
        self.year.blockSignals(True)
        self.month.setCurrentIndex(month - 1)
        self.year.setValue(year)
        self.month.blockSignals(False)
        self.year.blockSignals(False)

    def _mode_changed(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self._emit()

    def _emit(self) -> None:
        try:
            chosen = self.current_range()
        except Exception as error:  # a ValidationError naming the "to" date
            self.invalid.emit(error)
            return
        self.range_changed.emit(chosen)


def _date_edit(name: str, value: QDate) -> QDateEdit:
    edit = QDateEdit(value)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit
