"""A calm table view for the desk: whole rows selected, roomy rows, no grid, keyboard friendly."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from safespace_desk.ui.desk.table_model import RecordTableModel


class DeskTable(QTableView):
    """Asks for room for its heading and three rows and takes whatever more the page gives: Qt's
    default wish (192 px) made the desk's height for its width (what the page scrolls by in Large
    text) taller than what the desk needs."""

    ROWS_WANTED = 3

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        rows = self.verticalHeader().defaultSectionSize() * self.ROWS_WANTED
        frame = 2 * self.frameWidth()
        return QSize(hint.width(), self.horizontalHeader().sizeHint().height() + rows + frame)


def desk_table(model: RecordTableModel, parent: QWidget, *, stretch_column: int = 0,
               name: str = "") -> QTableView:
    view = DeskTable(parent)
    if name:
        view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setShowGrid(False)
    view.setAlternatingRowColors(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


def selected_row(view: QTableView) -> int:
    index = view.currentIndex()
    return index.row() if index.isValid() else -1


def select_row(view: QTableView, row: int) -> None:
    model = view.model()
    if model is None or model.rowCount() == 0:
        return
    row = max(0, min(row, model.rowCount() - 1))
    view.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
