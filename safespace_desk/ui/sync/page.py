"""The Sync page (managers and shift leads): where this desk stands with the hub's server, what it
could not do, and, for managers, enrolling this desk, adding a desk, and the hub's desks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.roles import Permission, can
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.sync import enrol, problems
from safespace_desk.sync.engine import Outcome
from safespace_desk.sync.protocol import DeviceInfo
from safespace_desk.sync.status import SyncStatus, sync_status
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS, Banner, describe_error, primary_button
from safespace_desk.ui.kit.widgets import button_row, explanation, heading, label, panel, roomy, section_title
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.sync.widgets import DevicesTable, JoinCodePanel, ProblemsList

NOT_ENROLLED = ("This desk works on its own: everything is kept on this computer. To share records with the "
                "hub's other desks (a paramedic's room, a second building), it is enrolled with the hub's sync "
                "server. The server keeps the records sealed: it cannot read names, notes or messages.")


class SyncPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._zone = get_site(desk).zone
        self._manager = can(desk.require_actor().role, Permission.MANAGE_SITE)
        self.confirm_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(12)
        layout.addWidget(heading("Sync", "pageTitle"))
        self.banner = Banner()
        layout.addWidget(self.banner)

        box, self._status_box = panel()
        self.status_lines = label()
        self.status_lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sync_button = primary_button("Sync &now")
        self.sync_button.clicked.connect(self.sync_now)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sync progress")
        self.progress.hide()
        self._status_box.addWidget(section_title("This desk"))
        self._status_box.addWidget(self.status_lines)
        self._status_box.addWidget(self.progress)
        self._status_box.addLayout(button_row(self.sync_button))
        layout.addWidget(box)

        self.enrol_box = self._build_enrol()
        layout.addWidget(self.enrol_box)
        self.add_box, self.devices_box = self._build_add_desk(), self._build_devices()
        layout.addWidget(self.add_box)
        layout.addWidget(self.devices_box)

        problems_box, inner = panel()
        inner.addWidget(section_title("To check"))
        self.problems = ProblemsList(self._mark_seen)
        inner.addWidget(self.problems)
        layout.addWidget(problems_box)
        layout.addStretch(1)

        controller = shell.sync
        controller.synced.connect(self._synced)
        controller.progress.connect(self._progress)
        shell.changes_applied.connect(self._on_changes)
        self._loaded = False

    # --- building ---------------------------------------------------------------------------------
    def _build_enrol(self) -> QWidget:
        box, inner = panel()
        inner.addWidget(section_title("Enrol this desk as the hub's first desk"))
        inner.addWidget(explanation(NOT_ENROLLED + " Paste the code from `safespace-desk server enrol-code` (it "
                                    "starts SSD1-ENROL-). Other desks then join from this one (Add a desk)."))
        self.enrol_code = QPlainTextEdit()
        self.enrol_code.setAccessibleName("Enrolment code")
        self.enrol_code.setPlaceholderText("SSD1-ENROL-…")
        self.enrol_code.setFixedHeight(72)
        self.enrol_code.setTabChangesFocus(True)
        self.enrol_button = primary_button("&Enrol this desk")
        self.enrol_button.clicked.connect(self.enrol)
        inner.addWidget(self.enrol_code)
        inner.addLayout(button_row(self.enrol_button))
        return box

    def _build_add_desk(self) -> QWidget:
        box, inner = panel()
        inner.addWidget(section_title("Add a desk"))
        inner.addWidget(explanation(
            "On the new computer, start SafeSpace Desk and choose “Join an existing hub”, then give it this "
            "code and a manager's name and password. It loads the hub's records and stays in step."))
        self.code_button = QPushButton("Make a &join code")
        self.code_button.clicked.connect(self.make_code)
        self.code_panel = JoinCodePanel()
        inner.addLayout(button_row(self.code_button))
        inner.addWidget(self.code_panel)
        return box

    def _build_devices(self) -> QWidget:
        box, inner = panel()
        inner.addWidget(section_title("Desks of this hub"))
        inner.addWidget(explanation("A desk that is lost or stolen is removed here: the server refuses it from "
                                    "its next request. (Its data stays encrypted with the staff passwords.)"))
        self.devices = DevicesTable(self._confirm_remove)
        self.devices_button = QPushButton("Show the &desks")
        self.devices_button.clicked.connect(self.load_devices)
        inner.addLayout(button_row(self.devices_button))
        inner.addWidget(self.devices)
        return box

    # --- showing -----------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        self._loaded = True
        status = sync_status(self._desk)
        self._show_status(status)
        self.enrol_box.setVisible(self._manager and not status.enrolled)
        self.add_box.setVisible(self._manager and status.enrolled)
        self.devices_box.setVisible(self._manager and status.enrolled)
        self.sync_button.setVisible(status.enrolled)
        self.problems.show_problems(problems.problems(self._desk), self._zone)

    def _show_status(self, status: SyncStatus) -> None:
        if not status.enrolled:
            self.status_lines.setText("Not enrolled: this desk works on its own." if self._manager else NOT_ENROLLED)
            return
        lines = [f"Hub: {status.site_name}, on {status.address}",
                 f"Changes waiting to be sent: {status.waiting}",
                 "Last synced: " + (full_date_time(status.last_ok_at, self._zone) if status.last_ok_at else "not yet")]
        if status.failing_since is not None:
            lines.append(f"Not reaching the server since {full_date_time(status.failing_since, self._zone)}: "
                         f"{status.last_error}")
        if status.stopped == "revoked":
            lines.append("This desk was removed from the hub. Its records and waiting changes are kept; a manager "
                         "can enrol it again.")
        elif status.stopped == "update":
            lines.append("Update this desk: another desk sent changes only a newer SafeSpace Desk understands. "
                         "Nothing is lost meanwhile.")
        if abs(status.skew.total_seconds()) > 300:
            lines.append(f"This computer's clock is {int(abs(status.skew.total_seconds()) // 60)} minutes off the "
                         "server's: changes are stamped with the server's time. Ask for the clock to be set.")
        self.status_lines.setText("\n".join(lines))

    # --- actions -----------------------------------------------------------------------------------
    def sync_now(self) -> None:
        self.banner.clear_message()
        self.sync_button.setEnabled(False)
        self._shell.sync.sync_now()

    def _synced(self, outcome: Outcome) -> None:
        self.sync_button.setEnabled(True)
        self.progress.hide()
        if self._loaded and self.isVisible():
            self.reload()
            if not outcome.caught_up and outcome.error:
                self.banner.show_message(outcome.error)

    def _progress(self, step: str, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat({"upload": "Sending this desk's records: %p%",
                                 "pull": "Catching up: %p%"}.get(step, "%p%"))
        self.progress.show()

    def enrol(self) -> None:
        code = self.enrol_code.toPlainText()
        self.banner.show_message("Enrolling and sending this desk's records (this can take a few minutes on a "
                                 "large store)…", "info")
        self.enrol_button.setEnabled(False)
        desk, emit = self._desk, self._shell.sync.progress.emit
        self._shell.runner.run(lambda: enrol.enrol(desk, code, progress=emit), self._enrolled, self._failed)

    def _enrolled(self, state: object) -> None:
        self.enrol_button.setEnabled(True)
        self.enrol_code.clear()
        self.banner.show_message("This desk is enrolled: it is the hub's first desk. Add other desks below.",
                                 "success")
        self._shell.sync.start()
        self.reload()

    def _failed(self, error: Exception) -> None:
        self.enrol_button.setEnabled(True)
        self.code_button.setEnabled(True)
        self.banner.show_message(describe_error(error))

    def make_code(self) -> None:
        self.code_button.setEnabled(False)
        desk = self._desk
        self._shell.runner.run(lambda: enrol.make_join_code(desk), self._code_made, self._failed)

    def _code_made(self, code: str) -> None:
        from datetime import timedelta

        self.code_button.setEnabled(True)
        expires = full_date_time(self._desk.clock.now() + timedelta(hours=24), self._zone)
        self.code_panel.show_code(code, expires)

    def load_devices(self) -> None:
        desk = self._desk
        self._shell.runner.run(lambda: enrol.list_devices(desk),
                               lambda devices: self.devices.show_devices(devices, self._zone), self._failed)

    def _confirm_remove(self, device: DeviceInfo) -> None:
        box = roomy(QMessageBox(QMessageBox.Icon.Warning, "Remove a desk",
                          f"Remove the desk “{device.name}” from the hub?\n\nThe server will refuse it from its "
                          "next request. Changes it has not sent yet stay on it.", QMessageBox.StandardButton.Cancel,
                          self))
        confirm = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided() -> None:
            self.confirm_box = None
            if box.clickedButton() is confirm:
                desk = self._desk
                self._shell.runner.run(lambda: enrol.revoke(desk, device.id), lambda _: self._removed(device),
                                       self._failed)

        box.finished.connect(decided)
        self.confirm_box = box
        box.open()

    def _removed(self, device: DeviceInfo) -> None:
        self.banner.show_message(f"Removed the desk “{device.name}” from the hub.", "success")
        self.load_devices()

    def _mark_seen(self, problem: problems.ProblemView) -> None:
        try:
            self._shell.apply_changes(problems.mark_seen(self._desk, problem.id))
        except Exception as error:
            self.banner.show_message(describe_error(error))
        self.reload()

    def _on_changes(self, changes: Changes) -> None:
        if self._loaded and self.isVisible() and changes.touches("sync"):
            self.reload()

    def focus_first(self) -> None:
        (self.sync_button if self.sync_button.isVisible() else self.enrol_code).setFocus()

