"""Keyboard shortcuts, shown on the buttons they press."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget


def native_keys(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], object], *,
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(context)
    shortcut.activated.connect(slot)
    return shortcut


def shortcut_button(text: str, keys: str | None, slot: Callable[[], object], *, parent: QWidget | None = None,
                    tooltip: str = "", kind: str | None = None, page: QWidget | None = None) -> QPushButton:
    """A button that shows its shortcut ("Sign out · Alt+S").

    With ``page`` the shortcut fires only while focus is inside that page or dialog, so two pages can
    use the same keys; without it, it works window-wide. Either way it does nothing while the button is
    hidden or disabled, so a hidden panel's keys never fire by accident.
    """
    shown = native_keys(keys) if keys else ""
    button = QPushButton(f"{text} · {shown}" if keys else text, parent)
    button.setToolTip(f"{tooltip or text} ({shown})" if keys else (tooltip or text))
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    if kind:
        button.setProperty("kind", kind)  # "primary", "danger", "quiet" for the theme
    if keys:
        if page is None:
            add_shortcut(button, keys, _click_if_enabled(button), context=Qt.ShortcutContext.WindowShortcut)
        else:
            add_shortcut(page, keys, _click_if_enabled(button))
    return button


def _click_if_enabled(button: QPushButton) -> Callable[[], None]:
    def click() -> None:
        if button.isEnabled() and button.isVisibleTo(button.window()):
            button.click()
    return click
