"""Parts of the Sync page: a join code with its QR code, the hub's desks, and problems to check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.sync.codes import qr_matrix
from safespace_desk.sync.problems import ProblemView
from safespace_desk.sync.protocol import DeviceInfo
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.widgets import label, muted_label


class QrCode(QWidget):
    """A QR code drawn black on white (whatever the theme), so a phone or camera can read it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self.setAccessibleName("The code as a QR code")
        self.hide()

    def set_text(self, text: str) -> None:
        self._matrix = qr_matrix(text) if text else []
        self.setVisible(bool(self._matrix))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        side = 4 * len(self._matrix) if self._matrix else 0
        return QSize(side, side)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._matrix:
            return
        painter = QPainter(self)
        side = min(self.width(), self.height())
        cell = side / len(self._matrix)
        painter.fillRect(QRectF(0, 0, side, side), QColor("white"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.drawRect(QRectF(x * cell, y * cell, cell + 0.5, cell + 0.5))
        painter.end()


class JoinCodePanel(QWidget):
    """The code a new desk joins with: to copy, and as a QR code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.code = QPlainTextEdit()
        self.code.setReadOnly(True)
        self.code.setAccessibleName("Join code")
        self.code.setFixedHeight(92)
        self.copy_button = QPushButton("&Copy the code")
        self.copy_button.clicked.connect(self.copy)
        self.note = muted_label()
        left.addWidget(self.code)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.note, 1)
        left.addLayout(row)
        left.addStretch(1)
        layout.addLayout(left, 1)
        self.qr = QrCode()
        self.qr.setMinimumSize(180, 180)
        layout.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_code(self, code: str, expires: str) -> None:
        self.code.setPlainText(code)
        self.qr.set_text(code)
        self.note.setText(f"Works once, until {expires}. It carries the hub's sync key: hand it over directly, "
                          "never by email.")
        self.show()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code.toPlainText())
        self.note.setText("Copied. Paste it on the new desk when it asks for a join code.")


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    for column in range(len(headers) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(140)
    return table


def _when(text: str | None, zone: ZoneInfo) -> str:
    if not text:
        return "never"
    return full_date_time(datetime.fromisoformat(text), zone)


class DevicesTable(QWidget):
    """The hub's desks, with a button to mark one lost."""

    def __init__(self, on_remove: Callable[[DeviceInfo], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._devices: list[DeviceInfo] = []
        self._on_remove = on_remove
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = _table(["Desk", "Joined", "Last seen", "Status"], "Desks of this hub")
        self.remove_button = QPushButton("&Remove the chosen desk…")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)

    def show_devices(self, devices: list[DeviceInfo], zone: ZoneInfo) -> None:
        self._devices = devices
        self.table.setRowCount(len(devices))
        for row, d in enumerate(devices):
            status = "removed" if d.revoked_at else ("this desk" if d.this_device else "active")
            for column, text in enumerate((d.name, _when(d.created_at, zone), _when(d.last_seen_at, zone), status)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._selection_changed()

    def chosen(self) -> DeviceInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self._devices[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        device = self.chosen()
        self.remove_button.setEnabled(device is not None and not device.this_device and not device.revoked_at)

    def _remove(self) -> None:
        device = self.chosen()
        if device is not None:
            self._on_remove(device)


class ProblemsList(QWidget):
    """What sync could not do, for a lead or manager, each to be marked as seen."""

    def __init__(self, on_seen: Callable[[ProblemView], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._problems: list[ProblemView] = []
        self._on_seen = on_seen
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.empty = label("Nothing to check: every change made here was accepted by the hub.", muted=True)
        self.table = _table(["When", "What happened"], "Sync problems to check")
        self.table.setWordWrap(True)
        self.seen_button = QPushButton("Mark as &seen")
        self.seen_button.setEnabled(False)
        self.seen_button.clicked.connect(self._seen)
        self.table.itemSelectionChanged.connect(
            lambda: self.seen_button.setEnabled(bool(self.table.selectionModel().selectedRows())))
        for widget in (self.empty, self.table):
            layout.addWidget(widget)
        layout.addWidget(self.seen_button, 0, Qt.AlignmentFlag.AlignLeft)

    def show_problems(self, problems: list[ProblemView], zone: ZoneInfo) -> None:
        self._problems = problems
        self.empty.setVisible(not problems)
        self.table.setVisible(bool(problems))
        self.seen_button.setVisible(bool(problems))
        self.table.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            self.table.setItem(row, 0, QTableWidgetItem(full_date_time(problem.at, zone)))
            self.table.setItem(row, 1, QTableWidgetItem(problem.text))
        self.table.resizeRowsToContents()

    def _seen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._on_seen(self._problems[rows[0].row()])
