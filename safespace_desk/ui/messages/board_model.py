"""The message board as a Qt table model, fed by ``messages.board`` (never by the store)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from safespace_desk.domain.messages import MessageState, MessageView
from safespace_desk.ui.kit.formatting import day_and_time, for_whom, full_date_time, state_text, until_text
from safespace_desk.ui.kit.theme import current_colours

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    FOR_WHOM = 0
    AGENCY = 1
    CATEGORY = 2
    URGENT = 3
    RELEVANT_UNTIL = 4
    RECEIVED = 5
    STATE = 6


HEADERS = {Column.FOR_WHOM: "For", Column.AGENCY: "From", Column.CATEGORY: "About",
           Column.URGENT: "Urgent", Column.RELEVANT_UNTIL: "Relevant until", Column.RECEIVED: "Received",
           Column.STATE: "State"}

MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1  # the MessageView of the row
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class MessageBoardModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MessageView] = []
        self._zone = ZoneInfo("UTC")
        self._now: datetime | None = None

    def set_messages(self, rows: list[MessageView], zone: ZoneInfo, now: datetime) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._zone = zone
        self._now = now
        self.endResetModel()

    def message(self, row: int) -> MessageView | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, message_id: str) -> int | None:
        return next((i for i, m in enumerate(self._rows) if m.id == message_id), None)

    @property
    def messages(self) -> list[MessageView]:
        return list(self._rows)

    # --- Qt ---------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        view = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(view, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(view, column)
        if role == MESSAGE_ROLE:
            return view
        if role == MESSAGE_ID_ROLE:
            return view.id
        # Urgent rows stand out by colour AND by words (the Urgent column), never by colour alone.
        if role == Qt.ItemDataRole.BackgroundRole and view.urgent and self._is_waiting(view):
            return QBrush(QColor(current_colours().kind("urgent")[0]))
        if role == Qt.ItemDataRole.ForegroundRole and view.urgent and self._is_waiting(view):
            return QBrush(QColor(current_colours().kind("urgent")[1]))
        if role == Qt.ItemDataRole.FontRole and (column is Column.URGENT and view.urgent
                                                 or column is Column.FOR_WHOM and view.linked):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.FontRole and column is Column.FOR_WHOM and not view.linked:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(view, column) or ("not urgent" if column is Column.URGENT else "")
        return None

    def _is_waiting(self, view: MessageView) -> bool:
        return self._now is None or view.state_at(self._now) is MessageState.WAITING

    def _display(self, view: MessageView, column: Column) -> str:
        now = self._now or view.created_at
        if column is Column.FOR_WHOM:
            return for_whom(view)
        if column is Column.AGENCY:
            return view.agency
        if column is Column.CATEGORY:
            return view.category.label
        if column is Column.URGENT:
            return "URGENT" if view.urgent else ""
        if column is Column.RELEVANT_UNTIL:
            return until_text(view.relevant_until, self._zone, now)
        if column is Column.RECEIVED:
            return day_and_time(view.created_at, self._zone, now)
        return state_text(view, self._zone, now)

    def _tooltip(self, view: MessageView, column: Column) -> str:
        if column is Column.RECEIVED:
            by = f" by {view.created_by_name}" if view.created_by_name else ""
            return f"Received {full_date_time(view.created_at, self._zone)}{by}"
        if column is Column.RELEVANT_UNTIL and view.relevant_until:
            return f"Relevant until {full_date_time(view.relevant_until, self._zone)}"
        if column is Column.FOR_WHOM and not view.linked:
            return "Left for a name not yet on the register: link it when the person is found (Ctrl+K)."
        return view.body[:300]
