"""The screen audit: every page, tab, form, dialog and banner, for every role, in day and night
colours, normal and large text, at 1366x768 (see inspect.py for what is checked). It saves each
screen it checks as a PNG; `make screenshots` copies them into docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QTabWidget, QWidget

from safespace_desk.domain.roles import Role
from safespace_desk.ui.kit.theme import Theme
from safespace_desk.ui.main_window import MainWindow
from tests.ui.audit import forms  # noqa: F401 (registers the forms and dialogs)
from tests.ui.audit.conftest import SCREEN, remember_saved
from tests.ui.audit.inspect import audit
from tests.ui.audit.known_problems import unknown
from tests.ui.audit.screens import SCREENS, settle

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
