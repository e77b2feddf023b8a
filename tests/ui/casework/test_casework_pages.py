"""The crisis service's pages driven by the keyboard: logging a call, recording a referral, a
follow-up that comes up at its time, escalation, plans with their PDF, sessions and closing, and the
service profile (real widgets, offscreen; synthetic people only)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from safespace_desk.domain.casework import ContactKind
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.services import auth, circle, diary, plans, referrals, sessions, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.casework import DiaryPage, FollowUpBanner, ProfilePage, ReferralsPage, SessionsPage
from safespace_desk.ui.casework.dialogs import EscalationDialog
from safespace_desk.ui.casework.plan_dialog import PlanDialog
from safespace_desk.ui.main_window import MainWindow
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.services.casework_helpers import make_service
from tests.services.frontdesk_helpers import add, at_local
from tests.support import pdf as pdf_reader
from tests.ui.conftest import WindowFactory, sign_in


@pytest.fixture
def crisis_dir(data_dir: Path, clock: FixedClock) -> Path:
    """A crisis service at 18:30 on a Tuesday in winter hours, with Sam's case open."""
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        make_service(desk, "crisis")
        at_local(clock, 2026, 12, 1, 13, 0)
        sam = add(desk, "Sam Ashby", birth_year=1990)
        add(desk, "Samira")
        receipt = referrals.receive_referral(desk, sam, source="spa", reason="Money worries")
        referrals.accept_referral(desk, receipt.referral_id)
        at_local(clock, 2026, 12, 1, 18, 30)
    finally:
        desk.close()
    return data_dir


def _window(make_window: WindowFactory, qtbot: QtBot, folder: Path) -> MainWindow:
    window = make_window(folder, all_pages=True)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.shell is not None)
    return window


def _press(qtbot: QtBot, keys: str, widget: QWidget | None = None) -> None:
    """Press ``keys`` where the keyboard is (the focused widget), or on ``widget``."""
    sequence = QKeySequence(keys)[0]
    target = widget or QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, sequence.key(), sequence.keyboardModifiers())


def _desk(window: MainWindow) -> DeskContext:
    assert window.desk is not None
    return window.desk


def test_logging_a_call_by_keyboard(make_window: WindowFactory, qtbot: QtBot, crisis_dir: Path,
                                    clock: FixedClock) -> None:
    window = _window(make_window, qtbot, crisis_dir)
    shell = window.shell
    assert shell is not None
    assert shell.visible_page_keys()[:4] == ["desk", "diary", "referrals", "sessions"]
    assert "messages" not in shell.visible_page_keys() and "paramedic" not in shell.visible_page_keys()
    _press(qtbot, "F10")  # the diary: the same key on every account (issue 8, finding 12)
    page = shell.page("diary")
    assert isinstance(page, DiaryPage)
    assert QApplication.focusWidget() is page.picker.box  # the next keystroke finds a person
    qtbot.keyClicks(QApplication.focusWidget(), "ashby")
    _press(qtbot, "Return")
    assert page.person_name.text() == "Sam Ashby" and "Case open" in page.person_status.text()
    _press(qtbot, "Alt+2")  # a call out
    assert QApplication.focusWidget() is page.form.minutes
    qtbot.keyClicks(QApplication.focusWidget(), "25")
    _press(qtbot, "Tab")
    qtbot.keyClicks(QApplication.focusWidget(), "T")  # Outcome: "Talked; support given"
    _press(qtbot, "Ctrl+Return")
    [contact] = diary.contacts_of(_desk(window), page.guest_id or "")
    assert (contact.kind.value, contact.minutes, contact.outcome.value if contact.outcome else None) == (
        "call_out", 25, "supported")
    assert page.banner.text == "Contact logged." and QApplication.focusWidget() is page.picker.box
    assert "Sam Ashby" in page.today_model.data(page.today_model.index(0, 1))
    # A follow-up typed as staff say it, then it comes up at its time, in the banner and the diary.
    qtbot.keyClicks(page.picker.box, "ashby")
    _press(qtbot, "Return")
    _press(qtbot, "Alt+1")
    qtbot.keyClicks(page.form.minutes, "10")
    page.form.follow_when.setText("tomorrow 18:00")
    page.form.follow_text.setText("Call back about the food bank")
    page.form.log()
    assert page.due.count() == 0
    at_local(clock, 2026, 12, 2, 18, 1)
    page.refresh()
    assert page.due.count() == 1 and "food bank" in page.due.item(0).text()
    banner = shell.findChild(FollowUpBanner)
    assert isinstance(banner, FollowUpBanner)
    banner.refresh()
    assert banner.isVisible() and "1 follow-up due now" in banner.text.text()
    _press(qtbot, "Ctrl+Shift+F")
    assert shell.current_page_key == "diary" and "completes the follow-up" in page.form.completes_text.text()
    _press(qtbot, "Alt+2")
    _press(qtbot, "Ctrl+Return")
    assert diary.open_follow_ups(_desk(window)) == []


def test_recording_a_referral_by_keyboard(make_window: WindowFactory, qtbot: QtBot, crisis_dir: Path) -> None:
    window = _window(make_window, qtbot, crisis_dir)
    shell = window.shell
    assert shell is not None
    _press(qtbot, "F11")  # referrals
    page = shell.page("referrals")
    assert isinstance(page, ReferralsPage)
    _press(qtbot, "Ctrl+N")
    assert QApplication.focusWidget() is page.person.box
    qtbot.keyClicks(page.person.box, "Robin Newcomer")  # not on the register: added as a new person
    _press(qtbot, "Tab")
    assert QApplication.focusWidget() is page.source
    qtbot.keyClicks(page.source, "Cr")  # Crisis team
    _press(qtbot, "Tab")
    qtbot.keyClicks(QApplication.focusWidget(), "Low mood, not sleeping")
    _press(qtbot, "Ctrl+Return")
    assert "Referral for Robin Newcomer recorded: a new referral" in page.banner.text
    assert QApplication.focusWidget() is page.person.box
    # Waiting for a first contact: Sam (accepted, nobody has spoken with them yet) and now Robin.
    waiting = referrals.waiting_referrals(_desk(window))
    assert [(w.name, w.source.value) for w in waiting] == [("Sam Ashby", "spa"), ("Robin Newcomer", "crisis_team")]
    assert page.tabs.tabText(0) == "Waiting (2)"
    # Sam's case is open: another referral is a duplicate, and the page says so.
    qtbot.keyClicks(page.person.box, "ashby")
    _press(qtbot, "Return")
    page.reason.setText("Rang the crisis line")
    _press(qtbot, "Ctrl+Return")
    assert "duplicate" in page.banner.text
    # Accept Robin's from the waiting list (Alt+A), then close Sam's case with a reason.
    page.tabs.setCurrentIndex(0)
    page.waiting_table.selectRow(1)
    _press(qtbot, "Alt+A")
    assert "their case is open" in page.banner.text
    page.tabs.setCurrentIndex(1)
    assert page.tabs.tabText(1) == "Open cases (2)"


def test_escalation_plans_sessions_and_the_profile(make_window: WindowFactory, qtbot: QtBot, crisis_dir: Path,
                                                   tmp_path: Path, clock: FixedClock) -> None:
    window = _window(make_window, qtbot, crisis_dir)
    shell = window.shell
    assert shell is not None
    desk = _desk(window)
    page = shell.page("diary")
    assert isinstance(page, DiaryPage)
    shell.show_page("diary")
    qtbot.keyClicks(page.picker.box, "ashby")
    _press(qtbot, "Return")
    page.escalate()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, EscalationDialog) and w.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.list
    _press(qtbot, "Alt+2")  # 999
    assert dialog.number.text() == "999"
    qtbot.keyClicks(dialog.note, "Ambulance called")
    _press(qtbot, "Ctrl+Return")
    assert not dialog.isVisible()
    assert desk.store.raw_connection_sql("SELECT contact_name FROM escalation") == [("Emergency services",)]

    # A carer named with consent can be the one on the phone.
    circle.add_to_circle(desk, page.guest_id or "", "carer", "Mum", consent=True)
    page.show_person(page.guest_id)
    assert page.form.with_whom.count() == 2 and "Mum" in page.form.with_whom.itemText(1)
    page.form.with_whom.setCurrentIndex(1)
    page.form.choose_kind(ContactKind.CALL_IN)
    page.form.log()
    assert diary.contacts_of(desk, page.guest_id or "")[0].with_name == "Mum"

    plan = PlanDialog(page.actions, page.guest_id or "", page)
    qtbot.addWidget(plan)
    plan.show_kind(plan.kind)
    plan.editors["warning_signs"].setPlainText("Not sleeping")
    plan.editors["who_to_contact"].setPlainText("My sister")
    assert plan.save() == 1
    plan.editors["what_helps"].setPlainText("A walk by the river")
    assert plan.save() == 2 and plan.versions.count() == 2
    pdf = plan.save_pdf(tmp_path / "plan.pdf")
    assert pdf is not None and "My sister" in pdf_reader.text(pdf) and "NHS 111" in pdf_reader.text(pdf)
    assert [p.versions for p in plans.plans_of(desk, page.guest_id or "")] == [2]

    plan.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    sessions_page = shell.page("sessions")
    assert isinstance(sessions_page, SessionsPage)
    shell.show_page("sessions")
    sam = page.guest_id or ""
    visits.sign_in(desk, sam, "self")
    sessions_page.when.setText("today 19:00")
    assert sessions_page.plan() is not None
    qtbot.keyClicks(sessions_page.person.box, "ashby")
    _press(qtbot, "Return", sessions_page.person.box)
    assert sessions_page.attendees.count() == 1
    at_local(clock, 2026, 12, 1, 21, 30)  # winter hours end
    sessions_page.refresh()
    assert sessions_page.still_here.count() == 1
    _press(qtbot, "Ctrl+Shift+C", sessions_page.close_note)
    assert visits.who_is_in(desk) == [] and sessions.sessions_between(desk, clock.now().replace(hour=0),
                                                                          clock.now())[0].attendees

    profile = shell.page("profile")
    assert isinstance(profile, ProfilePage)
    shell.show_page("profile")
    profile.helpline.setText("Samaritans 116 123")
    profile.minimum_age.setValue(16)
    assert profile.save()
    profile.hours.item(0, 1).setText("25:00")
    assert not profile.save() and "HH:MM" in profile.errors.general_text + profile.errors.text_for("hours")
    assert window.desk is not None and window.desk.actor is not None and window.desk.actor.role is Role.MANAGER


def test_a_long_session_title_in_large_text_keeps_the_sessions_page_within_the_screen(
        make_window: WindowFactory, qtbot: QtBot, crisis_dir: Path) -> None:
    """"Who came to <the session>" wraps: unwrapped, a session's title in Large text made the page
    wider than the room a 1366 screen leaves beside the navigation, and its text was cut."""
    from safespace_desk.ui.kit.theme import Theme, ThemeController

    window = _window(make_window, qtbot, crisis_dir)
    shell = window.shell
    assert shell is not None
    page = shell.page("sessions")
    assert isinstance(page, SessionsPage)
    shell.show_page("sessions")
    page.title.setText("Peer support group for carers and families")
    page.when.setText("today 19:00")
    assert page.plan() is not None
    page.table.selectRow(0)
    assert page.attendee_title.text().startswith("Who came to Peer support group for carers")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    controller = ThemeController(app, theme=Theme.DAY)
    try:
        controller.set_large_text(True)
        for _ in range(5):  # the layouts take the new font in their own events
            app.processEvents()
        navigation = 320  # the widest navigation, at a crisis service in Large text
        assert page.minimumSizeHint().width() <= 1366 - navigation
    finally:
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())
        app.setProperty("safespaceScheme", None)
        app.setFont(font)
