"""The search results: one row per guest hit, plus a last row offering to add a new guest."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from safespace_desk.services.search import GuestHit
from safespace_desk.ui.kit.formatting import Badge

_Index = QModelIndex | QPersistentModelIndex


class ResultRole(IntEnum):
    HIT = Qt.ItemDataRole.UserRole + 1  # GuestHit, or None on the "add" row
    KIND = Qt.ItemDataRole.UserRole + 2  # "guest" or "add"
    ALSO_KNOWN_AS = Qt.ItemDataRole.UserRole + 3
    BADGES = Qt.ItemDataRole.UserRole + 4  # list[Badge]
    GUEST_ID = Qt.ItemDataRole.UserRole + 5


class GuestResultsModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[GuestHit] = []
        self._badges: list[list[Badge]] = []
        self._add_text: str | None = None

    # --- feeding ------------------------------------------------------------------------------

    def set_results(self, hits: list[GuestHit], badges: list[list[Badge]], add_text: str | None) -> None:
        """Replace the rows. ``add_text`` is the typed name for the "Add … as a new guest" row."""
        self.beginResetModel()
        self._hits = list(hits)
        self._badges = list(badges)
        self._add_text = add_text or None
        self.endResetModel()

    def hit(self, row: int) -> GuestHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def is_add_row(self, row: int) -> bool:
        return self._add_text is not None and row == len(self._hits)

    def row_of(self, guest_id: str) -> int | None:
        return next((i for i, h in enumerate(self._hits) if h.guest_id == guest_id), None)

    @property
    def hits(self) -> list[GuestHit]:
        return list(self._hits)

    @property
    def add_text(self) -> str | None:
        return self._add_text

    # --- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        if parent.isValid():
            return 0
        return len(self._hits) + (1 if self._add_text is not None else 0)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked a few dozen times for each keystroke's rows (measuring and painting): plain
        # comparisons, no dictionaries built per call.
        row = index.row()
        if row < 0 or row >= self.rowCount() or not index.isValid():
            return None
        if row == len(self._hits):  # the "add" row
            if role == Qt.ItemDataRole.DisplayRole:
                return f"Add “{self._add_text}” as a new guest"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Add a new guest with this name (Ctrl+N)"
            if role == ResultRole.KIND:
                return "add"
            if role == ResultRole.BADGES:
                return []
            return None
        hit = self._hits[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.name
        if role == ResultRole.BADGES:
            return self._badges[row] if row < len(self._badges) else []
        if role == ResultRole.KIND:
            return "guest"
        if role == ResultRole.ALSO_KNOWN_AS:
            return hit.also_known_as
        if role == ResultRole.HIT:
            return hit
        if role == ResultRole.GUEST_ID:
            return hit.guest_id
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            parts = [hit.name + (f" (also known as {hit.also_known_as})" if hit.also_known_as else "")]
            parts.extend(b.text for b in (self._badges[row] if row < len(self._badges) else []))
            return " — ".join(parts)
        return None

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({ResultRole.HIT: b"hit", ResultRole.KIND: b"kind", ResultRole.ALSO_KNOWN_AS: b"aka",
                      ResultRole.BADGES: b"badges", ResultRole.GUEST_ID: b"guestId"})
        return names
