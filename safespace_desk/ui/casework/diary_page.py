"""The diary: find the person, log a call in a few keys, see what is due.

Keyboard first, like the front desk: the page opens with the cursor in "Find a person"; two or three
letters and Enter choose someone; Alt+1..4 the kind of contact; the minutes; Ctrl+Enter logs it and
the cursor is back in "Find a person" for the next call. Ctrl+E opens the escalation contacts from
anywhere on the page; Ctrl+P the person's plans; Alt+P the people around them; Alt+R refers them on.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QListWidgetItem, QVBoxLayout, QWidget

from safespace_desk.domain.profile import Part, age_warning
from safespace_desk.domain.roles import Permission
from safespace_desk.services import circle, diary, guests, plans, referrals
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.casework.common import (
    CASEWORK_KINDS,
    PersonPicker,
    RowsModel,
    rows_table,
    wrapping_list,
)
from safespace_desk.ui.casework.contact_form import ContactForm
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import count_of, day_and_time, full_date_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    heading,
    label,
    page_title,
    panel,
    section_title,
)
from safespace_desk.ui.service_actions import ServiceActions

_FOLLOW_UP = Qt.ItemDataRole.UserRole + 1


class DiaryPage(QWidget):
    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.site = self.actions.read(get_site)
        self.zone = self.site.zone
        self.guest_id: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(page_title("Diary"), 1)
        self.escalate_button = shortcut_button("Escalate", "Ctrl+E", self.escalate, kind="danger", page=self)
        top.addWidget(self.escalate_button)
        outer.addLayout(top)
        self.hours_text = label(muted=True)
        outer.addWidget(self.hours_text)
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setSpacing(14)
        body.addLayout(self._build_left(), 2)
        body.addLayout(self._build_right(), 3)
        outer.addLayout(body, 1)
        add_shortcut(self, "Ctrl+F", self.focus_first)
        self.refresh()

    # --- layout -------------------------------------------------------------------------------

    def _build_left(self) -> QVBoxLayout:
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(section_title("Find a person · Ctrl+F"))
        self.picker = PersonPicker(self.actions, placeholder="Name or card", allow_new=True)
        self.picker.chosen.connect(lambda gid, name: self.show_person(gid))
        self.picker.box.returnPressed.connect(self._enter_in_search)
        left.addWidget(self.picker)
        self.due_title = section_title("Due now")
        left.addWidget(self.due_title)
        self.due = wrapping_list("Follow-ups due now", min_height=90)
        self.due.itemActivated.connect(self._take_follow_up)
        left.addWidget(self.due)
        self.today_title = section_title("Today's diary")
        left.addWidget(self.today_title)
        self.today_model = RowsModel(("Time", "Person", "Kind", "Min"))
        self.today = rows_table(self.today_model, "Today's contacts", stretch=1)
        self.today.setMinimumHeight(120)
        self.today.doubleClicked.connect(lambda index: self.show_person(self.today_model.payload(index.row())))
        left.addWidget(self.today, 1)
        return left

    def _build_right(self) -> QVBoxLayout:
        right = QVBoxLayout()
        right.setSpacing(8)
        self.person_frame, person = panel()
        self.person_name = heading("No one chosen yet")
        self.person_status = label()
        self.person_more = label(muted=True)
        self.warning = label()
        self.warning.setProperty("error", True)
        for widget in (self.person_name, self.person_status, self.person_more, self.warning):
            person.addWidget(widget)
        actions = FlowLayout(spacing=6)
        self.plans_button = shortcut_button("Plans", "Ctrl+P", self.open_plans, page=self)
        self.people_button = shortcut_button("People around them", "Alt+P", self.open_people, page=self)
        self.onward_button = shortcut_button("Refer on", "Alt+R", self.open_onward, page=self)
        self.restrict_button = shortcut_button("Colleague's record", "Alt+K", self.open_restrict, page=self)
        self.restrict_button.setVisible(self.actions.can(Permission.MANAGE_STAFF))
        for button in (self.plans_button, self.people_button, self.onward_button, self.restrict_button):
            actions.addWidget(button)
        person.addLayout(actions)
        right.addWidget(self.person_frame)
        self.form = ContactForm(self.actions, self, self.zone)
        self.form.logged.connect(self._after_log)
        self.form.supported.connect(lambda _id: self.banner.show_message("success", "Practical support logged."))
        right.addWidget(self.form)
        right.addWidget(section_title("Their recent contacts"))
        self.recent_model = RowsModel(("When", "Kind", "Min", "Outcome", "By", "Notes"))
        self.recent = rows_table(self.recent_model, "Recent contacts", stretch=5)
        self.recent.setMinimumHeight(120)
        right.addWidget(self.recent, 1)
        return right

    # --- showing ------------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.picker.box.setFocus()
        self.picker.box.selectAll()

    def show_person(self, guest_id: str | None, completes: tuple[str, str] | None = None) -> None:
        self.guest_id = guest_id
        if guest_id is None:
            self.person_name.setText("No one chosen yet")
            for widget in (self.person_status, self.person_more, self.warning):
                widget.clear()
            self.warning.hide()
            self.recent_model.set_rows([])
            self.form.set_person(None)
            self._enable_person_actions(False)
            return
        record = self.actions.read(guests.get_guest, guest_id)
        summary = self.actions.read(referrals.case_summary, guest_id)
        around = self.actions.read(circle.people_around, guest_id)
        now = self.actions.desk.clock.now()
        # Cases belong to services that take referrals; a haven has none.
        status = [summary.status_text] if self.site.settings.profile.uses(Part.REFERRALS) else []
        if around.named_worker:
            status.append(f"named worker: {around.named_worker}")
        if summary.last_contact_at:
            status.append(f"last contact {day_and_time(summary.last_contact_at, self.zone, now)}")
        self.person_name.setText(record.preferred_name + (" (restricted record)" if record.restricted else ""))
        self.person_status.setText(" · ".join(status))
        more = [f"{m.role.label}: {m.name}" for m in around.members[:3]]
        plan_list = self.actions.read(plans.plans_of, guest_id)
        more += [f"{p.kind.label} v{p.versions}" + (" (sealed)" if p.sealed else "") for p in plan_list]
        self.person_more.setText(" · ".join(more) or "No plans or people around them recorded yet.")
        warning = age_warning(self.site.settings.profile, record.preferred_name, record.birth_year,
                              record.birth_date, now.astimezone(self.zone).date())
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))
        contacts = self.actions.read(diary.contacts_of, guest_id, 30)
        self.recent_model.set_rows(
            ((day_and_time(c.at, self.zone, now), c.kind.label + (" (taken out)" if c.voided else ""),
              str(c.minutes or ""), c.outcome.label if c.outcome else "", c.staff_name or "",
              (c.notes or "").replace("\n", " ")), c.id) for c in contacts)
        self.form.set_person(guest_id, record.preferred_name, completes)
        self._enable_person_actions(True)

    def _enable_person_actions(self, on: bool) -> None:
        plans_on = self.site.settings.profile.uses(Part.PLANS) and self.actions.can(Permission.CASEWORK)
        self.plans_button.setVisible(plans_on)
        self.onward_button.setVisible(self.site.settings.profile.uses(Part.SUPPORT))
        for button in (self.plans_button, self.people_button, self.onward_button, self.restrict_button):
            button.setEnabled(on)

    def refresh(self) -> None:
        now = self.actions.desk.clock.now()
        self.site = self.actions.read(get_site)
        hours = self.site.settings.profile.hours
        window = hours.window_at(now, self.zone)
        upcoming = hours.next_window(now, self.zone)
        if hours.always_open:
            self.hours_text.setText("Open 24 hours.")
        elif window is not None:
            self.hours_text.setText(f"Open now until {day_and_time(window.closes_at, self.zone, now)}.")
        else:
            self.hours_text.setText("Closed now" + (f"; opens {full_date_time(upcoming.opens_at, self.zone)}."
                                                    if upcoming else "."))
        due = self.actions.read(diary.due_follow_ups)
        self.due.clear()
        for follow in due:
            item = QListWidgetItem(f"{day_and_time(follow.due_at, self.zone, now)}  {follow.guest_name}: {follow.text}")
            item.setData(_FOLLOW_UP, (follow.id, follow.guest_id, follow.text))
            item.setToolTip(f"Due {full_date_time(follow.due_at, self.zone)}")
            self.due.addItem(item)
        self.due_title.setText(f"Due now ({len(due)})" if due else "Due now: nothing")
        local = now.astimezone(self.zone)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        contacts = self.actions.read(diary.contacts_between, start, now + timedelta(seconds=1))
        self.today_model.set_rows(((day_and_time(c.at, self.zone, now), c.guest_name, c.kind.label,
                                    str(c.minutes or "")), c.guest_id) for c in reversed(contacts))
        self.today_title.setText(f"Today's diary: {count_of(len(contacts), 'contact')}")
        if self.guest_id:
            self.show_person(self.guest_id)

    # --- behaviour ----------------------------------------------------------------------------

    def _enter_in_search(self) -> None:
        if self.picker.guest_id is None and self.picker.typed_name and not self.picker.matches.isVisible():
            guest_id = self.picker.person_id()  # not on the register: added as a new person
            if guest_id:
                self.banner.show_message("success", f"{self.picker.typed_name} added as a new person.")
                self.show_person(guest_id)

    def _take_follow_up(self, item: QListWidgetItem) -> None:
        follow_id, guest_id, text = item.data(_FOLLOW_UP)
        self.picker.set_guest(guest_id, self.actions.read(guests.get_guest, guest_id).preferred_name)
        self.show_person(guest_id, completes=(follow_id, text))

    def _after_log(self, _contact_id: str) -> None:
        self.banner.show_message("success", "Contact logged.")
        self.picker.reset()
        self.focus_first()

    def escalate(self) -> None:
        from safespace_desk.ui.casework.dialogs import EscalationDialog

        dialog = EscalationDialog(self.actions, self.guest_id, self)
        dialog.open()

    def open_plans(self) -> None:
        if self.guest_id is None:
            return
        from safespace_desk.ui.casework.plan_dialog import PlanDialog

        PlanDialog(self.actions, self.guest_id, self).open()

    def open_people(self) -> None:
        if self.guest_id is None:
            return
        from safespace_desk.ui.casework.dialogs import PeopleDialog

        PeopleDialog(self.actions, self.guest_id, self).open()

    def open_onward(self) -> None:
        if self.guest_id is None:
            return
        from safespace_desk.ui.casework.dialogs import OnwardDialog

        OnwardDialog(self.actions, self.guest_id, self).open()

    def open_restrict(self) -> None:
        if self.guest_id is None:
            return
        from safespace_desk.ui.casework.dialogs import RestrictDialog

        RestrictDialog(self.actions, self.guest_id, self).open()

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*CASEWORK_KINDS):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()
