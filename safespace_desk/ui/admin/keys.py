"""The Admin page's keys: "Rotate keys" and "New recovery key", and the progress of a rekey.

A rotation re-encrypts the whole store (services/keyrotation.py), which takes a moment on a large
one: it runs on the worker thread, behind a window-modal progress dialog fed from that thread
through a queued signal. Deactivating staff rotates too and uses the same dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.services import keyrotation
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import Banner, describe_error
from safespace_desk.ui.kit.secrets import copy_secret
from safespace_desk.ui.kit.widgets import explanation, heading, roomy
from safespace_desk.ui.tasks import TaskRunner

ROTATE_TEXT = (
    "Rotate the keys?\n\n"
    "SafeSpace Desk makes a new key for the store, re-encrypts the store with it, and gives it to every "
    "open account and to the recovery key. Nobody needs a new password.\n\n"
    "From then on, a copy of the key file or of a backup taken before cannot open this store. (Old "
    "backups still open, with the passwords of their time.) What someone could read before, they could "
    "have copied then: if they saw the recovery key, issue a new one too.\n\n"
    "It takes a moment, longer on a large store. Keep the desk switched on until it says it is done.")
RECOVERY_TEXT = (
    "Issue a new recovery key?\n\n"
    "The recovery key you have now stops working at once, and the store's key is changed with it. The new "
    "key is shown once: have paper ready, write it down, and lock it away as you did at set-up.")


class _Relay(QObject):
    moved = Signal(int, int)  # emitted from the worker thread; queued into the main thread


class RekeyProgress(QProgressDialog):
    """Window-modal, with no Cancel (a rekey is one transaction: it finishes or rolls back)."""

    def __init__(self, title: str, parent: QWidget) -> None:
        super().__init__("", "", 0, 0, parent)
        self.setObjectName("rekeyProgress")
        self.setWindowTitle(title)
        # Qt's own label sat 10 px from the edges with nothing saying what to do meanwhile: room
        # round the text, and the one instruction (the title is only in the frame, if there is one).
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setContentsMargins(14, 12, 14, 6)
        self.setLabel(label)
        self.setMinimumWidth(max(480, self.fontMetrics().averageCharWidth() * 60))
        self._title = title
        self.setLabelText(self._text("Re-encrypting the store with the new key…"))
        self.setCancelButton(None)  # type: ignore[arg-type]
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self._relay = _Relay(self)
        self._relay.moved.connect(self._moved)

    def report(self, done: int, total: int) -> None:
        """Thread-safe: called from the worker (and the rekey's watcher) thread."""
        self._relay.moved.emit(done, total)

    def _moved(self, done: int, total: int) -> None:
        self.setMaximum(max(total, 1))
        self.setValue(min(done, total))
        self.setLabelText(self._text(f"Re-encrypting the store with the new key: {done:,} of {total:,} pages…"))

    def _text(self, progress: str) -> str:
        return f"{self._title}. {progress}\nKeep the desk switched on until it says it is done."


def run_with_progress(runner: TaskRunner, parent: QWidget, title: str,
                      work: Callable[[keyrotation.Progress], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[Exception], None]) -> RekeyProgress:
    dialog = RekeyProgress(title, parent)
    dialog.show()

    def done(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(error: Exception) -> None:
        dialog.close()
        on_error(error)

    runner.run(lambda: work(dialog.report), done, failed)
    return dialog


class RecoveryKeyDialog(QDialog):
    """A new recovery key, shown once, with Copy (the clipboard is emptied within a minute)."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newRecoveryKey")
        self.setWindowTitle("New recovery key")
        self._key = recovery_key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(heading("Write down the new recovery key"))
        layout.addWidget(explanation(
            "It is shown only now. Keep it on paper, locked away, apart from the desk. The old recovery key "
            "no longer works."))
        half = len(recovery_key) // 2 + 1
        self.key_label = QLabel(recovery_key[:half].rstrip("-") + "\n" + recovery_key[half:])
        self.key_label.setObjectName("recoveryKey")
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.key_label.setFont(font)
        self.key_label.setAccessibleName("New recovery key")
        layout.addWidget(self.key_label)
        row = QHBoxLayout()
        self.copy_button = QPushButton("&Copy")
        self.copy_button.clicked.connect(lambda: copy_secret(self._key))
        row.addWidget(self.copy_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox()
        self.done_button = buttons.addButton("I have &written it down", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def done(self, code: int) -> None:  # noqa: D401 - Qt's name
        self._key = ""
        self.key_label.clear()
        super().done(code)


class KeysSection(QWidget):
    """Heading, a line of explanation and the two buttons; results go to the page's banner."""

    def __init__(self, desk: DeskContext, runner: TaskRunner, banner: Banner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._banner = banner
        self.confirm_box: QMessageBox | None = None
        self.progress: RekeyProgress | None = None
        self.key_dialog: RecoveryKeyDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Keys"))
        layout.addWidget(explanation(
            "The store's key changes by itself when an account is deactivated. Rotate it by hand if a key "
            "file, a backup or a password may have got out; issue a new recovery key if someone saw it."))
        row = QHBoxLayout()
        self.rotate_button = QPushButton("R&otate keys…")
        self.recovery_button = QPushButton("New reco&very key…")
        self.rotate_button.clicked.connect(self.rotate)
        self.recovery_button.clicked.connect(self.new_recovery_key)
        row.addWidget(self.rotate_button)
        row.addWidget(self.recovery_button)
        row.addStretch(1)
        layout.addLayout(row)

    def rotate(self) -> None:
        self._confirm("Rotate keys", ROTATE_TEXT, "Rotate keys", lambda: self._run(
            "Rotating the keys", lambda progress: keyrotation.rotate_keys(self._desk, progress), self._rotated))

    def new_recovery_key(self) -> None:
        self._confirm("New recovery key", RECOVERY_TEXT, "Issue a new key", lambda: self._run(
            "Issuing a new recovery key", lambda progress: keyrotation.replace_recovery_key(self._desk, progress),
            self._replaced))

    def _confirm(self, title: str, text: str, action: str, go: Callable[[], None]) -> None:
        self._banner.clear_message()
        box = roomy(QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self))
        confirm = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone never starts it
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided() -> None:
            self.confirm_box = None
            if box.clickedButton() is confirm:
                go()

        box.finished.connect(decided)
        self.confirm_box = box
        box.open()

    def _run(self, title: str, work: Callable[[keyrotation.Progress], Any], on_done: Callable[[Any], None]) -> None:
        self.progress = run_with_progress(self._runner, self, title, work, on_done, self._failed)

    def _failed(self, error: Exception) -> None:
        self.progress = None
        self._banner.show_message(describe_error(error))

    def _rotated(self, rotation: keyrotation.Rotation) -> None:
        self.progress = None
        self.show_rotation(rotation, "The keys were rotated")

    def _replaced(self, result: tuple[str, keyrotation.Rotation]) -> None:
        self.progress = None
        recovery_key, rotation = result
        self._banner.show_message("A new recovery key is in place and the old one no longer works "
                                  f"(key version {rotation.version}).", "success")
        self._show_key(recovery_key)

    def show_rotation(self, rotation: keyrotation.Rotation, said: str) -> None:
        """The banner after any rotation (here or by deactivating), and a new recovery key if one was made."""
        message = f"{said}: key version {rotation.version}. Older copies of the key file no longer open the store."
        if rotation.dropped:
            message += (f" {len(rotation.dropped)} account(s) not used since the upgrade lost their key: "
                        "give them a new password (Reset password).")
        self._banner.show_message(message, "success")
        if rotation.recovery_key:
            self._show_key(rotation.recovery_key)

    def _show_key(self, recovery_key: str) -> None:
        dialog = RecoveryKeyDialog(recovery_key, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "key_dialog", None))
        self.key_dialog = dialog
        dialog.open()
