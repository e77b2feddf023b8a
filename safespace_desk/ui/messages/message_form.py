"""The side forms of the board: a new message, linking a message to a guest, withdrawing one.

Each is an inline panel (no pop-up): Ctrl+S saves, Esc goes back to the message.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.messages import MessageCategory, MessageView
from safespace_desk.services import messages
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import label, plain_text_edit, section_title
from safespace_desk.ui.messages.actions import ServiceActions
from safespace_desk.ui.messages.guest_picker import GuestPicker


class RelevantUntilEdit(QWidget):
    """'Relevant until': no end, a day (until the end of it), or a day and a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.has_end = QCheckBox("Unti&l")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.day.setAccessibleName("Relevant until, day")
        self.at_time = QCheckBox("at")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("Relevant until, time")
        for widget in (self.has_end, self.day, self.at_time, self.time):
            row.addWidget(widget)
        row.addStretch(1)
        self.has_end.toggled.connect(self._sync)
        self.at_time.toggled.connect(self._sync)
        self._sync()

    def reset(self, today: date) -> None:
        self.has_end.setChecked(False)
        self.at_time.setChecked(False)
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.time.setTime(QTime(17, 0))
        self._sync()

    def _sync(self) -> None:
        self.day.setEnabled(self.has_end.isChecked())
        self.at_time.setEnabled(self.has_end.isChecked())
        self.time.setEnabled(self.has_end.isChecked() and self.at_time.isChecked())

    def value(self, zone: ZoneInfo) -> datetime | date | None:
        if not self.has_end.isChecked():
            return None
        d = self.day.date().toPython()
        assert isinstance(d, date)
        if not self.at_time.isChecked():
            return d
        t = self.time.time().toPython()
        assert isinstance(t, time)
        return datetime.combine(d, t, tzinfo=zone)


class NewMessageForm(QWidget):
    saved = Signal(str)  # message id
    cancelled = Signal()

    def __init__(self, actions: ServiceActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._zone = ZoneInfo("UTC")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        layout.addWidget(section_title("New message"))
        general = label()
        self.errors = FieldErrors(general)
        layout.addWidget(general)

        # Labels of their own: as placeholders in a 320-pixel panel they were cut mid-word (finding 10).
        for_label = QLabel("&For: find the guest, or type the name the agency gave")
        for_label.setWordWrap(True)
        layout.addWidget(for_label)
        self.guest = GuestPicker(actions, allow_free_text=True, placeholder="Name or card")
        for_label.setBuddy(self.guest.box)
        layout.addWidget(self.guest)
        guest_error = self.errors.bind("for_name", self.guest.box)
        layout.addWidget(guest_error)
        self.errors.bind("guest", self.guest.box, guest_error)

        self.agency = QComboBox()
        self.agency.setAccessibleName("From which agency")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Name, phone")
        self.contact.setAccessibleName("Contact")
        form = QFormLayout()
        form.setSpacing(5)
        form.addRow("Fro&m", self.agency)
        form.addRow("Con&tact (optional)", self.contact)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        layout.addWidget(self.errors.bind("agency", self.agency))
        layout.addWidget(self.errors.bind("contact", self.contact))

        self.body = plain_text_edit("The message, as the agency gave it", "Message", height=90)
        layout.addWidget(self.body)
        layout.addWidget(self.errors.bind("body", self.body))

        self.category = QComboBox()
        self.category.setAccessibleName("About")
        for category in MessageCategory:
            self.category.addItem(category.label, category.value)
        self.urgent = QCheckBox("U&rgent")
        # For a victim, say: never on the board's lists or printouts, only at their own sign-in.
        self.discreet = QCheckBox("Discreet")
        self.discreet.setToolTip("Shown only to staff at this guest's own sign-in: never on the board's "
                                 "lists, the handover or a printout")
        row = QHBoxLayout()
        row.addWidget(self.category, 1)
        row.addWidget(self.urgent)
        row.addWidget(self.discreet)
        layout.addLayout(row)
        layout.addWidget(self.errors.bind("category", self.category))
        self.until = RelevantUntilEdit()
        layout.addWidget(self.until)
        layout.addWidget(self.errors.bind("relevant_until", self.until.day))

        self.save_button = shortcut_button("Save", "Ctrl+S", self.save, kind="primary", page=self)
        cancel = shortcut_button("Cancel", "Esc", self.cancelled.emit, kind="quiet", page=self)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(cancel)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        add_shortcut(self, "Ctrl+Return", self.save)

    def start(self, zone: ZoneInfo, today: date) -> None:
        self._zone = zone
        self.errors.clear()
        self.guest.reset()
        self.agency.clear()
        for agency in self._actions.read(messages.list_agencies):
            self.agency.addItem(agency.name, agency.id)
        self.agency.setCurrentIndex(-1)
        self.agency.setPlaceholderText("Choose the agency")
        self.contact.clear()
        self.body.clear()
        self.category.setCurrentIndex(self.category.findData(MessageCategory.GENERAL.value))
        self.urgent.setChecked(False)
        self.discreet.setChecked(False)
        self.until.reset(today)
        self.guest.setFocus()

    def save(self) -> None:
        self.errors.clear()
        if self.agency.currentIndex() < 0:
            self.errors.show("Choose the agency the message is from.", field="agency")
            return
        try:
            message_id, _ = self._actions.run(
                messages.post_message, agency_id=self.agency.currentData(), body=self.body.toPlainText(),
                guest_id=self.guest.guest_id, for_name=None if self.guest.guest_id else self.guest.typed_name,
                contact=self.contact.text(), category=self.category.currentData(),
                urgent=self.urgent.isChecked(), relevant_until=self.until.value(self._zone),
                discreet=self.discreet.isChecked())
        except DeskError as err:
            self.errors.show(err)
            return
        self.saved.emit(message_id)


class LinkForm(QWidget):
    """Attach a message left for a name to the guest it was meant for."""

    linked = Signal(str)  # message id
    cancelled = Signal()

    def __init__(self, actions: ServiceActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._message_id = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(section_title("Link to a guest"))
        self.about = label(muted=True)
        layout.addWidget(self.about)
        self.guest = GuestPicker(actions, allow_free_text=False, placeholder="Find the guest")
        layout.addWidget(self.guest)
        general = label()
        self.errors = FieldErrors(general)
        layout.addWidget(self.errors.bind("guest", self.guest.box))
        layout.addWidget(general)
        self.link_button = shortcut_button("Link", "Ctrl+S", self.link, kind="primary", page=self)
        cancel = shortcut_button("Cancel", "Esc", self.cancelled.emit, kind="quiet", page=self)
        row = QHBoxLayout()
        row.addWidget(self.link_button)
        row.addWidget(cancel)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def start(self, view: MessageView) -> None:
        self._message_id = view.id
        self.errors.clear()
        self.about.setText(f"Left by {view.agency} for “{view.guest_name}”. Find them on the register; "
                           "their waiting messages will then show when they come in.")
        self.guest.reset()
        self.guest.box.setText(view.guest_name or "")
        self.guest.box.textEdited.emit(self.guest.box.text())  # show matches for the given name at once
        self.guest.setFocus()

    def link(self) -> None:
        if self.guest.guest_id is None:
            self.errors.show("Choose the guest from the list (Up/Down, then Enter).", field="guest")
            return
        try:
            self._actions.run(messages.link_message, self._message_id, self.guest.guest_id)
        except DeskError as err:
            self.errors.show(err)
            return
        self.linked.emit(self._message_id)


class WithdrawForm(QWidget):
    """The agency no longer needs the message passed on: say why (it goes in the outcome line)."""

    withdrawn = Signal(str)
    cancelled = Signal()

    def __init__(self, actions: ServiceActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._message_id = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(section_title("Withdraw the message"))
        self.about = label(muted=True)
        layout.addWidget(self.about)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why, e.g. “GP rang: appointment moved”")
        self.reason.setAccessibleName("Why it is withdrawn")
        self.reason.returnPressed.connect(self.withdraw)
        layout.addWidget(self.reason)
        general = label()
        self.errors = FieldErrors(general)
        layout.addWidget(self.errors.bind("reason", self.reason))
        layout.addWidget(general)
        self.withdraw_button = shortcut_button("Withdraw", "Ctrl+S", self.withdraw, kind="danger", page=self)
        cancel = shortcut_button("Cancel", "Esc", self.cancelled.emit, kind="quiet", page=self)
        row = QHBoxLayout()
        row.addWidget(self.withdraw_button)
        row.addWidget(cancel)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def start(self, view: MessageView) -> None:
        self._message_id = view.id
        self.errors.clear()
        self.about.setText(f"From {view.agency} for {view.guest_name}. It leaves the board and the "
                           "agency's outcome line says it was withdrawn, with your reason.")
        self.reason.clear()
        self.reason.setFocus()

    def withdraw(self) -> None:
        try:
            self._actions.run(messages.withdraw, self._message_id, self.reason.text())
        except DeskError as err:
            self.errors.show(err)
            return
        self.withdrawn.emit(self._message_id)
