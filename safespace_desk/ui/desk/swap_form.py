"""A hostel swap from the In now tab (issue 13, item 4): the chosen guest leaves for a hostel place and
someone from that hostel is expected here, in one step."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QHBoxLayout, QLabel, QTimeEdit, QWidget

from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.errors import DeskError
from safespace_desk.services import moves
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.messages.guest_picker import GuestPicker


class SwapForm(QWidget):
    done = Signal(str)  # what to tell staff
    cancelled = Signal()

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("swapForm")
        self._actions = actions
        self._context = context
        self._visit_id: str | None = None
        self._leaving = ""
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.hostel = QComboBox(self)
        self.hostel.setAccessibleName("To the hostel")
        self.incoming = GuestPicker(actions, allow_free_text=True, placeholder="Who comes from there (or describe)")
        self.day = QDateEdit(self)
        self.day.setDisplayFormat("ddd d MMM")
        self.day.setAccessibleName("Expected day")
        self.at = QTimeEdit(self)
        self.at.setDisplayFormat("HH:mm")
        self.at.setAccessibleName("Expected time")
        general = QLabel(self)
        general.setWordWrap(True)
        self.errors = FieldErrors(general)
        # Compact (three rows), so the In now tab keeps its height at 1366x768.
        grid.addWidget(self.title, 0, 0, 1, 5)
        to = QLabel("To", self)
        to.setBuddy(self.hostel)
        grid.addWidget(to, 1, 0)
        grid.addWidget(self.hostel, 1, 1)
        when = QLabel("Expected", self)
        when.setBuddy(self.day)
        grid.addWidget(when, 1, 2)
        grid.addWidget(self.day, 1, 3)
        grid.addWidget(self.at, 1, 4)
        grid.addWidget(self.errors.bind("hostel", self.hostel), 2, 1)
        grid.addWidget(self.errors.bind("expected_at", self.day), 2, 3, 1, 2)
        who = QLabel("Coming in", self)
        who.setBuddy(self.incoming.box)
        grid.addWidget(who, 3, 0)
        grid.addWidget(self.incoming, 3, 1, 1, 4)
        grid.addWidget(self.errors.bind("description", self.incoming.box), 4, 1, 1, 4)
        grid.addWidget(general, 5, 0, 1, 5)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(shortcut_button("Cancel · Esc", None, self.cancelled.emit, parent=self, kind="quiet"))
        self.save_button = shortcut_button("Record the swap", "Ctrl+Return", self.save, parent=self, kind="primary")
        buttons.addWidget(self.save_button)
        grid.addLayout(buttons, 6, 0, 1, 5)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        add_shortcut(self, "Esc", self.cancelled.emit)
        chain = [self.hostel, self.incoming.box, self.day, self.at, self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def start(self, visit_id: str, name: str) -> None:
        self._visit_id, self._leaving = visit_id, name
        self.errors.clear()
        self.title.setText(f"Hostel swap: {name} leaves for a hostel place as someone from there comes here.")
        self.hostel.clear()
        for place in self._actions.read(moves.destinations):
            if place.kind is DestinationKind.HOSTEL:
                self.hostel.addItem(place.name)
        self.incoming.reset()
        soon = (self._context.now() + timedelta(hours=1)).astimezone(self._context.zone)
        self.day.setDate(QDate(soon.year, soon.month, soon.day))
        self.at.setTime(QTime(soon.hour, 0))
        self.show()
        self.hostel.setFocus()

    def expected_at(self) -> datetime:
        day, at = self.day.date().toPython(), self.at.time().toPython()
        assert isinstance(day, date) and isinstance(at, time)
        return datetime.combine(day, at, tzinfo=self._context.zone)

    def save(self) -> None:
        self.errors.clear()
        if self._visit_id is None:
            return
        try:
            self._actions.run(moves.hostel_swap, self._visit_id, self.hostel.currentText(),
                              expected_at=self.expected_at(), incoming_guest_id=self.incoming.guest_id,
                              incoming_description=None if self.incoming.guest_id else self.incoming.typed_name)
        except DeskError as err:
            self.errors.show(err)
            return
        self.hide()
        self.done.emit(f"{self._leaving} signed out to {self.hostel.currentText()}; the person coming from there "
                       "is on the Expected tab.")
