"""The bed board for tonight: every bed with who holds it; give, move, free; same beds as last night."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import beds, keep_apart
from safespace_desk.services.beds import BedBoard, BedRow
from safespace_desk.services.context import Changes
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, select_row, selected_row
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import clock_time
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import heading, muted_label, narrow_combo


class BedBoardPanel(QWidget):
    message = Signal(str, str)  # tone, text

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bedBoardPanel")
        self._actions = actions
        self._context = context
        self.board: BedBoard | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        self.title = heading("", parent=self)
        self.carry_button = shortcut_button("Same beds as last night", "Alt+L", self.carry_over, parent=self,
                                            tooltip="Give everyone still in the bed they had last night")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.carry_button)
        layout.addLayout(top)
        self.subtitle = muted_label("", self)
        layout.addWidget(self.subtitle)
        self.model: RecordTableModel[BedRow] = RecordTableModel([
            Column("Bed", lambda b: b.label),
            Column("Guest", lambda b: b.guest_name or "free", kind=lambda b: None if b.guest_id else "in"),
        ], self)
        self.table = desk_table(self.model, self, stretch_column=1, name="bedTable")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)

        # One row of actions that fits what is selected: a free bed is given, a held bed moved or freed.
        self.give_row = QWidget(self)
        give_row = QHBoxLayout(self.give_row)
        give_row.setContentsMargins(0, 0, 0, 0)
        give_row.setSpacing(8)
        give_row.addWidget(QLabel("Give to", self.give_row))
        self.guest_choice = narrow_combo(QComboBox(self.give_row))
        self.guest_choice.setObjectName("bedGuestChoice")
        give_row.addWidget(self.guest_choice, 1)
        self.give_button = shortcut_button("Give", "Alt+B", self.give_selected_bed, parent=self.give_row,
                                           tooltip="Give the selected free bed to this guest (moves them "
                                                   "if they have a bed already)")
        give_row.addWidget(self.give_button)
        layout.addWidget(self.give_row)

        self.move_row = QWidget(self)
        # The choice on one line and its two buttons wrapping after it: on one line in Large text the
        # buttons were squeezed narrower than their text.
        move_row = FlowLayout(self.move_row, spacing=8)
        move_row.addWidget(QLabel("Move to", self.move_row))
        self.move_choice = narrow_combo(QComboBox(self.move_row), 6)
        self.move_choice.setObjectName("bedMoveChoice")
        self.move_choice.setPlaceholderText("no bed free")
        move_row.addWidget(self.move_choice)
        self.move_button = shortcut_button("Move", "Alt+M", self.move_selected_guest, parent=self.move_row)
        self.free_button = shortcut_button("Free bed", "Alt+F", self.free_selected_bed, parent=self.move_row)
        move_row.addWidget(self.move_button)
        move_row.addWidget(self.free_button)
        layout.addWidget(self.move_row)

    def refresh(self) -> None:
        current = self.selected()
        try:
            board = self._actions.read(beds.bed_board)
        except DeskError as err:
            self.board = None
            self.title.setText("No beds")
            self.subtitle.setText(err.message)
            self.model.set_records([])
            self._update_buttons()
            return
        self.board = board
        night = board.window.starts_at.astimezone(self._context.zone)
        self.title.setText(f"Tonight · {night.strftime('%a')} {night.day} {night.strftime('%b')} · "
                           f"{len(board.free)} of {len(board.beds)} free")
        self.subtitle.setText(f"Night starts at {clock_time(board.window.starts_at, self._context.zone)}; "
                              "beds can be given ahead.")
        self.subtitle.setVisible(not board.in_force)  # once the night has begun the title says it all
        self.model.set_records(board.beds)
        labels = [b.label for b in board.beds]
        select_row(self.table, labels.index(current.label) if current and current.label in labels else 0)
        self._update_buttons()

    def guests_changed(self) -> None:
        """Someone came in or left and no bed moved: only the list of guests to give a bed to changes."""
        self._update_buttons()

    def selected(self) -> BedRow | None:
        return self.model.record(selected_row(self.table))

    def _update_buttons(self) -> None:
        bed = self.selected()
        free = self.board.free if self.board else []
        self.guest_choice.clear()
        # Guests without a bed first: they are the ones who need one.
        ordered = sorted(self._context.in_now, key=lambda g: (g.bed is not None, g.signed_in_at))
        for guest in ordered:
            label = guest.name + (f" (now {guest.bed})" if guest.bed else " (no bed)")
            self.guest_choice.addItem(label, guest.visit_id)
        self.move_choice.clear()
        self.move_choice.addItems(free)
        is_free = bed is not None and bed.guest_id is None
        self.give_button.setEnabled(is_free and self.guest_choice.count() > 0)
        self.guest_choice.setEnabled(is_free)
        held = bed is not None and bed.guest_id is not None
        self.give_row.setVisible(not held)
        self.move_row.setVisible(held)
        self.move_button.setEnabled(held and bool(free))
        self.move_choice.setEnabled(held and bool(free))
        self.free_button.setEnabled(held)
        self.carry_button.setEnabled(self.board is not None)

    def choose_guest(self, visit_id: str) -> None:
        index = self.guest_choice.findData(visit_id)
        if index >= 0:
            self.guest_choice.setCurrentIndex(index)

    def select_bed(self, label: str) -> None:
        labels = [b.label for b in self.model.records]
        if label in labels:
            select_row(self.table, labels.index(label))

    def give_selected_bed(self) -> None:
        bed = self.selected()
        visit_id = self.guest_choice.currentData()
        if bed is None or visit_id is None:
            return
        name = self.guest_choice.currentText().split(" (")[0]
        self._do(beds.give_bed, (visit_id, bed.label), f"{bed.label} given to {name}", warn_for=visit_id)

    def move_selected_guest(self) -> None:
        bed = self.selected()
        target = self.move_choice.currentText()
        if bed is None or bed.visit_id is None or not target:
            return
        self._do(beds.give_bed, (bed.visit_id, target), f"{bed.guest_name} moved from {bed.label} to {target}",
                 warn_for=bed.visit_id)

    def free_selected_bed(self) -> None:
        bed = self.selected()
        if bed is None or bed.visit_id is None:
            return
        self._do(beds.free_bed, (bed.visit_id,), f"{bed.label} is free ({bed.guest_name} has no bed now)")

    def carry_over(self) -> None:
        try:
            changes = self._actions.run(beds.carry_over_beds)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("success" if changes.kinds else "info",
                          "Beds as last night given." if changes.kinds else
                          "Nobody still in had a bed last night that is free now.")

    def _do(self, call: Callable[..., Changes], args: tuple[str, ...], done: str,
            warn_for: str | None = None) -> None:
        try:
            self._actions.run(call, *args)
            # A bed given near someone this guest is kept apart from (issue 13): said with the bed.
            apart = self._actions.read(keep_apart.bed_warning, warn_for) if warn_for else None
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("warning" if apart else "success", f"{done} · {apart}" if apart else done)
