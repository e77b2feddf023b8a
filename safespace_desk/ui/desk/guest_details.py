"""A guest's record: who they are, status now, visits, exclusions, merges; edit, exclude, merge.

Opening a record is audited by the service (guests.get_guest), so it is loaded only when staff open
it, never on a timer; later refreshes of the same record are not counted as new views.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.exclusions import ExclusionView
from safespace_desk.services import exclusions, guests, visits
from safespace_desk.services.guests import GuestRecord
from safespace_desk.services.visits import VisitRow
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.guest_card import write_card_pdf
from safespace_desk.ui.desk.guest_forms import ExcludeForm, MergeForm
from safespace_desk.ui.desk.keep_apart_box import KeepApartBox
from safespace_desk.ui.desk.outcome_box import OutcomeBox
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import day_and_time, full_date_time, time_left
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import clear_layout, heading, muted_label


def visit_note(v: VisitRow) -> str:
    if v.voided:
        return "undone (signed in by mistake)"
    return f"override: {v.override_reason}" if v.override_reason else ""


class GuestDetailsPanel(QFrame):
    edit_requested = Signal(object)  # GuestRecord
    message = Signal(str, str)

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guestDetails")
        self._actions = actions
        self._context = context
        self.record: GuestRecord | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        self.scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Up and down only: sideways it hid the exclude form's button and stayed scrolled (finding 2).
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        self.placeholder = muted_label("Open a guest's record from the search (Ctrl+I) or from In now "
                                       "(Alt+R).", body)
        layout.addWidget(self.placeholder)
        self.name = heading("", parent=body)
        self.name.setObjectName("guestName")
        self.aka = muted_label("", body)
        layout.addWidget(self.name)
        layout.addWidget(self.aka)
        self.badges_row = FlowLayout(spacing=6)
        layout.addLayout(self.badges_row)
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(14)
        layout.addLayout(self.facts)
        self.notes = QLabel(body)
        self.notes.setObjectName("supportNotesView")
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)

        buttons = FlowLayout()
        self.edit_button = shortcut_button("Edit", "Alt+E", self._edit, parent=body)
        self.exclude_button = shortcut_button("Exclude…", "Alt+X", self.start_exclude, parent=body, kind="danger")
        self.merge_button = shortcut_button("Merge a duplicate…", "Alt+M", self.start_merge, parent=body)
        self.card_button = shortcut_button("Print card…", "Alt+K", self.save_card, parent=body)
        self.card_button.setToolTip("A card with a barcode and no personal data: scanning it at the desk "
                                    "signs the guest in.")
        for b in (self.edit_button, self.card_button, self.exclude_button, self.merge_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.keep_apart_box = KeepApartBox(actions, body)
        self.keep_apart_box.message.connect(self.message)
        layout.addWidget(self.keep_apart_box)
        self.outcome_box = OutcomeBox(actions, context, body)
        self.outcome_box.message.connect(self.message)
        layout.addWidget(self.outcome_box)
        self.form_holder = QVBoxLayout()
        layout.addLayout(self.form_holder)

        self.visits_model: RecordTableModel[VisitRow] = RecordTableModel([
            Column("In", lambda v: full_date_time(v.signed_in_at, context.zone)),
            Column("Out", lambda v: day_and_time(v.signed_out_at, context.zone, v.signed_in_at)
                   if v.signed_out_at else "still in"),
            Column("Via", lambda v: v.arrived_via.label),
            Column("To / note", lambda v: visit_note(v) or (v.departed_to or "")),
        ], self)
        self.exclusions_model: RecordTableModel[ExclusionView] = RecordTableModel([
            Column("From", lambda e: full_date_time(e.starts_at, context.zone)),
            Column("Until", lambda e: full_date_time(e.ends_at, context.zone)),
            Column("State", self._exclusion_state),
            Column("Reason", lambda e: e.reason + (f" · lifted: {e.lift_reason}" if e.lift_reason else "")),
        ], self)
        self.visits_title = heading("Visits", parent=body)
        self.visits_table = desk_table(self.visits_model, body, stretch_column=3, name="guestVisits")
        self.exclusions_title = heading("Exclusions", parent=body)
        self.exclusions_table = desk_table(self.exclusions_model, body, stretch_column=3, name="guestExclusions")
        for w in (self.visits_title, self.visits_table, self.exclusions_title, self.exclusions_table):
            layout.addWidget(w)
        self.visits_table.setMinimumHeight(160)
        self.exclusions_table.setMinimumHeight(100)
        self.merges_box = QVBoxLayout()
        layout.addLayout(self.merges_box)
        layout.addStretch(1)
        self._show_record_widgets(False)

    def _exclusion_state(self, e: ExclusionView) -> str:
        state = e.state_at(self._context.now())
        return time_left(e.ends_at, self._context.now()) if state == "active" else state

    def _show_record_widgets(self, on: bool) -> None:
        self.placeholder.setVisible(not on)
        for w in (self.name, self.aka, self.notes, self.edit_button, self.visits_title, self.visits_table,
                  self.exclusions_title, self.exclusions_table):
            w.setVisible(on)
        lead = self._actions.is_lead
        self.exclude_button.setVisible(on and lead)
        self.merge_button.setVisible(on and lead)
        if not on:
            self.keep_apart_box.hide()
        self.outcome_box.setVisible(on)

    # --- loading ---------------------------------------------------------------------------------

    def open_guest(self, guest_id: str) -> None:
        """Staff asked to see this record: the view is audited."""
        self._load(self._actions.read(guests.get_guest, guest_id))

    def refresh(self) -> None:
        if self.record is not None:
            try:
                # Audited like any view; the same record again within minutes is not recorded twice.
                record = self._actions.read(guests.get_guest, self.record.id)
            except DeskError:
                self.record = None
                self._show_record_widgets(False)
                return
            self._load(record, keep_form=True)

    def _load(self, record: GuestRecord, *, keep_form: bool = False) -> None:
        self.record = record
        if not keep_form:
            self._clear_form()
        self._show_record_widgets(True)
        self.name.setText(record.preferred_name)
        aka = ", ".join(record.aliases)
        self.aka.setText(f"Also known as {aka}" if aka else "")
        self.aka.setVisible(bool(aka))
        self._fill_badges(record)
        while self.facts.rowCount():
            self.facts.removeRow(0)
        zone, now = self._context.zone, self._context.now()
        born = record.birth_date.strftime("%d/%m/%Y") if record.birth_date else (record.birth_year or "")
        for label, value in (("Legal name", record.legal_name), ("Born", born), ("Gender", record.gender),
                             ("Card", record.card_code),
                             ("Last seen", day_and_time(record.last_seen_at, zone, now) if record.last_seen_at
                              else "not yet")):
            if value:
                self.facts.addRow(muted_label(label, self), QLabel(str(value), self))
        self.notes.setText(record.support_notes or "")
        self.notes.setVisible(bool(record.support_notes))
        self.visits_model.set_records(self._actions.read(visits.guest_visits, record.id))
        self.exclusions_model.set_records(self._actions.read(exclusions.exclusion_history, record.id))
        self._fill_merges(record)
        self.keep_apart_box.show_for(record.id)
        self.outcome_box.show_for(record.id, record.preferred_name)

    def _fill_badges(self, record: GuestRecord) -> None:
        clear_layout(self.badges_row)
        now, zone = self._context.now(), self._context.zone
        badges: list[tuple[str, str]] = []
        for ex in self._actions.read(exclusions.exclusion_history, record.id):
            if ex.active_at(now):
                badges.append(("excluded", f"Excluded until {day_and_time(ex.ends_at, zone, now)} — "
                                           f"{time_left(ex.ends_at, now)}"))
                break
        inside = next((g for g in self._context.in_now if g.guest_id == record.id), None)
        if inside is not None:
            badges.append(("in", f"In since {day_and_time(inside.signed_in_at, zone, now)}"
                                 + (f" · {inside.bed}" if inside.bed else "")))
        badges.extend(("flag", f.label) for f in sorted(record.flags, key=lambda f: f.label))
        for kind, text in badges:
            label = QLabel(text, self)
            label.setProperty("badge", kind)
            self.badges_row.addWidget(label)
            label.show()

    def _fill_merges(self, record: GuestRecord) -> None:
        clear_layout(self.merges_box)
        merges = self._actions.read(guests.merges_of, record.id)
        if not merges:
            return
        self.merges_box.addWidget(heading("Merged records", parent=self))
        for merge_id, _gid, name, when in merges:
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(QLabel(f"“{name}” merged in on {full_date_time(when, self._context.zone)}", row), 1)
            if self._actions.is_lead:
                undo = shortcut_button("Undo merge", None, lambda _=False, m=merge_id, n=name: self._undo_merge(m, n),
                                       parent=row)
                undo.setObjectName("undoMerge")
                line.addWidget(undo)
            self.merges_box.addWidget(row)
            row.show()

    # --- actions ---------------------------------------------------------------------------------

    def save_card(self, path: Path | None = None) -> Path | None:
        """Save this guest's card as a PDF (bank-card size) to print; returns where it went."""
        if self.record is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the guest card", "guest-card.pdf", "PDF (*.pdf)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            write_card_pdf(path, card_code=self.record.card_code, site_name=self._context.site.name)
        except OSError as error:
            self.message.emit("danger", f"The card was not saved ({error.strerror or 'the file cannot be written'}).")
            return None
        self.message.emit("success", f"Card saved to {path.name}: print it at 100% size (a bank card).")
        return path

    def _clear_form(self) -> None:
        clear_layout(self.form_holder)

    def _edit(self) -> None:
        if self.record is not None:
            self.edit_requested.emit(self.record)

    def start_exclude(self) -> ExcludeForm | None:
        if self.record is None:
            return None
        self._clear_form()
        form = ExcludeForm(self._actions, self.record.id, self.record.preferred_name,
                           self._context.site.settings.default_exclusion_hours, self)
        form.done.connect(lambda text: (self._clear_form(), self.message.emit("warning", text)))
        form.cancelled.connect(self._clear_form)
        self.form_holder.addWidget(form)
        form.reason.setFocus()
        self._bring_into_view(form)
        return form

    def _bring_into_view(self, form: QWidget) -> None:
        """The form opens under the record's buttons: scroll it into view, whole (finding 2)."""
        form.show()
        # Once the layout has placed it (the next pass of the event loop): the whole form if it fits,
        # and always its buttons, so the submit button is never out of sight.
        def show_it() -> None:
            if form.isVisible():
                self.scroll.ensureWidgetVisible(form, 0, 0)
                for button in form.findChildren(QPushButton):
                    self.scroll.ensureWidgetVisible(button, 0, 8)

        QTimer.singleShot(0, self, show_it)  # with self: dropped if the panel goes first

    def start_merge(self) -> MergeForm | None:
        if self.record is None:
            return None
        self._clear_form()
        form = MergeForm(self._actions, self.record.id, self.record.preferred_name, self)
        form.merge_chosen.connect(self._merge)
        form.cancelled.connect(self._clear_form)
        self.form_holder.addWidget(form)
        form.query.setFocus()
        self._bring_into_view(form)
        return form

    def _merge(self, merged_id: str, merged_name: str) -> None:
        if self.record is None:
            return
        try:
            self._actions.run(guests.merge_guests, self.record.id, merged_id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self._clear_form()
        self.message.emit("success", f"“{merged_name}” merged into {self.record.preferred_name}. "
                                     "Undo is listed under Merged records.")

    def _undo_merge(self, merge_id: str, name: str) -> None:
        try:
            self._actions.run(guests.undo_merge, merge_id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("info", f"Merge undone: “{name}” is a separate record again.")
