"""Exclusions in force: exact end and time left (ticking), and lifting early with a reason (lead only)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import exclusions
from safespace_desk.services.exclusions import ActiveExclusion
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.inline_forms import TextPromptForm
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, select_row, selected_row
from safespace_desk.ui.kit.formatting import full_date_time, time_left
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import muted_label


class ExclusionsPanel(QWidget):
    message = Signal(str, str)
    details_requested = Signal(str)

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exclusionsPanel")
        self._actions = actions
        self._context = context
        self.model: RecordTableModel[ActiveExclusion] = RecordTableModel([
            Column("Guest", lambda a: a.guest_name),
            Column("Until", lambda a: full_date_time(a.exclusion.ends_at, context.zone)),
            Column("Left", lambda a: time_left(a.exclusion.ends_at, context.now()), kind=lambda a: "excluded"),
            Column("Reason", lambda a: a.exclusion.reason, tooltip=lambda a: a.exclusion.reason),
        ], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        self.table = desk_table(self.model, self, stretch_column=3, name="exclusionsTable")
        self.table.doubleClicked.connect(lambda _i: self.open_record())
        layout.addWidget(self.table, 1)
        self.empty = muted_label("Nobody is excluded right now.", self)
        layout.addWidget(self.empty)
        self.lift_form = TextPromptForm(label="Why lift it early:", placeholder="recorded with the exclusion",
                                        submit_text="Lift", field="lift_reason", required=True, parent=self,
                                        name="liftPrompt")
        self.lift_form.submitted.connect(self._lift)
        self.lift_form.cancelled.connect(self.lift_form.hide)
        self.lift_form.hide()
        layout.addWidget(self.lift_form)
        buttons = QHBoxLayout()
        self.lift_button = shortcut_button("Lift early…", "Alt+X", self.start_lift, parent=self)
        self.record_button = shortcut_button("Record", "Alt+R", self.open_record, parent=self)
        self.lead_note = muted_label("Only a shift lead or manager can lift an exclusion early.", self)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.lead_note, 1)
        buttons.addWidget(self.lift_button)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        current = self.selected()
        records = self._actions.read(exclusions.active_exclusions)
        self.model.set_records(records)
        ids = [a.exclusion.id for a in records]
        select_row(self.table, ids.index(current.exclusion.id) if current and current.exclusion.id in ids else 0)
        self.empty.setVisible(not records)
        lead = self._actions.is_lead
        self.lift_button.setVisible(lead)
        self.lift_button.setEnabled(bool(records))
        self.lead_note.setVisible(not lead)
        self.record_button.setEnabled(bool(records))

    def tick(self) -> None:
        # Exclusions end by themselves: drop ended ones, and update the time left of the rest.
        now = self._context.now()
        if any(not a.exclusion.active_at(now) for a in self.model.records):
            self.refresh()
        else:
            self.model.refresh_text()

    def selected(self) -> ActiveExclusion | None:
        return self.model.record(selected_row(self.table))

    def start_lift(self) -> None:
        if self.selected() is not None:
            self.lift_form.start()

    def _lift(self, reason: str) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        try:
            self._actions.run(exclusions.lift_exclusion, chosen.exclusion.id, reason)
        except DeskError as err:
            self.lift_form.show_error(err)
            return
        self.lift_form.hide()
        self.message.emit("success", f"Exclusion of {chosen.guest_name} lifted.")

    def open_record(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.details_requested.emit(chosen.exclusion.guest_id)
