"""What the casework pages share: the kinds of change they refresh on, a person picker that can
also add someone new, a plain read-only table, and choice boxes filled from the domain's words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QListView,
    QListWidget,
    QTableView,
)

from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests
from safespace_desk.ui.kit.forms import set_state
from safespace_desk.ui.messages.guest_picker import GuestPicker
from safespace_desk.ui.service_actions import ServiceActions

# Change kinds (spelled as the services spell them) that casework views refresh on.
CASEWORK_KINDS = ("referral", "case", "contact", "follow_up", "plan", "support", "onward", "circle",
                  "escalation", "session", "closing", "guest", "visit", "site", "staff")

_Index = QModelIndex | QPersistentModelIndex


class PersonPicker(GuestPicker):
    """Find a person on the register by a few letters; or keep a typed name to add them as new."""

    def __init__(self, actions: ServiceActions, *, placeholder: str, allow_new: bool = True) -> None:
        self._allow_new = allow_new
        super().__init__(actions, allow_free_text=allow_new, placeholder=placeholder)
        self.box.setAccessibleName("Person")

    def _show_status(self) -> None:
        if self.guest_id:
            text, done = "Chosen from the register. Esc to change.", True
        elif self.typed_name and self._allow_new:
            text, done = f"Not on the register yet: “{self.typed_name}” will be added as a new person.", False
        else:
            text, done = "Type two or three letters, Up/Down, Enter to choose.", False
        self.status.setText(text)
        set_state(self.status, "done", done)

    def person_id(self) -> str | None:
        """The chosen person's id, adding the typed name as a new person if none was chosen."""
        if self.guest_id:
            return self.guest_id
        if not (self._allow_new and self.typed_name):
            return None
        record, _ = self._actions.run(guests.add_guest, GuestDetails(preferred_name=self.typed_name))
        self.set_guest(record.id, record.preferred_name)
        return record.id


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows, each with the object it shows (``payload``)."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[tuple[str, ...]] = []
        self._payloads: list[Any] = []
        self._tips: list[str] = []

    def set_rows(self, rows: Iterable[tuple[Sequence[str], Any]], tips: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        pairs = list(rows)
        self._rows = [tuple(text) for text, _ in pairs]
        self._payloads = [payload for _, payload in pairs]
        self._tips = list(tips or [])
        self.endResetModel()

    def payload(self, row: int) -> Any:
        return self._payloads[row] if 0 <= row < len(self._payloads) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            row = index.row()
            return self._tips[row] if row < len(self._tips) and self._tips[row] else self._rows[row][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None


class FittedTable(QTableView):
    """A table whose columns always fit its width: as wide as their contents when there is room (one
    column taking what is left), shrunk in proportion (text elided) when there is not, so it never
    scrolls sideways, in Large text too."""

    def __init__(self, stretch: int) -> None:
        super().__init__()
        self._stretch = stretch

    def fit_columns(self) -> None:
        model = self.model()
        if model is None or not model.columnCount():
            return
        columns = model.columnCount()
        header = self.horizontalHeader()
        wanted = [max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(columns)]
        room = self.viewport().width()
        stretch = self._stretch % columns
        if sum(wanted) <= room:
            wanted[stretch] += room - sum(wanted)
        else:
            wanted = [max(40, int(w * room / sum(wanted))) for w in wanted]
        for column, width in enumerate(wanted):
            header.resizeSection(column, width)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit_columns()


def rows_table(model: RowsModel, accessible_name: str, *, stretch: int = -1) -> QTableView:
    """A read-only table of ``model`` that never scrolls sideways (see FittedTable)."""
    table = FittedTable(stretch)
    table.setModel(model)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setMinimumSectionSize(40)
    header.setStretchLastSection(False)
    model.modelReset.connect(table.fit_columns)
    return table


def choice_box(items: Iterable[Enum], accessible_name: str, *, none_text: str | None = None) -> QComboBox:
    """A combo box of a domain enum's labels; typing the first letters chooses (keyboard-first)."""
    box = QComboBox()
    box.setAccessibleName(accessible_name)
    if none_text is not None:
        box.addItem(none_text, None)
    for item in items:
        box.addItem(str(getattr(item, "label", item)), item.value)
    return box


class HintedLineEdit(QLineEdit):
    """A text box at least as wide as its placeholder in the font it has now (Large text too), so
    the hint is never cut short."""

    def _hint_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(self.placeholderText()) + 36

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._hint_width()), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._hint_width()), hint.height())


def line_edit(placeholder: str, accessible_name: str, text: str = "") -> QLineEdit:
    edit = HintedLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(accessible_name)
    return edit


def wrapping_list(accessible_name: str, *, min_height: int = 80) -> QListWidget:
    """A list whose long entries wrap onto a second line instead of scrolling sideways."""
    widget = QListWidget()
    widget.setAccessibleName(accessible_name)
    widget.setWordWrap(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setTextElideMode(Qt.TextElideMode.ElideNone)
    widget.setMinimumHeight(min_height)
    return widget
