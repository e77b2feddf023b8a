"""The blocks the Reports page is made of: headline tiles and titled tables of figures."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.ui.kit.widgets import set_text_size
from safespace_desk.ui.reports.formatting import Headline


class HeadlineTile(QFrame):
    """One big number with what it counts, e.g. "57 · Unique guests · different people present"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.value = QLabel("–")
        set_text_size(self.value, "huge")  # in the stylesheet, so it follows Large text
        self.label = QLabel()
        self.label.setObjectName("fieldLabel")
        self.label.setWordWrap(True)
        for widget in (self.value, self.label):
            layout.addWidget(widget)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_headline(self, headline: Headline) -> None:
        self.value.setText(headline.value)
        self.label.setText(headline.label)
        # What it counts, in a tooltip: the tiles stay small enough for the charts to fit below.
        self.setToolTip(f"{headline.label}: {headline.hint}")
        self.setAccessibleName(f"{headline.label}: {headline.value} ({headline.hint})")


class FigureTable(QFrame):
    """A titled table: rows of (what, number), or several numeric columns (e.g. per agency)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        self.heading = heading = QLabel(title)
        heading.setObjectName("heading")
        heading.setWordWrap(True)  # a long title wraps rather than widening the page (Large text)
        layout.addWidget(heading)
        self.table = QTableWidget()
        self.table.setAccessibleName(title)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # readable by keyboard, never in the way
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.table)

    def set_title(self, title: str) -> None:
        self.heading.setText(title)
        self.table.setAccessibleName(title)

    def set_rows(self, header: list[str], rows: list[list[str]] | list[tuple[str, str]]) -> None:
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(header)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                item = QTableWidgetItem(cell)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        header_view = self.table.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(header)):
            header_view.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        # Row heights depend on the theme's padding, which applies only once the table is polished.
        self.table.ensurePolished()
        header_view.ensurePolished()
        self.table.resizeRowsToContents()
        # Show every row: the page scrolls, not each little table.
        height = header_view.sizeHint().height() + sum(self.table.rowHeight(r) for r in range(len(rows))) + 6
        self.table.setFixedHeight(max(height, 40))

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def value_of(self, what: str, column: int = 1) -> str:
        """The number in ``column`` on the row whose first cell is ``what`` (for tests and checks)."""
        for r in range(self.table.rowCount()):
            if self.cell(r, 0) == what:
                return self.cell(r, column)
        raise KeyError(what)


def grid_of(widgets: list[QWidget], columns: int) -> QGridLayout:
    grid = QGridLayout()
    grid.setSpacing(12)
    for n, widget in enumerate(widgets):
        grid.addWidget(widget, n // columns, n % columns)
    for c in range(columns):
        grid.setColumnStretch(c, 1)
    return grid


class TileGrid(QWidget):
    """The headline numbers: six across when they fit, else three or two (Large text), never wider
    than the page."""

    def __init__(self, tiles: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tiles = tiles
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(12)
        self._columns = 0
        self._place(6)

    def _place(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for n, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, n // columns, n % columns)
        for c in range(6):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def _columns_for(self, width: int) -> int:
        widest = max(t.sizeHint().width() for t in self._tiles) + 12
        return next((n for n in (6, 3, 2) if n * widest <= width), 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        widest = max(t.minimumSizeHint().width() for t in self._tiles)
        rows = -(-len(self._tiles) // max(1, self._columns))
        tall = max(t.minimumSizeHint().height() for t in self._tiles)
        return QSize(widest, rows * tall + (rows - 1) * 12)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        before = self._columns
        self._place(self._columns_for(event.size().width()))
        if self._columns != before:
            self.updateGeometry()
