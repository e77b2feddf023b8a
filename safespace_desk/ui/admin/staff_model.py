"""A table model over the staff list returned by services.staff.list_staff."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from safespace_desk.domain.staff import StaffMember

NAME, ROLE, STATUS, PIN = range(4)
HEADERS = ("Name", "Role", "Account", "Quick-unlock PIN")
STAFF_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MEMBER_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


class StaffTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._members: list[StaffMember] = []

    def set_members(self, members: list[StaffMember]) -> None:
        self.beginResetModel()
        self._members = list(members)
        self.endResetModel()

    def member_at(self, row: int) -> StaffMember | None:
        return self._members[row] if 0 <= row < len(self._members) else None

    def row_of(self, staff_id: str) -> int | None:
        return next((i for i, m in enumerate(self._members) if m.id == staff_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt API)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        member = self.member_at(index.row()) if index.isValid() else None
        if member is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(member, index.column())
        if role == STAFF_ID_ROLE:
            return member.id
        if role == MEMBER_ROLE:
            return member
        if role == Qt.ItemDataRole.ToolTipRole and not member.active:
            return "Deactivated: this account cannot sign in. Reset the password to bring it back."
        return None

    @staticmethod
    def _text(member: StaffMember, column: int) -> str | None:
        if column == NAME:
            return member.name
        if column == ROLE:
            return member.role.label
        if column == STATUS:
            return "Active" if member.active else "Deactivated"
        if column == PIN:
            return "Set" if member.has_pin else "Not set"
        return None
