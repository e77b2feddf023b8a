"""Choose a guest by typing a few letters (the desk's own search), or keep a typed name.

Up/Down move through the matches, Enter picks one, Esc clears the choice. The list sits inline
under the box (no popup), so it never covers the form and behaves the same everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from safespace_desk.domain.roles import Permission
from safespace_desk.services import guests, search
from safespace_desk.services.search import PickedGuest
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.formatting import messages_text, tell_apart
from safespace_desk.ui.kit.forms import set_state
from safespace_desk.ui.kit.widgets import label
from safespace_desk.ui.messages.actions import ServiceActions

_MATCHES = 6
_GUEST_ID = Qt.ItemDataRole.UserRole + 1


class GuestPicker(QWidget):
    chosen = Signal(str, str)  # guest id, name
    cleared = Signal()

    def __init__(self, actions: ServiceActions, *, allow_free_text: bool, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._allow_free_text = allow_free_text
        self._guest_id: str | None = None
        self._guest_name = ""
        self._setting_text = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.box = QLineEdit(self)
        self.box.setPlaceholderText(placeholder)
        self.box.setAccessibleName("Guest")
        self.box.setClearButtonEnabled(True)
        layout.addWidget(self.box)
        self.matches = QListWidget(self)
        self.matches.setAccessibleName("Matching guests")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the box keeps focus; arrows move the list
        self.matches.setMaximumHeight(150)
        self.matches.hide()
        layout.addWidget(self.matches)
        self.status = label(muted=True)
        layout.addWidget(self.status)
        self.box.textEdited.connect(self._on_edited)
        self.box.returnPressed.connect(self.pick_highlighted)
        self.box.installEventFilter(self)
        self.matches.itemClicked.connect(self._pick_item)
        self._show_status()

    # --- value --------------------------------------------------------------------------------

    @property
    def guest_id(self) -> str | None:
        return self._guest_id

    @property
    def typed_name(self) -> str:
        return self.box.text().strip()

    def set_guest(self, guest_id: str | None, name: str = "") -> None:
        self._guest_id = guest_id
        self._guest_name = name if guest_id else ""
        self._setting_text = True
        self.box.setText(name)
        self._setting_text = False
        self.matches.hide()
        self._show_status()
        if guest_id:
            self.chosen.emit(guest_id, name)

    def reset(self) -> None:
        self.set_guest(None)
        self.box.clear()
        self._show_status()

    def setFocus(self) -> None:  # type: ignore[override]
        self.box.setFocus()

    # --- searching ----------------------------------------------------------------------------

    def _on_edited(self, text: str) -> None:
        if self._guest_id is not None:
            self._guest_id = None
            self.cleared.emit()
        typed = text.strip()
        hits: list[PickedGuest] = self._actions.read(search.pick_guests, typed, _MATCHES) if len(typed) >= 2 else []
        self.matches.clear()
        names = [hit.name.casefold() for hit in hits]
        for hit in hits:
            text = self._hit_text(hit)
            if names.count(hit.name.casefold()) > 1:
                text += "\n    " + self._tell_apart(hit)
            item = QListWidgetItem(text)
            item.setData(_GUEST_ID, hit.guest_id)
            item.setData(Qt.ItemDataRole.UserRole + 2, hit.name)
            self.matches.addItem(item)
        self.matches.setVisible(bool(hits))
        if hits:
            self.matches.setCurrentRow(0)
        self._show_status()

    @staticmethod
    def _hit_text(hit: PickedGuest) -> str:
        parts = [hit.name + (f" (also {hit.also_known_as})" if hit.also_known_as else "")]
        if hit.in_since is not None:
            parts.append("in now")
        if hit.messages_waiting:
            parts.append(messages_text(hit.messages_waiting, hit.urgent_messages))
        return " · ".join(parts)

    def _tell_apart(self, hit: PickedGuest) -> str:
        """Two people of the same name: their other names, and for roles that may read the record,
        year of birth, last visit and card. The service audits each record read."""
        desk = self._actions.desk
        zone = self._actions.read(get_site).zone
        if self._actions.can(Permission.READ_GUEST_RECORD):
            record = self._actions.read(guests.get_guest, hit.guest_id)
            return tell_apart(record.aliases, record.birth_year, record.last_seen_at, record.card_code, zone,
                              desk.clock.now())
        # The paramedic: what a health check may see (other names), never more.
        named = self._actions.read(guests.health_check_record, hit.guest_id)
        return tell_apart(named.aliases, None, None, None, zone, desk.clock.now(), seen_known=False)

    def pick_highlighted(self) -> None:
        item = self.matches.currentItem() if self.matches.isVisible() else None
        if item is not None:
            self._pick_item(item)

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.set_guest(str(item.data(_GUEST_ID)), str(item.data(Qt.ItemDataRole.UserRole + 2)))

    def _show_status(self) -> None:
        if self._guest_id:
            text, state = f"Chosen: {self._guest_name} (on the register). Esc to change.", "done"
        elif self.typed_name and self._allow_free_text:
            text, state = ("Not chosen from the register: the message is kept for this name "
                           "and can be linked later."), ""
        elif self._allow_free_text:
            text, state = "Type two or three letters, Up/Down, Enter to choose. Or type the name given.", ""
        else:
            text, state = "Type two or three letters, Up/Down, Enter to choose.", ""
        self.status.setText(text)
        set_state(self.status, "done", state == "done")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.ShortcutOverride:
            # Esc clears the choice first; only a second Esc reaches the form's Cancel.
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and (self._guest_id or self.box.text()):
                event.accept()
                return True
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.matches.isVisible():
                step = -1 if key == Qt.Key.Key_Up else 1
                row = max(0, min(self.matches.currentRow() + step, self.matches.count() - 1))
                self.matches.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape and (self._guest_id or self.box.text()):
                self.reset()
                return True
        return super().eventFilter(watched, event)

