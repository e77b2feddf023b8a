"""Expected arrivals on the desk (issue 13, item 3): who is expected, from whom, when and what they
need; a short form to add one (a guest, or a description); "came in" links the visit, "did not
arrive" closes it. Sign-in links a named guest's arrival by itself."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.arrivals import ExpectedView
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import arrivals
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, select_row, selected_row
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import day_and_time
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import muted_label
from safespace_desk.ui.messages.guest_picker import GuestPicker

# Ways people are sent to the hub, most likely first (the rest of "arrived via" follow).
_VIA_ORDER = (ArrivedVia.PRISON, ArrivedVia.HOSPITAL, ArrivedVia.HOSTEL, ArrivedVia.PROBATION,
              ArrivedVia.HOUSING, ArrivedVia.OUTREACH, ArrivedVia.POLICE, ArrivedVia.PARAMEDIC,
              ArrivedVia.SELF, ArrivedVia.OTHER)


class ExpectForm(QWidget):
    """Who (a guest, or a description), from whom, how, when, what they need."""

    saved = Signal(str)  # the expected arrival's id
    cancelled = Signal()

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expectForm")
        self._actions = actions
        self._context = context
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        general = QLabel(self)
        general.setWordWrap(True)
        self.errors = FieldErrors(general)
        self.who = GuestPicker(actions, allow_free_text=True, placeholder="A guest, or describe who is expected")
        self.from_whom = QLineEdit(self)
        self.from_whom.setPlaceholderText("e.g. HMP Nottingham, Royal Derby Hospital, a hostel")
        self.from_whom.setAccessibleName("From whom")
        self.via = QComboBox(self)
        self.via.setAccessibleName("Arriving from")
        for via in _VIA_ORDER:
            self.via.addItem(via.label, via.value)
        self.day = QDateEdit(self)
        self.day.setDisplayFormat("ddd d MMM")
        self.day.setCalendarPopup(True)
        self.day.setAccessibleName("Expected day")
        self.at = QTimeEdit(self)
        self.at.setDisplayFormat("HH:mm")
        self.at.setAccessibleName("Expected time")
        self.needs = QLineEdit(self)
        self.needs.setPlaceholderText("e.g. a bed tonight, medication, ID")
        self.needs.setAccessibleName("What they need")
        when = QHBoxLayout()
        when.setSpacing(6)
        when.addWidget(self.day, 1)
        when.addWidget(self.at)
        # Three rows, so the form fits under the list at 1366x768 without squeezing the desk:
        # who; from whom and how; when and what they need. Each field's error goes under it.
        cells: list[tuple[int, int, str, QWidget | QHBoxLayout, str, int]] = [
            (0, 0, "Who", self.who, "description", 3), (2, 0, "From", self.from_whom, "from_whom", 1),
            (2, 2, "Coming from", self.via, "via", 1), (4, 0, "When", when, "expected_at", 1),
            (4, 2, "Needs", self.needs, "needs", 1)]
        for row, column, caption, widget, field, span in cells:
            text = QLabel(caption, self)
            grid.addWidget(text, row, column)
            if isinstance(widget, QHBoxLayout):
                grid.addLayout(widget, row, column + 1, 1, span)
                bound: QWidget = self.day
            else:
                grid.addWidget(widget, row, column + 1, 1, span)
                bound = self.who.box if widget is self.who else widget
            text.setBuddy(bound)
            grid.addWidget(self.errors.bind(field, bound), row + 1, column + 1, 1, span)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        self.save_button = shortcut_button("Save", "Ctrl+Return", self.save, parent=self, kind="primary")
        self.cancel_button = shortcut_button("Cancel · Esc", None, self.cancelled.emit, parent=self, kind="quiet")
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        grid.addWidget(general, 6, 0, 1, 4)
        grid.addLayout(buttons, 7, 0, 1, 4)
        add_shortcut(self, "Esc", self.cancelled.emit)
        chain = [self.who.box, self.from_whom, self.via, self.day, self.at, self.needs, self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        for line in (self.from_whom, self.needs):
            line.returnPressed.connect(self.save)

    def start(self) -> None:
        self.errors.clear()
        self.who.reset()
        self.from_whom.clear()
        self.needs.clear()
        self.via.setCurrentIndex(0)
        now = self._context.now().astimezone(self._context.zone)
        soon = now + timedelta(hours=1)
        self.day.setDate(QDate(soon.year, soon.month, soon.day))
        self.at.setTime(QTime(soon.hour, 0))
        self.show()
        self.who.box.setFocus()

    def expected_at(self) -> datetime:
        day = self.day.date().toPython()
        at = self.at.time().toPython()
        assert isinstance(day, date) and isinstance(at, time)
        return datetime.combine(day, at, tzinfo=self._context.zone)

    def save(self) -> str | None:
        self.errors.clear()
        try:
            expected_id, _ = self._actions.run(
                arrivals.expect_arrival, from_whom=self.from_whom.text(), via=self.via.currentData(),
                expected_at=self.expected_at(), guest_id=self.who.guest_id,
                description=None if self.who.guest_id else self.who.typed_name, needs=self.needs.text())
        except DeskError as err:
            self.errors.show(err)
            return None
        self.hide()
        self.saved.emit(expected_id)
        return expected_id


class ExpectedPanel(QWidget):
    message = Signal(str, str)
    details_requested = Signal(str)

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expectedPanel")
        self._actions = actions
        self._context = context
        self.model: RecordTableModel[ExpectedView] = RecordTableModel([
            Column("When", lambda e: self._when(e), kind=lambda e: "excluded" if e.late(context.now()) else None),
            Column("Who", lambda e: e.who, tooltip=lambda e: e.who),
            Column("From", lambda e: f"{e.from_whom} ({e.via.label})", tooltip=lambda e: e.needs or ""),
        ], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        self.table = desk_table(self.model, self, stretch_column=1, name="expectedTable")
        # Who and From share the width (names and places can be long); what they need is shown below.
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_needs())
        layout.addWidget(self.table, 1)
        self.needs_text = QLabel(self)
        self.needs_text.setObjectName("expectedNeeds")
        self.needs_text.setWordWrap(True)
        layout.addWidget(self.needs_text)
        self.empty = muted_label("Nobody is expected. Add a prison release, a hospital discharge or a "
                                 "hostel swap when you hear of one.", self)
        layout.addWidget(self.empty)
        self.form = ExpectForm(actions, context, self)
        self.form.saved.connect(self._saved)
        self.form.cancelled.connect(self._close_form)
        self.form.hide()
        layout.addWidget(self.form)
        self.form.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addStretch(0)
        self.link_row = QWidget(self)
        link_layout = QHBoxLayout(self.link_row)
        link_layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Came in as:", self.link_row)
        self.link_choice = QComboBox(self.link_row)
        self.link_choice.setAccessibleName("Which guest in now")
        caption.setBuddy(self.link_choice)
        self.link_error = QLabel(self.link_row)
        self.link_error.setProperty("error", True)
        self.link_error.hide()
        link_layout.addWidget(caption)
        link_layout.addWidget(self.link_choice, 1)
        link_layout.addWidget(shortcut_button("Link", "Ctrl+Return", self._link, parent=self.link_row, kind="primary"))
        link_layout.addWidget(shortcut_button("Cancel · Esc", None, self._close_form, parent=self.link_row,
                                              kind="quiet"))
        self.link_row.hide()
        layout.addWidget(self.link_row)
        layout.addWidget(self.link_error)
        # A row that wraps: side by side the three need 780 px in Large text, more than the desk's half.
        buttons = FlowLayout()
        self.add_button = shortcut_button("Expect someone…", "Alt+A", self.start_add, parent=self, page=self)
        self.came_button = shortcut_button("Came in…", "Alt+C", self.start_link, parent=self, page=self)
        self.not_button = shortcut_button("Did not arrive", "Alt+N", self.not_arrived, parent=self, page=self)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.came_button)
        buttons.addWidget(self.not_button)
        layout.addLayout(buttons)

    def _when(self, e: ExpectedView) -> str:
        now = self._context.now()
        text = day_and_time(e.expected_at, self._context.zone, now)
        if e.late(now):
            return f"{text} · late"
        return text if e.due(now) else f"{text} · later"

    def refresh(self) -> None:
        current = self.selected()
        records = self._actions.read(arrivals.open_arrivals)
        self.model.set_records(records)
        ids = [e.id for e in records]
        select_row(self.table, ids.index(current.id) if current and current.id in ids else 0)
        self.empty.setVisible(not records)
        self._show_needs()
        self.came_button.setEnabled(bool(records))
        self.not_button.setEnabled(bool(records))

    def _show_needs(self) -> None:
        chosen = self.selected()
        self.needs_text.setText(f"{chosen.who} needs: {chosen.needs}" if chosen and chosen.needs else "")
        self.needs_text.setVisible(bool(chosen and chosen.needs))

    def due_count(self) -> int:
        now = self._context.now()
        return sum(1 for e in self.model.records if e.due(now))

    def selected(self) -> ExpectedView | None:
        return self.model.record(selected_row(self.table))

    def start_add(self) -> None:
        self.link_row.hide()
        self.form.start()
        self._show_actions(False)

    def _show_actions(self, shown: bool) -> None:
        # While the form is open it takes the list's place (the desk is held to the screen's height),
        # and its own buttons are the ones to use.
        for button in (self.add_button, self.came_button, self.not_button):
            button.setVisible(shown)
        adding = not shown and not self.form.isHidden()
        self.table.setVisible(not adding)
        if adding:
            self.needs_text.hide()
            self.empty.hide()

    def _saved(self, _expected_id: str) -> None:
        self._show_actions(True)
        self.table.setFocus()
        self.message.emit("success", "Expected arrival added: it shows here and in the handover.")

    def _close_form(self) -> None:
        self.form.hide()
        self._show_actions(True)
        self.refresh()
        self.link_row.hide()
        self.link_error.hide()
        self.table.setFocus()

    def start_link(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self.form.hide()
        self.link_choice.clear()
        for guest in self._context.in_now:
            self.link_choice.addItem(guest.name, guest.visit_id)
            if guest.guest_id == chosen.guest_id:
                self.link_choice.setCurrentIndex(self.link_choice.count() - 1)
        if self.link_choice.count() == 0:
            self.message.emit("warning", "Nobody is signed in: sign them in first (a named guest is linked "
                                         "by itself).")
            return
        self.link_error.hide()
        self._show_actions(False)
        self.link_row.show()
        self.link_choice.setFocus()

    def _link(self) -> None:
        chosen = self.selected()
        visit_id = self.link_choice.currentData()
        if chosen is None or visit_id is None:
            return
        try:
            self._actions.run(arrivals.link_arrival, chosen.id, visit_id)
        except DeskError as err:
            self.link_error.setText(err.message)
            self.link_error.show()
            return
        self._close_form()
        self.message.emit("success", f"{chosen.who}: linked to the visit of {self.link_choice.currentText()}.")

    def not_arrived(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        try:
            self._actions.run(arrivals.mark_not_arrived, chosen.id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("info", f"{chosen.who}: marked as not arrived.")
