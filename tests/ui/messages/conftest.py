"""Fixtures for the message, shift log, handover and paramedic pages (real widgets, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from safespace_desk.domain.roles import Role
from safespace_desk.services.context import Changes, DeskContext


class FakeShell(QWidget):
    """The few shell calls ``register_pages`` uses, so these tests do not build the whole app."""

    changes_applied = Signal(object)

    def __init__(self, desk: DeskContext) -> None:
        super().__init__()
        self.desk = desk
        self.stack = QStackedWidget()
        self.top = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addWidget(self.stack, 1)
        self.pages: dict[str, tuple[QWidget, str | None, frozenset[Role] | None]] = {}

    def add_page(self, key: str, title: str, widget: QWidget, shortcut: str | None = None,
                 roles: frozenset[Role] | None = None) -> None:
        self.pages[key] = (widget, shortcut, roles)
        self.stack.addWidget(widget)

    def apply_changes(self, changes: Changes) -> None:
        self.changes_applied.emit(changes)


@pytest.fixture
def shown(qtbot: Any) -> Iterator[Any]:
    """Show widgets side by side in one active window, so window shortcuts (Ctrl+M) work."""
    windows: list[QWidget] = []  # qtbot holds widgets weakly: keep the windows for the test

    def show(*widgets: QWidget) -> QWidget:
        window = QWidget()
        windows.append(window)
        qtbot.addWidget(window)
        row = QHBoxLayout(window)
        for widget in widgets:
            row.addWidget(widget)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        return window

    yield show
    for window in windows:
        window.close()
