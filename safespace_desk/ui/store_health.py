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
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from safespace_desk.db.errors import StoreDamaged
from safespace_desk.services import integrity
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import describe_error
from safespace_desk.ui.kit.widgets import heading, label
from safespace_desk.ui.tasks import TaskRunner

READ_ONLY_TITLE = "The store is damaged, so this desk is now read-only."
READ_ONLY_HELP = ("You can still see who is in and print the handover. Write anything new on paper (who "
                  "comes in, beds, messages) until a manager has restored the store, then enter it again.")


class StoreDamageBanner(QFrame):
    """Red, above every page, for as long as the store is damaged."""

    damage_seen = Signal(str)  # emitted from any thread; shown on the main thread

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storeDamageBanner")
        self.setProperty("tone", "danger")
        self._desk = desk
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 10, 16, 10)
        box.setSpacing(4)
        self.title = label(READ_ONLY_TITLE)
        self.title.setProperty("bold", True)
        self.help = label(READ_ONLY_HELP)
        self.detail = label()
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the command
        for widget in (self.title, self.help, self.detail):
            box.addWidget(widget)
        self.damage_seen.connect(self.show_damage)
        self._listener = self._heard
        desk.store.on_damage(self._listener)
        self.hide()
        if desk.store.read_only:
            self.show_damage(desk.store.damaged_error().message)

    def _heard(self, error: StoreDamaged) -> None:
        self.damage_seen.emit(error.message)

    def show_damage(self, message: str) -> None:
        self.detail.setText(message)
        self.setAccessibleName(f"{READ_ONLY_TITLE} {message}")
        self.show()

    @property
    def text(self) -> str:
        return f"{self.title.text()} {self.help.text()} {self.detail.text()}" if self.isVisible() else ""

    def stop(self) -> None:
        self._desk.store.off_damage(self._listener)


class StoreCheckPanel(QFrame):
    """For managers on the Backups page: when every page was last checked, what was found, and a
    button to check now (on the task runner: the desk stays usable meanwhile)."""

    checked = Signal(object)  # CheckResult

    def __init__(self, desk: DeskContext, runner: TaskRunner, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._desk = desk
        self._runner = runner
        self._zone = zone
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 12)
        box.addWidget(heading("Store check"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Last check of every page of the store")
        box.addWidget(self.status)
        row = QHBoxLayout()
        self.check_button = QPushButton("Check e&very page now")
        self.check_button.setToolTip("Reads every page of the store and checks it has not been damaged "
                                     "(SafeSpace Desk also does this once a day)")
        self.check_button.clicked.connect(self.check_now)
        row.addWidget(self.check_button)
        row.addStretch(1)
        box.addLayout(row)

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
        line = "Every page of the store has not been checked yet; SafeSpace Desk does it once a day."
    else:
        local = last.at.astimezone(zone)
        when = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
        line = f"Last check of every page: {when}: {last.describe()}."
    if status.damaged and (last is None or last.ok):
        line += " Damage was found while the store was in use; see the red banner."
    return line
