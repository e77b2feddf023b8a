"""On a guest's record: where they live now, with its history (issue 13, item 6); recording a new
status by hand; and, for shift leads and managers, recording respectfully that the person has died."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.errors import DeskError
from safespace_desk.services import outcomes
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import heading, muted_label


class OutcomeBox(QWidget):
    message = Signal(str, str)
    died = Signal()

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeBox")
        self._actions = actions
        self._context = context
        self._guest_id: str | None = None
        self._name = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading("Where they live now", parent=self))
        self.current = QLabel(self)
        self.current.setWordWrap(True)
        layout.addWidget(self.current)
        self.history = muted_label("", self)
        layout.addWidget(self.history)
        row = QHBoxLayout()
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Where they live now")
        for kind in DestinationKind:
            self.kind.addItem(kind.label, kind.value)
        row.addWidget(self.kind, 1)
        row.addWidget(shortcut_button("Record", None, self.record_status, parent=self))
        layout.addLayout(row)
        self.died_button = shortcut_button("Record that they have died…", None, self.start_died, parent=self,
                                           kind="quiet")
        layout.addWidget(self.died_button)
        self.confirm = QWidget(self)
        confirm = QVBoxLayout(self.confirm)
        confirm.setContentsMargins(0, 0, 0, 0)
        confirm.setSpacing(6)
        self.confirm_text = QLabel(self.confirm)
        self.confirm_text.setWordWrap(True)
        confirm.addWidget(self.confirm_text)
        # The date only if someone knows it (often nobody does): never a guess filled in for them.
        when = QHBoxLayout()
        self.date_known = QCheckBox("We know the date", self.confirm)
        self.died_on = QDateEdit(self.confirm)
        self.died_on.setAccessibleName("The date they died")
        self.died_on.setDisplayFormat("ddd d MMM yyyy")
        self.died_on.setCalendarPopup(True)
        self.died_on.setEnabled(False)
        self.date_known.toggled.connect(self.died_on.setEnabled)
        when.addWidget(self.date_known)
        when.addWidget(self.died_on)
        when.addStretch(1)
        confirm.addLayout(when)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(shortcut_button("Cancel", None, self.confirm.hide, parent=self.confirm, kind="quiet"))
        buttons.addWidget(shortcut_button("Yes, record it", None, self.record_died, parent=self.confirm,
                                          kind="danger"))
        confirm.addLayout(buttons)
        self.confirm.hide()
        layout.addWidget(self.confirm)

    def show_for(self, guest_id: str, name: str) -> None:
        self._guest_id, self._name = guest_id, name
        self.confirm.hide()
        rows = self._actions.read(outcomes.status_history, guest_id)
        zone = self._context.zone
        if rows:
            self.current.setText(f"{rows[0].kind.label}, since {full_date_time(rows[0].since, zone)}"
                                 + (" (recorded by hand)" if rows[0].by_hand else ""))
        else:
            self.current.setText("Nothing recorded yet.")
        self.history.setText("Before: " + "; ".join(r.kind.label for r in rows[1:6]) if len(rows) > 1 else "")
        self.history.setVisible(len(rows) > 1)
        self.died_button.setVisible(self._actions.is_lead)

    def record_status(self) -> None:
        if self._guest_id is None:
            return
        try:
            self._actions.run(outcomes.set_status, self._guest_id, self.kind.currentData())
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("success", f"Recorded: {self._name} lives in {self.kind.currentText().lower()} now.")

    def start_died(self) -> None:
        self.confirm_text.setText(f"Record that {self._name} has died? Their waiting messages are closed, "
                                  "and they leave the desk's search and lists. Their record is kept.")
        today = self._context.now().astimezone(self._context.zone).date()
        self.died_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.died_on.setDate(QDate(today.year, today.month, today.day))
        self.date_known.setChecked(False)
        self.confirm.show()

    def record_died(self) -> None:
        if self._guest_id is None:
            return
        try:
            self._actions.run(outcomes.record_death, self._guest_id,
                              self.died_on.date().toPython() if self.date_known.isChecked() else None)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.confirm.hide()
        self.message.emit("info", f"Recorded that {self._name} has died.")
        self.died.emit()
