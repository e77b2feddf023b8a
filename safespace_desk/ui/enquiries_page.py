"""Enquiries about a person (issue 13, item 1): log who asked, about whom, why and on what legal basis,
and what was said; anything beyond the default answer needs a shift lead's approval on this desk.
Leads and managers see the log; a guest's sharing choices per agency are recorded here too."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.enquiries import DEFAULT_ANSWER, EnquiryAnswer, LegalBasis
from safespace_desk.domain.errors import DeskError
from safespace_desk.services import enquiries, messages
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.enquiries import EnquiryView
from safespace_desk.services.overrides import Override, OverrideAction
from safespace_desk.services.site import get_site
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.override_form import OverrideForm
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table
from safespace_desk.ui.kit.formatting import day_and_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    explanation,
    label,
    page_title,
    panel,
    plain_text_edit,
    section_title,
)
from safespace_desk.ui.messages.guest_picker import GuestPicker

LOG_DAYS = 31


class EnquiriesPage(QWidget):
    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = DeskActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.zone = self.actions.read(get_site).zone
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        outer.addWidget(page_title("Enquiries about a person"))
        outer.addWidget(explanation(
            "Telling anyone that a person uses the hub shares their personal data. Give the default answer; "
            "anything more needs a legal basis and a shift lead's approval. Every enquiry is logged."))
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(self._build_form(), 1)
        right = QVBoxLayout()
        right.addWidget(self._build_log(), 1)
        right.addWidget(self._build_sharing())
        body.addLayout(right, 1)
        outer.addLayout(body, 1)
        self.refresh()

    # --- the form -------------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("Log an enquiry"))
        general = label()
        self.errors = FieldErrors(general)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        self.agency = QComboBox()
        self.agency.setAccessibleName("Agency")
        for row in self.actions.read(messages.list_agencies):
            self.agency.addItem(row.name, row.id)
        police = self.agency.findText("Police")
        self.agency.setCurrentIndex(max(police, 0))
        self.asker = QLineEdit()
        self.asker.setPlaceholderText("Name and role, e.g. PC Jones")
        self.asker.setAccessibleName("Who asked")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("Badge number or reference")
        self.reference.setAccessibleName("Badge or reference")
        self.about = GuestPicker(self.actions, allow_free_text=True, placeholder="A guest, or the name they gave")
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("Why they asked, in their words")
        self.purpose.setAccessibleName("Why they asked")
        self.basis = QComboBox()
        self.basis.setAccessibleName("Legal basis claimed")
        for basis in LegalBasis:
            self.basis.addItem(basis.label, basis.value)
        self.answer = QComboBox()
        self.answer.setAccessibleName("What was answered")
        self.answer.addItem("The default answer", EnquiryAnswer.DEFAULT.value)
        self.answer.addItem("More than the default (a lead approves)", EnquiryAnswer.DISCLOSED.value)
        self.answer.currentIndexChanged.connect(lambda _i: self._answer_changed())
        rows = (("Agency", self.agency, "agency"), ("Who asked", self.asker, "asker"),
                ("Reference", self.reference, "reference"), ("About", self.about, "about_name"),
                ("Why", self.purpose, "purpose"), ("Legal basis", self.basis, "legal_basis"),
                ("Answer", self.answer, "answer"))
        for row, (caption, widget, field) in enumerate(rows):
            text = QLabel(caption)
            bound = self.about.box if widget is self.about else widget
            text.setBuddy(bound)
            grid.addWidget(text, row * 2, 0)
            grid.addWidget(widget, row * 2, 1)
            grid.addWidget(self.errors.bind(field, bound), row * 2 + 1, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.said = plain_text_edit(DEFAULT_ANSWER, "What was said", height=70)
        self.said.setMaximumHeight(110)
        layout.addWidget(self.said)
        layout.addWidget(self.errors.bind("said", self.said))
        self.approval = OverrideForm(self.actions, action=OverrideAction.DISCLOSE, submit_text="Approve and log",
                                     reason_hint="Why it is shared (recorded)", parent=frame)
        self.approval.authorised.connect(self._log_approved)
        self.approval.cancelled.connect(self._cancel_approval)
        self.approval.hide()
        layout.addWidget(self.approval)
        layout.addWidget(general)
        self.save_button = shortcut_button("Log enquiry", "Ctrl+S", self.save, kind="primary", page=self)
        layout.addWidget(self.save_button)
        layout.addStretch(1)
        for combo in (self.agency, self.basis, self.answer):
            _narrow(combo)
        chain = [self.agency, self.asker, self.reference, self.about.box, self.purpose, self.basis, self.answer,
                 self.said, self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        return frame

    def _answer_changed(self) -> None:
        beyond = self.answer.currentData() == EnquiryAnswer.DISCLOSED.value
        self.said.setPlaceholderText("What you told them beyond the default answer" if beyond else DEFAULT_ANSWER)
        if not beyond:
            self._cancel_approval()

    def _fields(self) -> dict[str, object]:
        return {"agency_id": self.agency.currentData(), "asker": self.asker.text(), "reference": self.reference.text(),
                "guest_id": self.about.guest_id, "about_name": None if self.about.guest_id else self.about.typed_name,
                "purpose": self.purpose.text(), "legal_basis": self.basis.currentData(),
                "answer": self.answer.currentData(), "said": self.said.toPlainText()}

    def save(self) -> str | None:
        """Log it; an answer beyond the default first asks for the lead's approval."""
        self.errors.clear()
        if self.answer.currentData() == EnquiryAnswer.DISCLOSED.value:
            self.approval.show()
            self.save_button.hide()
            self.approval.focus_first()
            return None
        return self._log(None)

    def _log_approved(self, override: Override) -> None:
        if self._log(override, on_error=self.approval.show_error) is not None:
            self._cancel_approval()

    def _cancel_approval(self) -> None:
        self.approval.hide()
        self.save_button.show()

    def _log(self, override: Override | None, on_error: object = None) -> str | None:
        try:
            enquiry_id, _ = self.actions.run(enquiries.log_enquiry, override=override, **self._fields())
        except DeskError as err:
            if callable(on_error) and err.field is None:
                on_error(err)
            else:
                self.errors.show(err)
            return None
        beyond = override is not None
        self.banner.show_message("success", "Enquiry logged" + (" with the lead's approval." if beyond else
                                                                  " (the default answer)."))
        for line in (self.asker, self.reference, self.purpose):
            line.clear()
        self.about.reset()
        self.said.clear()
        self.basis.setCurrentIndex(0)
        self.answer.setCurrentIndex(0)
        self.asker.setFocus()
        return enquiry_id

    # --- the log (leads and managers) -----------------------------------------------------------

    def _build_log(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title(f"Enquiries in the last {LOG_DAYS} days"))
        self.log_model: RecordTableModel[EnquiryView] = RecordTableModel([
            Column("When", lambda e: day_and_time(e.at, self.zone, self.actions.desk.clock.now())),
            Column("Asked", lambda e: f"{e.agency}: {e.asker}", tooltip=lambda e: e.purpose),
            Column("About", lambda e: e.about),
            Column("Answer", lambda e: "default" if e.answer is EnquiryAnswer.DEFAULT
                   else f"more ({e.approved_by_name or 'approved'})", tooltip=lambda e: e.said),
        ], self)
        self.log_table = desk_table(self.log_model, frame, stretch_column=1, name="enquiryLog")
        layout.addWidget(self.log_table, 1)
        self.log_note = label("Shift leads and managers see the log.", muted=True)
        layout.addWidget(self.log_note)
        return frame

    # --- sharing choices ------------------------------------------------------------------------

    def _build_sharing(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("A guest's sharing choices"))
        layout.addWidget(label("What the guest has agreed each agency may be told (e.g. \u201cyes, tell "
                               "probation I've been in\u201d). It also decides what their messages' outcomes say.",
                               muted=True))
        self.share_guest = GuestPicker(self.actions, allow_free_text=False, placeholder="The guest")
        self.share_guest.chosen.connect(lambda _id, _name: self._show_choices())
        layout.addWidget(self.share_guest)
        self.share_agency = QComboBox()
        self.share_agency.setAccessibleName("Agency the choice is about")
        for agency in self.actions.read(messages.list_agencies):
            self.share_agency.addItem(agency.name, agency.id)
        layout.addWidget(self.share_agency)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(shortcut_button("May be told", None, lambda: self._choose(True)))
        row.addWidget(shortcut_button("Not to be told", None, lambda: self._choose(False)))
        layout.addLayout(row)
        self.choices = label(muted=True)
        layout.addWidget(self.choices)
        return frame

    def _choose(self, share: bool) -> None:
        guest_id = self.share_guest.guest_id
        if guest_id is None:
            self.banner.show_message("warning", "Choose the guest first.")
            return
        try:
            self.actions.run(enquiries.set_sharing, guest_id, self.share_agency.currentData(), share)
        except DeskError as err:
            self.banner.show_message("danger", err.message)
            return
        self._show_choices()

    def _show_choices(self) -> None:
        guest_id = self.share_guest.guest_id
        if guest_id is None:
            self.choices.setText("")
            return
        rows = self.actions.read(enquiries.sharing_choices, guest_id)
        self.choices.setText("; ".join(f"{r.agency}: {'may be told' if r.share else 'not to be told'}"
                                       for r in rows) or "No choices recorded yet.")

    # --- refreshing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        lead = self.actions.is_lead
        self.log_table.setVisible(lead)
        self.log_note.setVisible(not lead)
        if lead:
            now = self.actions.desk.clock.now()
            self.log_model.set_records(self.actions.read(enquiries.enquiries, now - timedelta(days=LOG_DAYS),
                                                         now + timedelta(minutes=1)))

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(enquiries.ENQUIRY):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def focus_first(self) -> None:
        self.asker.setFocus()


def _narrow(combo: QComboBox) -> None:
    """Long agency names must not widen the page past the screen: the combo shows what fits."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)


def build_enquiries_page(desk: DeskContext, shell: object) -> EnquiriesPage:
    page = EnquiriesPage(desk)
    page.changes_made.connect(shell.apply_changes)  # type: ignore[attr-defined]
    shell.changes_applied.connect(page.apply_changes)  # type: ignore[attr-defined]
    return page
