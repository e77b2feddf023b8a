"""Fixtures of the screen audit: one store for the whole session (built in seconds), the folder the
pictures go to (printed at the end of the run), and a window signed in as a given role."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.pages import standard_pages
from safespace_desk.ui.tasks import InlineRunner
from tests.conftest import START
from tests.services.frontdesk_helpers import at_local
from tests.ui.audit.hub import AuditHub, build_hub
from tests.ui.layout_items import held_item_wrappers, stale_item_wrappers

SCREEN = (1366, 768)
_saved: list[Path] = []


@pytest.fixture(scope="session")
def audit_hub(_template_store: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> AuditHub:
    clock = FixedClock(START)
    return build_hub(_template_store[0], tmp_path_factory.mktemp("audit") / "data", clock)


@pytest.fixture(scope="session")
def screens_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SAFESPACE_AUDIT_DIR if set (``make screenshots``), else a folder of the test run."""
    chosen = os.environ.get("SAFESPACE_AUDIT_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screen-audit")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def remember_saved(path: Path) -> None:
    _saved.append(path)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _saved:
        folders = sorted({str(p.parent) for p in _saved})
        terminalreporter.write_line(f"screen audit: {len(_saved)} screens saved as PNG in {', '.join(folders)}")


@pytest.fixture
def hub_copy(audit_hub: AuditHub, tmp_path: Path) -> AuditHub:
    """A copy of the audit store a test may change (actions, not just looking)."""
    import shutil

    target = tmp_path / "data"
    shutil.copytree(audit_hub.data_dir, target)
    return AuditHub(target, audit_hub.night)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Every screen the audit drives leaves no PySide wrapper of a layout item Qt has deleted: such
    a wrapper sits registered at freed memory and crashed later tests (see tests/ui/layout_items.py).
    Checked as the test ends, while its windows are open (pytest-qt closes them before teardown)."""
    before = {id(w) for w in held_item_wrappers()}
    result = yield
    stale = stale_item_wrappers(ignore=before)
    assert not stale, f"{len(stale)} wrappers of deleted layout items: {[shiboken6.dump(w) for w in stale[:3]]}"
    return result


OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[OpenWindow]:
    """A 1366x768 main window on the hub, signed in as ``role`` at 20:10, in the given colours."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controllers: list[ThemeController] = []
    font = app.font()

    def build(hub: AuditHub, role: Role, *, theme: Theme = Theme.DAY, large_text: bool = False,
              at: tuple[int, int, int, int, int] | None = None) -> MainWindow:
        clock = FixedClock(START)
        at_local(clock, *(at or hub.night))
        controller = ThemeController(app, theme=theme, large_text=large_text)
        controllers.append(controller)
        window = MainWindow(hub.data_dir, clock=clock, runner=InlineRunner(), theme=controller,
                            idle_timeout_ms=3_600_000, pages=standard_pages())
        qtbot.addWidget(window)
        window.resize(*SCREEN)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        name, password = hub.account(role)
        screen = window.sign_in
        qtbot.keyClicks(screen.name, name)
        qtbot.keyClicks(screen.password, password)
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.shell is not None)
        return window

    yield build
    # The windows go first (pytest-qt has closed them; Qt deletes them only on a later pass of an
    # event loop): resetting the style under a live window would restyle all its widgets once more.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # Leave the application as other tests expect it: no theme, the platform's palette.
    app.setStyleSheet("")
    app.setPalette(app.style().standardPalette())
    app.setProperty("safespaceScheme", None)
    app.setFont(font)
