"""The Admin page (staff accounts) and My account, through their real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from safespace_desk.domain.roles import Role
from safespace_desk.domain.staff import StaffMember
from safespace_desk.services import auth, staff
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.admin.dialogs import AddStaffDialog
from safespace_desk.ui.admin.page import AdminPage
from safespace_desk.ui.admin.staff_model import NAME, PIN, STATUS, StaffTableModel
from safespace_desk.ui.main_window import MainWindow
from tests.conftest import MANAGER_PASSWORD
from tests.ui.conftest import STAFF_PASSWORD, WindowFactory, add_colleague, sign_in


def _admin(qtbot: QtBot, make_window: WindowFactory, data_dir: Path) -> tuple[MainWindow, AdminPage]:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    assert window.shell is not None
    page = window.shell.page("admin")
    assert isinstance(page, AdminPage)
    return window, page


def _names(page: AdminPage) -> list[str]:
    return [page.model.index(row, NAME).data() for row in range(page.model.rowCount())]


def _row_text(page: AdminPage, name: str, column: int) -> str:
    return page.model.index(_names(page).index(name), column).data()


def test_add_staff_through_the_dialog_shows_them_in_the_table(qtbot: QtBot, make_window: WindowFactory,
                                                              data_dir: Path, clock) -> None:
    window, page = _admin(qtbot, make_window, data_dir)
    assert _names(page) == ["Mo Manager"]
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    dialog = page.dialog
    assert isinstance(dialog, AddStaffDialog) and dialog.isVisible()
    assert dialog.focusWidget() is dialog.name

    # A password that is too short is named next to its box; the dialog stays open.
    qtbot.keyClicks(dialog.name, "Lee Lead")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.LEAD))
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.confirm, "short")
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert "too short" in dialog.errors.rows["password"].error.text()
    assert dialog.isVisible() and _names(page) == ["Mo Manager"]

    for edit in (dialog.password, dialog.confirm):
        edit.clear()
        qtbot.keyClicks(edit, STAFF_PASSWORD)
    qtbot.keyClicks(dialog.pin, "4826")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.dialog is None

    assert _names(page) == ["Lee Lead", "Mo Manager"]
    assert _row_text(page, "Lee Lead", 1) == "Shift lead"
    assert _row_text(page, "Lee Lead", PIN) == "Set"
    assert page.selected_member() is not None and page.selected_member().name == "Lee Lead"
    assert "Lee Lead can now sign in" in page.banner.text()
    # They really can: their own password opens the store.
    window.close()
    desk = auth.sign_in(data_dir, "Lee Lead", STAFF_PASSWORD, clock)
    assert desk.actor is not None and desk.actor.role == Role.LEAD
    desk.close()


def test_a_duplicate_name_is_shown_next_to_the_name(qtbot: QtBot, make_window: WindowFactory,
                                                    data_dir: Path) -> None:
    _, page = _admin(qtbot, make_window, data_dir)
    page.add_staff()
    dialog = page.dialog
    assert isinstance(dialog, AddStaffDialog)
    qtbot.keyClicks(dialog.name, "mo manager")
    qtbot.keyClicks(dialog.password, STAFF_PASSWORD)
    qtbot.keyClicks(dialog.confirm, STAFF_PASSWORD)
    dialog.submit()
    assert "already an account" in dialog.errors.rows["name"].error.text()
    assert dialog.focusWidget() is dialog.name


def test_deactivate_asks_first_then_deactivates(qtbot: QtBot, make_window: WindowFactory,
                                                data_dir: Path, clock) -> None:
    window, page = _admin(qtbot, make_window, data_dir)
    sam = add_colleague(window, "Sam Desk", Role.DESK)
    page.select_staff(sam)
    assert page.deactivate_button.isEnabled()

    page.deactivate()
    box = page.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()  # changing one's mind does nothing
    assert _row_text(page, "Sam Desk", STATUS) == "Active"

    qtbot.mouseClick(page.deactivate_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert isinstance(box, QMessageBox)
    confirm = next(b for b in box.buttons() if b.text() == "Deactivate")
    confirm.click()
    assert _row_text(page, "Sam Desk", STATUS) == "Deactivated"
    assert not page.deactivate_button.isEnabled()
    assert "deactivated" in page.banner.text() and "key version 2" in page.banner.text()
    assert page.progress is not None and not page.progress.isVisible()  # shown while it worked
    window.close()
    try:
        auth.sign_in(data_dir, "Sam Desk", STAFF_PASSWORD, clock)
    except Exception as error:  # their key slot is gone
        assert "do not match" in str(error)
    else:
        raise AssertionError("a deactivated account still signed in")


def test_own_row_cannot_be_deactivated_or_demoted(qtbot: QtBot, make_window: WindowFactory,
                                                  data_dir: Path) -> None:
    _, page = _admin(qtbot, make_window, data_dir)
    page.table.selectRow(0)
    assert page.selected_member().name == "Mo Manager"
    assert not page.deactivate_button.isEnabled() and not page.role_button.isEnabled()
    assert page.own_account_hint.isVisibleTo(page)


def test_reset_password_and_change_role(qtbot: QtBot, make_window: WindowFactory, data_dir: Path,
                                        clock) -> None:
    window, page = _admin(qtbot, make_window, data_dir)
    sam = add_colleague(window, "Sam Desk", Role.DESK)
    page.select_staff(sam)
    page.change_role()
    dialog = page.dialog
    dialog.role.setCurrentIndex(dialog.role.findData(Role.PARAMEDIC))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert _row_text(page, "Sam Desk", 1) == "Paramedic"

    page.select_staff(sam)
    page.reset_password()
    dialog = page.dialog
    qtbot.keyClicks(dialog.password, "fresh basil on the windowsill")
    qtbot.keyClicks(dialog.confirm, "fresh basil on the windowsill")
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    window.close()
    desk = auth.sign_in(data_dir, "Sam Desk", "fresh basil on the windowsill", clock)
    assert desk.actor is not None and desk.actor.role == Role.PARAMEDIC
    desk.close()


def test_a_desk_role_does_not_see_the_admin_page(qtbot: QtBot, make_window: WindowFactory,
                                                 data_dir: Path) -> None:
    window = make_window(data_dir, all_pages=True)  # every page the app registers
    sign_in(qtbot, window)
    assert "admin" in window.shell.visible_page_keys()
    add_colleague(window, "Sam Desk", Role.DESK)
    window.sign_out()
    sign_in(qtbot, window, "Sam Desk", STAFF_PASSWORD)
    shell = window.shell
    assert shell is not None
    assert "admin" not in shell.visible_page_keys() and "account" in shell.visible_page_keys()
    assert shell.current_page_key in shell.visible_page_keys()
    assert not shell.show_page("admin")
    assert not any(isinstance(w, AdminPage) for w in shell.findChildren(AdminPage))


def test_my_account_sets_a_pin_and_changes_the_password(qtbot: QtBot, make_window: WindowFactory,
                                                        data_dir: Path, clock) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    shell = window.shell
    qtbot.keyClick(shell.focusWidget() or shell, Qt.Key.Key_F12)  # My account has F12 for every role
    assert shell.current_page_key == "account"
    page = shell.page("account")
    qtbot.keyClicks(page.pin, "1234")
    qtbot.keyClicks(page.pin_confirm, "1234")
    qtbot.keyClick(page.pin_confirm, Qt.Key.Key_Return)
    assert "too easy to guess" in page.pin_errors.rows["pin"].error.text()
    page.pin.clear()
    page.pin_confirm.clear()
    qtbot.keyClicks(page.pin, "8264")
    qtbot.keyClicks(page.pin_confirm, "8264")
    qtbot.mouseClick(page.pin_button, Qt.MouseButton.LeftButton)
    assert "PIN is set" in page.banner.text()
    # The Admin table heard about the change and shows the PIN.
    assert _row_text(shell.page("admin"), "Mo Manager", PIN) == "Set"

    qtbot.keyClicks(page.current_password, "not my password")
    qtbot.keyClicks(page.new_password, "a new long password")
    qtbot.keyClicks(page.new_confirm, "a new long password")
    qtbot.mouseClick(page.password_button, Qt.MouseButton.LeftButton)
    assert "do not match" in page.password_errors.rows["current"].error.text()
    page.current_password.clear()
    qtbot.keyClicks(page.current_password, MANAGER_PASSWORD)
    qtbot.keyClick(page.current_password, Qt.Key.Key_Return)
    assert "password is changed" in page.banner.text()
    window.close()
    auth.sign_in(data_dir, "Mo Manager", "a new long password", clock).close()


def test_staff_model_is_a_well_behaved_qt_model(qtmodeltester, desk: DeskContext) -> None:
    model = StaffTableModel()
    model.set_members(staff.list_staff(desk))
    qtmodeltester.check(model)
    model.set_members([StaffMember("x", "Zoë", Role.PARAMEDIC, active=False, has_pin=False)])
    qtmodeltester.check(model)
    assert model.index(0, STATUS).data() == "Deactivated"
    assert model.row_of("x") == 0 and model.row_of("nobody") is None


def test_a_manager_rotates_the_keys_and_issues_a_new_recovery_key(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, clock, recovery_key: str) -> None:
    from safespace_desk.db.errors import WrongRecoveryKey
    from safespace_desk.ui.admin.keys import RecoveryKeyDialog

    window, page = _admin(qtbot, make_window, data_dir)
    keys = page.keys
    keys.rotate_button.click()
    box = keys.confirm_box
    assert isinstance(box, QMessageBox) and "copy of the key file" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert keys.progress is None and page._desk.keys.current_version == 1
    keys.rotate_button.click()
    next(b for b in keys.confirm_box.buttons() if b.text() == "Rotate keys").click()
    assert "key version 2" in page.banner.text()
    assert page._desk.keys.current_version == 2

    keys.recovery_button.click()
    next(b for b in keys.confirm_box.buttons() if b.text() == "Issue a new key").click()
    dialog = keys.key_dialog
    assert isinstance(dialog, RecoveryKeyDialog) and dialog.isVisible()
    shown = dialog.key_label.text().replace("\n", "-")
    assert "old one no longer works" in page.banner.text()
    dialog.done_button.click()
    assert dialog.key_label.text() == ""
    window.close()
    with pytest.raises(WrongRecoveryKey):
        auth.raw_key_hex(data_dir, recovery_key, clock)
    assert auth.raw_key_hex(data_dir, shown, clock)


def test_add_staff_offers_a_passphrase_and_refuses_a_guessable_password(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, clock) -> None:
    window, page = _admin(qtbot, make_window, data_dir)
    page.add_staff()
    dialog = page.dialog
    assert isinstance(dialog, AddStaffDialog)
    qtbot.keyClicks(dialog.name, "Kim Keen")
    for edit in (dialog.password, dialog.confirm):
        qtbot.keyClicks(edit, "password1234")
    dialog.submit()
    assert "too easy to guess" in dialog.errors.rows["password"].error.text()
    dialog.passphrase.button.click()
    phrase = dialog.password.text()
    assert dialog.confirm.text() == phrase and len(phrase.split()) == 5
    assert phrase in dialog.passphrase.shown.text()
    qtbot.keyClick(dialog.password, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.password, "x")  # typing one's own takes the suggestion away
    assert dialog.confirm.text() == "" and not dialog.passphrase.shown.isVisible()
    dialog.passphrase.button.click()
    phrase = dialog.password.text()
    dialog.submit()
    assert "Kim Keen" in _names(page)
    window.close()
    auth.sign_in(data_dir, "Kim Keen", phrase, clock).close()
