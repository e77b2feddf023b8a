"""The paramedic's page: who is in now and their waiting messages, recording a triage assessment,
and their own triage records with notes.

What a health check needs of each guest and no more: the names they go by, their flags, messages and
triage (services.visits.present_now and guests.health_check_record); never a legal name, support
notes, exclusions or how they arrived.

Need-to-know: the shell offers this page to paramedic and manager roles only. Even so, every triage
list here is built from ``triage.list_triage``, which gives other roles only that a triage took
place, so a desk or lead account can never see clinical detail through this page or
``TriageHistoryList`` (the widget a guest's record may embed).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.messages import TriageOutcome
from safespace_desk.domain.roles import Permission, Role
from safespace_desk.services import guests, messages, triage, visits
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.services.triage import TriageView
from safespace_desk.services.visits import PresentGuest
from safespace_desk.ui.kit.formatting import day_and_time, full_date_time, messages_text, until_text
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    busy_cursor,
    label,
    page_title,
    panel,
    plain_text_edit,
    section_title,
)
from safespace_desk.ui.messages.actions import TRIAGE_KINDS, ServiceActions
from safespace_desk.ui.messages.deliver_dialog import DeliverDialog
from safespace_desk.ui.messages.guest_picker import GuestPicker

PARAMEDIC_PAGE_ROLES = frozenset({Role.PARAMEDIC, Role.MANAGER})
RESTRICTED_TEXT = "A triage took place"


def _table(headers: tuple[str, ...], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class ParamedicPage(QWidget):
    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.zone = self.actions.read(get_site).zone
        self.clinical = self.actions.can(Permission.READ_TRIAGE_NOTES)
        self.records: list[TriageView] = []
        self.in_now: list[PresentGuest] = []
        self.deliver_dialog: DeliverDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        outer.addWidget(page_title("Paramedic"))
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setSpacing(12)
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(section_title("In now"))
        self.people = _table(("Name", "In since", "Bed", "Messages"), 0)
        self.people.setAccessibleName("Guests in now")
        self.people.currentCellChanged.connect(lambda row, *_: self._person_chosen(row))
        left.addWidget(self.people, 3)
        self.person_facts = label(muted=True)  # the chosen guest's other names and flags
        self.person_facts.setAccessibleName("Other names and flags")
        left.addWidget(self.person_facts)
        self.messages_title = section_title("Messages waiting")
        left.addWidget(self.messages_title)
        self.waiting = QListWidget()
        self.waiting.setAccessibleName("Their waiting messages")
        self.waiting.setWordWrap(True)
        left.addWidget(self.waiting, 2)
        self.pass_on_button = shortcut_button("Pass on…", "Ctrl+M", self.open_messages, page=self)
        left.addWidget(self.pass_on_button)
        left.addWidget(section_title("My triage records" if desk.require_actor().role is Role.PARAMEDIC
                                     else "Triage records"))
        self.records_table = _table(("When", "Guest", "Presenting need", "Outcome", "Notes"), 4)
        self.records_table.setWordWrap(True)
        self.records_table.setAccessibleName("Triage records")
        self.records_table.currentCellChanged.connect(lambda row, *_: self._record_chosen(row))
        left.addWidget(self.records_table, 3)
        self.record_notes = label(muted=True)
        left.addWidget(self.record_notes)
        body.addLayout(left, 1)
        body.addWidget(self._build_form())
        outer.addLayout(body, 1)
        self.refresh()

    def _build_form(self) -> QWidget:
        frame, layout = panel()
        frame.setFixedWidth(420)
        layout.addWidget(section_title("Record a triage"))
        if not self.actions.can(Permission.RECORD_TRIAGE):
            layout.addWidget(label("Managers read triage records here; the paramedic records them.", muted=True))
            layout.addStretch(1)
            self.form = None
            return frame
        self.form = frame
        self._guest_follows_list = True
        self._setting_guest = False
        self._setting_time = False
        self._time_touched = False
        general = label()
        self.errors = FieldErrors(general)
        self.guest = GuestPicker(self.actions, allow_free_text=False,
                                 placeholder="Chosen in the list, or type a name")
        self.guest.chosen.connect(self._guest_picked)
        self.guest.cleared.connect(self._guest_picked)
        layout.addWidget(self.guest)
        layout.addWidget(self.errors.bind("guest", self.guest.box))
        self.when = QDateTimeEdit()
        self.when.setDisplayFormat("ddd d MMM yyyy, HH:mm")
        # Not in the Tab order: typing meant for the next box changed 23:38 to 23:22 (finding 5).
        # Click it to set an earlier time; untouched, the triage is saved at the time of saving.
        self.when.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.when.dateTimeChanged.connect(self._time_edited)
        self.when.setCalendarPopup(True)
        self.when.setAccessibleName("Time of the assessment")
        layout.addWidget(label("Time", wrap=False))
        layout.addWidget(self.when)
        layout.addWidget(self.errors.bind("at", self.when))
        self.need = QLineEdit()
        self.need.setPlaceholderText("Presenting need, e.g. leg wound")
        self.need.setAccessibleName("Presenting need")
        layout.addWidget(self.need)
        layout.addWidget(self.errors.bind("presenting_need", self.need))
        self.notes = plain_text_edit("Clinical notes (seen only by the paramedic and managers)", "Notes",
                                     height=110)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.errors.bind("notes", self.notes))
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Outcome")
        for outcome in TriageOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        layout.addWidget(label("Outcome", wrap=False))
        layout.addWidget(self.outcome)
        layout.addWidget(self.errors.bind("outcome", self.outcome))
        layout.addWidget(general)
        self.save_button = shortcut_button("Save triage", "Ctrl+S", self.save_triage, kind="primary", page=self)
        add_shortcut(self, "Ctrl+Return", self.save_triage)
        layout.addWidget(self.save_button)
        self._reset_form()
        return frame

    # --- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        now = self.actions.desk.clock.now()
        self.in_now = self.actions.read(visits.present_now)
        counts = self.actions.read(messages.waiting_counts, [g.guest_id for g in self.in_now]) \
            if self.actions.can(Permission.MESSAGES) else {}
        selected = self.people.currentRow()
        self.people.setRowCount(len(self.in_now))
        for row, person in enumerate(self.in_now):
            waiting, urgent = counts.get(person.guest_id, (0, 0))
            # Flags beside the name, in the column that gives way first (large text must not scroll sideways).
            name = f"{person.name} ({_flags_text(person.flags)})" if person.flags else person.name
            cells = (name, day_and_time(person.signed_in_at, self.zone, now), person.bed or "",
                     messages_text(waiting, urgent) if waiting else "")
            for column, text in enumerate(cells):
                self.people.setItem(row, column, QTableWidgetItem(text))
        if self.in_now:
            self.people.setCurrentCell(max(0, min(selected, len(self.in_now) - 1)), 0)
        self._person_chosen(self.people.currentRow())
        self.load_records()

    def load_records(self) -> None:
        mine = self.actions.role is Role.PARAMEDIC
        self.records = self.actions.read(triage.list_triage, mine_only=mine)
        now = self.actions.desk.clock.now()
        self.records_table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            cells = (day_and_time(record.at, self.zone, now), record.guest_name,
                     RESTRICTED_TEXT if record.restricted else record.presenting_need or "",
                     "" if record.outcome is None else record.outcome.label, record.notes or "")
            for column, text in enumerate(cells):
                self.records_table.setItem(row, column, QTableWidgetItem(text))
        self.records_table.resizeRowsToContents()
        self.record_notes.setText("" if self.records else "No triage records yet.")

    def selected_person(self) -> PresentGuest | None:
        row = self.people.currentRow()
        return self.in_now[row] if 0 <= row < len(self.in_now) else None

    def _person_chosen(self, row: int) -> None:
        person = self.in_now[row] if 0 <= row < len(self.in_now) else None
        self.waiting.clear()
        if person is None:
            self.messages_title.setText("Messages waiting")
            self.person_facts.clear()
            self.pass_on_button.setEnabled(False)
            return
        record = self.actions.read(guests.health_check_record, person.guest_id)  # audited as a view
        facts = [record.preferred_name]
        if record.aliases:
            facts.append("also known as " + ", ".join(record.aliases))
        if record.flags:
            facts.append("flags: " + ", ".join(sorted(f.label for f in record.flags)))
        self.person_facts.setText(" · ".join(facts) if len(facts) > 1
                                  else f"{record.preferred_name} · no other names or flags")
        now = self.actions.desk.clock.now()
        waiting = self.actions.read(messages.waiting_for, person.guest_id)  # urgent first
        self.messages_title.setText(f"Messages waiting for {person.name} ({len(waiting)})")
        for view in waiting:
            urgent = "URGENT · " if view.urgent else ""
            self.waiting.addItem(f"{urgent}{view.agency} ({view.category.label}): {view.body}\n"
                                 f"    Relevant until: {until_text(view.relevant_until, self.zone, now)}")
        self.pass_on_button.setEnabled(bool(waiting))
        # The form follows the person chosen in the list, unless the paramedic chose someone in the
        # form itself: it used to stay on the first row's guest and save for them (finding 4).
        if self.form is not None and (self._guest_follows_list or self.guest.guest_id is None
                                      and not self.guest.typed_name):
            self._setting_guest = True
            self.guest.set_guest(person.guest_id, person.name)
            self._setting_guest = False
            self._guest_follows_list = True

    def _record_chosen(self, row: int) -> None:
        record = self.records[row] if 0 <= row < len(self.records) else None
        if record is None:
            self.record_notes.clear()
            return
        if record.restricted or not self.clinical:
            self.record_notes.setText(f"{RESTRICTED_TEXT} on {full_date_time(record.at, self.zone)}.")
            return
        # Opening one record's notes is audited by the service.
        opened = self.actions.read(triage.open_triage, record.id)
        self.record_notes.setText(f"{full_date_time(opened.at, self.zone)} · {opened.paramedic_name or ''}\n"
                                  f"Notes: {opened.notes or 'none written'}")

    # --- actions ------------------------------------------------------------------------------

    def _guest_picked(self, *_: object) -> None:
        if not self._setting_guest:
            self._guest_follows_list = False  # chosen in the form: keep it

    def _time_edited(self, *_: object) -> None:
        if not self._setting_time:
            self._time_touched = True

    def _reset_form(self) -> None:
        if self.form is None:
            return
        self._setting_guest = True
        self.guest.reset()
        self._setting_guest = False
        self._guest_follows_list = True
        self.errors.clear()
        person = self.selected_person()
        if person is not None:
            self._setting_guest = True
            self.guest.set_guest(person.guest_id, person.name)
            self._setting_guest = False
        self.need.clear()
        self.notes.clear()
        self.outcome.setCurrentIndex(0)
        local = self.actions.desk.clock.now().astimezone(self.zone)
        # The edit shows the site's wall-clock time; it is read back in the site's zone when saved.
        self._setting_time = True
        self.when.setDateTime(QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute)))
        self._setting_time = False
        self._time_touched = False

    def save_triage(self) -> str | None:
        if self.form is None:
            return None
        self.errors.clear()
        if self.guest.guest_id is None:
            self.errors.show("Choose the guest (Up/Down, then Enter).", field="guest")
            return None
        if self._time_touched:
            chosen = self.when.dateTime().toPython()
            assert isinstance(chosen, datetime)
            when = chosen.replace(tzinfo=self.zone)
        else:
            when = self.actions.desk.clock.now()
        try:
            triage_id, _ = self.actions.run(triage.record_triage, self.guest.guest_id,
                                            presenting_need=self.need.text(), outcome=self.outcome.currentData(),
                                            notes=self.notes.toPlainText(), at=when)
        except DeskError as err:
            self.errors.show(err)
            return None
        self.banner.show_message("success", f"Triage for {self.guest.typed_name} saved.")
        self._reset_form()
        return triage_id

    def open_messages(self) -> DeliverDialog | None:
        person = self.selected_person()
        if person is None:
            return None
        dialog = DeliverDialog(self.actions.desk, person.guest_id, self)
        dialog.changes_made.connect(self._after_own_change)
        self.deliver_dialog = dialog
        dialog.open()
        return dialog

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*TRIAGE_KINDS):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def focus_first(self) -> None:
        self.people.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        with busy_cursor():  # the triage records are read and decrypted here
            self.refresh()


def _flags_text(flags: frozenset[GuestFlag]) -> str:
    return ", ".join(sorted(f.short for f in flags))


class TriageHistoryList(QListWidget):
    """A guest's triage records for their record view. Roles without READ_TRIAGE_NOTES get one
    line per triage saying only that it took place (the service leaves the detail out)."""

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self.setAccessibleName("Triage")

    def show_guest(self, guest_id: str) -> None:
        self.clear()
        zone = get_site(self._desk).zone
        for record in triage.list_triage(self._desk, guest_id=guest_id, limit=20):
            when = full_date_time(record.at, zone)
            if record.restricted:
                self.addItem(f"{RESTRICTED_TEXT} · {when}")
            else:
                outcome = record.outcome.label if record.outcome else ""
                self.addItem(f"{when} · {record.presenting_need} · {outcome}")
