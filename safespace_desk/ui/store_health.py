"""The store's health on screen: the banner a damaged store puts above every page, and the line on
the Backups page with the last check of every page.

The banner is told by the store itself (``Store.on_damage``), from whichever thread met the damage:
a page's service call, the background check, the daily backup or purge. It cannot be dismissed:
while it shows, the desk only reads (who is in, the handover to print) and every change is refused
with the same message.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from safespace_desk.db.errors import StoreDamaged
from safespace_desk.services import integrity
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import describe_error
from safespace_desk.ui.kit.widgets import label
from safespace_desk.ui.tasks import TaskRunner

READ_ONLY_TITLE = "The store is damaged, so this desk is now read-only."
READ_ONLY_HELP = ("You can still see who is in and print the handover. Write anything new on paper (who comes "
                  "in, beds, messages) until a manager has restored the store, then enter it again.")


class StoreDamageBanner(QFrame):
    """Red, above every page, for as long as the store is damaged: what was found, what the desk still
    does, and the restore command on a line of its own (selectable, to copy into a terminal)."""

    damage_seen = Signal(str, str)  # detail, full message; emitted from any thread, shown on the main one

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storeDamageBanner")
        self.setProperty("tone", "danger")
        self._desk = desk
        self._message = ""
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 8, 16, 8)
        box.setSpacing(3)
        self.title = label(READ_ONLY_TITLE)
        self.title.setProperty("bold", True)
        self.help = label()
        self.steps = label()
        self.command = label()
        self.command.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = label(muted=True)
        for widget in (self.title, self.help, self.steps, self.command, self.note):
            box.addWidget(widget)
        self.damage_seen.connect(self.show_damage)
        self._listener = self._heard
        desk.store.on_damage(self._listener)
        self.hide()
        if desk.store.read_only:
            error = desk.store.damaged_error()
            self.show_damage(error.detail, error.message)

    def _heard(self, error: StoreDamaged) -> None:
        self.damage_seen.emit(error.detail, error.message)

    def show_damage(self, detail: str, message: str) -> None:
        steps = integrity.restore_steps(self._desk)
        self._message = message
        self.help.setText(f"Found: {detail}. {READ_ONLY_HELP}")
        self.steps.setText(f"{steps.lead}:")
        self.command.setText(steps.command)
        self.note.setText(f"{steps.note[0].upper()}{steps.note[1:]}.")
        self.setAccessibleName(f"{READ_ONLY_TITLE} {message}")
        self.show()

    @property
    def text(self) -> str:
        """What the banner says, as the one damage message (empty while hidden)."""
        return f"{READ_ONLY_TITLE} {self._message}" if self.isVisible() else ""

    def stop(self) -> None:
        self._desk.store.off_damage(self._listener)


class StoreCheckPanel(QFrame):
    """For managers on the Backups page, one line: when every page of the store was last checked and
    what was found, with a button to check now (on the task runner: the desk stays usable)."""

    checked = Signal(object)  # CheckResult

    def __init__(self, desk: DeskContext, runner: TaskRunner, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._desk = desk
        self._runner = runner
        self._zone = zone
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 10, 8)
        row.setSpacing(12)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Last check of every page of the store")
        self.check_button = QPushButton("Check e&very page now")
        self.check_button.setToolTip("Reads every page of the store and checks it has not been damaged "
                                     "(SafeSpace Desk also does this once a day)")
        self.check_button.clicked.connect(self.check_now)
        row.addWidget(self.status, 1)
        row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def reload(self) -> None:
        try:
            status = integrity.store_status(self._desk)
        except Exception as error:
            self.status.setText(describe_error(error))
            return
        self.status.setText(status_text(status, self._zone))
        self.check_button.setEnabled(not self._runner.busy)

    def check_now(self) -> None:
        self.check_button.setEnabled(False)
        self.status.setText("Checking every page of the store…")
        desk = self._desk
        self._runner.run(lambda: integrity.check_store(desk), self._done, self._failed)

    def _done(self, result: object) -> None:
        self.reload()
        self.checked.emit(result)

    def _failed(self, error: Exception) -> None:
        self.check_button.setEnabled(True)
        self.status.setText(describe_error(error))


def status_text(status: integrity.StoreStatus, zone: ZoneInfo) -> str:
    last = status.last_check
    if last is None:
        line = "Store check: not yet done. SafeSpace Desk checks every page of the store once a day."
    else:
        local = last.at.astimezone(zone)
        when = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
        line = f"Last check of every page: {when}: {last.describe()}."
    if status.damaged and (last is None or last.ok):
        line += " Damage was found while the store was in use; see the red banner."
    return line
