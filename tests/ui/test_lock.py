"""Locking: idle and Ctrl+L hide everything; PIN, password, switch user and sign out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.domain.staff import PIN_TRIES
from safespace_desk.services import staff
from safespace_desk.ui.lock_screen import PASSWORD_MODE, PIN_MODE, SWITCH_MODE
from safespace_desk.ui.main_window import MainWindow
from tests.conftest import MANAGER_PASSWORD
from tests.ui.conftest import STAFF_PASSWORD, WindowFactory, add_colleague, sign_in

PIN = "2468"


def _signed_in_with_pin(qtbot: QtBot, window: MainWindow) -> None:
    sign_in(qtbot, window)
    assert window.desk is not None
    staff.set_own_pin(window.desk, PIN)


def _type_pin(qtbot: QtBot, window: MainWindow, pin: str) -> None:
    qtbot.keyClicks(window.lock_screen.pin, pin)
    qtbot.keyClick(window.lock_screen.pin, Qt.Key.Key_Return)


def test_idle_time_locks_and_hides_the_shell(qtbot: QtBot, make_window: WindowFactory,
                                            data_dir: Path) -> None:
    window = make_window(data_dir, idle_timeout_ms=150)
    sign_in(qtbot, window)
    shell = window.shell
    assert shell is not None and shell.isVisible()
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert not shell.isVisible()
    assert window.lock_screen.isVisible()
    # Only who is signed in and the time are shown.
    assert window.lock_screen.who_label.text() == "Mo Manager (Manager) is signed in"
    assert window.lock_screen.time_label.text() == "12:00"


def test_input_keeps_the_desk_unlocked(qtbot: QtBot, make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window(data_dir, idle_timeout_ms=400)
    sign_in(qtbot, window)
    for _ in range(6):  # 6 x 100 ms of typing is longer than the timeout
        qtbot.wait(100)
        qtbot.keyClick(window.shell, Qt.Key.Key_Shift)
    assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)


def test_ctrl_l_locks_and_the_pin_unlocks(qtbot: QtBot, make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window(data_dir)
    _signed_in_with_pin(qtbot, window)
    qtbot.keyClick(window.shell.focusWidget() or window.shell, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    assert window.lock_screen.modes.currentIndex() == PIN_MODE
    assert window.lock_screen.pin.hasFocus()
    _type_pin(qtbot, window, PIN)
    assert not window.is_locked
    assert window.shell is not None and window.shell.isVisible()


def test_five_wrong_pins_leave_only_the_password(qtbot: QtBot, make_window: WindowFactory,
                                                 data_dir: Path) -> None:
    window = make_window(data_dir)
    _signed_in_with_pin(qtbot, window)
    window.lock("manual")
    lock = window.lock_screen
    _type_pin(qtbot, window, "1357")
    assert lock.pin_row.error.text() == f"Wrong PIN. {PIN_TRIES - 1} tries left."
    for _ in range(PIN_TRIES - 1):
        _type_pin(qtbot, window, "1357")
    assert lock.modes.currentIndex() == PASSWORD_MODE
    assert "Too many wrong PINs" in lock.banner.text()
    assert not lock.back_to_pin.isVisible()  # no way back to the PIN
    # Even the right PIN no longer works: the service refuses once the tries are used up.
    lock.pin.setText(PIN)
    lock.submit_pin()
    assert window.is_locked and lock.modes.currentIndex() == PASSWORD_MODE

    qtbot.keyClicks(lock.password, "wrong password")
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert window.is_locked
    assert "do not match" in lock.password_row.error.text()
    qtbot.keyClicks(lock.password, MANAGER_PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert not window.is_locked

    # The password proved who it is, so the PIN has its five tries back.
    window.lock("manual")
    assert lock.modes.currentIndex() == PIN_MODE
    _type_pin(qtbot, window, PIN)
    assert not window.is_locked


def test_without_a_pin_the_lock_asks_for_the_password(qtbot: QtBot, make_window: WindowFactory,
                                                      data_dir: Path) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    window.lock("manual")
    assert window.lock_screen.modes.currentIndex() == PASSWORD_MODE
    assert window.lock_screen.password.hasFocus()


def test_switch_user_hands_the_desk_over(qtbot: QtBot, make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    add_colleague(window, "Sam Desk", Role.DESK)
    old_shell = window.shell
    window.lock("manual")
    lock = window.lock_screen
    qtbot.mouseClick(lock.switch_button, Qt.MouseButton.LeftButton)
    assert lock.modes.currentIndex() == SWITCH_MODE and lock.switch_name.hasFocus()
    qtbot.keyClicks(lock.switch_name, "sam desk")  # names match whatever the case
    qtbot.keyClicks(lock.switch_password, STAFF_PASSWORD)
    qtbot.keyClick(lock.switch_password, Qt.Key.Key_Return)
    assert not window.is_locked
    shell = window.shell
    assert shell is not None and shell is not old_shell  # a fresh shell: nothing carried over
    assert shell.who_label.text() == "Sam Desk · Desk staff"
    assert "admin" not in shell.visible_page_keys()


def test_a_failed_switch_keeps_the_desk_locked(qtbot: QtBot, make_window: WindowFactory,
                                               data_dir: Path) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    window.lock("manual")
    lock = window.lock_screen
    lock.show_switch_user()
    qtbot.keyClicks(lock.switch_name, "Nobody Here")
    qtbot.keyClicks(lock.switch_password, "whatever password")
    qtbot.keyClick(lock.switch_password, Qt.Key.Key_Return)
    assert window.is_locked
    assert "do not match" in lock.banner.text()
    assert window.desk is not None and window.desk.actor is not None
    assert window.desk.actor.name == "Mo Manager"


def test_sign_out_from_the_lock_screen(qtbot: QtBot, make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    desk = window.desk
    window.lock("manual")
    qtbot.mouseClick(window.lock_screen.sign_out_button, Qt.MouseButton.LeftButton)
    assert window.desk is None and window.shell is None
    assert window.current_screen is window.sign_in
    assert "Signed out" in window.sign_in.banner.text()
    assert desk is not None and desk.actor is None  # the service ended the session


def test_an_open_dialog_is_hidden_while_locked_and_back_after(qtbot: QtBot, make_window: WindowFactory,
                                                              data_dir: Path) -> None:
    window = make_window(data_dir)
    _signed_in_with_pin(qtbot, window)
    admin = window.shell.page("admin")
    admin.add_staff()
    dialog = admin.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Half Typed")
    window.lock("idle")
    assert not dialog.isVisible()
    _type_pin(qtbot, window, PIN)
    assert dialog.isVisible() and dialog.name.text() == "Half Typed"


def test_the_lock_is_recorded_in_the_audit(qtbot: QtBot, make_window: WindowFactory, data_dir: Path) -> None:
    from safespace_desk.services import audit

    window = make_window(data_dir)
    sign_in(qtbot, window)
    desk = window.desk
    assert desk is not None and desk.actor is not None
    before = audit.verify_chain(desk).entries
    for reason in ("manual", "idle"):
        window.lock(reason)
        # The newest entry is this lock: who locked, and why (never an unlock, a sign-out or a view).
        assert _newest_entry(desk) == ("locked", "staff", desk.actor.staff_id, reason)
        qtbot.keyClicks(window.lock_screen.password, MANAGER_PASSWORD)
        qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
        assert _newest_entry(desk) == ("unlocked", "staff", desk.actor.staff_id, "password")
    # The first verification's own entry, then two locks and two unlocks.
    assert audit.verify_chain(desk).entries == before + 1 + 4


def _newest_entry(desk: object) -> tuple[str, ...]:
    rows = desk.store.raw_connection_sql(  # type: ignore[attr-defined]
        "SELECT action, entity_kind, entity_id, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
    return tuple(rows[0])


def test_the_idle_lock_follows_the_site_setting_in_minutes(qtbot: QtBot, data_dir: Path, clock: FixedClock) -> None:
    """No test milliseconds here: the window takes the site's own setting (5 minutes by default)
    and a manager's change reaches the timer of the window already open."""
    from safespace_desk.domain.site import SiteSettings
    from safespace_desk.ui.pages import standard_pages
    from safespace_desk.ui.tasks import InlineRunner

    assert SiteSettings().idle_lock_minutes == 5
    window = MainWindow(data_dir, clock=clock, runner=InlineRunner(),
                        pages=[s for s in standard_pages() if s.key in {"site", "account"}])
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window)
    assert window.idle.timeout_ms == 5 * 60 * 1000 and window.idle.running
    assert window.shell is not None
    page = window.shell.page("site")
    page.idle.setValue(12)
    assert page.save()
    assert window.idle.timeout_ms == 12 * 60 * 1000 and window.idle.running
