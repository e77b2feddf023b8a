"""On a guest's record: who they are kept apart from (issue 13, item 2). Desk staff see the names;
shift leads and managers see why, add a link ("Keep apart…") and end one."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import keep_apart
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import clear_layout, heading, muted_label
from safespace_desk.ui.messages.guest_picker import GuestPicker


class KeepApartBox(QWidget):
    message = Signal(str, str)

    def __init__(self, actions: DeskActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keepApartBox")
        self._actions = actions
        self._guest_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.title = heading("Kept apart from", parent=self)
        layout.addWidget(self.title)
        self.rows = QVBoxLayout()
        layout.addLayout(self.rows)
        self.add_button = shortcut_button("Keep apart…", "Alt+P", self.start_add, parent=self, page=parent)
        self.add_button.setToolTip("Keep this guest apart from another (a shift lead's decision, with why)")
        layout.addWidget(self.add_button)
        self.form = QWidget(self)
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        self.other = GuestPicker(actions, allow_free_text=False, placeholder="The other guest")
        self.reason = QLineEdit(self.form)
        self.reason.setPlaceholderText("Why (only shift leads and managers see it)")
        self.reason.setAccessibleName("Why they are kept apart")
        general = QLabel(self.form)
        self.errors = FieldErrors(general)
        form.addWidget(self.other)
        form.addWidget(self.errors.bind("other", self.other.box))
        form.addWidget(self.reason)
        form.addWidget(self.errors.bind("reason", self.reason))
        form.addWidget(general)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(shortcut_button("Cancel · Esc", None, self._cancel, parent=self.form, kind="quiet"))
        buttons.addWidget(shortcut_button("Keep apart · Enter", None, self.save, parent=self.form, kind="primary"))
        form.addLayout(buttons)
        self.reason.returnPressed.connect(self.save)
        add_shortcut(self.form, "Esc", self._cancel)
        self.form.hide()
        layout.addWidget(self.form)

    def show_for(self, guest_id: str) -> None:
        self._guest_id = guest_id
        clear_layout(self.rows)
        lead = self._actions.is_lead
        if lead:
            links = self._actions.read(keep_apart.links_of, guest_id)
            for link in links:
                row = QHBoxLayout()
                text = QLabel(f"{link.other_name}: {link.reason}", self)
                text.setWordWrap(True)
                row.addWidget(text, 1)
                end = shortcut_button("End", None, lambda _=False, i=link.id, n=link.other_name: self._end(i, n),
                                      parent=self, kind="quiet")
                end.setAccessibleName(f"End keeping apart from {link.other_name}")
                row.addWidget(end)
                self.rows.addLayout(row)
            names = [link.other_name for link in links]
        else:
            names = [o.name for o in self._actions.read(keep_apart.kept_apart_from, guest_id)]
            if names:
                self.rows.addWidget(muted_label(", ".join(names) + ". A shift lead knows why.", self))
        self.title.setVisible(bool(names) or lead)
        self.add_button.setVisible(lead)
        self.setVisible(bool(names) or lead)

    def start_add(self) -> None:
        self.errors.clear()
        self.other.reset()
        self.reason.clear()
        self.form.show()
        self.other.box.setFocus()

    def _cancel(self) -> None:
        self.form.hide()
        self.add_button.setFocus()

    def save(self) -> None:
        self.errors.clear()
        if self._guest_id is None:
            return
        if self.other.guest_id is None:
            self.errors.show("Choose the other guest from the matches.", field="other")
            return
        try:
            self._actions.run(keep_apart.link, self._guest_id, self.other.guest_id, self.reason.text())
        except DeskError as err:
            self.errors.show(err)
            return
        self.form.hide()
        self.message.emit("success", "Kept apart: the desk will warn at sign-in and when beds are given.")

    def _end(self, link_id: str, name: str) -> None:
        try:
            self._actions.run(keep_apart.end_link, link_id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("info", f"No longer kept apart from {name} (kept in the history).")
