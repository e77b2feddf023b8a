"""The first-start wizard, driven with the keyboard and mouse like a member of staff would."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth, setup, site
from tests.ui.conftest import WindowFactory

KEY_SHAPE = re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){7}$")


def test_wizard_creates_the_store_and_shows_the_recovery_key_once(
        qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, clock: FixedClock) -> None:
    data_dir = tmp_path / "fresh"
    window = make_window(data_dir)
    wizard = window.wizard
    assert wizard is not None and window.current_screen is wizard

    # Step 1: an empty hub name is refused next to its box.
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.steps.currentIndex() == 0
    assert wizard.site_errors.rows["site_name"].error.text() == "The service's name is needed."
    qtbot.keyClicks(wizard.site_name, "Derby Safe Space")
    assert wizard.timezone.currentText() == "Europe/London"
    assert wizard.kind.currentData() == "hub"  # the 24/7 hub is the default starting point
    qtbot.keyClick(wizard.site_name, Qt.Key.Key_Return)  # Enter moves on
    assert wizard.steps.currentIndex() == 1
    assert wizard.manager_name.hasFocus()

    # Step 2: passwords that differ, then a password that is too short, are named inline.
    qtbot.keyClicks(wizard.manager_name, "Mo Manager")
    qtbot.keyClicks(wizard.manager_password, "correct horse battery")
    qtbot.keyClicks(wizard.manager_confirm, "correct horse batery")
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)
    assert "different" in wizard.manager_errors.rows["confirm"].error.text()
    assert not setup.is_set_up(data_dir)
    wizard.manager_password.clear()
    wizard.manager_confirm.clear()
    qtbot.keyClicks(wizard.manager_password, "short")
    qtbot.keyClicks(wizard.manager_confirm, "short")
    qtbot.keyClick(wizard.manager_confirm, Qt.Key.Key_Return)
    assert "too short" in wizard.manager_errors.rows["password"].error.text()
    assert wizard.manager_password.hasFocus()
    assert not setup.is_set_up(data_dir)

    wizard.manager_password.clear()
    wizard.manager_confirm.clear()
    qtbot.keyClicks(wizard.manager_password, "correct horse battery")
    qtbot.keyClicks(wizard.manager_confirm, "correct horse battery")
    qtbot.mouseClick(wizard.create_button, Qt.MouseButton.LeftButton)

    # Step 3: the store exists; the key is on screen; Finish waits for the checkbox.
    assert setup.is_set_up(data_dir)
    assert wizard.steps.currentIndex() == 2
    shown_key = wizard.key_label.text().replace("\n", "-")
    assert KEY_SHAPE.match(shown_key), shown_key
    assert not wizard.finish_button.isEnabled()
    qtbot.mouseClick(wizard.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == shown_key
    wizard.written_down.click()
    assert wizard.finish_button.isEnabled()
    qtbot.mouseClick(wizard.finish_button, Qt.MouseButton.LeftButton)

    # The manager is signed in; the key has left the screen and the clipboard.
    assert window.wizard is None
    assert window.shell is not None and window.current_screen is window.shell
    assert QGuiApplication.clipboard().text() == ""
    assert window.shell.who_label.text() == "Mo Manager · Manager"
    assert site.get_site(window.shell.desk).name == "Derby Safe Space"
    assert site.get_site(window.shell.desk).settings.profile.kind.value == "hub"
    assert window.shell.visible_page_keys() == ["admin", "account"]

    # The key that was shown really opens the store.
    window.close()
    assert len(auth.raw_key_hex(data_dir, shown_key, clock)) == 64


def test_a_bad_time_zone_is_shown_on_the_first_step(qtbot: QtBot, make_window: WindowFactory,
                                                    tmp_path: Path) -> None:
    window = make_window(tmp_path / "fresh")
    wizard = window.wizard
    assert wizard is not None
    qtbot.keyClicks(wizard.site_name, "Hub")
    wizard.timezone.setCurrentText("")
    qtbot.keyClicks(wizard.timezone.lineEdit(), "Mars/Olympus")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.steps.currentIndex() == 0
    assert "not a known time zone" in wizard.site_errors.rows["timezone"].error.text()


def test_an_existing_store_opens_at_sign_in_not_set_up(make_window: WindowFactory, data_dir: Path) -> None:
    window = make_window(data_dir)
    assert window.wizard is None
    assert window.current_screen is window.sign_in
    assert window.sign_in.name.hasFocus()


def test_a_crisis_service_is_set_up_from_its_starting_point(qtbot: QtBot, make_window: WindowFactory,
                                                            tmp_path: Path) -> None:
    from safespace_desk.domain.profile import Part

    window = make_window(tmp_path / "fresh", all_pages=True)
    wizard = window.wizard
    assert wizard is not None
    qtbot.keyClicks(wizard.site_name, "Peer Crisis Service")
    wizard.kind.setCurrentIndex(wizard.kind.findData("crisis"))
    assert "Referrals" in (wizard.kind_hint.text() if wizard.kind_hint else "")
    qtbot.keyClick(wizard.site_name, Qt.Key.Key_Return)
    qtbot.keyClicks(wizard.manager_name, "Mo Manager")
    qtbot.keyClicks(wizard.manager_password, "correct horse battery")
    qtbot.keyClicks(wizard.manager_confirm, "correct horse battery")
    qtbot.keyClick(wizard.manager_confirm, Qt.Key.Key_Return)
    wizard.written_down.click()
    qtbot.mouseClick(wizard.finish_button, Qt.MouseButton.LeftButton)
    assert window.shell is not None
    profile = site.get_site(window.shell.desk).settings.profile
    assert profile.kind.value == "crisis" and profile.uses(Part.REFERRALS) and not profile.uses(Part.EXCLUSIONS)
    assert {"diary", "referrals", "sessions"} <= set(window.shell.visible_page_keys())
    assert "messages" not in window.shell.visible_page_keys()
