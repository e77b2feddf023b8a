"""Secrets on screen and on the clipboard: the recovery key (issue 14, finding 13).

- ``copy_secret`` puts a secret on the clipboard and empties it within a minute, but only if the
  clipboard still holds that secret (what someone copied since is theirs). Clipboard managers are
  asked not to keep it in their history (KDE's and Windows' hints); one that ignores them can.
- ``SecretEdit`` is a line edit that shows dots, with a "Show" button beside it for checking what
  was typed; it hides again when the form is left.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

CLIPBOARD_SECONDS = 60
# Clipboard managers that honour these leave the secret out of their history.
_NOT_FOR_HISTORY = {"x-kde-passwordManagerHint": b"secret",
                    "ExcludeClipboardContentFromMonitorProcessing": b"1"}


class SecretClipboard(QObject):
    """One per application (it outlives the screen that copied, so a closed wizard still clears)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._secret = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(CLIPBOARD_SECONDS * 1000)
        self.timer.timeout.connect(self.clear)

    def copy(self, secret: str) -> None:
        data = QMimeData()
        data.setText(secret)
        for kind, value in _NOT_FOR_HISTORY.items():
            data.setData(kind, QByteArray(value))
        QGuiApplication.clipboard().setMimeData(data)
        self._secret = secret
        self.timer.start()

    def clear(self) -> None:
        """Empty the clipboard if it still holds the secret; forget the secret either way."""
        self.timer.stop()
        clipboard = QGuiApplication.clipboard()
        if self._secret and clipboard.text() == self._secret:
            clipboard.clear()
        self._secret = ""


_clipboard: SecretClipboard | None = None


def secret_clipboard() -> SecretClipboard:
    global _clipboard
    app = QGuiApplication.instance()
    if _clipboard is None or _clipboard.parent() is not app:
        _clipboard = SecretClipboard(app)
    return _clipboard


def copy_secret(secret: str) -> SecretClipboard:
    clipboard = secret_clipboard()
    clipboard.copy(secret)
    return clipboard


class SecretEdit(QWidget):
    """A masked line edit (``edit``) with a "Show" toggle (``show_button``). Focus goes to the edit."""

    def __init__(self, accessible_name: str, max_length: int = 200, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(accessible_name)
        self.edit.setMaxLength(max_length)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_button = QPushButton("Show")
        self.show_button.setCheckable(True)
        self.show_button.setAccessibleName(f"Show the {accessible_name.lower()}")
        self.show_button.toggled.connect(self._toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.show_button)
        self.setFocusProxy(self.edit)

    def hide_text(self) -> None:
        self.show_button.setChecked(False)

    def _toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_button.setText("Hide" if shown else "Show")


class PassphraseOffer(QWidget):
    """"Suggest a passphrase": fills a new-password form's two boxes with four random words and a
    number (services/staff.suggest_passphrase) and shows it, to be written down or told in person."""

    def __init__(self, password: QLineEdit, confirm: QLineEdit, suggest: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._password, self._confirm, self._suggest = password, confirm, suggest
        self.button = QPushButton("S&uggest a passphrase")
        self.button.setAccessibleName("Suggest a passphrase")
        self.button.clicked.connect(self.offer)
        # The suggestion is to be written down: in body text across the form, under the button (as a
        # grey hint squeezed beside the button it took three small lines).
        self.shown = QLabel("")
        self.shown.setObjectName("passphrase")
        self.shown.setWordWrap(True)
        self.shown.setTextFormat(Qt.TextFormat.PlainText)
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shown.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.shown)
        # Typing a password of one's own takes the suggestion away again.
        password.textEdited.connect(self._typed)

    def offer(self) -> None:
        phrase = self._suggest()
        for edit in (self._password, self._confirm):
            edit.setText(phrase)
        self.shown.setText(f"Suggested: “{phrase}”. Write it down before you go on.")
        self.shown.show()
        fit = getattr(self.window(), "fit_to_contents", None)  # a form dialog grows to show it
        if callable(fit):
            fit()

    def _typed(self, _text: str) -> None:
        if self.shown.isVisible():
            self._confirm.clear()
            self.shown.clear()
            self.shown.hide()
