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
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row = index.row()
        if self.is_add_row(row):
            return {
                Qt.ItemDataRole.DisplayRole: f"Add “{self._add_text}” as a new guest",
                Qt.ItemDataRole.ToolTipRole: "Add a new guest with this name (Ctrl+N)",
                ResultRole.KIND: "add",
                ResultRole.BADGES: [],
            }.get(role)
        hit = self._hits[row]
        badges = self._badges[row] if row < len(self._badges) else []
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.name
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            parts = [hit.name + (f" (also known as {hit.also_known_as})" if hit.also_known_as else "")]
            parts.extend(b.text for b in badges)
            return " — ".join(parts)
        return {
            ResultRole.HIT: hit,
            ResultRole.KIND: "guest",
            ResultRole.ALSO_KNOWN_AS: hit.also_known_as,
            ResultRole.BADGES: badges,
            ResultRole.GUEST_ID: hit.guest_id,
        }.get(role)

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({ResultRole.HIT: b"hit", ResultRole.KIND: b"kind", ResultRole.ALSO_KNOWN_AS: b"aka",
                      ResultRole.BADGES: b"badges", ResultRole.GUEST_ID: b"guestId"})
        return names
