"""Referrals and cases: record a referral in a few keys (Ctrl+N), decide on those waiting, and see the
open cases and those with no contact for a while.

Recording by keyboard: Ctrl+N puts the cursor in "Person"; two or three letters and Enter choose
someone on the register (or the typed name is added as a new person); Tab to the source (type "N"
for the NHS Single Point of Access, the default); Tab to the reason; Ctrl+Enter records it. A repeat
or a duplicate is found by itself and said in the confirmation.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.casework import ClosureReason, ReferralFactor, ReferralKind, ReferralSource
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.when import parse_when
from safespace_desk.services import referrals
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.casework.common import (
    CASEWORK_KINDS,
    PersonPicker,
    RowsModel,
    choice_box,
    line_edit,
    rows_table,
)
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import day_and_time
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

_KIND_WORDS = {ReferralKind.NEW: "a new referral", ReferralKind.REPEAT: "a repeat: accepting it re-opens their case",
               ReferralKind.DUPLICATE: "a duplicate: their case is already open (or a referral is waiting)"}


def waited(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h {int(delta.total_seconds() // 60) % 60} min"


class ReferralsPage(QWidget):
    changes_made = Signal(object)
    open_in_diary = Signal(str)  # guest id

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.zone = self.actions.read(get_site).zone
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        outer.addWidget(page_title("Referrals and cases"))
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setSpacing(14)
        body.addWidget(self._build_form(), 1)
        body.addWidget(self._build_lists(), 2)
        outer.addLayout(body, 1)
        add_shortcut(self, "Ctrl+N", self.focus_first)
        self.refresh()

    # --- the form -----------------------------------------------------------------------------

    def _build_form(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("New referral · Ctrl+N"))
        general = label()
        self.errors = FieldErrors(general)
        self.person = PersonPicker(self.actions, placeholder="Person: name or card")
        layout.addWidget(self.person)
        self.source = choice_box(ReferralSource, "Source")
        self.reason = line_edit("Reason, in a few words", "Reason")
        self.received = line_edit("now, or e.g. today 14:30", "Received")
        for caption, widget, field in (("Source", self.source, "source"), ("Reason", self.reason, "reason"),
                                       ("Received", self.received, "received_at")):
            layout.addWidget(label(caption, muted=True))
            layout.addWidget(widget)
            layout.addWidget(self.errors.bind(field, widget))
        layout.addWidget(general)
        self.record_button = shortcut_button("Record referral", "Ctrl+Return", self.record, kind="primary", page=self)
        layout.addWidget(self.record_button)
        layout.addWidget(label("What brought them in (optional, counted only)", muted=True))
        chips = FlowLayout(spacing=6)
        self.factor_buttons: dict[ReferralFactor, QPushButton] = {}
        for factor in ReferralFactor:
            chip = QPushButton(factor.label)
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chips.addWidget(chip)
            self.factor_buttons[factor] = chip
        layout.addLayout(chips)
        layout.addStretch(1)
        return frame

    # --- the lists ----------------------------------------------------------------------------

    def _build_lists(self) -> QWidget:
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Referral and case lists")
        self.waiting_model = RowsModel(("Person", "Received", "Waiting", "Source", "Now"))
        self.open_model = RowsModel(("Person", "No.", "Opened", "Worker", "Last contact", "Quiet"))
        self.quiet_model = RowsModel(("Person", "No.", "Opened", "Worker", "Last contact", "Quiet"))
        self.waiting_table = rows_table(self.waiting_model, "Referrals waiting for a first contact", stretch=0)
        self.open_table = rows_table(self.open_model, "Open cases", stretch=0)
        self.quiet_table = rows_table(self.quiet_model, "Cases with no contact lately", stretch=0)
        decide = self.actions.can(Permission.DECIDE_CASES)

        waiting = QWidget()
        w = QVBoxLayout(waiting)
        w.addWidget(label("Referrals with no contact with the person since they came in; the longest first.",
                          muted=True))
        w.addWidget(self.waiting_table, 1)
        row = FlowLayout(spacing=6)
        self.accept_button = shortcut_button("Accept", "Alt+A", self.accept, page=self)
        self.decline_reason = line_edit("Why declined", "Why declined")
        self.decline_button = shortcut_button("Decline", "Alt+D", self.decline, page=self)
        for widget in (self.accept_button, self.decline_reason, self.decline_button):
            widget.setVisible(decide)
            row.addWidget(widget)
        row.addWidget(shortcut_button("Open in the diary", "Alt+O", lambda: self._to_diary(self.waiting_table),
                                      page=self))
        w.addLayout(row)
        self.errors.bind("decline_reason", self.decline_reason)

        cases = QWidget()
        c = QVBoxLayout(cases)
        c.addWidget(self.open_table, 1)
        close_row = FlowLayout(spacing=6)
        self.closure = choice_box(ClosureReason, "Closure reason")
        self.closure_note = line_edit("Note (needed for Other)", "Closure note")
        self.close_button = shortcut_button("Close case", "Alt+C", self.close_case, page=self)
        for widget in (self.closure, self.closure_note, self.close_button):
            widget.setVisible(decide)
            close_row.addWidget(widget)
        close_row.addWidget(shortcut_button("Open in the diary", "Alt+I", lambda: self._to_diary(self.open_table),
                                            page=self))
        c.addLayout(close_row)
        self.errors.bind("closure_note", self.closure_note)

        quiet = QWidget()
        q = QVBoxLayout(quiet)
        days_row = QHBoxLayout()
        self.quiet_days = QSpinBox()
        self.quiet_days.setRange(1, 90)
        self.quiet_days.setValue(self.actions.read(get_site).settings.profile.no_contact_days)
        self.quiet_days.setSuffix(" days")
        self.quiet_days.setAccessibleName("No contact for at least")
        self.quiet_days.valueChanged.connect(lambda _v: self.refresh())
        days_row.addWidget(label("No contact for at least"))
        days_row.addWidget(self.quiet_days)
        days_row.addStretch(1)
        q.addLayout(days_row)
        q.addWidget(self.quiet_table, 1)
        q.addWidget(shortcut_button("Open in the diary", "Alt+Y", lambda: self._to_diary(self.quiet_table),
                                    page=self))
        for tab, title in ((waiting, "Waiting"), (cases, "Open cases"), (quiet, "No contact lately")):
            self.tabs.addTab(tab, title)
        return self.tabs

    # --- behaviour ----------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.person.box.setFocus()
        self.person.box.selectAll()

    def record(self) -> str | None:
        self.errors.clear()
        try:
            when = None
            if self.received.text().strip() and self.received.text().strip().lower() != "now":
                when = parse_when(self.received.text(), self.actions.desk.clock.now(), self.zone,
                                  field="received_at", past=True)
            guest_id = self.person.person_id()
            if guest_id is None:
                self.errors.show("Choose the person, or type their name to add them.")
                self.person.box.setFocus()
                return None
            receipt = self.actions.run(referrals.receive_referral, guest_id, source=self.source.currentData(),
                                       reason=self.reason.text(), received_at=when,
                                       factors=[f for f, b in self.factor_buttons.items() if b.isChecked()])
        except DeskError as error:
            self.errors.show(error)
            return None
        name = self.person.box.text()
        detail = receipt.age_warning or ""
        self.banner.show_message("warning" if receipt.age_warning else "success",
                                 f"Referral for {name} recorded: {_KIND_WORDS[receipt.kind]}.", detail)
        self.person.reset()
        self.reason.clear()
        self.received.clear()
        self.source.setCurrentIndex(0)
        for button in self.factor_buttons.values():
            button.setChecked(False)
        self.focus_first()
        return receipt.referral_id

    def _selected(self, table: QTableView) -> object:
        rows = table.selectionModel().selectedRows()
        model = table.model()
        return model.payload(rows[0].row()) if rows and isinstance(model, RowsModel) else None

    def accept(self) -> None:
        row = self._selected(self.waiting_table)
        if row is None:
            self.errors.show("Choose a referral in the list first.")
            return
        try:
            decision = self.actions.run(referrals.accept_referral, row.referral_id)  # type: ignore[attr-defined]
        except DeskError as error:
            self.errors.show(error)
            return
        self.banner.show_message("success", "Accepted: their case is " + ("re-opened." if decision.reopened else "open."))

    def decline(self) -> None:
        row = self._selected(self.waiting_table)
        if row is None:
            self.errors.show("Choose a referral in the list first.")
            return
        try:
            self.actions.run(referrals.decline_referral, row.referral_id, self.decline_reason.text())  # type: ignore[attr-defined]
        except DeskError as error:
            self.errors.show(error)
            return
        self.decline_reason.clear()
        self.banner.show_message("success", "Declined, with the reason recorded.")

    def close_case(self) -> None:
        row = self._selected(self.open_table)
        if row is None:
            self.errors.show("Choose a case in the list first.")
            return
        try:
            self.actions.run(referrals.close_case, row.guest_id, self.closure.currentData(),  # type: ignore[attr-defined]
                             self.closure_note.text())
        except DeskError as error:
            self.errors.show(error)
            return
        self.closure_note.clear()
        self.banner.show_message("success", "Case closed.")

    def _to_diary(self, table: QTableView) -> None:
        row = self._selected(table)
        if row is not None:
            self.open_in_diary.emit(row.guest_id)  # type: ignore[attr-defined]

    def refresh(self) -> None:
        now = self.actions.desk.clock.now()
        waiting = self.actions.read(referrals.waiting_referrals)
        self.waiting_model.set_rows(((w.name, day_and_time(w.received_at, self.zone, now), waited(w.waiting_for(now)),
                                      w.source.short, "Accepted" if w.status.value == "accepted" else "Decide"), w)
                                    for w in waiting)
        cases = self.actions.read(referrals.open_cases)
        quiet = self.actions.read(referrals.quiet_cases, self.quiet_days.value())
        for model, rows in ((self.open_model, cases), (self.quiet_model, quiet)):
            model.set_rows(((r.name, str(r.episode_number), day_and_time(r.opened_at, self.zone, now), r.named_worker or "",
                             day_and_time(r.last_contact_at, self.zone, now) if r.last_contact_at else "none yet",
                             f"{r.days_quiet(now)} d"), r) for r in rows)
        for index, (title, rows_) in enumerate((("Waiting", waiting), ("Open cases", cases),
                                                ("No contact lately", quiet))):
            self.tabs.setTabText(index, f"{title} ({len(rows_)})")
        for table in (self.waiting_table, self.open_table, self.quiet_table):
            if table.model().rowCount() and not table.selectionModel().selectedRows():
                table.selectRow(0)

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*CASEWORK_KINDS):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()
