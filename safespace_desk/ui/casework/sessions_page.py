"""Group sessions and the closing step.

Sessions in person or online, with who came and how often each person has come in the last four
weeks (the havens' non-dependency principle). The closing step at the end of opening hours lists who
is still in the building (ticked, to be signed out), who is online, and the follow-ups for tomorrow.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.casework import VisitMode
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.when import parse_when
from safespace_desk.services import sessions
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.sessions import FREQUENCY_DAYS, SessionView
from safespace_desk.services.site import get_site
from safespace_desk.ui.casework.common import (
    CASEWORK_KINDS,
    PersonPicker,
    RowsModel,
    choice_box,
    line_edit,
    rows_table,
    wrapping_list,
)
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import count_of, day_and_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    label,
    page_title,
    panel,
    section_title,
)
from safespace_desk.ui.service_actions import ServiceActions

_VISIT = Qt.ItemDataRole.UserRole + 1


class SessionsPage(QWidget):
    changes_made = Signal(object)

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.zone = self.actions.read(get_site).zone
        self.views: list[SessionView] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        outer.addWidget(page_title("Sessions and closing"))
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        general = label()
        self.errors = FieldErrors(general)
        body = QHBoxLayout()
        body.setSpacing(14)
        body.addLayout(self._build_sessions(), 3)
        body.addWidget(self._build_closing(), 2)
        outer.addLayout(body, 1)
        outer.addWidget(general)
        add_shortcut(self, "Ctrl+N", lambda: self.title.setFocus())
        self.refresh()

    def _build_sessions(self) -> QVBoxLayout:
        layout = QVBoxLayout()
        layout.addWidget(section_title("This week and next"))
        self.model = RowsModel(("When", "Session", "Mode", "Came"))
        self.table = rows_table(self.model, "Sessions", stretch=1)
        self.table.setMinimumHeight(120)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_attendees())
        layout.addWidget(self.table, 1)
        plan = FlowLayout(spacing=6)
        self.title = line_edit("Title", "Session title", "Peer support group")
        self.when = line_edit("When? wed 18:00", "When")
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setValue(90)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes")
        self.mode = choice_box((VisitMode.IN_PERSON, VisitMode.ONLINE), "Mode")
        for widget in (self.title, self.when, self.minutes, self.mode):
            plan.addWidget(widget)
        plan.addWidget(shortcut_button("Plan session", "Ctrl+Return", self.plan, kind="primary", page=self))
        layout.addWidget(label("Plan a session · Ctrl+N", muted=True))
        layout.addLayout(plan)
        layout.addWidget(self.errors.bind("title", self.title))
        layout.addWidget(self.errors.bind("due", self.when))
        self.attendee_title = section_title("Who came")
        # It names the chosen session ("Who came to Peer support group, Wed 18:00"): wrapped, so a
        # long title in Large text never makes the page wider than the screen.
        self.attendee_title.setWordWrap(True)
        layout.addWidget(self.attendee_title)
        self.attendees = wrapping_list("Who came", min_height=90)
        layout.addWidget(self.attendees)
        add_row = QHBoxLayout()
        self.person = PersonPicker(self.actions, placeholder="Add who came: name or card")
        self.person.chosen.connect(lambda _gid, _name: self.add_attendee())
        add_row.addWidget(self.person, 1)
        add_row.addWidget(shortcut_button("Remove", "Alt+Delete", self.remove_attendee, page=self))
        layout.addLayout(add_row)
        return layout

    def _build_closing(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("Closing"))
        self.closing_text = label()
        layout.addWidget(self.closing_text)
        layout.addWidget(label("Still in the building (ticked ones are signed out)", muted=True))
        self.still_here = wrapping_list("Still in the building")
        layout.addWidget(self.still_here)
        self.online_text = label(muted=True)
        layout.addWidget(self.online_text)
        layout.addWidget(label("Follow-ups before the next opening ends", muted=True))
        self.ahead = wrapping_list("Follow-ups ahead")
        layout.addWidget(self.ahead)
        self.close_note = line_edit("A note for the record (optional)", "Closing note")
        layout.addWidget(self.close_note)
        self.close_button = shortcut_button("Sign out and close", "Ctrl+Shift+C", self.close_opening,
                                            kind="primary", page=self)
        layout.addWidget(self.close_button)
        return frame

    # --- behaviour ----------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.person.box.setFocus() if self.views else self.title.setFocus()

    def selected(self) -> SessionView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.payload(rows[0].row()) if rows else None

    def plan(self) -> str | None:
        self.errors.clear()
        try:
            starts = parse_when(self.when.text(), self.actions.desk.clock.now(), self.zone)
            session_id, _ = self.actions.run(sessions.plan_session, self.title.text(), starts, self.minutes.value(),
                                             self.mode.currentData())
        except DeskError as error:
            self.errors.show(error)
            return None
        self.when.clear()
        self.banner.show_message("success", "Session planned.")
        return session_id

    def add_attendee(self) -> None:
        view = self.selected()
        guest_id = self.person.person_id()
        if view is None or guest_id is None:
            self.errors.show("Choose a session in the list, then the person.")
            return
        try:
            attendee, _ = self.actions.run(sessions.add_attendee, view.id, guest_id)
        except DeskError as error:
            self.errors.show(error)
            return
        self.person.reset()
        often = attendee.recent_sessions
        self.banner.show_message("info" if often >= 4 else "success", f"{attendee.name} added.",
                                 f"{count_of(often, 'session')} in the last four weeks."
                                 + (" They come often: worth talking together about other support too." if often >= 4
                                    else ""))
        self.person.box.setFocus()

    def remove_attendee(self) -> None:
        view, item = self.selected(), self.attendees.currentItem()
        if view is None or item is None:
            return
        try:
            self.actions.run(sessions.remove_attendee, view.id, str(item.data(_VISIT)))
        except DeskError as error:
            self.errors.show(error)

    def close_opening(self) -> None:
        visit_ids = [str(self.still_here.item(i).data(_VISIT)) for i in range(self.still_here.count())
                     if self.still_here.item(i).checkState() == Qt.CheckState.Checked]
        try:
            self.actions.run(sessions.close_opening, sign_out=visit_ids, note=self.close_note.text())
        except DeskError as error:
            self.errors.show(error)
            return
        self.close_note.clear()
        self.banner.show_message("success", f"Closed: {count_of(len(visit_ids), 'person', 'people')} signed out.")

    def refresh(self) -> None:
        now = self.actions.desk.clock.now()
        local = now.astimezone(self.zone)
        start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        chosen = self.selected()
        self.views = self.actions.read(sessions.sessions_between, start, start + timedelta(days=14))
        self.model.set_rows(((day_and_time(v.starts_at, self.zone, now), v.title + (" (cancelled)" if v.cancelled else ""),
                              v.mode.label, str(len(v.attendees))), v) for v in self.views)
        index = next((i for i, v in enumerate(self.views) if chosen and v.id == chosen.id),
                     next((i for i, v in enumerate(self.views) if v.starts_at >= now - timedelta(hours=3)), 0))
        if self.views:
            self.table.selectRow(index)
        self._show_attendees()
        self._show_closing()

    def _show_attendees(self) -> None:
        view = self.selected()
        self.attendees.clear()
        if view is None:
            self.attendee_title.setText("Who came: plan or choose a session first")
            return
        now = self.actions.desk.clock.now()
        self.attendee_title.setText(f"Who came to {view.title}, {day_and_time(view.starts_at, self.zone, now)}")
        for attendee in view.attendees:
            item = QListWidgetItem(f"{attendee.name} · {count_of(attendee.recent_sessions, 'session')} "
                                   f"in {FREQUENCY_DAYS // 7} weeks")
            item.setData(_VISIT, attendee.guest_id)
            self.attendees.addItem(item)

    def _show_closing(self) -> None:
        summary = self.actions.read(sessions.closing_summary)
        now = self.actions.desk.clock.now()
        if summary.window is None:
            self.closing_text.setText("Open 24 hours: no closing step.")
        else:
            self.closing_text.setText(f"Opening of {summary.window.local_date:%a %-d %b} ends "
                                      f"{day_and_time(summary.window.closes_at, self.zone, now)}. Today: "
                                      f"{count_of(summary.contacts_today, 'contact')}, "
                                      f"{count_of(summary.escalations_today, 'escalation')}.")
        self.still_here.clear()
        for guest in summary.still_here:
            item = QListWidgetItem(f"{guest.name} · in since {day_and_time(guest.signed_in_at, self.zone, now)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(_VISIT, guest.visit_id)
            self.still_here.addItem(item)
        self.online_text.setText(f"Online or on the phone now: {len(summary.online_now)}")
        self.ahead.clear()
        for follow in summary.follow_ups_ahead:
            self.ahead.addItem(f"{day_and_time(follow.due_at, self.zone, now)}  {follow.guest_name}: {follow.text}")

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*CASEWORK_KINDS):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()
