"""The screen audit: every page, tab, form, dialog and banner, for every role, in day and night
colours, normal and large text, at 1366x768 (see inspect.py for what is checked). It saves each
screen it checks as a PNG; `make screenshots` copies them into docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from safespace_desk.domain.roles import Role
from safespace_desk.ui.kit.theme import Theme
from safespace_desk.ui.main_window import MainWindow
from tests.ui.audit import forms  # noqa: F401 (registers the forms and dialogs)
from tests.ui.audit.conftest import SCREEN, OpenWindow, remember_saved
from tests.ui.audit.hub import AuditHub
from tests.ui.audit.inspect import audit
from tests.ui.audit.known_problems import unknown
from tests.ui.audit.screens import SCREENS, close_dialogs, settle

SCHEMES = [(Theme.DAY, False), (Theme.NIGHT, False), (Theme.DAY, True), (Theme.NIGHT, True)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Auditor:
    def __init__(self, window: MainWindow, folder: Path, role: Role) -> None:
        self.window = window
        self.folder = folder
        self.role = role
        self.problems: list[str] = []
        self.known: list[str] = []
        self.checked = 0

    def check(self, what: str, target: QWidget | None = None, *, scheme: str) -> None:
        settle()
        shown = target or self.window
        path = self.folder / f"{scheme}-{self.role.value}-{_slug(what)}.png"
        found = [f"[{self.role.value} {scheme}] {what}: {p}" for p in audit(shown, SCREEN, save_to=str(path))]
        self.problems += unknown(found)  # known remainder: tests/ui/audit/known_problems.py
        self.known += [p for p in found if p not in self.problems]
        remember_saved(path)
        self.checked += 1

    def tabs_of(self, root: QWidget) -> list[tuple[QTabWidget, int]]:
        found = []
        for tabs in root.findChildren(QTabWidget):
            if tabs.isVisibleTo(root):
                found += [(tabs, i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
        return found


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_screen_reads_well_at_1366x768(role: Role, audit_hub: AuditHub, open_window: OpenWindow,
                                             screens_dir: Path, qtbot: QtBot) -> None:
    window = open_window(audit_hub, role)
    assert window.shell is not None and window.theme is not None
    auditor = Auditor(window, screens_dir, role)
    for theme, large in SCHEMES:
        shell = window.shell
        assert shell is not None
        window.theme.set_scheme(theme, large_text=large)
        scheme = f"{theme.value}{'-large' if large else ''}"
        for key in shell.visible_page_keys():
            shell.show_page(key)
            page = shell.page(key)
            tabs = auditor.tabs_of(page)
            if not tabs:
                auditor.check(key, scheme=scheme)
            for tab_widget, index in tabs:
                tab_widget.setCurrentIndex(index)
                auditor.check(f"{key} {tab_widget.tabText(index)}", scheme=scheme)
            tab_widget_first = tabs[0][0] if tabs else None
            if tab_widget_first is not None:
                tab_widget_first.setCurrentIndex(0)
        for entry in SCREENS:
            if role not in entry.roles or (entry.page and entry.page not in shell.visible_page_keys()):
                continue
            if entry.page:
                shell.show_page(entry.page)
            target = entry.open(window)
            auditor.check(entry.name, target, scheme=scheme)
            close_dialogs()
            if entry.close is not None:
                entry.close(window)
                shell = window.shell
                assert shell is not None
            if entry.page:
                shell.show_page(entry.page)  # back to the page's first state for the next entry
    assert auditor.checked > 0
    assert not auditor.problems, "\n" + "\n".join(auditor.problems)


def _dialog_classes() -> set[type]:
    import importlib
    import pkgutil

    from PySide6.QtWidgets import QDialog

    import safespace_desk.ui as ui

    for module in pkgutil.walk_packages(ui.__path__, "safespace_desk.ui."):
        importlib.import_module(module.name)

    def below(cls: type) -> set[type]:
        found = set()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("safespace_desk."):
                found.add(sub)
            found |= below(sub)
        return found

    return below(QDialog)


def test_every_dialog_of_the_program_is_in_the_audit() -> None:
    """A dialog added later without an entry in tests/ui/audit/forms.py fails here."""
    from tests.ui.audit.test_casework_screens import DIALOGS as CASEWORK_DIALOGS

    covered = {cls for entry in SCREENS for cls in entry.covers} | {cls for _name, cls in CASEWORK_DIALOGS}
    abstract = {cls for cls in _dialog_classes() if cls.__subclasses__()}  # e.g. FormDialog
    missing = sorted(c.__qualname__ for c in _dialog_classes() - covered - abstract)
    assert not missing, f"dialogs the screen audit never opens: {missing}"
