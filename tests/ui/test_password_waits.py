"""Issue 14, finding 8 on screen: after too many wrong passwords the screen says "Wait N seconds" and
counts it down, and stays usable (never a frozen screen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.ui.conftest import WindowFactory, sign_in


def test_sign_in_counts_the_wait_down_and_lets_others_in(qtbot: QtBot, make_window: WindowFactory,
                                                          data_dir: Path, clock: FixedClock) -> None:
    window = make_window(data_dir)
    screen = window.sign_in
    for _ in range(3):
        sign_in(qtbot, window, password="not the password")
    assert screen.banner.text() == ("That name and password do not match. Check Caps Lock and try again. "
                                    "Wait 5 seconds before trying again.")
    assert screen.sign_in_button.isEnabled() and screen.countdown.running  # not frozen
    screen.countdown.tick()  # a second later (the desk's clock moves with it)
    clock.advance(seconds=1)
    assert screen.banner.text().endswith("Wait 4 seconds before trying again.")
    sign_in(qtbot, window)  # the right password, too soon: refused at once, the count goes on
    assert window.desk is None and "Wait 4 seconds" in screen.banner.text()
    for _ in range(4):
        screen.countdown.tick()
        clock.advance(seconds=1)
    assert screen.banner.text().endswith("You can try again now.") and not screen.countdown.running
    sign_in(qtbot, window)
    assert window.desk is not None and screen.banner.isHidden()


def test_the_lock_screen_password_waits_too(qtbot: QtBot, make_window: WindowFactory, data_dir: Path,
                                            clock: FixedClock) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    window.lock("manual")
    lock = window.lock_screen
    for _ in range(3):
        qtbot.keyClicks(lock.password, "wrong password")
        qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert "Wait 5 seconds before trying again." in lock.banner.text() and lock.countdown.running
    assert lock.password_button.isEnabled()
    qtbot.keyClicks(lock.password, MANAGER_PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert window.is_locked and "Too many wrong passwords for this name. Wait 5 seconds" in lock.banner.text()
    clock.advance(seconds=5)
    qtbot.keyClicks(lock.password, MANAGER_PASSWORD)
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert not window.is_locked and not lock.countdown.running
    assert MANAGER_NAME in window.shell.who_label.text()  # type: ignore[union-attr]
