"""At the change to the night (or whenever someone is in without a bed): who needs a decision,
with quick actions for each guest: give a free bed, sign out, or keep without a bed (lead)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QLabel, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import beds, visits
from safespace_desk.services.beds import NightCheck
from safespace_desk.services.overrides import Override, OverrideAction
from safespace_desk.services.visits import InNow
from safespace_desk.ui.desk.banners import Banner
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.override_form import OverrideForm
from safespace_desk.ui.kit.formatting import count_of
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.theme import LARGE_TEXT

# Guests listed with their own buttons; the rest are in the In now tab. One in either text size (it
# was two in normal text until the ten ways of arriving needed a third row of buttons), so that with
# the handover banner above, the search, the arrival buttons and In now keep their room at 768 px.
SHOWN = 1
SHOWN_LARGE_TEXT = 1


def guests_shown() -> int:
    return SHOWN if QApplication.font().pointSizeF() < LARGE_TEXT.base else SHOWN_LARGE_TEXT


class NightCheckBanner(Banner):
    message_for_page = Signal(str, str)
    visibility_changed = Signal(bool)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt's name)
        changed = visible != self.isVisibleTo(self.parentWidget()) if self.parentWidget() else True
        super().setVisible(visible)
        if changed:
            self.visibility_changed.emit(visible)

    def __init__(self, actions: DeskActions, parent: QWidget | None = None) -> None:
        super().__init__(parent, name="nightCheckBanner")
        self._actions = actions
        self.check: NightCheck | None = None
        self._keeping: InNow | None = None  # a lead is typing a reason: do not rebuild under them
        self._rows_shown = 0

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        # Large text on or off: as many rows as now fit (only then: restyling sends FontChange too).
        if event.type() == QEvent.Type.FontChange and self.isVisible() and guests_shown() != self._rows_shown:
            self.refresh(force=False)

    def refresh(self, *, force: bool = True) -> None:
        if self._keeping is not None and not force:
            return
        self._keeping = None
        # Restyling the banner below sends it FontChange again: the rows it is about to build are the
        # rows that fit now, so that must not start another refresh (each added its buttons again).
        self._rows_shown = guests_shown()
        try:
            check = self._actions.read(beds.night_check)
        except DeskError:
            check = None
        self.check = check
        if check is None or not check.needs_decision:
            if self.isVisible():
                self.clear_actions()
                self.hide()
            return
        guests = check.without_bed
        self.show_message(
            "warning", f"Night · {count_of(len(guests), 'guest')} in without a bed",
            (f"{count_of(len(check.free_beds), 'bed')} free. " if check.free_beds else "No beds free. ")
            + "Everyone in overnight needs a bed, or a lead's decision to stay without one.")
        if check.free_beds:
            self.add_action("Give beds in arrival order", "Ctrl+Shift+B", self.give_beds_in_order,
                            kind="primary")
            self.add_action("Same beds as last night", "Ctrl+Shift+L", self.carry_over)
        self.set_body(self._guest_rows(guests, check.free_beds))

    def _guest_rows(self, guests: list[InNow], free_beds: list[str]) -> QWidget:
        rows = QWidget(self)
        rows.setObjectName("nightCheckRows")
        grid = QGridLayout(rows)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        shown = self._rows_shown = guests_shown()
        for row, guest in enumerate(guests[:shown]):
            name = QLabel(guest.name, rows)
            name.setObjectName("nightCheckName")
            grid.addWidget(name, row, 0)
            if free_beds:
                bed = free_beds[min(row, len(free_beds) - 1)]
                give = shortcut_button(f"Give {bed}", None, lambda _=False, g=guest, b=bed: self.give(g, b),
                                       parent=rows)
                give.setObjectName("nightGiveBed")
                grid.addWidget(give, row, 1)
            out = shortcut_button("Sign out", None, lambda _=False, g=guest: self.sign_out(g), parent=rows)
            out.setObjectName("nightSignOut")
            keep = shortcut_button("Keep, no bed (lead)…", None,
                                   lambda _=False, g=guest: self.start_keep(g), parent=rows)
            keep.setObjectName("nightKeep")
            grid.addWidget(out, row, 2)
            grid.addWidget(keep, row, 3)
        if len(guests) > shown:
            # Beside the last guest's buttons, not on a line of its own: the desk's height is short.
            more = QLabel(f"…and {len(guests) - shown} more: In now (Ctrl+1)", rows)
            more.setObjectName("nightCheckMore")
            more.setToolTip("Each can be given a bed, signed out or kept in the In now tab")
            grid.addWidget(more, min(shown, len(guests)) - 1, 4)
        grid.setColumnStretch(4, 1)
        return rows

    def give(self, guest: InNow, bed: str) -> None:
        self._act(lambda: self._actions.run(beds.give_bed, guest.visit_id, bed), f"{guest.name} given {bed}")

    def give_beds_in_order(self) -> None:
        check = self.check
        if check is None:
            return
        given = []
        try:
            for guest, bed in zip(check.without_bed, check.free_beds, strict=False):
                self._actions.run(beds.give_bed, guest.visit_id, bed)
                given.append(f"{guest.name} {bed}")
        except DeskError as err:
            self.message_for_page.emit("danger", err.message)
        if given:
            self.message_for_page.emit("success", "Beds given: " + ", ".join(given))
        self.refresh()

    def carry_over(self) -> None:
        self._act(lambda: self._actions.run(beds.carry_over_beds), "Beds as last night given where free.")

    def sign_out(self, guest: InNow) -> None:
        self._act(lambda: self._actions.run(visits.sign_out, guest.visit_id, None), f"{guest.name} signed out")

    def start_keep(self, guest: InNow) -> OverrideForm:
        form = OverrideForm(self._actions, action=OverrideAction.NO_BED, submit_text=f"Keep {guest.name} without a bed",
                            reason_hint="e.g. on the sofa: police drop-off, nowhere safe", parent=self)
        form.authorised.connect(lambda override: self._keep(guest, override, form))
        form.cancelled.connect(self.refresh)
        self._keeping = guest
        holder = QWidget(self)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel(f"Keep {guest.name} tonight without a bed:", holder))
        line.addWidget(form, 1)
        self.set_body(holder)
        form.focus_first()
        return form

    def _keep(self, guest: InNow, override: Override, form: OverrideForm) -> None:
        try:
            self._actions.run(beds.keep_without_bed, guest.visit_id, override)
        except DeskError as err:
            form.show_error(err)
            return
        self.message_for_page.emit("success", f"{guest.name} stays tonight without a bed (recorded).")
        self.refresh()

    def _act(self, call: Callable[[], object], done: str) -> None:
        try:
            call()
        except DeskError as err:
            self.message_for_page.emit("danger", err.message)
            return
        self.message_for_page.emit("success", done)
        self.refresh()
