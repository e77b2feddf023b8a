"""The full screen audit matrix: every page, tab, form and dialog for every role, in day and night
colours, normal and large text, at 1366x768 (in `make test`; `make screenshots` keeps the pictures).

What makes it quick enough for every run: one window and one sign-in per role, taken through the
four schemes in turn (a theme switch restyles the window in place; it is not rebuilt), and the
screens that end the session (the lock screen, a failed sign-in) checked once per role at its end,
and in every scheme by one role, so no password is typed twice (each costs an Argon2 derivation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safespace_desk.domain.roles import Role
from safespace_desk.ui.main_window import MainWindow
from tests.ui.audit.conftest import OpenWindow
from tests.ui.audit.forms import lock_screen, sign_in_error
from tests.ui.audit.hub import AuditHub
from tests.ui.audit.screens import SCREENS, leave_forms
from tests.ui.audit.test_screens import SCHEMES, Auditor


def _scheme_name(large: bool, theme_value: str) -> str:
    return f"{theme_value}{'-large' if large else ''}"


def _audit_pages_and_forms(window: MainWindow, auditor: Auditor, role: Role, scheme: str) -> None:
    shell = window.shell
    assert shell is not None
    for key in shell.visible_page_keys():
        shell.show_page(key)
        tabs = auditor.tabs_of(shell.page(key))
        if not tabs:
            auditor.check(key, scheme=scheme)
        for tab_widget, index in tabs:
            tab_widget.setCurrentIndex(index)
            auditor.check(f"{key} {tab_widget.tabText(index)}", scheme=scheme)
        if tabs:
            tabs[0][0].setCurrentIndex(0)
    for entry in SCREENS:
        if role not in entry.roles or entry.ends_session:
            continue
        if entry.page and entry.page not in shell.visible_page_keys():
            continue
        if entry.page:
            shell.show_page(entry.page)
        target = entry.open(window)
        auditor.check(entry.name, target, scheme=scheme)
        leave_forms(window)  # the next entry, and the next scheme's pages, start from the page as it was


def _drop_deleted() -> None:
    """Widgets given up with deleteLater (a dropped shell) go now, so no restyle touches them."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_screen_reads_well_at_1366x768(role: Role, audit_hub: AuditHub, open_window: OpenWindow,
                                             screens_dir: Path, qtbot: QtBot) -> None:
    first_theme, first_large = SCHEMES[0]
    window = open_window(audit_hub, role, theme=first_theme, large_text=first_large)
    assert window.theme is not None
    auditor = Auditor(window, screens_dir, role)
    scheme = ""
    for theme, large in SCHEMES:
        window.theme.set_scheme(theme, large_text=large)
        scheme = _scheme_name(large, theme.value)
        _audit_pages_and_forms(window, auditor, role, scheme)
    # This person's lock screen, then a failed sign-in after them, in the last scheme (Large text
    # at night: the tightest); test_session_screens_in_every_scheme takes them through the rest.
    auditor.check("lock screen", lock_screen(window), scheme=scheme)
    window.sign_out()
    _drop_deleted()
    auditor.check("sign-in with an error", sign_in_error(window), scheme=scheme)
    assert auditor.checked > 0
    assert not auditor.problems, "\n" + "\n".join(auditor.problems)


def test_session_screens_in_every_scheme(audit_hub: AuditHub, open_window: OpenWindow, screens_dir: Path,
                                         qtbot: QtBot) -> None:
    """The lock screen and a failed sign-in in day and night colours, normal and large text (the
    paramedic: the fewest pages behind the lock screen to restyle)."""
    role = Role.PARAMEDIC
    window = open_window(audit_hub, role, theme=SCHEMES[0][0], large_text=SCHEMES[0][1])
    assert window.theme is not None
    auditor = Auditor(window, screens_dir, role)
    lock_screen(window)
    for theme, large in SCHEMES:
        window.theme.set_scheme(theme, large_text=large)
        auditor.check("lock screen", scheme=_scheme_name(large, theme.value))
    window.sign_out()
    _drop_deleted()
    sign_in_error(window)
    for theme, large in reversed(SCHEMES):  # from where the lock screen left off: one restyle fewer
        window.theme.set_scheme(theme, large_text=large)
        auditor.check("sign-in with an error", scheme=_scheme_name(large, theme.value))
    assert not auditor.problems, "\n" + "\n".join(auditor.problems)
