"""Rooms and appointments (issue 13, item 5): a day's calendar of the clinical room, the appointment rooms
and online sessions; book a room for a guest's appointment (with a message carrying it, shown at their
sign-in) or an agency's session; record attended, missed or cancelled."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.appointments import AppointmentState, Booking
from safespace_desk.domain.errors import DeskError
from safespace_desk.services import appointments, messages
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import SITE, get_site
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, selected_row
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    label,
    page_title,
    panel,
    section_title,
)
from safespace_desk.ui.messages.guest_picker import GuestPicker


class RoomsPage(QWidget):
    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = DeskActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.zone = self.actions.read(get_site).zone
        self.day = desk.clock.now().astimezone(self.zone).date()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        top = QHBoxLayout()
        self.title = page_title("Rooms")
        top.addWidget(self.title, 1)
        top.addWidget(shortcut_button("◀ Day before", "Ctrl+PgUp", lambda: self.move(-1), page=self))
        top.addWidget(shortcut_button("Today", "Ctrl+Home", self.today, page=self))
        top.addWidget(shortcut_button("Day after ▶", "Ctrl+PgDown", lambda: self.move(1), page=self))
        outer.addLayout(top)
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setSpacing(12)
        left = QVBoxLayout()
        self.model: RecordTableModel[Booking] = RecordTableModel([
            Column("Time", lambda b: f"{b.starts_at.astimezone(self.zone):%H:%M}–{b.ends_at.astimezone(self.zone):%H:%M}"),
            Column("Room", lambda b: b.room),
            Column("What, for whom", lambda b: f"{b.what} · {b.guest_name or 'session'}",
                   tooltip=lambda b: f"{b.what} ({b.agency}) · {b.guest_name or 'an agency session'}"),
            Column("", lambda b: b.state.label),
        ], self)
        self.table = desk_table(self.model, self, stretch_column=2, name="roomCalendar")
        self.table.setWordWrap(True)
        left.addWidget(self.table, 1)
        self.empty = label("Nothing booked this day.", muted=True)
        left.addWidget(self.empty)
        marks = QHBoxLayout()
        for text, keys, state in (("Attended", "Alt+T", AppointmentState.ATTENDED),
                                  ("Missed", "Alt+M", AppointmentState.MISSED),
                                  ("Cancel", "Alt+K", AppointmentState.CANCELLED)):
            marks.addWidget(shortcut_button(text, keys, lambda _=False, s=state: self.mark(s), page=self))
        marks.addStretch(1)
        left.addLayout(marks)
        body.addLayout(left, 1)
        body.addWidget(self._build_form(), 1)
        outer.addLayout(body, 1)
        self.refresh()

    def _build_form(self) -> QWidget:
        frame, layout = panel()
        # The calendar gets the rest of the width; at 440 px the agency and the placeholders were cut
        # in Large text.
        frame.setMaximumWidth(520)
        layout.addWidget(section_title("Book a room"))
        general = label()
        self.errors = FieldErrors(general)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.what = QLineEdit()
        self.what.setPlaceholderText("e.g. Dentist, housing advice")
        self.what.setAccessibleName("What it is")
        self.agency = QComboBox()
        self.agency.setAccessibleName("Agency")
        self.agency.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.agency.setMinimumContentsLength(12)
        for row in self.actions.read(messages.list_agencies):
            self.agency.addItem(row.name, row.id)
        self.guest = GuestPicker(self.actions, allow_free_text=False, placeholder="A guest (none: a session)")
        self.when_day = QDateEdit()
        self.when_day.setDisplayFormat("ddd d MMM")
        self.when_day.setAccessibleName("Day")
        self.when_time = QTimeEdit()
        self.when_time.setDisplayFormat("HH:mm")
        self.when_time.setAccessibleName("Time")
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 480)
        self.minutes.setSingleStep(5)
        self.minutes.setValue(30)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes")
        self.room = QComboBox()
        self.room.setAccessibleName("Room")
        self._fill_rooms()
        # The length on a row of its own: three fields on one row cut the day short in Large text.
        when = QHBoxLayout()
        when.addWidget(self.when_day, 1)
        when.addWidget(self.when_time)
        rows: list[tuple[str, QWidget | QHBoxLayout, str]] = [
            ("What", self.what, "what"), ("Agency", self.agency, "agency"), ("Guest", self.guest, "guest"),
            ("When", when, "starts_at"), ("How long", self.minutes, "minutes"), ("Room", self.room, "room")]
        for row, (caption, widget, field) in enumerate(rows):
            text = QLabel(caption)
            grid.addWidget(text, row * 2, 0)
            if isinstance(widget, QHBoxLayout):
                grid.addLayout(widget, row * 2, 1)
                bound: QWidget = self.when_day
            else:
                grid.addWidget(widget, row * 2, 1)
                bound = self.guest.box if widget is self.guest else widget
            text.setBuddy(bound)
            grid.addWidget(self.errors.bind(field, bound), row * 2 + 1, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.with_message = QCheckBox("Leave the guest a message about it")
        self.with_message.setToolTip("Shown on the board and when they come in; at sign-in that day too")
        self.with_message.setChecked(True)
        layout.addWidget(self.with_message)
        layout.addWidget(general)
        layout.addWidget(shortcut_button("Book", "Ctrl+S", self.book, kind="primary", page=self))
        layout.addStretch(1)
        return frame

    def starts_at(self) -> datetime:
        day, at = self.when_day.date().toPython(), self.when_time.time().toPython()
        assert isinstance(day, date) and isinstance(at, time)
        return datetime.combine(day, at, tzinfo=self.zone)

    def book(self) -> str | None:
        self.errors.clear()
        try:
            booking_id, _ = self.actions.run(
                appointments.book, what=self.what.text(), agency_id=self.agency.currentData(),
                starts_at=self.starts_at(), minutes=self.minutes.value(), room=self.room.currentText(),
                guest_id=self.guest.guest_id, with_message=self.with_message.isChecked() and bool(self.guest.guest_id))
        except DeskError as err:
            self.errors.show(err)
            return None
        self.day = self.when_day.date().toPython()  # type: ignore[assignment]
        self.banner.show_message("success", f"Booked: {self.what.text()} in {self.room.currentText()}.")
        self.what.clear()
        self.guest.reset()
        self.refresh()
        return booking_id

    def mark(self, state: AppointmentState) -> None:
        chosen = self.model.record(selected_row(self.table))
        if chosen is None:
            return
        try:
            self.actions.run(appointments.mark, chosen.id, state)
        except DeskError as err:
            self.banner.show_message("danger", err.message)
            return
        self.banner.show_message("success", f"{chosen.what}: {state.label.lower()}.")

    def move(self, days: int) -> None:
        self.day = self.day + timedelta(days=days)
        self.refresh()

    def today(self) -> None:
        self.day = self.actions.desk.clock.now().astimezone(self.zone).date()
        self.refresh()

    def refresh(self) -> None:
        rows = self.actions.read(appointments.day_calendar, self.day)
        self.model.set_records(rows)
        self.empty.setVisible(not rows)
        self.title.setText(f"Rooms · {self.day:%A %-d %B}")
        if not self.what.text():
            self.when_day.setDate(QDate(self.day.year, self.day.month, self.day.day))
            self.when_time.setTime(QTime(10, 0))

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(SITE):  # a manager added, renamed or retired a room
            self._fill_rooms()
        if changes.touches(appointments.APPOINTMENT, SITE):
            self.refresh()

    def _fill_rooms(self) -> None:
        chosen = self.room.currentText()
        self.room.clear()
        self.room.addItems(self.actions.read(appointments.rooms))
        if chosen:
            self.room.setCurrentText(chosen)

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def focus_first(self) -> None:
        self.what.setFocus()


def build_rooms_page(desk: DeskContext, shell: object) -> RoomsPage:
    page = RoomsPage(desk)
    page.changes_made.connect(shell.apply_changes)  # type: ignore[attr-defined]
    shell.changes_applied.connect(page.apply_changes)  # type: ignore[attr-defined]
    return page
