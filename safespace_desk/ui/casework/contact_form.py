"""Log a contact in a few keys: Alt+1..4 for the kind, the minutes, Tab to the outcome, notes if
any, a follow-up if one is needed ("tue 18:00"), Ctrl+Enter. Practical support in one key more."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QPushButton,
    QSpinBox,
    QWidget,
)

from safespace_desk.domain.casework import ContactKind, ContactOutcome, SupportKind
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.when import parse_when
from safespace_desk.services import circle, diary, support
from safespace_desk.ui.casework.common import choice_box, line_edit
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, native_keys, shortcut_button
from safespace_desk.ui.kit.widgets import WordingHints, label, panel, plain_text_edit, section_title
from safespace_desk.ui.service_actions import ServiceActions

KIND_KEYS = {ContactKind.CALL_IN: "Alt+1", ContactKind.CALL_OUT: "Alt+2", ContactKind.VISIT: "Alt+3",
             ContactKind.VIRTUAL: "Alt+4"}
QUICK_SUPPORT = ((SupportKind.FOOD_PACK, "Alt+F"), (SupportKind.ELECTRIC_TOPUP, "Alt+E"),
                 (SupportKind.GAS_TOPUP, "Alt+G"), (SupportKind.CLOTHING_PACK, "Alt+L"))


class ContactForm(QWidget):
    logged = Signal(str)  # a contact id
    supported = Signal(str)  # a support id

    def __init__(self, actions: ServiceActions, page: QWidget, zone: ZoneInfo) -> None:
        super().__init__()
        self._actions = actions
        self._zone = zone
        self._guest_id: str | None = None
        self._completes: str | None = None
        self.frame, layout = panel(self)
        outer = QGridLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.frame)
        self.title = section_title("Log a contact")
        layout.addWidget(self.title)
        layout.addWidget(label(f"Kind · {native_keys('Alt+1')} to {native_keys('Alt+4')}", muted=True))
        chips = FlowLayout(spacing=6)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[ContactKind, QPushButton] = {}
        for number, kind in enumerate(ContactKind, start=1):
            chip = QPushButton(f"{number} {kind.label}")
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chip.setToolTip(f"{kind.label} ({native_keys(KIND_KEYS[kind])})")
            self.kind_group.addButton(chip)
            self.kind_buttons[kind] = chip
            chips.addWidget(chip)
            add_shortcut(page, KIND_KEYS[kind], lambda k=kind: self.choose_kind(k))
        layout.addLayout(chips)
        general = label()
        self.errors = FieldErrors(general)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes")
        self.outcome = choice_box(ContactOutcome, "Outcome", none_text="Outcome (optional)")
        # A carer (with the person's consent) may be the one on the phone: the contact is theirs.
        self.with_whom = QComboBox()
        self.with_whom.setAccessibleName("With")
        grid.addWidget(label("Minutes"), 0, 0)
        grid.addWidget(label("Outcome"), 0, 1)
        grid.addWidget(label("With"), 0, 2)
        grid.addWidget(self.minutes, 1, 0)
        grid.addWidget(self.outcome, 1, 1)
        grid.addWidget(self.with_whom, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        layout.addWidget(self.errors.bind("minutes", self.minutes))
        self.notes = plain_text_edit("Notes, if any: what was talked about, what helped", "Notes", height=64)
        self.notes.setMaximumHeight(110)
        layout.addWidget(self.notes)
        layout.addWidget(self.errors.bind("notes", self.notes))
        layout.addWidget(WordingHints(self.notes))
        follow = QGridLayout()
        follow.setHorizontalSpacing(10)
        self.follow_when = line_edit("When? tue 18:00", "Follow up when")
        self.follow_text = line_edit("Follow up: call back after 6pm", "Follow-up")
        follow.addWidget(label("Follow-up (optional)"), 0, 0, 1, 2)
        follow.addWidget(self.follow_when, 1, 0)
        follow.addWidget(self.follow_text, 1, 1)
        follow.setColumnStretch(1, 2)
        follow.setColumnStretch(0, 1)
        layout.addLayout(follow)
        layout.addWidget(self.errors.bind("due", self.follow_when))
        layout.addWidget(self.errors.bind("follow_up", self.follow_text))
        layout.addWidget(general)
        self.log_button = shortcut_button("Log contact", "Ctrl+Return", self.log, kind="primary", page=page)
        self.completes_text = label(muted=True)
        layout.addWidget(self.completes_text)
        layout.addWidget(self.log_button)
        layout.addWidget(section_title("Practical support"))
        quick = FlowLayout(spacing=6)
        self.amount = line_edit("£", "Amount in pounds", "10")
        self.amount.setMaximumWidth(90)
        quick.addWidget(label("Top-up £"))
        quick.addWidget(self.amount)
        for kind, keys in QUICK_SUPPORT:
            quick.addWidget(shortcut_button(kind.label, keys, lambda k=kind: self.give(k), page=page))
        layout.addLayout(quick)
        layout.addWidget(self.errors.bind("amount", self.amount))
        self.set_person(None)

    # --- state --------------------------------------------------------------------------------

    def set_person(self, guest_id: str | None, name: str = "", completes: tuple[str, str] | None = None) -> None:
        """Whom the next contact is with; ``completes`` (follow-up id, text) is answered by it."""
        self._guest_id = guest_id
        self.with_whom.clear()
        self.with_whom.addItem(name or "Them", None)
        if guest_id is not None:
            for member in self._actions.read(circle.people_around, guest_id).members:
                if member.role.needs_consent and member.consent_at is not None:
                    self.with_whom.addItem(f"{member.name} ({member.role.label.lower()})", member.id)
        self._completes = completes[0] if completes else None
        self.completes_text.setText(f"Logging this contact completes the follow-up “{completes[1]}”."
                                    if completes else "")
        self.completes_text.setVisible(bool(completes))
        self.title.setText(f"Log a contact with {name}" if guest_id else "Log a contact: find the person first")
        self.frame.setEnabled(guest_id is not None)
        self.errors.clear()

    def choose_kind(self, kind: ContactKind) -> None:
        if self._guest_id is None:
            return
        self.kind_buttons[kind].setChecked(True)
        self.minutes.setFocus()
        self.minutes.selectAll()

    def chosen_kind(self) -> ContactKind | None:
        return next((k for k, b in self.kind_buttons.items() if b.isChecked()), None)

    # --- actions ------------------------------------------------------------------------------

    def log(self) -> str | None:
        if self._guest_id is None:
            return None
        self.errors.clear()
        kind = self.chosen_kind()
        if kind is None:
            self.errors.show("Choose the kind of contact: Alt+1 to Alt+4.")
            return None
        try:
            due = None
            if self.follow_when.text().strip() or self.follow_text.text().strip():
                due = parse_when(self.follow_when.text(), self._actions.desk.clock.now(), self._zone)
            outcome = self.outcome.currentData()
            result = self._actions.run(diary.log_contact, self._guest_id, kind, minutes=self.minutes.value() or None,
                                       outcome=outcome, notes=self.notes.toPlainText(),
                                       with_circle_id=self.with_whom.currentData(),
                                       follow_up=self.follow_text.text() or None, follow_up_due=due,
                                       completes_follow_up=self._completes)
        except DeskError as error:
            self.errors.show(error)
            return None
        self.clear()
        self.logged.emit(result.contact_id)
        return result.contact_id

    def give(self, kind: SupportKind) -> str | None:
        if self._guest_id is None:
            return None
        self.errors.clear()
        amount = self.amount.text() if kind in (SupportKind.ELECTRIC_TOPUP, SupportKind.GAS_TOPUP) else None
        try:
            support_id, _ = self._actions.run(support.give_support, self._guest_id, kind, amount=amount)
        except DeskError as error:
            self.errors.show(error)
            return None
        self.supported.emit(support_id)
        return support_id

    def clear(self) -> None:
        self.kind_group.setExclusive(False)
        for button in self.kind_buttons.values():
            button.setChecked(False)
        self.kind_group.setExclusive(True)
        self.minutes.setValue(0)
        self.outcome.setCurrentIndex(0)
        self.with_whom.setCurrentIndex(0)
        self.notes.clear()
        self.follow_when.clear()
        self.follow_text.clear()
        self._completes = None
        self.completes_text.hide()
