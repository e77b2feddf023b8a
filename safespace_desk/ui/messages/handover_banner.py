"""The banner for handovers not yet acknowledged: the shell shows it on every page.

For the incoming shift: "Handover from the Night shift is waiting — Read and acknowledge ·
Ctrl+Shift+H", which opens the handover inline under the banner with an Acknowledge button.
For its author it only says the handover is waiting for the next shift. Roles without the
shift log (the paramedic) never see it.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.roles import Permission
from safespace_desk.services import handover
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.handover import HandoverView
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.formatting import day_and_time
from safespace_desk.ui.kit.forms import set_state
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import apply_page_style, label, set_text_size
from safespace_desk.ui.messages.actions import HANDOVER_KINDS, ServiceActions
from safespace_desk.ui.messages.handover_page import handover_browser
from safespace_desk.ui.messages.handover_render import handover_html

READ_HANDOVER_KEYS = "Ctrl+Shift+H"
ACK_SHOWN_MS = 8_000


class HandoverBanner(QFrame):
    changes_made = Signal(object)  # Changes: forward to the shell's apply_changes
    acknowledged = Signal(str)  # handover id
    closed = Signal()  # the reader closed unread: focus goes back to the page

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoverBanner")
        # The banner sits in the shell, outside these pages: it carries its own stylesheet.
        apply_page_style(self, name="handoverBanner")
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self.changes_made)
        self.waiting: HandoverView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 8, 14, 8)
        outer.setSpacing(6)
        row = QHBoxLayout()
        self.text = label()
        set_text_size(self.text, None, bold=True)
        row.addWidget(self.text, 1)
        self.read_button = shortcut_button("Read and acknowledge", READ_HANDOVER_KEYS, self.open_reader,
                                           parent=self, kind="primary")
        row.addWidget(self.read_button)
        outer.addLayout(row)
        self.reader_box = QWidget(self)
        reader_layout = QVBoxLayout(self.reader_box)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        self.reader = handover_browser()
        self.reader.setMinimumHeight(260)
        reader_layout.addWidget(self.reader)
        buttons = QHBoxLayout()
        self.ack_button = shortcut_button("I have read it: acknowledge", "Ctrl+Shift+A", self.acknowledge,
                                          parent=self.reader_box, kind="primary")
        self.close_button = shortcut_button("Close", None, self.close_reader, parent=self.reader_box, kind="quiet")
        self.error = label()
        self.error.setProperty("error", True)
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.error, 1)
        reader_layout.addLayout(buttons)
        outer.addWidget(self.reader_box)
        self.reader_box.hide()
        self.hide()
        self.refresh()

    def refresh(self) -> None:
        """Ask the store again (after any change, at sign-in or unlock)."""
        actor = self.actions.desk.actor
        if actor is None or not self.actions.can(Permission.SHIFT_LOG):
            self.waiting = None
            self.hide()
            return
        pending = self.actions.read(handover.pending)
        for_me = [h for h in pending if h.author_id != actor.staff_id]
        zone = self.actions.read(get_site).zone
        now = self.actions.desk.clock.now()
        if for_me:
            self.waiting = for_me[0]
            more = f" (and {len(for_me) - 1} more)" if len(for_me) > 1 else ""
            self.text.setText(f"Handover from the {self.waiting.shift_name} shift, written by "
                              f"{self.waiting.author_name} at {day_and_time(self.waiting.created_at, zone, now)}, "
                              f"is waiting to be read{more}.")
            set_state(self, "tone", "warning")
            self.read_button.show()
            self.show()
        elif pending:
            self.waiting = None
            self.text.setText("Your handover is waiting for the next shift to acknowledge it.")
            set_state(self, "tone", "info")
            self.read_button.hide()
            self.reader_box.hide()
            self.show()
        else:
            self.waiting = None
            self.reader_box.hide()
            self.hide()

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*HANDOVER_KINDS):
            self.refresh()

    def open_reader(self) -> None:
        if self.waiting is None:
            return
        view = self.actions.read(handover.get_handover, self.waiting.id)  # audited read
        site = self.actions.read(get_site)
        self.reader.setHtml(handover_html(view, site.zone, site.name))
        self.error.clear()
        self.reader_box.show()
        self.ack_button.setFocus()

    def close_reader(self) -> None:
        self.reader_box.hide()
        self.closed.emit()

    def acknowledge(self) -> None:
        if self.waiting is None:
            return
        handover_id = self.waiting.id
        try:
            self.actions.run(handover.acknowledge, handover_id)
        except DeskError as err:
            self.error.setText(err.message)
            return
        self.reader_box.hide()
        shift = self.waiting.shift_name if self.waiting else ""
        self.refresh()
        # Say it worked (finding 3: it gave no sign); the banner goes once the next change comes.
        if not self.isVisible() or self.waiting is None:
            zone = self.actions.read(get_site).zone
            when = day_and_time(self.actions.desk.clock.now(), zone, self.actions.desk.clock.now())
            self.text.setText(f"Handover from the {shift} shift acknowledged at {when}. Thank you.")
            set_state(self, "tone", "success")
            self.read_button.hide()
            self.show()
            QTimer.singleShot(ACK_SHOWN_MS, self, self._hide_confirmation)  # dropped if the banner goes first
        self.acknowledged.emit(handover_id)

    def _hide_confirmation(self) -> None:
        if self.property("tone") == "success":
            self.refresh()
