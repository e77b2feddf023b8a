"""UI test helpers. Windows are built per test, on request (no autouse window fixture).

Every window gets an InlineRunner, so background work runs at once and tests are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.services import staff
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.pages import PageSpec, standard_pages
from safespace_desk.ui.tasks import InlineRunner
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD

# The offscreen platform (used only by tests) cannot resize a top-level window to a new minimum
# size and says so whenever an inline error appears. Real platforms (xcb, Windows) do not.
OFFSCREEN_ONLY = r"This plugin does not support propagateSizeHints\(\)"

STAFF_PASSWORD = "another long password"

WindowFactory = Callable[..., MainWindow]


def shell_pages() -> list[PageSpec]:
    """The shell's own pages. Feature pages (front desk, messages, ...) have their own tests, so
    these tests do not depend on which of them are registered today."""
    return [spec for spec in standard_pages() if spec.key in {"admin", "account"}]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_ONLY))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Delete the test's windows now: pytest-qt closes them and calls deleteLater, but its event
    processing never runs deferred deletions, so they lived on into later tests and were deleted
    in the middle of those, under another test's theme. A window restyled by an application style
    sheet reset or replaced while it was alive, then deleted later, crashed PySide in the next
    restyle (the casework audit followed by the matrix: 9 runs in 10)."""
    result = yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return result


@pytest.fixture
def make_window(qtbot: QtBot, clock: FixedClock) -> WindowFactory:
    """Build and show a MainWindow on a data folder (idle lock effectively off unless asked)."""

    def build(data_dir: Path, *, idle_timeout_ms: int = 3_600_000, all_pages: bool = False) -> MainWindow:
        pages = standard_pages() if all_pages else shell_pages()
        window = MainWindow(data_dir, clock=clock, runner=InlineRunner(), idle_timeout_ms=idle_timeout_ms,
                            pages=pages)
        qtbot.addWidget(window)  # closed at teardown, which signs out and closes the store
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        # Focus and shortcuts (Ctrl+L, F5) only work in the active window, as on a real desk.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return build


def sign_in(qtbot: QtBot, window: MainWindow, name: str = MANAGER_NAME,
            password: str = MANAGER_PASSWORD) -> None:
    """Type a name and password into the sign-in screen and press Enter."""
    screen = window.sign_in
    screen.name.clear()
    screen.password.clear()
    qtbot.keyClicks(screen.name, name)
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)


def add_colleague(window: MainWindow, name: str, role: Role, pin: str | None = None) -> str:
    """Add a staff account straight through the service (set-up for a test, not under test)."""
    assert window.desk is not None
    member, changes = staff.add_staff(window.desk, name=name, role=role, password=STAFF_PASSWORD, pin=pin)
    assert window.shell is not None
    window.shell.apply_changes(changes)
    return member.id
