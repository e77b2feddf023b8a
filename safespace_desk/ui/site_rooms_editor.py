"""The list of rooms on Site settings (issue 13, item 5): add, rename, retire, bring back or remove a room.
Each change is saved at once by its own service (services/rooms.py), with its history shown under the
list; a room with bookings is retired, never removed."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import rooms
from safespace_desk.services.context import Changes
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.widgets import InlineBanner, muted_label
from safespace_desk.ui.service_actions import ServiceActions

ROOM_ROLE = Qt.ItemDataRole.UserRole
SHOWN_CHANGES = 6


class RoomsEditor(QWidget):
    def __init__(self, actions: ServiceActions, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._zone = zone
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.banner = InlineBanner()
        layout.addWidget(self.banner)
        self.list = QListWidget()
        self.list.setObjectName("roomsList")
        self.list.setAccessibleName("Rooms")
        self.list.setMinimumHeight(140)
        self.list.currentItemChanged.connect(self._enable)
        layout.addWidget(self.list)
        self.name = QLineEdit()
        self.name.setAccessibleName("Room name")
        self.name.setPlaceholderText("A new room, or the new name of the one chosen")
        self.name.setMaxLength(80)
        self.name.textChanged.connect(self._enable)
        layout.addWidget(self.name)
        buttons = FlowLayout()
        self.add_button = self._button("Add room", buttons, lambda: self._run(rooms.add_room, self.name.text(),
                                                                              done="Added {typed}."))
        self.rename_button = self._button("Rename", buttons, lambda: self._run(
            rooms.rename_room, self._chosen(), self.name.text(), done="Renamed {chosen} {typed}."))
        self.retire_button = self._button("Retire", buttons, lambda: self._run(
            rooms.retire_room, self._chosen(), done="Retired {chosen}: its bookings stay; it is offered for no new ones."))
        self.back_button = self._button("Bring back", buttons, lambda: self._run(
            rooms.bring_back_room, self._chosen(), done="{chosen} is offered for bookings again."))
        self.remove_button = self._button("Remove", buttons, lambda: self._run(
            rooms.remove_room, self._chosen(), done="Removed {chosen}."))
        self.remove_button.setToolTip("Only a room that never had a booking (added by mistake). Retire the others.")
        holder = QWidget()
        holder.setLayout(buttons)
        layout.addWidget(holder)
        self.history = muted_label()
        layout.addWidget(self.history)
        self.load()

    def _button(self, text: str, row: FlowLayout, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def load(self, select: str | None = None) -> None:
        chosen = select or self._chosen()
        listed = self._actions.read(rooms.room_list)
        self.list.clear()
        for name in listed.rooms:
            self._add_item(name, name)
        for name in listed.retired:
            self._add_item(f"{name} (retired: kept with its bookings)", name)
        for row in range(self.list.count()):
            if self.list.item(row).data(ROOM_ROLE) == chosen:
                self.list.setCurrentRow(row)
        changes = [f"{full_date_time(c.when, self._zone)} · {c.describe()}"
                   for c in reversed(listed.history[-SHOWN_CHANGES:])]
        self.history.setText("Changes, newest first:\n" + "\n".join(changes) if changes else
                             "No changes to the list yet.")
        self._retired = set(listed.retired)
        self._enable()

    def _add_item(self, text: str, name: str) -> None:
        item = QListWidgetItem(text)
        item.setData(ROOM_ROLE, name)
        self.list.addItem(item)

    def _chosen(self) -> str:
        item = self.list.currentItem()
        return str(item.data(ROOM_ROLE)) if item is not None else ""

    def _enable(self) -> None:
        chosen = self._chosen()
        typed = bool(self.name.text().strip())
        retired = chosen in getattr(self, "_retired", set())
        self.add_button.setEnabled(typed)
        self.rename_button.setEnabled(bool(chosen) and typed)
        self.retire_button.setEnabled(bool(chosen) and not retired)
        self.back_button.setEnabled(retired)
        self.remove_button.setEnabled(bool(chosen))

    def _run(self, call: Callable[..., Changes], *args: str, done: str) -> bool:
        chosen, typed = self._chosen(), " ".join(self.name.text().split())
        try:
            self._actions.run(call, *args)
        except DeskError as error:
            self.banner.show_message("danger", error.message)
            return False
        self.name.clear()
        self.load(select=typed if call in (rooms.add_room, rooms.rename_room) else None)
        self.banner.show_message("success", done.format(chosen=chosen, typed=typed))
        return True
