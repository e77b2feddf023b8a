"""Forms, dialogs, banners and errors the audit opens (registered in screens.SCREENS).

Each opener drives the real widgets the way staff would (keys, the page's own actions) and returns
the dialog to check, or None when the state is shown in the main window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from safespace_desk.domain.roles import Role
from safespace_desk.services import search
from safespace_desk.ui.admin.dialogs import AddStaffDialog, ChangeRoleDialog, ResetPasswordDialog
from safespace_desk.ui.admin.keys import RecoveryKeyDialog, RekeyProgress
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.messages.deliver_dialog import DeliverDialog
from safespace_desk.ui.pages import FRONT_DESK_ROLES
from tests.ui.audit.screens import page, press, screen, settle, type_text

LEADS = {Role.LEAD, Role.MANAGER}
FRONT_DESK = set(FRONT_DESK_ROLES)


def _desk(window: MainWindow):  # type: ignore[no-untyped-def]
    return page(window, "desk")


def _find(window: MainWindow, name: str) -> str:
    assert window.desk is not None
    return search.find_guests(window.desk, name)[0].guest_id


@screen("desk add guest with an error", "desk", roles=FRONT_DESK)
def add_guest_error(window: MainWindow) -> None:
    desk = _desk(window)
    press(desk.search_panel.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    desk.add_guest.name.clear()
    desk.add_guest.save()  # with no name: the error under the box


@screen("desk search results", "desk", roles=FRONT_DESK)
def search_results(window: MainWindow) -> None:
    type_text(_desk(window).search_panel.search_box, "an")


@screen("desk excluded guest needs a lead", "desk", roles=FRONT_DESK)
def excluded(window: MainWindow) -> None:
    box = _desk(window).search_panel.search_box
    type_text(box, "Sam")
    press(box, Qt.Key.Key_Return)


@screen("desk override form", "desk", roles=FRONT_DESK)
def override_form(window: MainWindow) -> None:
    """A lead lets an excluded guest in: at a desk account, their name and PIN (finding 10: cut)."""
    excluded(window)
    press(_desk(window).search_panel.search_box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


@screen("desk guest record", "desk", roles=FRONT_DESK)
def guest_record(window: MainWindow) -> None:
    _desk(window).open_guest(_find(window, "Kez"))


@screen("desk exclude form", "desk", roles=LEADS)
def exclude_form(window: MainWindow) -> None:
    desk = _desk(window)
    desk.open_guest(_find(window, "Dee"))
    settle()
    desk.details.start_exclude()


@screen("desk merge form", "desk", roles=LEADS)
def merge_form(window: MainWindow) -> None:
    desk = _desk(window)
    desk.open_guest(_find(window, "Andrés"))
    settle()
    desk.details.start_merge()


@screen("desk sign-out form", "desk", roles=FRONT_DESK)
def sign_out_form(window: MainWindow) -> None:
    desk = _desk(window)
    desk.show_tab(0)
    desk.in_now.start_sign_out()


@screen("desk guest feedback too long", "desk", roles=FRONT_DESK)
def feedback_too_long(window: MainWindow) -> None:
    desk = _desk(window)
    press(desk.search_panel.search_box, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    desk.feedback.words.setPlainText("Ça va — " + "x" * 600)
    desk.feedback.save()  # the length, under the box


@screen("desk keep without a bed", "desk", roles=LEADS)
def keep_without_bed(window: MainWindow) -> None:
    banner = _desk(window).night_banner
    assert banner.check is not None and banner.check.without_bed
    banner.start_keep(banner.check.without_bed[0])


@screen("messages new message with an error", "messages", roles=FRONT_DESK)
def new_message(window: MainWindow) -> None:
    board = page(window, "messages")
    board.start_new_message()
    settle()
    board.new_form.save()


@screen("messages pass on", "messages", roles={Role.DESK, Role.LEAD, Role.MANAGER, Role.PARAMEDIC},
        covers=(DeliverDialog,))
def pass_on(window: MainWindow) -> QWidget | None:
    assert window.desk is not None
    board = page(window, "messages")
    # By the name on the board: a paramedic may not search the guest register.
    waiting = [m for m in board.model.messages if m.guest_name == "Kez" and m.linked]
    board.select_message(waiting[0].id)
    return board.open_selected()


@screen("paramedic triage with an error", "paramedic", roles={Role.PARAMEDIC})
def triage_error(window: MainWindow) -> None:
    medic = page(window, "paramedic")
    medic.need.clear()
    medic.save_triage()


@screen("admin add staff", "admin", roles={Role.MANAGER}, covers=(AddStaffDialog,))
def add_staff(window: MainWindow) -> QWidget | None:
    admin = page(window, "admin")
    admin.add_staff()
    return admin.dialog


@screen("admin reset password", "admin", roles={Role.MANAGER}, covers=(ResetPasswordDialog,))
def reset_password(window: MainWindow) -> QWidget | None:
    admin = page(window, "admin")
    admin.table.selectRow(1)
    admin.reset_password()
    return admin.dialog


@screen("admin change role", "admin", roles={Role.MANAGER}, covers=(ChangeRoleDialog,))
def change_role(window: MainWindow) -> QWidget | None:
    admin = page(window, "admin")
    admin.table.selectRow(1)
    admin.change_role()
    return admin.dialog


@screen("admin rekey progress", "admin", roles={Role.MANAGER}, covers=(RekeyProgress,))
def rekey_progress(window: MainWindow) -> QWidget | None:
    admin = page(window, "admin")
    dialog = RekeyProgress("Rotating the keys", admin)
    dialog.show()
    dialog._moved(1234, 20480)  # what the worker thread's reports show
    return dialog


@screen("admin new recovery key", "admin", roles={Role.MANAGER}, covers=(RecoveryKeyDialog,))
def new_recovery_key(window: MainWindow) -> QWidget | None:
    admin = page(window, "admin")
    dialog = RecoveryKeyDialog("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567", admin)  # synthetic, not a real key
    dialog.open()
    return dialog


@screen("lock screen", None, ends_session=True)
def lock_screen(window: MainWindow) -> None:
    window.lock("manual")


@screen("sign-in with an error", None, ends_session=True)
def sign_in_error(window: MainWindow) -> None:
    if window.desk is not None:
        window.sign_out()
    screen_ = window.sign_in
    type_text(screen_.name, "Nobody Here")
    type_text(screen_.password, "wrong password")
    press(screen_.password, Qt.Key.Key_Return)
