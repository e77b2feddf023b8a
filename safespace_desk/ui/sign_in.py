"""The sign-in screen at the start of a shift, and the recovery-key way back in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from safespace_desk.domain.clock import Clock
from safespace_desk.services import auth
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import (
    Banner,
    Card,
    FieldRow,
    FormErrors,
    centred,
    describe_error,
    password_edit,
    primary_button,
    text_edit,
)
from safespace_desk.ui.kit.secrets import SecretEdit
from safespace_desk.ui.kit.wait_countdown import WaitCountdown
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.tasks import TaskRunner


class SignInScreen(QWidget):
    """Emits ``signed_in(DeskContext)`` when a name and password (or the recovery key) unlock
    the store."""

    signed_in = Signal(object)

    def __init__(self, data_dir: Path, clock: Clock, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._clock = clock
        self._runner = runner
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_sign_in())
        self.pages.addWidget(self._build_recovery())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # -- sign in -----------------------------------------------------------------------------
    def _build_sign_in(self) -> QWidget:
        card = Card(520)
        card.body.addWidget(heading("SafeSpace Desk", "title"))
        card.body.addWidget(explanation("Sign in with your own name and password to start your shift."))
        self.banner = Banner()
        card.body.addWidget(self.banner)
        # After too many wrong passwords: "Wait N seconds", counted down in the banner.
        self.countdown = WaitCountdown(self.banner.show_message, self)
        self.name = text_edit("Your name", 80)
        self.password = password_edit("Password")
        card.body.addWidget(FieldRow("Your &name", self.name))
        card.body.addWidget(FieldRow("&Password", self.password))
        self.sign_in_button = primary_button("&Sign in")
        self.sign_in_button.clicked.connect(self.submit)
        self.name.returnPressed.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        card.body.addWidget(self.sign_in_button)
        # A wrapping label plus a short link: one long button would be cut off with large text.
        forgot = QLabel("Has every manager forgotten their password?")
        forgot.setObjectName("hint")
        forgot.setWordWrap(True)
        self.recovery_link = QPushButton("Use the &recovery key")
        self.recovery_link.setObjectName("link")
        self.recovery_link.clicked.connect(self.show_recovery)
        card.body.addSpacing(6)
        card.body.addWidget(forgot)
        card.body.addWidget(self.recovery_link, 0, Qt.AlignmentFlag.AlignLeft)
        return centred(card)

    def submit(self) -> None:
        if self._runner.busy:
            return
        name, password = self.name.text(), self.password.text()
        self._set_busy(True)
        # The desk checks the store just after unlock: until then the session writes nothing.
        self._runner.run(lambda: auth.sign_in(self._data_dir, name, password, self._clock, hold_records=True),
                         self._succeeded, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText("Checking…" if busy else "&Sign in")
        if busy:
            self.banner.clear_message()

    def _succeeded(self, desk: DeskContext) -> None:
        self._set_busy(False)
        self.reset()
        self.signed_in.emit(desk)

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        # Name-or-password problems are one message in the banner: which of the two was wrong
        # is deliberately not revealed. The password is cleared so it can be retyped.
        if not self.countdown.follow(error):
            self.banner.show_message(describe_error(error))
        self.password.clear()
        target = self.name if getattr(error, "field", None) == "name" and not self.name.text() \
            else self.password
        target.setFocus()

    def reset(self) -> None:
        """Back to an empty form (after sign-in, and when a shift ends)."""
        self.name.clear()
        self.password.clear()
        self.countdown.stop()
        self.banner.clear_message()
        self.recovery_errors.clear()
        for edit in (self.recovery_key, self.recovery_name, self.recovery_password,
                     self.recovery_confirm):
            edit.clear()
        self.pages.setCurrentIndex(0)

    def show_message(self, text: str, kind: str = "info") -> None:
        self.banner.show_message(text, kind)

    # -- recovery key ------------------------------------------------------------------------
    def _build_recovery(self) -> QWidget:
        # Wide enough for the whole key in Large text (at 600 px its first letters scrolled out of sight).
        card = Card(700)
        card.body.addWidget(heading("Use the recovery key", "title"))
        card.body.addWidget(explanation(
            "Only when no manager can sign in. The recovery key was shown once when this desk was "
            "set up and written on paper. It adds a new manager account; every record stays as it was."))
        self.recovery_banner = Banner()
        card.body.addWidget(self.recovery_banner)
        # Typed behind dots (someone may be looking over a shoulder), with Show to check it.
        secret = SecretEdit("Recovery key", 64)
        self.recovery_key = secret.edit
        self.recovery_key_show = secret.show_button
        self._recovery_secret = secret
        self.recovery_key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        # In a fixed-width font, as on the set-up screen and the paper: every key is as wide as the example.
        fixed = QFont(self.recovery_key.font())
        fixed.setFamily(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family())
        fixed.setStyleHint(QFont.StyleHint.Monospace)
        self.recovery_key.setFont(fixed)
        self.recovery_name = text_edit("New manager's name", 80)
        self.recovery_password = password_edit("New password")
        self.recovery_confirm = password_edit("Type the new password again")
        rows = {"recovery_key": FieldRow("Recovery &key", secret),
                "name": FieldRow("New manager's &name", self.recovery_name),
                "password": FieldRow("New &password", self.recovery_password),
                "confirm": FieldRow("Type the new password &again", self.recovery_confirm)}
        for row in rows.values():
            card.body.addWidget(row)
        self.recovery_errors = FormErrors(self.recovery_banner, rows)
        self.recover_button = primary_button("A&dd manager and sign in")
        self.recover_button.clicked.connect(self.submit_recovery)
        for edit in (self.recovery_key, self.recovery_name, self.recovery_password,
                     self.recovery_confirm):
            edit.returnPressed.connect(self.submit_recovery)
        back = QPushButton("&Back to sign in")
        back.clicked.connect(self.show_sign_in)
        card.body.addWidget(self.recover_button)
        card.body.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)
        return centred(card)

    def show_recovery(self) -> None:
        self.pages.setCurrentIndex(1)
        self.recovery_key.setFocus()

    def show_sign_in(self) -> None:
        self.recovery_key.clear()  # the key is not left behind in a form nobody is looking at
        self._recovery_secret.hide_text()
        self.pages.setCurrentIndex(0)
        self.name.setFocus()

    def submit_recovery(self) -> None:
        if self._runner.busy:
            return
        self.recovery_errors.clear()
        if self.recovery_password.text() != self.recovery_confirm.text():
            self.recovery_errors.show_field("confirm", "The two passwords are different. Type them again.")
            return
        key, name, password = (self.recovery_key.text(), self.recovery_name.text(),
                               self.recovery_password.text())
        self.recover_button.setEnabled(False)
        self._runner.run(
            lambda: auth.recover_with_key(self._data_dir, key, manager_name=name, password=password,
                                          clock=self._clock),
            self._succeeded_recovery, self._failed_recovery)

    def _succeeded_recovery(self, desk: DeskContext) -> None:
        self.recover_button.setEnabled(True)
        self.reset()
        self.signed_in.emit(desk)

    def _failed_recovery(self, error: Exception) -> None:
        self.recover_button.setEnabled(True)
        self.recovery_errors.show(error)

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)  # type: ignore[arg-type]
        self.check_store()
        (self.name if self.pages.currentIndex() == 0 else self.recovery_key).setFocus()

    def check_store(self) -> None:
        """Say at once what is wrong with the files (a missing key-slot file, a cut or damaged
        store), not after a name and password have been typed (finding 13). Quick: files' sizes
        and the log's frames are read, nothing is decrypted."""
        if self._runner.busy:
            return  # a sign-in is under way: its own answer comes
        try:
            recorded_damage = auth.check_before_sign_in(self._data_dir)
        except Exception as error:  # noqa: BLE001 (every problem is shown, as a sign-in would show it)
            self.banner.show_message(describe_error(error))
            return
        if recorded_damage:
            self.banner.show_message(recorded_damage, "warning")
