"""My account (every role): change your own password and set your quick-unlock PIN."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from safespace_desk.domain.staff import PIN_MAX
from safespace_desk.services import staff
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.ui.kit.forms import (
    PAGE_MARGINS,
    Banner,
    FieldRow,
    FormErrors,
    password_edit,
    primary_button,
)
from safespace_desk.ui.kit.secrets import PassphraseOffer
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.shell import MainShell

DIFFERENT = "The two entries are different. Type them again."


class AccountPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(12)
        layout.addWidget(heading("My account", "pageTitle"))
        self.banner = Banner()
        layout.addWidget(self.banner)
        forms = QHBoxLayout()
        forms.setSpacing(20)
        forms.addWidget(self._build_pin_form(), 1)
        forms.addWidget(self._build_password_form(), 1)
        layout.addLayout(forms)
        layout.addStretch(1)

    def focus_first(self) -> None:
        self.pin.setFocus()

    def _build_pin_form(self) -> QWidget:
        box, layout = _panel("Quick-unlock PIN")
        layout.addWidget(explanation(
            "When the desk locks itself, your PIN opens it again quickly. Choose 4 to 8 digits "
            "that are not a run like 1234."))
        self.pin = password_edit("New PIN")
        self.pin_confirm = password_edit("Type the PIN again")
        for edit in (self.pin, self.pin_confirm):
            edit.setMaxLength(PIN_MAX)
        rows = {"pin": FieldRow("New P&IN", self.pin),
                "pin_confirm": FieldRow("Type the PIN a&gain", self.pin_confirm)}
        self.pin_button = primary_button("Set my &PIN")
        self.pin_errors = self._form(layout, rows, self.pin_button, self.set_pin)
        return box

    def _build_password_form(self) -> QWidget:
        box, layout = _panel("Password")
        layout.addWidget(explanation("Your password signs you in and opens the encrypted store."))
        self.current_password = password_edit("Current password")
        self.new_password = password_edit("New password")
        self.new_confirm = password_edit("Type the new password again")
        rows = {"current": FieldRow("&Current password", self.current_password),
                "new_password": FieldRow("&New password (at least 10 characters)", self.new_password),
                "new_confirm": FieldRow("Type the new password &again", self.new_confirm)}
        self.passphrase = PassphraseOffer(self.new_password, self.new_confirm, staff.suggest_passphrase)
        self.password_button = primary_button("Change my pass&word")
        # The service names a wrong current password "password": that is this form's first box.
        self.password_errors = self._form(layout, rows, self.password_button, self.change_password,
                                          aliases={"password": "current"}, extra=self.passphrase)
        return box

    def _form(self, layout: QVBoxLayout, rows: dict[str, FieldRow], button: QPushButton,
              submit: Callable[[], None], aliases: dict[str, str] | None = None,
              extra: QWidget | None = None) -> FormErrors:
        for row in rows.values():
            layout.addWidget(row)
            if isinstance(row.editor, QLineEdit):
                row.editor.returnPressed.connect(submit)
        if extra is not None:
            layout.addWidget(extra)
        button.clicked.connect(submit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addStretch(1)  # both panels start at the top, whatever their height
        return FormErrors(self.banner, rows, aliases)

    def set_pin(self) -> None:
        if self._shell.runner.busy:
            return
        self.pin_errors.clear()
        if self.pin.text() != self.pin_confirm.text():
            self.pin_errors.show_field("pin_confirm", DIFFERENT)
            return
        desk, pin = self._desk, self.pin.text()
        self.pin_button.setEnabled(False)
        self._shell.runner.run(lambda: staff.set_own_pin(desk, pin),
                               lambda changes: self._done(changes, "Your PIN is set. Use it to unlock "
                                                          "the desk after it locks.", self.pin_button,
                                                          (self.pin, self.pin_confirm)),
                               lambda error: self._failed(error, self.pin_errors, self.pin_button))

    def change_password(self) -> None:
        if self._shell.runner.busy:
            return
        self.password_errors.clear()
        if self.new_password.text() != self.new_confirm.text():
            self.password_errors.show_field("new_confirm", DIFFERENT)
            return
        desk, current, new = self._desk, self.current_password.text(), self.new_password.text()
        self.password_button.setEnabled(False)
        edits = (self.current_password, self.new_password, self.new_confirm)
        self._shell.runner.run(lambda: staff.change_own_password(desk, current, new),
                               lambda changes: self._done(changes, "Your password is changed. Use the "
                                                          "new one from now on.", self.password_button,
                                                          edits),
                               lambda error: self._failed(error, self.password_errors,
                                                          self.password_button))

    def _done(self, changes: Changes, message: str, button: QPushButton,
              edits: tuple[QLineEdit, ...]) -> None:
        button.setEnabled(True)
        for edit in edits:
            edit.clear()
        self.banner.show_message(message, "success")
        self._shell.apply_changes(changes)

    @staticmethod
    def _failed(error: Exception, errors: FormErrors, button: QPushButton) -> None:
        button.setEnabled(True)
        errors.show(error)


def _panel(title: str) -> tuple[QFrame, QVBoxLayout]:
    panel = QFrame()
    panel.setObjectName("panel")
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(20, 16, 20, 16)
    layout.setSpacing(10)
    layout.addWidget(heading(title))
    return panel, layout
