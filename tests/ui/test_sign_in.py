"""The sign-in screen: success, a wrong password, a missing key-slot file, the recovery key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.roles import Role
from tests.conftest import MANAGER_NAME
from tests.ui.conftest import WindowFactory, sign_in


def test_sign_in_opens_the_shell_with_the_status_bar(qtbot: QtBot, make_window: WindowFactory,
                                                     data_dir: Path) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    shell = window.shell
    assert shell is not None and window.current_screen is shell
    assert shell.isVisible()
    assert shell.who_label.text() == "Mo Manager · Manager"
    assert shell.site_label.text() == "Test Hub"
    # 12:00 UTC on 24 November is 12:00 GMT in London.
    assert shell.time_label.text() == "Tue 24 Nov, 12:00 GMT"
    assert shell.current_page_key == "admin"
    # The form is emptied so the password does not linger in a hidden box.
    assert window.sign_in.password.text() == ""


def test_a_wrong_password_says_so_and_stays_on_sign_in(qtbot: QtBot, make_window: WindowFactory,
                                                      data_dir: Path) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window, password="not the password")
    screen = window.sign_in
    assert window.desk is None and window.current_screen is screen
    assert screen.banner.isVisible()
    assert "do not match" in screen.banner.text()
    assert screen.password.text() == "" and screen.password.hasFocus()
    assert screen.name.text() == MANAGER_NAME


def test_a_missing_key_slot_file_is_explained(qtbot: QtBot, make_window: WindowFactory,
                                              data_dir: Path) -> None:
    window = make_window(data_dir)
    (data_dir / "keyslots.json").unlink()
    sign_in(qtbot, window)
    assert window.desk is None
    text = window.sign_in.banner.text()
    assert "is missing from the data folder" in text and "Nothing was created" in text


def test_the_recovery_key_adds_a_manager_and_signs_them_in(qtbot: QtBot, make_window: WindowFactory,
                                                           data_dir: Path, recovery_key: str) -> None:
    window = make_window(data_dir)
    screen = window.sign_in
    qtbot.mouseClick(screen.recovery_link, Qt.MouseButton.LeftButton)
    assert screen.recovery_key.hasFocus()
    qtbot.keyClicks(screen.recovery_key, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    qtbot.keyClicks(screen.recovery_name, "Rita Rescue")
    qtbot.keyClicks(screen.recovery_password, "a brand new password")
    qtbot.keyClicks(screen.recovery_confirm, "a brand new password")
    qtbot.keyClick(screen.recovery_confirm, Qt.Key.Key_Return)
    assert "does not open this store" in screen.recovery_errors.rows["recovery_key"].error.text()
    assert window.desk is None

    screen.recovery_key.clear()
    qtbot.keyClicks(screen.recovery_key, recovery_key.lower())
    qtbot.mouseClick(screen.recover_button, Qt.MouseButton.LeftButton)
    assert window.desk is not None and window.desk.actor is not None
    assert window.desk.actor.name == "Rita Rescue" and window.desk.actor.role == Role.MANAGER
    assert window.shell is not None and window.shell.who_label.text() == "Rita Rescue · Manager"


def test_a_missing_key_slot_file_is_said_before_anything_is_typed(qtbot: QtBot, make_window: WindowFactory,
                                                                  data_dir: Path) -> None:
    """Finding 13: the sign-in screen says at once what is wrong with the files, not after a name
    and a password (each costing a key derivation) have been typed."""
    (data_dir / "keyslots.json").unlink()
    window = make_window(data_dir)
    screen = window.sign_in
    assert window.current_screen is screen and screen.banner.isVisible()
    assert "is missing from the data folder" in screen.banner.text()
    assert screen.name.hasFocus() and screen.name.text() == ""


def test_a_cut_store_is_said_before_anything_is_typed(qtbot: QtBot, make_window: WindowFactory,
                                                      data_dir: Path) -> None:
    store = data_dir / "store.db"
    with open(store, "r+b") as fh:
        fh.truncate(store.stat().st_size - 100)  # ends part way through a page
    window = make_window(data_dir)
    screen = window.sign_in
    assert screen.banner.isVisible() and "cut short" in screen.banner.text()


def test_a_sound_store_shows_no_message_on_the_sign_in_screen(qtbot: QtBot, make_window: WindowFactory,
                                                              data_dir: Path) -> None:
    window = make_window(data_dir)
    assert window.sign_in.banner.text() == ""
