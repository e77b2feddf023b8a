"""Possible duplicate records for a lead to review: merge, or mark as different people."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import guests
from safespace_desk.services.guests import DuplicatePair
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, select_row, selected_row
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import muted_label


class DuplicatesPanel(QWidget):
    message = Signal(str, str)
    details_requested = Signal(str)

    def __init__(self, actions: DeskActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesPanel")
        self._actions = actions
        self.model: RecordTableModel[DuplicatePair] = RecordTableModel([
            Column("Record", lambda p: p.first_name),
            Column("Maybe the same as", lambda p: p.second_name),
            Column("Why", lambda p: p.why),
        ], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addWidget(muted_label("Records that may be one person. Merging keeps both histories and can "
                                     "be undone from the record.", self))
        self.table = desk_table(self.model, self, stretch_column=1, name="duplicatesTable")
        layout.addWidget(self.table, 1)
        self.empty = muted_label("No possible duplicates.", self)
        layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.open_button = shortcut_button("Open", "Alt+O", self.open_first, parent=self,
                                           tooltip="Open the first record")
        self.merge_button = shortcut_button("Merge", "Alt+M", self.merge, parent=self,
                                            tooltip="Merge the second record into the first (undo from the record)")
        self.different_button = shortcut_button("Not the same", "Alt+D", self.mark_different, parent=self,
                                                tooltip="They are different people: stop suggesting this pair")
        for b in (self.open_button, self.merge_button, self.different_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        if not self._actions.is_lead:
            self.model.set_records([])
            return
        row = selected_row(self.table)
        pairs = self._actions.read(guests.duplicate_review)
        self.model.set_records(pairs)
        select_row(self.table, max(row, 0))
        self.empty.setVisible(not pairs)
        for b in (self.open_button, self.merge_button, self.different_button):
            b.setEnabled(bool(pairs))

    def selected(self) -> DuplicatePair | None:
        return self.model.record(selected_row(self.table))

    def open_first(self) -> None:
        pair = self.selected()
        if pair is not None:
            self.details_requested.emit(pair.first_id)

    def merge(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        try:
            self._actions.run(guests.merge_guests, pair.first_id, pair.second_id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("success", f"“{pair.second_name}” merged into “{pair.first_name}”. Undo it from the "
                                     "record if that was wrong.")

    def mark_different(self) -> None:
        pair = self.selected()
        if pair is None:
            return
        try:
            self._actions.run(guests.mark_not_duplicate, pair.first_id, pair.second_id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("info", f"“{pair.first_name}” and “{pair.second_name}” marked as different people.")
