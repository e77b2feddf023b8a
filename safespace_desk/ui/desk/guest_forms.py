"""Inline forms on a guest's record for leads: exclude for some hours, and merge a duplicate in."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.exclusions import MAX_HOURS, MIN_HOURS
from safespace_desk.services import exclusions, search
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import clear_layout, muted_label


class ExcludeForm(QWidget):
    done = Signal(str)  # what happened, for the banner
    cancelled = Signal()

    def __init__(self, actions: DeskActions, guest_id: str, guest_name: str, default_hours: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("excludeForm")
        self._actions = actions
        self._guest_id = guest_id
        self._guest_name = guest_name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Hours on one line, the reason on its own full-width line: side by side at 1366 wide the
        # reason box was cut and the submit button pushed off-screen (finding 2).
        row = QHBoxLayout()
        row.addWidget(QLabel("Exclude for", self))
        self.hours = QSpinBox(self)
        self.hours.setObjectName("excludeHours")
        self.hours.setRange(MIN_HOURS, MAX_HOURS)
        self.hours.setValue(default_hours)
        self.hours.setSuffix(" hours")
        row.addWidget(self.hours)
        row.addStretch(1)
        layout.addLayout(row)
        because = QLabel("&Because (recorded)", self)
        layout.addWidget(because)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("excludeReason")
        self.reason.setPlaceholderText("A short, factual reason")
        because.setBuddy(self.reason)
        layout.addWidget(self.reason)
        general = QLabel(self)
        reason_error = QLabel(self)
        hours_error = QLabel(self)
        self.errors = FieldErrors(general)
        self.errors.bind("reason", self.reason, reason_error)
        self.errors.bind("hours", self.hours, hours_error)
        for label in (reason_error, hours_error, general):
            layout.addWidget(label)
        layout.addWidget(muted_label("If they are in, they are signed out in the same step.", self))
        buttons = FlowLayout()
        buttons.addWidget(shortcut_button(f"Exclude {guest_name} · Enter", None, self.submit, parent=self,
                                          kind="danger"))
        buttons.addWidget(shortcut_button("Cancel · Esc", None, self.cancelled.emit, parent=self, kind="quiet"))
        layout.addLayout(buttons)
        self.reason.returnPressed.connect(self.submit)
        add_shortcut(self, "Esc", self.cancelled.emit)

    def submit(self) -> None:
        self.errors.clear()
        try:
            self._actions.run(exclusions.issue_exclusion, self._guest_id, self.reason.text(),
                                        self.hours.value())
        except DeskError as err:
            self.errors.show(err)
            return
        self.done.emit(f"{self._guest_name} is excluded for {self.hours.value()} hours.")


class MergeForm(QWidget):
    """Find the other record and merge it into this one (both histories are kept; undo is listed)."""

    merge_chosen = Signal(str, str)  # merged guest id, name
    cancelled = Signal()

    def __init__(self, actions: DeskActions, keep_id: str, keep_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeForm")
        self._actions = actions
        self._keep_id = keep_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(muted_label(f"Find the duplicate record to fold into {keep_name}'s. Its visits, "
                                     "exclusions and names are kept; the merge can be undone.", self))
        self.query = QLineEdit(self)
        self.query.setObjectName("mergeSearch")
        self.query.setPlaceholderText("Name on the other record")
        layout.addWidget(self.query)
        self._matches = QVBoxLayout()
        layout.addLayout(self._matches)
        cancel = shortcut_button("Cancel · Esc", None, self.cancelled.emit, parent=self, kind="quiet")
        layout.addWidget(cancel)
        self.query.textChanged.connect(self._update)
        add_shortcut(self, "Esc", self.cancelled.emit)

    def _update(self, text: str) -> None:
        clear_layout(self._matches)
        if len(text.strip()) < 2:
            return
        hits = [h for h in self._actions.read(search.find_guests, text) if h.guest_id != self._keep_id][:5]
        for hit in hits:
            button = shortcut_button(f"Merge “{hit.name}” here", None,
                                     lambda _=False, h=hit: self.merge_chosen.emit(h.guest_id, h.name),
                                     parent=self)
            button.setObjectName("mergeCandidate")
            self._matches.addWidget(button)
            button.show()
        if not hits:
            self._matches.addWidget(muted_label("No other record with that name.", self))
