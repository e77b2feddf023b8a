"""Small dialogs of the diary: escalation contacts (Ctrl+E), onward referrals (Alt+R) and the people
around the person (Alt+P). Each runs its service on the main thread and shows errors inline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.casework import CircleRole, OnwardKind, OnwardStatus
from safespace_desk.domain.errors import DeskError
from safespace_desk.services import circle, escalation, guests, support
from safespace_desk.services.site import get_site
from safespace_desk.ui.casework.common import RowsModel, choice_box, line_edit, rows_table, wrapping_list
from safespace_desk.ui.kit.formatting import day_and_time
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    WordingHints,
    apply_page_style,
    button_row,
    explanation,
    heading,
    label,
    plain_text_edit,
    set_text_size,
)
from safespace_desk.ui.service_actions import ServiceActions


class CaseworkDialog(QDialog):
    """Title, a line of explanation, the body, errors, and Cancel beside the main action."""

    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        apply_page_style(self, name="caseworkDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(24, 20, 24, 18)
        self.outer.setSpacing(8)
        self.outer.addWidget(heading(title))
        if intro:
            self.outer.addWidget(explanation(intro))
        self.banner = InlineBanner()
        self.outer.addWidget(self.banner)
        self.general = label()
        self.errors = FieldErrors(self.general)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        self.outer.addLayout(self.body, 1)
        self.outer.addWidget(self.general)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        cancel = QPushButton("Close")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.buttons.addWidget(cancel)
        self.outer.addLayout(self.buttons)

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)  # type: ignore[arg-type]
        self.fit_to_contents()

    def fit_to_contents(self) -> None:
        """Tall enough for wrapped rows and Large text: a top-level window is not resized to its
        layout's height-for-width by itself, so rows would be laid over each other."""
        layout = self.layout()
        least = layout.totalMinimumSize().height()
        height = max(layout.totalHeightForWidth(self.width()), least)
        screen = self.screen()
        if screen is not None:  # never taller than the screen (the plans' six boxes asked for 977 px)
            height = min(height, max(screen.availableGeometry().height() - 40, least))
        if self.height() < height:
            self.resize(self.width(), height)

    def add_action(self, text: str, keys: str, slot: object) -> QPushButton:
        button = shortcut_button(text, keys, slot, kind="primary", page=self)  # type: ignore[arg-type]
        self.buttons.addWidget(button)
        return button


class EscalationDialog(CaseworkDialog):
    """The site's escalation contacts, one key each; logging the call carries it into the handover."""

    def __init__(self, actions: ServiceActions, guest_id: str | None, parent: QWidget | None) -> None:
        who = actions.read(guests.get_guest, guest_id).preferred_name if guest_id else None
        super().__init__("Escalate", ("About " + who + ". " if who else "")
                         + "Call them, then log the call here: it goes into the handover.", parent)
        self._actions = actions
        self._guest_id = guest_id
        self.contacts = list(actions.read(escalation.escalation_contacts))
        self.list = wrapping_list("Escalation contacts")
        for number, contact in enumerate(self.contacts, start=1):
            item = QListWidgetItem(f"{number}  {contact.name}   {contact.number or 'number not set'}"
                                   + (f"  ({contact.note})" if contact.note else ""))
            self.list.addItem(item)
            add_shortcut(self, f"Alt+{number}", lambda row=number - 1: self._choose(row))
        self.list.setCurrentRow(0)
        self.list.currentRowChanged.connect(self._show_number)
        self.body.addWidget(label(f"Choose · Up/Down or Alt+1 to Alt+{max(1, len(self.contacts))}", muted=True))
        self.body.addWidget(self.list)
        self.number = label()
        set_text_size(self.number, "huge")
        self.body.addWidget(self.number)
        self.note = plain_text_edit("What happened and what was agreed (optional)", "Note", height=70)
        self.body.addWidget(self.note)
        self.body.addWidget(self.errors.bind("note", self.note))
        self.body.addWidget(WordingHints(self.note))
        if not self.contacts:
            self.body.addWidget(label("No escalation contacts are set: a manager adds them in Service profile."))
        self.log_button = self.add_action("Log the call", "Ctrl+Return", self.log)
        self.log_button.setEnabled(bool(self.contacts))
        self._show_number(0)
        self.list.setFocus()

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.contacts):
            self.list.setCurrentRow(row)
            self.note.setFocus()

    def _show_number(self, row: int) -> None:
        contact = self.contacts[row] if 0 <= row < len(self.contacts) else None
        self.number.setText(contact.number or "Number not set" if contact else "")

    def log(self) -> str | None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.contacts):
            return None
        try:
            escalation_id, _ = self._actions.run(escalation.use_escalation, self.contacts[row].name,
                                                 guest_id=self._guest_id, note=self.note.toPlainText())
        except DeskError as error:
            self.errors.show(error)
            return None
        self.accept()
        return escalation_id


class OnwardDialog(CaseworkDialog):
    """Refer the person on (counselling, Citizens Advice, housing, ...) and record what happened."""

    def __init__(self, actions: ServiceActions, guest_id: str, parent: QWidget | None) -> None:
        super().__init__("Refer on", "A referral to another service, then offered, accepted and seen as "
                         "they happen (the working days to an offer are counted).", parent)
        self._actions = actions
        self._guest_id = guest_id
        self.zone = actions.read(get_site).zone
        row = QHBoxLayout()
        self.kind = choice_box(OnwardKind, "Refer to")
        self.organisation = line_edit("Organisation (optional)", "Organisation")
        row.addWidget(self.kind)
        row.addWidget(self.organisation, 1)
        self.body.addLayout(row)
        self.body.addWidget(self.errors.bind("kind", self.kind))
        self.refer_button = shortcut_button("Refer", "Ctrl+Return", self.refer, kind="primary", page=self)
        self.body.addLayout(button_row(self.refer_button))
        self.model = RowsModel(("Referred", "To", "Now", "Working days to offer"))
        self.table = rows_table(self.model, "Onward referrals", stretch=1)
        self.table.setMinimumHeight(150)
        self.body.addWidget(self.table)
        steps = QGridLayout()
        for index, (status, keys) in enumerate(((OnwardStatus.OFFERED, "Alt+O"), (OnwardStatus.ACCEPTED, "Alt+A"),
                                                (OnwardStatus.SEEN, "Alt+S"), (OnwardStatus.DECLINED, "Alt+D"))):
            steps.addWidget(shortcut_button(status.label, keys, lambda s=status: self.step(s), page=self),
                            index // 2, index % 2)
        self.body.addLayout(steps)
        self.refresh()
        self.kind.setFocus()

    def refresh(self) -> None:
        _, onward = self._actions.read(support.support_of, self._guest_id)
        now = self._actions.desk.clock.now()
        self.model.set_rows(((day_and_time(o.referred_at, self.zone, now),
                              o.kind.label + (f" ({o.organisation})" if o.organisation else ""), o.status.label,
                              "" if o.working_days_to_offer is None else str(o.working_days_to_offer)), o.id)
                            for o in onward)
        if onward:
            self.table.selectRow(0)

    def refer(self) -> None:
        try:
            self._actions.run(support.refer_onward, self._guest_id, self.kind.currentData(),
                              organisation=self.organisation.text())
        except DeskError as error:
            self.errors.show(error)
            return
        self.organisation.clear()
        self.banner.show_message("success", f"Referred to {self.kind.currentText()}.")
        self.refresh()

    def step(self, status: OnwardStatus) -> None:
        rows = self.table.selectionModel().selectedRows()
        onward_id = self.model.payload(rows[0].row()) if rows else None
        if onward_id is None:
            self.errors.show("Choose a referral in the list first.")
            return
        try:
            self._actions.run(support.record_onward, onward_id, status)
        except DeskError as error:
            self.errors.show(error)
            return
        self.banner.show_message("success", f"Marked {status.label.lower()}.")
        self.refresh()


class PeopleDialog(CaseworkDialog):
    """The named worker, agency contacts and carers (carers and family only with the person's consent)."""

    def __init__(self, actions: ServiceActions, guest_id: str, parent: QWidget | None) -> None:
        super().__init__("People around them", "Their named worker, agencies' contacts, and carers or family "
                         "they want us to speak with.", parent)
        self._actions = actions
        self._guest_id = guest_id
        worker_row = QHBoxLayout()
        self.worker = QComboBox()
        self.worker.setAccessibleName("Named worker")
        self.worker.addItem("No named worker", None)
        for staff_id, name in actions.read(circle.named_workers):
            self.worker.addItem(name, staff_id)
        worker_row.addWidget(label("Named worker"))
        worker_row.addWidget(self.worker, 1)
        worker_row.addWidget(shortcut_button("Save worker", "Alt+W", self.save_worker, page=self))
        self.body.addLayout(worker_row)
        self.body.addWidget(self.errors.bind("named_worker", self.worker))
        self.setMinimumWidth(700)
        add = QHBoxLayout()
        self.role = choice_box(CircleRole, "Who they are")
        self.name = line_edit("Their name", "Name")
        self.phone = line_edit("Phone (optional)", "Phone")
        add.addWidget(self.role)
        add.addWidget(self.name, 2)
        add.addWidget(self.phone, 1)
        self.body.addLayout(add)
        self.body.addWidget(self.errors.bind("name", self.name))
        self.consent = QCheckBox("They agree we may speak with this person")
        self.body.addWidget(label("Consent is needed for carers and family.", muted=True))
        self.body.addWidget(self.consent)
        self.body.addWidget(self.errors.bind("consent", self.consent))
        self.body.addLayout(button_row(shortcut_button("Add", "Ctrl+Return", self.add, kind="primary", page=self)))
        self.model = RowsModel(("Who", "Name", "Phone", "Consent"))
        self.table = rows_table(self.model, "People around them", stretch=1)
        self.table.setMinimumHeight(130)
        self.body.addWidget(self.table, 1)
        self.body.addLayout(button_row(shortcut_button("Remove from the list", "Alt+Delete", self.remove, page=self)))
        self.refresh()
        self.role.setFocus()

    def refresh(self) -> None:
        around = self._actions.read(circle.people_around, self._guest_id)
        index = self.worker.findData(around.named_worker_id)
        self.worker.setCurrentIndex(max(0, index))
        zone = self._actions.read(get_site).zone
        now = self._actions.desk.clock.now()
        self.model.set_rows(((m.role.label, m.name, m.phone or "",
                              f"given {day_and_time(m.consent_at, zone, now)}" if m.consent_at else ""), m.id)
                            for m in around.members)

    def save_worker(self) -> None:
        try:
            self._actions.run(circle.set_named_worker, self._guest_id, self.worker.currentData())
        except DeskError as error:
            self.errors.show(error)
            return
        self.banner.show_message("success", "Named worker saved.")

    def add(self) -> None:
        try:
            self._actions.run(circle.add_to_circle, self._guest_id, self.role.currentData(), self.name.text(),
                              phone=self.phone.text(), consent=self.consent.isChecked())
        except DeskError as error:
            self.errors.show(error)
            return
        self.name.clear()
        self.phone.clear()
        self.consent.setChecked(False)
        self.banner.show_message("success", "Added.")
        self.refresh()
        self.role.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        member_id = self.model.payload(rows[0].row()) if rows else None
        if member_id is None:
            return
        try:
            self._actions.run(circle.remove_from_circle, member_id)
        except DeskError as error:
            self.errors.show(error)
            return
        self.refresh()


class RestrictDialog(CaseworkDialog):
    """A manager marks the record of someone now on the staff as restricted (peers who once used the
    service): colleagues then see only what the desk needs, and they never edit their own record."""

    def __init__(self, actions: ServiceActions, guest_id: str, parent: QWidget | None) -> None:
        record = actions.read(guests.get_guest, guest_id)
        super().__init__(f"Colleague's record · {record.preferred_name}",
                         "Is this person now on the staff? Their record is then restricted: only managers see "
                         "its details, and they cannot change their own record.", parent)
        self._actions = actions
        self._guest_id = guest_id
        self.staff = QComboBox()
        self.staff.setAccessibleName("Staff member")
        self.staff.addItem("Not a member of staff (not restricted)", None)
        for staff_id, name in actions.read(circle.named_workers):
            self.staff.addItem(name, staff_id)
        self.staff.setCurrentIndex(max(0, self.staff.findData(record.restricted_staff_id)))
        self.body.addWidget(self.staff)
        self.body.addWidget(self.errors.bind("staff", self.staff))
        self.add_action("Save", "Ctrl+Return", self.save)
        self.staff.setFocus()

    def save(self) -> None:
        try:
            self._actions.run(guests.mark_restricted, self._guest_id, self.staff.currentData())
        except DeskError as error:
            self.errors.show(error)
            return
        self.accept()
