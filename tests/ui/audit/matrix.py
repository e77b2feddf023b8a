"""The full screen audit matrix: every page, tab, form and dialog for every role, in day and night
colours, normal and large text, at 1366x768. Run by `make screenshots` (and `make audit`), which save
every screen it checks; not yet part of `make test` (see the remainder in known_problems.py and the
issue 8 report): it takes several minutes on a loaded machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from safespace_desk.domain.roles import Role
from safespace_desk.ui.kit.theme import Theme
from tests.ui.audit.conftest import OpenWindow
from tests.ui.audit.hub import AuditHub
from tests.ui.audit.screens import SCREENS, close_dialogs
from tests.ui.audit.test_screens import Auditor

SCHEMES = [(Theme.DAY, False), (Theme.NIGHT, False), (Theme.DAY, True), (Theme.NIGHT, True)]


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


