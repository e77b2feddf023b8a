"""A read-only table over a list of service records, with columns declared as (header, text) pairs.

The desk's tables (in now, beds, exclusions, visits, merges, duplicates) are all "a list of frozen
records shown as text", so one careful model serves them all; each panel declares its columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1  # the service record behind a row
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # a badge kind for the cell, for themes and delegates

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    kind: Callable[[R], str | None] | None = None  # e.g. "excluded" to tint a cell
    tooltip: Callable[[R], str] | None = None


class RecordTableModel(QAbstractTableModel, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[R] = []

    def set_records(self, records: Sequence[R]) -> None:
        records = list(records)
        if records == self._records:
            # The same rows (a refresh after a change elsewhere): repaint them, as a tick does, and keep
            # the selection; a reset would measure every cell again for the columns sized to contents.
            self.refresh_text()
            return
        self.beginResetModel()
        self._records = records
        self.endResetModel()

    def refresh_text(self) -> None:
        """Time moved on (time left, "since"): repaint every cell without losing the selection."""
        if self._records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._records) - 1, len(self._columns) - 1),
                                  [Qt.ItemDataRole.DisplayRole])

    def record(self, row: int) -> R | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    @property
    def records(self) -> list[R]:
        return list(self._records)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._records) or index.column() >= len(self._columns):
            return None
        record = self._records[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record)
        if role == RECORD_ROLE:
            return record
        if role == KIND_ROLE and column.kind is not None:
            return column.kind(record)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None
