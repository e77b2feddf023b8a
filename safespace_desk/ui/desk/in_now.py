"""Who is in now: name, since, bed, arrived via, flags; sign out, undo a sign-in, give or move a bed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.profile import ServiceKind
from safespace_desk.services import beds, keep_apart, visits
from safespace_desk.services.site import get_site
from safespace_desk.services.visits import InNow
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.inline_forms import DestinationPromptForm
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.desk.swap_form import SwapForm
from safespace_desk.ui.desk.table_model import Column, RecordTableModel
from safespace_desk.ui.desk.tables import desk_table, select_row, selected_row
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import day_and_time
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import muted_label, narrow_combo


def bed_text(guest: InNow) -> str:
    if guest.bed:
        return guest.bed
    if guest.no_bed_reason:
        return "No bed (agreed)"
    return "—"


class InNowPanel(QWidget):
    details_requested = Signal(str)  # guest id
    message = Signal(str, str)  # tone, text: shown in the page's banner

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inNowPanel")
        self._actions = actions
        self._context = context
        # A site without a bed period (a crisis service, a haven) shows how each person is here instead.
        settings = actions.read(get_site).settings
        self.uses_beds = settings.uses_beds
        # A hostel swap (out to a hostel as someone from there comes in) is a hub's, as expected arrivals are.
        self.offers_swap = settings.profile.kind is ServiceKind.HUB
        third = (Column("Bed", bed_text, kind=lambda g: "nobed" if not g.bed else None,
                        tooltip=lambda g: g.no_bed_reason or "") if self.uses_beds
                 else Column("Here", lambda g: g.mode.label))
        self.model: RecordTableModel[InNow] = RecordTableModel([
            Column("Name", lambda g: g.name),
            Column("Since", lambda g: day_and_time(g.signed_in_at, context.zone, context.now())),
            third,
            Column("Arrived via", lambda g: g.arrived_via.label),
            Column("Flags", lambda g: ", ".join(sorted(f.short for f in g.flags))),
        ], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        self.table = desk_table(self.model, self, name="inNowTable")
        self.table.doubleClicked.connect(lambda _i: self.open_record())
        layout.addWidget(self.table, 1)
        # Guests, not staff: staff sign in to the desk too (finding 11).
        self.empty = muted_label("No guests are in right now.", self)
        layout.addWidget(self.empty)

        self.sign_out_form = DestinationPromptForm(context.place_names(), label="Where to:", submit_text="Sign out",
                                                   parent=self, name="inNowSignOut")
        self.sign_out_form.submitted.connect(self._sign_out)
        self.sign_out_form.cancelled.connect(self._close_form)
        self.sign_out_form.hide()
        layout.addWidget(self.sign_out_form)
        self.swap_form = SwapForm(actions, context, self)
        self.swap_form.done.connect(self._swapped)
        self.swap_form.cancelled.connect(self._close_form)
        self.swap_form.hide()
        layout.addWidget(self.swap_form)

        buttons = FlowLayout()  # wraps in Large text rather than widening the page
        self.sign_out_button = shortcut_button("Sign out…", "Alt+S", self.start_sign_out, parent=self)
        self.undo_button = shortcut_button("Undo sign-in", "Alt+U", self.undo_sign_in, parent=self,
                                           tooltip="A sign-in made by mistake (kept, marked undone)")
        self.record_button = shortcut_button("Record", "Alt+R", self.open_record, parent=self,
                                             tooltip="Open this guest's record")
        self.bed_choice = narrow_combo(QComboBox(self), 6)
        self.bed_choice.setObjectName("inNowBedChoice")
        self.bed_choice.setToolTip("A free bed for tonight")
        self.bed_button = shortcut_button("Give bed", "Alt+B", self.give_bed, parent=self,
                                          tooltip="Give or move to the chosen bed")
        self.swap_button = shortcut_button("Hostel swap…", "Alt+W", self.start_swap, parent=self,
                                           tooltip="They leave for a hostel place as someone from there comes here")
        for widget in (self.sign_out_button, self.swap_button, self.undo_button, self.record_button):
            buttons.addWidget(widget)
        self.swap_button.setVisible(self.offers_swap)
        layout.addLayout(buttons)
        bed_row = QHBoxLayout()
        bed_row.setSpacing(8)
        bed_label = QLabel("Give or move to", self)
        self.bed_label = bed_label
        bed_row.addWidget(bed_label)
        bed_row.addWidget(self.bed_choice, 1)
        bed_row.addWidget(self.bed_button)
        layout.addLayout(bed_row)
        for widget in (bed_label, self.bed_choice, self.bed_button):
            widget.setVisible(self.uses_beds)

    def refresh(self) -> None:
        """Uses the context's who-is-in (the page reloads it once per refresh)."""
        current = self.selected()
        self.model.set_records(self._context.in_now)
        self.empty.setVisible(not self._context.in_now)
        rows = [g.visit_id for g in self._context.in_now]
        select_row(self.table, rows.index(current.visit_id) if current and current.visit_id in rows else 0)
        try:
            free = self._actions.read(beds.bed_board).free
        except DeskError:
            free = []  # a site without beds
        self.bed_choice.clear()
        self.bed_choice.addItems(free)
        has_rows = bool(self._context.in_now)
        for widget in (self.sign_out_button, self.swap_button, self.undo_button, self.record_button):
            widget.setEnabled(has_rows)
        self.bed_button.setEnabled(has_rows and bool(free))
        self.bed_choice.setEnabled(bool(free))

    def tick(self) -> None:
        self.model.refresh_text()

    def selected(self) -> InNow | None:
        return self.model.record(selected_row(self.table))

    def start_sign_out(self) -> None:
        guest = self.selected()
        if guest is not None:
            self.sign_out_form.set_places(self._context.place_names())
            self._show_actions(False)  # the form takes the buttons' place, as the swap form does
            self.sign_out_form.start()

    def _sign_out(self, where: str) -> None:
        guest = self.selected()
        if guest is None:
            return
        try:
            self._actions.run(visits.sign_out, guest.visit_id, where or None)
        except DeskError as err:
            self.sign_out_form.show_error(err)
            return
        self._close_form()
        self.message.emit("success", f"{guest.name} signed out" + (f" · to {where}" if where else ""))

    def _close_form(self) -> None:
        self.sign_out_form.hide()
        self.swap_form.hide()
        self._show_actions(True)
        self.table.setFocus()

    def _show_actions(self, shown: bool) -> None:
        # A form (sign-out, hostel swap) takes the buttons' place while it is open: the desk's height is short.
        for widget in (self.sign_out_button, self.swap_button, self.undo_button, self.record_button):
            widget.setVisible(shown and (widget is not self.swap_button or self.offers_swap))
        for widget in (self.bed_label, self.bed_choice, self.bed_button):
            widget.setVisible(shown and self.uses_beds)

    def start_swap(self) -> None:
        guest = self.selected()
        if guest is not None and self.offers_swap:
            self.sign_out_form.hide()
            self._show_actions(False)
            self.swap_form.start(guest.visit_id, guest.name)

    def _swapped(self, text: str) -> None:
        self._close_form()
        self.message.emit("success", text)

    def undo_sign_in(self) -> None:
        guest = self.selected()
        if guest is None:
            return
        try:
            self._actions.run(visits.undo_sign_in, guest.visit_id)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        self.message.emit("info", f"Sign-in of {guest.name} undone (kept in the record, marked undone).")

    def give_bed(self) -> None:
        guest = self.selected()
        bed = self.bed_choice.currentText()
        if guest is None or not bed:
            return
        try:
            self._actions.run(beds.give_bed, guest.visit_id, bed)
        except DeskError as err:
            self.message.emit("danger", err.message)
            return
        verb = "moved to" if guest.bed else "given"
        apart = self._actions.read(keep_apart.bed_warning, guest.visit_id)  # issue 13: said with the bed
        self.message.emit("warning" if apart else "success",
                          f"{guest.name} {verb} {bed}" + (f" · {apart}" if apart else ""))

    def open_record(self) -> None:
        guest = self.selected()
        if guest is not None:
            self.details_requested.emit(guest.guest_id)
