"""A table model over the by-name list (services.partnership.by_name_list): the columns a meeting
scans down; everything else about the person is in the panel beside it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from safespace_desk.domain.partnership import ListRow

NAME, LAST_SEEN, VISITS, ACTION = range(4)
HEADERS = ("Name", "Last seen", "Visits", "Action agreed")
GUEST_ID_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


def seen_text(row: ListRow, zone: ZoneInfo, today: date) -> str:
    if row.in_now:
        return "In now"
    if row.last_seen is None:
        return "Never at the hub"
    local = row.last_seen.astimezone(zone)
    days = (today - local.date()).days
    when = f"{local:%a} {local.day} {local:%b}"
    return when if days <= 0 else f"{when}\n{days} day{'s' if days != 1 else ''} ago"


def marks(row: ListRow) -> str:
    """What a meeting looks for first: on the list or not, new, excluded, messages waiting."""
    found = []
    if row.on_list_since is not None:
        found.append("leaves the list" if row.left_list_on is not None else "on the list")
    if row.new_since_last_meeting:
        found.append("new")
    if row.excluded_now:
        found.append("excluded now")
    if row.waiting_total:
        found.append(f"{row.waiting_total} message{'s' if row.waiting_total != 1 else ''} waiting")
    return " · ".join(found)


def action_text(row: ListRow, meeting_day: date) -> str:
    action = row.action
    if action is None:
        return ""
    state = "done" if action.done_on else ("overdue" if action.overdue_on(meeting_day) else
                                            f"due {action.due_on.day} {action.due_on:%b}")
    return f"{action.text}\n{action.owner} · {state}"


class ByNameListModel(QAbstractTableModel):
    def __init__(self, zone: ZoneInfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._zone = zone
        self._rows: list[ListRow] = []
        self._meeting = date.today()
        self._today = date.today()

    def set_rows(self, rows: list[ListRow], meeting_day: date, as_of: datetime) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._meeting = meeting_day
        self._today = as_of.astimezone(self._zone).date()
        self.endResetModel()

    def row_at(self, index: int) -> ListRow | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def index_of(self, guest_id: str) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.guest_id == guest_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == GUEST_ID_ROLE:
            return row.guest_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == VISITS:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[index.column()]}: {self._text(row, index.column())}".replace("\n", ", ")
        return None

    def _text(self, row: ListRow, column: int) -> str:
        if column == NAME:
            lines = [row.name, "; ".join(row.other_names), marks(row)]
            return "\n".join(line for line in lines if line)
        if column == LAST_SEEN:
            return seen_text(row, self._zone, self._today)
        if column == VISITS:
            return (f"{row.visits} visit{'s' if row.visits != 1 else ''}\n"
                    f"{row.nights} night{'s' if row.nights != 1 else ''}")
        return action_text(row, self._meeting)
