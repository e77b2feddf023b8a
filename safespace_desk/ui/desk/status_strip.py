"""The strip across the top: the period in force with places used and free, the next period,
the staffing warning, and "I'm on duty"."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import duty
from safespace_desk.services.duty import DeskStatus
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.kit.formatting import clock_time, day_and_time
from safespace_desk.ui.kit.forms import set_state
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import muted_label


def period_text(status: DeskStatus, beds_taken: int | None = None) -> str:
    """'Day · 11 of 16 places free', or at night 'Night · 4 of 8 beds free · 11 in'.

    At night "free" counts beds nobody holds, the same number the night check gives: counting
    people against places said "0 free" while the banner below said "4 beds free" (finding 9).
    """
    cap = status.capacity
    name = cap.window.period.name
    if cap.window.period.beds:
        free = cap.places - beds_taken if beds_taken is not None else cap.free
        text = f"{name} · {max(0, free)} of {cap.places} beds free"
        if cap.over_by:
            text += f" · {cap.used} in"
        return text
    text = f"{name} · {cap.free} of {cap.places} places free"
    if cap.over_by:
        text += f" · {cap.over_by} over"
    return text


class StatusStrip(QFrame):
    # One row, as tall as its tallest item: its wrapped warning must not make Qt hand it the
    # height the night check and In now need (height-for-width in a row of labels overshoots).
    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return False

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self._actions = actions
        self._context = context
        # The period, who is on duty and the button on the first row; the staffing warning on a
        # row of its own, full width, so it reads on one line even in Large text.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 8, 20, 8)
        outer.setSpacing(4)
        layout = QHBoxLayout()
        layout.setSpacing(24)
        outer.addLayout(layout)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.period = QLabel(self)
        self.period.setObjectName("periodText")
        self.next_period = muted_label("", self)
        self.next_period.setObjectName("nextPeriod")
        self.next_period.setWordWrap(False)
        texts.addWidget(self.period)
        texts.addWidget(self.next_period)
        layout.addLayout(texts)
        self.staffing = QLabel(self)
        self.staffing.setObjectName("staffingWarning")
        self.staffing.setWordWrap(True)
        outer.addWidget(self.staffing)
        layout.addStretch(1)
        self.on_duty_names = muted_label("", self)
        self.on_duty_names.setObjectName("onDutyNames")
        layout.addWidget(self.on_duty_names)
        self.duty_button = shortcut_button("I'm on duty", "Ctrl+D", self.toggle_duty, parent=self,
                                           tooltip="Mark yourself on or off duty (counts for the night ratio)")
        self.duty_button.setObjectName("onDutyToggle")
        self.duty_button.setCheckable(True)
        self.duty_button.setProperty("toggle", True)
        layout.addWidget(self.duty_button)
        self.error = QLabel(self)
        self.error.setProperty("error", True)
        self.error.hide()
        layout.addWidget(self.error)
        self.status: DeskStatus | None = None

    def refresh(self) -> None:
        status = self._actions.read(duty.desk_status)
        self.status = status
        taken = sum(1 for guest in self._context.in_now if guest.bed)
        self.period.setText(period_text(status, taken))
        set_state(self.period, "full", status.capacity.full)
        zone, now = self._context.zone, status.now
        starts = status.next_period_starts
        when = clock_time(starts, zone) if (starts - now).total_seconds() < 20 * 3600 \
            else day_and_time(starts, zone, now)
        next_has_beds = any(p.beds for p in self._context.site.settings.periods
                            if p.name == status.next_period_name)
        unit = "beds" if next_has_beds else "places"
        self.next_period.setText(f"{status.next_period_name} from {when} · {status.next_period_places} {unit}"
                                 f" · {status.capacity.used} in now")
        warnings = [w for w in (status.staffing_warning, status.lone_working) if w]
        self.staffing.setText(" · ".join(warnings))
        self.staffing.setVisible(bool(warnings))
        # Full names: two staff called Demo (or Sam) must be told apart (finding 11).
        names = [d.name for d in status.on_duty]
        self.on_duty_names.setText(f"On duty: {', '.join(names)}" if names else "Nobody marked on duty")
        actor = self._actions.desk.actor
        mine = actor is not None and any(d.staff_id == actor.staff_id for d in status.on_duty)
        self.duty_button.blockSignals(True)
        self.duty_button.setChecked(mine)
        self.duty_button.blockSignals(False)
        self.duty_button.setText(("On duty ✓" if mine else "I'm on duty") + " · Ctrl+D")

    def toggle_duty(self) -> None:
        self.error.hide()
        try:
            on = self._actions.read(duty.is_on_duty)
            self._actions.run(duty.end_duty if on else duty.start_duty)
        except DeskError as err:
            self.error.setText(err.message)
            self.error.show()
        self.refresh()
