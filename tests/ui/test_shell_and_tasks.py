"""The shell's page API, the themes, the task runners, and the UI's import rules."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.roles import Role
from safespace_desk.services import site
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.ui.app import default_theme
from safespace_desk.ui.kit.theme import ICONS_DIR, Theme, ThemeController, load_stylesheet
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner, ThreadPoolRunner

UI_PACKAGE = Path(__file__).resolve().parents[2] / "safespace_desk" / "ui"


@pytest.fixture
def shell(qtbot: QtBot, desk: DeskContext, clock: FixedClock) -> MainShell:
    widget = MainShell(desk, site.get_site(desk), clock, InlineRunner())
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_pages_are_shown_only_to_their_roles(shell: MainShell, desk: DeskContext) -> None:
    shell.add_page("everyone", "Everyone", QLabel("a"), "Alt+1")
    shell.add_page("managers", "Managers", QLabel("b"), "Alt+2", {Role.MANAGER})
    shell.add_page("medics", "Medics", QLabel("c"), "Alt+3", {Role.PARAMEDIC})
    assert shell.visible_page_keys() == ["everyone", "managers"]
    assert shell.current_page_key == "everyone"
    assert shell.show_page("managers") and shell.current_page_key == "managers"
    assert not shell.show_page("medics") and shell.current_page_key == "managers"
    with pytest.raises(ValueError):
        shell.add_page("everyone", "Again", QLabel("d"))


def test_changes_reach_the_pages(shell: MainShell, qtbot: QtBot) -> None:
    changes = Changes(frozenset({"guest"}), frozenset({"g1"}))
    with qtbot.waitSignal(shell.changes_applied) as blocker:
        shell.apply_changes(changes)
    assert blocker.args == [changes]


def test_the_status_bar_time_follows_the_site_zone_in_summer(qtbot: QtBot, desk: DeskContext) -> None:
    from datetime import UTC, datetime

    summer = FixedClock(datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    widget = MainShell(desk, site.get_site(desk), summer, InlineRunner())
    qtbot.addWidget(widget)
    assert widget.time_label.text() == "Thu 2 Jul, 00:30 BST"  # past midnight in London


def test_night_colours_and_large_text_toggle(qtbot: QtBot, desk: DeskContext, clock: FixedClock) -> None:
    app = QApplication.instance()
    font, style = app.font(), app.style().name()
    try:
        theme = ThemeController(app)
        widget = MainShell(desk, site.get_site(desk), clock, InlineRunner(), theme)
        qtbot.addWidget(widget)
        widget.night_toggle.click()
        assert theme.theme == Theme.NIGHT and "#11151a" in app.styleSheet()
        widget.large_text_toggle.click()
        assert theme.large_text and "font-size: 15pt" in app.styleSheet()
        assert app.font().pointSize() == 15
        widget.night_toggle.click()
        widget.large_text_toggle.click()
        assert theme.theme == Theme.DAY and "font-size: 12pt" in app.styleSheet()
    finally:  # the application is shared by every test: leave it as it was
        app.setStyleSheet("")
        app.setFont(font)
        app.setStyle(style)


@pytest.mark.parametrize("theme", list(Theme))
@pytest.mark.parametrize("large", [False, True])
def test_theme_files_load_with_every_token_filled(theme: Theme, large: bool) -> None:
    qss = load_stylesheet(theme, large_text=large)
    assert "@" not in qss
    assert "QPushButton#primary" in qss and "QLabel#fieldError" in qss
    for icon in ("check-light.svg", "check-dark.svg"):
        assert (ICONS_DIR / icon).is_file()


def test_first_start_theme_follows_the_shift() -> None:
    assert default_theme(3) == Theme.NIGHT and default_theme(20) == Theme.NIGHT
    assert default_theme(8) == Theme.DAY and default_theme(19) == Theme.DAY


def test_inline_runner_delivers_results_and_errors_at_once() -> None:
    runner = InlineRunner()
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)
    results: list[object] = []
    runner.run(lambda: 41 + 1, results.append, results.append)
    error = ValidationError("Nope.", field="name")

    def fail() -> None:
        raise error

    runner.run(fail, results.append, results.append)
    assert results == [42, error]
    assert busy == [True, False, True, False]
    assert not runner.busy and runner.calls == 2


def test_thread_pool_runner_works_off_the_main_thread_and_answers_on_it(qtbot: QtBot) -> None:
    runner = ThreadPoolRunner()
    main = threading.get_ident()
    seen: dict[str, object] = {}

    def work() -> str:
        seen["worker"] = threading.get_ident()
        return "done"

    def done(result: object) -> None:
        seen["result"] = result
        seen["callback"] = threading.get_ident()

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is False):
        runner.run(work, done, lambda error: seen.setdefault("error", error))
        assert runner.busy
    assert seen["result"] == "done"
    assert seen["worker"] != main and seen["callback"] == main

    failures: list[Exception] = []
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is False):
        runner.run(lambda: 1 / 0, seen.update, failures.append)
    assert isinstance(failures[0], ZeroDivisionError)
    assert runner.wait_for_done()


def test_the_ui_never_imports_the_database_layer() -> None:
    """DESIGN.md: ui/ calls services and renders results; only db.errors is allowed from db/."""
    forbidden = ("sqlalchemy", "sqlcipher3", "safespace_desk.db")
    offenders = []
    for path in UI_PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {name}" for name in names
                          if name.startswith(forbidden) and name != "safespace_desk.db.errors"]
    assert offenders == []


def test_ctrl_page_down_reaches_pages_beyond_the_function_keys(qtbot: QtBot, desk: DeskContext) -> None:
    from safespace_desk.services import site as site_service
    from safespace_desk.ui.shell import MainShell
    from safespace_desk.ui.tasks import InlineRunner

    shell = MainShell(desk, site_service.get_site(desk), desk.clock, InlineRunner())
    qtbot.addWidget(shell)
    for n in range(10):
        shell.add_page(f"p{n}", f"Page {n}", QLabel(str(n)), f"F{5 + n}" if n < 8 else None)
    shell.show_page("p7")
    shell.step_page(1)
    assert shell.current_page_key == "p8"  # a page with no function key
    shell.step_page(1)
    shell.step_page(1)
    assert shell.current_page_key == "p0"  # wraps round
    shell.step_page(-1)
    assert shell.current_page_key == "p9"
