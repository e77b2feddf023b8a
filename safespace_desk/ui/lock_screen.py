"""The lock screen: nothing personal on show, only who is signed in and the time.

Unlock with the same person's PIN (five tries, then only their password), hand the desk to a
colleague (switch user), or sign out.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from safespace_desk.domain.clock import Clock
from safespace_desk.domain.pin_lock import PinAttempts
from safespace_desk.domain.staff import PIN_MAX
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
from safespace_desk.ui.kit.wait_countdown import WaitCountdown
from safespace_desk.ui.kit.widgets import heading
from safespace_desk.ui.tasks import TaskRunner
from safespace_desk.ui.time_display import MinuteTicker, clock_text, date_text

PIN_MODE, PASSWORD_MODE, SWITCH_MODE = 0, 1, 2


class LockScreen(QWidget):
    unlocked = Signal()
    switched_user = Signal(object)  # the new Actor
    sign_out_requested = Signal()

    def __init__(self, clock: Clock, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._runner = runner
        self._desk: DeskContext | None = None
        self._attempts = PinAttempts()
        self._has_pin = False
        self._zone = ZoneInfo("UTC")
        self._ticker = MinuteTicker(clock, self)
        self._ticker.tick.connect(self._show_time)

        card = Card(520)
        self.time_label = QLabel()
        self.time_label.setObjectName("lockClock")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.date_label = QLabel()
        self.date_label.setObjectName("lockDate")
        self.date_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        locked = heading("Locked")
        locked.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label = QLabel()
        self.who_label.setObjectName("lockWho")
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setWordWrap(True)
        for widget in (self.time_label, self.date_label, locked, self.who_label):
            card.body.addWidget(widget)
        self.banner = Banner()
        card.body.addWidget(self.banner)
        # After too many wrong passwords: "Wait N seconds", counted down in the banner.
        self.countdown = WaitCountdown(self.banner.show_message, self)
        self.modes = QStackedWidget()
        self.modes.addWidget(self._build_pin_mode())
        self.modes.addWidget(self._build_password_mode())
        self.modes.addWidget(self._build_switch_mode())
        card.body.addWidget(self.modes)
        self.switch_button = QPushButton("Swi&tch user")
        self.switch_button.clicked.connect(self.show_switch_user)
        self.sign_out_button = QPushButton("Sign &out")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        row = QHBoxLayout()
        row.addWidget(self.switch_button)
        row.addStretch(1)
        row.addWidget(self.sign_out_button)
        card.body.addLayout(row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centred(card))

    def _build_pin_mode(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.pin = password_edit("PIN")
        self.pin.setObjectName("pinEdit")
        self.pin.setMaxLength(PIN_MAX)
        self.pin.setValidator(QIntValidator(0, 10**PIN_MAX - 1, self.pin))
        self.pin_row = FieldRow("Your &PIN", self.pin)
        layout.addWidget(self.pin_row)
        self.pin_button = primary_button("&Unlock")
        self.pin_button.clicked.connect(self.submit_pin)
        self.pin.returnPressed.connect(self.submit_pin)
        layout.addWidget(self.pin_button)
        use_password = QPushButton("Use my p&assword instead")
        use_password.setObjectName("link")
        use_password.clicked.connect(lambda: self._set_mode(PASSWORD_MODE))
        layout.addWidget(use_password, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _build_password_mode(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.password = password_edit("Password")
        self.password_row = FieldRow("Your pass&word", self.password)
        layout.addWidget(self.password_row)
        self.password_button = primary_button("&Unlock")
        self.password_button.clicked.connect(self.submit_password)
        self.password.returnPressed.connect(self.submit_password)
        layout.addWidget(self.password_button)
        self.back_to_pin = QPushButton("Use my PI&N instead")
        self.back_to_pin.setObjectName("link")
        self.back_to_pin.clicked.connect(lambda: self._set_mode(PIN_MODE))
        layout.addWidget(self.back_to_pin, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _build_switch_mode(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.switch_name = text_edit("Your name", 80)
        self.switch_password = password_edit("Your password")
        layout.addWidget(FieldRow("Your &name", self.switch_name))
        layout.addWidget(FieldRow("Your pass&word", self.switch_password))
        self.switch_submit = primary_button("Take over the &desk")
        self.switch_submit.clicked.connect(self.submit_switch)
        self.switch_name.returnPressed.connect(self.submit_switch)
        self.switch_password.returnPressed.connect(self.submit_switch)
        cancel = QPushButton("&Cancel")
        cancel.clicked.connect(lambda: self._set_mode(self._unlock_mode()))
        row = QHBoxLayout()
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.switch_submit)
        layout.addLayout(row)
        return page

    # -- showing -----------------------------------------------------------------------------
    def prepare(self, desk: DeskContext, attempts: PinAttempts, *, has_pin: bool, zone: ZoneInfo) -> None:
        """Set up for the signed-in person before the screen is shown."""
        actor = desk.require_actor()
        self._desk, self._attempts, self._has_pin, self._zone = desk, attempts, has_pin, zone
        self.who_label.setText(f"{actor.name} ({actor.role.label}) is signed in")
        self.countdown.stop()
        self.banner.clear_message()
        self._set_mode(self._unlock_mode())
        if attempts.exhausted:
            self.banner.show_message("Too many wrong PINs. Unlock with your password.")
        self._show_time()
        self._ticker.start()

    def release(self) -> None:
        """Forget the desk and clear every box (after unlocking or signing out)."""
        self._ticker.stop()
        self._desk = None
        for edit in (self.pin, self.password, self.switch_name, self.switch_password):
            edit.clear()
        self.countdown.stop()
        self.banner.clear_message()

    def _unlock_mode(self) -> int:
        return PIN_MODE if self._has_pin and not self._attempts.exhausted else PASSWORD_MODE

    def _set_mode(self, mode: int) -> None:
        self.modes.setCurrentIndex(mode)
        for row in (self.pin_row, self.password_row):
            row.clear_error()
        # Once the PIN is used up (or there is none) only the password is offered.
        self.back_to_pin.setVisible(self._unlock_mode() == PIN_MODE)
        self.switch_button.setVisible(mode != SWITCH_MODE)
        focus = {PIN_MODE: self.pin, PASSWORD_MODE: self.password, SWITCH_MODE: self.switch_name}[mode]
        focus.setFocus()

    def _show_time(self) -> None:
        now = self._clock.now()
        self.time_label.setText(clock_text(now, self._zone))
        self.date_label.setText(date_text(now, self._zone))

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)  # type: ignore[arg-type]
        self._set_mode(self.modes.currentIndex())

    # -- actions -----------------------------------------------------------------------------
    def _require_desk(self) -> DeskContext:
        assert self._desk is not None, "the lock screen is shown only for a signed-in desk"
        return self._desk

    def submit_pin(self) -> None:
        if self._runner.busy:
            return
        desk, pin, attempts = self._require_desk(), self.pin.text(), self._attempts
        self.pin_button.setEnabled(False)
        self._runner.run(lambda: auth.quick_unlock(desk, pin, attempts), self._unlocked, self._pin_failed)

    def _pin_failed(self, error: Exception) -> None:
        self.pin_button.setEnabled(True)
        self.pin.clear()
        if getattr(error, "field", None) == "password":
            self._set_mode(PASSWORD_MODE)
            self.banner.show_message(describe_error(error))
            return
        FormErrors(self.banner, {"pin": self.pin_row}).show(error)

    def submit_password(self) -> None:
        if self._runner.busy:
            return
        desk, password = self._require_desk(), self.password.text()
        self.password_button.setEnabled(False)
        self._runner.run(lambda: auth.check_password_again(desk, password), self._unlocked,
                         self._password_failed)

    def _password_failed(self, error: Exception) -> None:
        self.password_button.setEnabled(True)
        self.password.clear()
        self.password_row.clear_error()
        if not self.countdown.follow(error):
            FormErrors(self.banner, {"password": self.password_row}).show(error)

    def _unlocked(self, _result: object) -> None:
        self.pin_button.setEnabled(True)
        self.password_button.setEnabled(True)
        self._attempts.reset()  # a proven unlock gives the PIN its five tries back
        self.release()
        self.unlocked.emit()

    def show_switch_user(self) -> None:
        self.countdown.stop()  # a wait for the signed-in person's password says nothing about others
        self.banner.clear_message()
        self._set_mode(SWITCH_MODE)

    def submit_switch(self) -> None:
        if self._runner.busy:
            return
        desk, name, password = self._require_desk(), self.switch_name.text(), self.switch_password.text()
        self.banner.clear_message()
        self.switch_submit.setEnabled(False)
        self._runner.run(lambda: auth.switch_user(desk, name, password), self._switched,
                         self._switch_failed)

    def _switched(self, actor: object) -> None:
        self.switch_submit.setEnabled(True)
        self.release()
        self.switched_user.emit(actor)

    def _switch_failed(self, error: Exception) -> None:
        self.switch_submit.setEnabled(True)
        self.switch_password.clear()
        # One message for either box, as at sign-in: do not reveal which names have accounts.
        if not self.countdown.follow(error):
            self.banner.show_message(describe_error(error))
        (self.switch_name if not self.switch_name.text() else self.switch_password).setFocus()
