"""The registry of screens the audit opens beyond the pages themselves: forms, dialogs, banners.

Pages come from the shell's own registry (ui/pages.py), and every tab of every page is visited
without being listed here. What needs an action to appear (a form, a dialog, an error) is listed
here once, with how to open it; a dialog class of the program that no entry covers fails the audit,
so a new dialog cannot slip past it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from safespace_desk.domain.roles import Role
from safespace_desk.ui.main_window import MainWindow

# Opens the state and returns the window to check (a dialog), or None for the main window.
Opener = Callable[[MainWindow], QWidget | None]


@dataclass(frozen=True)
class Screen:
    name: str
    page: str | None  # the page it lives on (shown first); None: the main window itself
    open: Opener
    roles: frozenset[Role] = frozenset(Role)
    covers: tuple[type, ...] = field(default=())
    ends_session: bool = False  # the lock screen, a failed sign-in: checked last (see test_matrix.py)


SCREENS: list[Screen] = []


def screen(name: str, page: str | None, *, roles: set[Role] | None = None, covers: tuple[type, ...] = (),
           ends_session: bool = False) -> Callable[[Opener], Opener]:
    def register(opener: Opener) -> Opener:
        SCREENS.append(Screen(name, page, opener, frozenset(roles) if roles else frozenset(Role), covers,
                              ends_session))
        return opener
    return register


def page(window: MainWindow, key: str) -> QWidget:
    assert window.shell is not None
    return window.shell.page(key)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def close_dialogs() -> None:
    for dialog in open_dialogs():
        dialog.reject()
    settle()


def press(widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    from PySide6.QtTest import QTest
    from pytestqt.qtbot import QtBot  # noqa: F401 (keyClick is a QTest function)

    QTest.keyClick(widget, key, modifiers)
    settle()


def type_text(widget: QWidget, text: str) -> None:
    from PySide6.QtTest import QTest

    QTest.keyClicks(widget, text)
    settle()


def leave_forms(window: MainWindow) -> None:
    """Back to the page as staff find it: dialogs closed, and Esc (which cancels every inline form,
    empties the desk's search and dismisses its banner) until nothing is left to cancel."""
    close_dialogs()
    window.activateWindow()  # a closed dialog leaves no window active offscreen
    for _ in range(4):
        focus = window.focusWidget()  # the window's own, even while it is not the active one
        if focus is None:
            break
        press(focus, Qt.Key.Key_Escape)
    if window.shell is not None:
        window.shell.focus_current_page()
