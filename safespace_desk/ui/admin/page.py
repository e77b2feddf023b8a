"""The Admin page (managers only): staff accounts."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.staff import StaffMember
from safespace_desk.services import staff
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.ui.admin.dialogs import AddStaffDialog, ChangeRoleDialog, FormDialog, ResetPasswordDialog
from safespace_desk.ui.admin.keys import KeysSection, run_with_progress
from safespace_desk.ui.admin.staff_model import StaffTableModel
from safespace_desk.ui.kit.forms import PAGE_MARGINS, Banner, describe_error, primary_button
from safespace_desk.ui.kit.widgets import explanation, heading, roomy
from safespace_desk.ui.shell import MainShell


class AdminPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self.dialog: QDialog | None = None  # the open form, so tests and the lock can reach it
        self.confirm_box: QMessageBox | None = None
        self.progress: QProgressDialog | None = None  # a rekey's progress (deactivating rotates the key)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(12)
        layout.addWidget(heading("Staff accounts", "pageTitle"))
        layout.addWidget(explanation(
            "Everyone signs in with their own account. Deactivate an account as soon as someone "
            "leaves: it can no longer open the store, and everything they recorded stays."))
        self.banner = Banner()
        layout.addWidget(self.banner)

        self.model = StaffTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("staffTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Rows grow with the text size (Large text), instead of clipping it.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName("Staff accounts")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.change_role)

        self.add_button = primary_button("&Add staff…")
        self.add_button.setToolTip("Ctrl+N")
        self.reset_button = QPushButton("&Reset password…")
        self.role_button = QPushButton("C&hange role…")
        self.deactivate_button = QPushButton("&Deactivate…")
        self.deactivate_button.setObjectName("danger")
        self.add_button.clicked.connect(self.add_staff)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.deactivate_button.clicked.connect(self.deactivate)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addSpacing(12)
        for button in (self.reset_button, self.role_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.deactivate_button)
        layout.addLayout(actions)
        self.own_account_hint = QLabel("This is your own account: change your password and PIN under "
                                       "My account. Another manager changes your role.")
        self.own_account_hint.setObjectName("hint")
        self.own_account_hint.hide()
        layout.addWidget(self.own_account_hint)
        layout.addWidget(self.table, 1)
        self.keys = KeysSection(desk, shell.runner, self.banner)
        layout.addWidget(self.keys)
        add_shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        add_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        add_shortcut.activated.connect(self.add_staff)

        shell.changes_applied.connect(self._on_changes)
        self.reload()

    def focus_first(self) -> None:
        self.table.setFocus()

    # -- data --------------------------------------------------------------------------------
    def reload(self) -> None:
        selected = self.selected_member()
        try:
            self.model.set_members(staff.list_staff(self._desk))
        except Exception as error:  # a failed read is shown, never allowed to close the window
            self.banner.show_message(describe_error(error))
            return
        row = self.model.row_of(selected.id) if selected else None
        if row is None and self.model.rowCount() > 0:
            row = 0
        if row is not None:
            self.table.selectionModel().select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_buttons()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(staff.STAFF):
            self.reload()

    def selected_member(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.member_at(rows[0].row()) if rows else None

    def select_staff(self, staff_id: str) -> None:
        row = self.model.row_of(staff_id)
        if row is not None:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        member = self.selected_member()
        me = self._desk.actor
        is_me = member is not None and me is not None and member.id == me.staff_id
        self.reset_button.setEnabled(member is not None)
        self.role_button.setEnabled(member is not None and member.active and not is_me)
        self.deactivate_button.setEnabled(member is not None and member.active and not is_me)
        self.own_account_hint.setVisible(is_me)

    # -- actions -----------------------------------------------------------------------------
    def add_staff(self) -> None:
        self._open(AddStaffDialog(self._desk, self._shell.runner, self), "added")

    def reset_password(self) -> None:
        member = self.selected_member()
        if member is not None:
            self._open(ResetPasswordDialog(self._desk, member, self._shell.runner, self),
                       f"New password set for {member.name}.")

    def change_role(self) -> None:
        member = self.selected_member()
        if member is not None and self.role_button.isEnabled():
            self._open(ChangeRoleDialog(self._desk, member, self._shell.runner, self),
                       f"{member.name}'s role changed.")

    def _open(self, dialog: FormDialog, done_message: str) -> None:
        self.banner.clear_message()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.succeeded.connect(lambda result: self._after(result, done_message))
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()  # window-modal but not blocking, so the idle lock can hide it

    def _after(self, result: object, done_message: str) -> None:
        if isinstance(result, tuple):  # add_staff returns (member, changes)
            member, changes = result
            done_message = f"{member.name} can now sign in as {member.role.label.lower()}."
        else:
            member, changes = None, result
        self._shell.apply_changes(changes)
        if member is not None:
            self.select_staff(member.id)
        self.banner.show_message(done_message, "success")

    def deactivate(self) -> None:
        member = self.selected_member()
        if member is None or not self.deactivate_button.isEnabled():
            return
        box = roomy(QMessageBox(QMessageBox.Icon.Warning, "Deactivate account",
                          f"Deactivate {member.name}'s account?\n\nThey will no longer be able to sign "
                          "in. Everything they recorded stays. You can bring the account back later "
                          "with Reset password.\n\nThe store's key is changed too, so a copy of the key file "
                          "they may have kept no longer opens it: this takes a moment.",
                          QMessageBox.StandardButton.Cancel, self))
        confirm = box.addButton("Deactivate", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone never deactivates
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided() -> None:
            self.confirm_box = None
            if box.clickedButton() is confirm:
                self._run_deactivate(member)

        box.finished.connect(decided)
        self.confirm_box = box
        box.open()

    def _run_deactivate(self, member: StaffMember) -> None:
        def done(result: staff.Deactivated) -> None:
            self._after(result, f"{member.name}'s account is deactivated.")
            if result.rotation is not None:
                self.keys.show_rotation(result.rotation, f"{member.name}'s account is deactivated and the keys "
                                                         "were rotated")
            elif result.rotation_waits:
                self.banner.show_message(f"{member.name}'s account is deactivated, but the store's key could not "
                                         f"be changed now: {result.rotation_waits} It will be changed the next "
                                         "time SafeSpace Desk opens the store.")

        self.progress = run_with_progress(
            self._shell.runner, self, "Deactivating an account",
            lambda progress: staff.deactivate_staff(self._desk, member.id, progress), done,
            lambda error: self.banner.show_message(describe_error(error)))
