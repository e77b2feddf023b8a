"""Follow-ups that have fallen due, above every page of a site with the diary: "2 follow-ups due now:
18:00 Ray: call back after 6pm", with Ctrl+Shift+F to open the first in the diary; and, near the end
of opening hours, a reminder of the closing step while it has not been done."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from safespace_desk.domain.profile import Part
from safespace_desk.services import diary, sessions
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.diary import FollowUpView
from safespace_desk.services.site import get_site
from safespace_desk.ui.casework.common import CASEWORK_KINDS
from safespace_desk.ui.kit.formatting import count_of, day_and_time
from safespace_desk.ui.kit.forms import set_state
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import apply_page_style, label
from safespace_desk.ui.service_actions import ServiceActions

OPEN_KEYS = "Ctrl+Shift+F"
CHECK_EVERY_MS = 60_000  # a follow-up due at 18:00 shows by 18:01


class FollowUpBanner(QFrame):
    open_follow_up = Signal(str, str, str)  # follow-up id, guest id, text

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self, name="followUpBanner")
        self.actions = ServiceActions(desk, self)
        site = self.actions.read(get_site)
        self.zone = site.zone
        self._closing = site.settings.profile.uses(Part.SESSIONS)
        self.due: list[FollowUpView] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 6)
        self.text = label()
        self.text.setProperty("bold", True)
        row.addWidget(self.text, 1)
        self.open_button = shortcut_button("Open in the diary", OPEN_KEYS, self._open_first, parent=self,
                                           kind="primary")
        row.addWidget(self.open_button)
        set_state(self, "tone", "warning")
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.hide()

    def refresh(self) -> None:
        self.due = self.actions.read(diary.due_follow_ups)
        now = self.actions.desk.clock.now()
        closing = self.actions.read(sessions.closing_reminder) if self._closing else None
        parts = []
        if closing is not None:
            parts.append(f"Closing {day_and_time(closing.closes_at, self.zone, now)}: "
                         f"{count_of(closing.still_here, 'person', 'people')} still here. Close for the day on "
                         "the Sessions page (Ctrl+Shift+C).")
        if self.due:
            first = self.due[0]
            parts.append(f"{count_of(len(self.due), 'follow-up')} due now: "
                         f"{day_and_time(first.due_at, self.zone, now)} {first.guest_name}: {first.text}")
        self.open_button.setVisible(bool(self.due))
        self.text.setText("  ".join(parts))
        self.setVisible(bool(parts))

    def _open_first(self) -> None:
        if self.due:
            first = self.due[0]
            self.open_follow_up.emit(first.id, first.guest_id, first.text)

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*CASEWORK_KINDS):
            self.refresh()

    def stop(self) -> None:
        self.timer.stop()
