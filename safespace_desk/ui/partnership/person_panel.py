"""The panel beside the by-name list: one person's counts, the action agreed at the last meeting, and
the "action agreed" line for this meeting (what, who, by when), with joining or leaving the list.

It shows only what the list holds (counts and dates); it calls no service itself: the tab does, and
hands errors back to ``show_error`` so they appear next to the box they name.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QDateEdit, QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.partnership import ACTION_MAX, OWNER_MAX, ActionInput, ListRow
from safespace_desk.reports.partnership_export import arrivals_text, by_agency
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors, text_edit
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import heading, label, muted_label, section_title

FACTS = ("On the list", "First seen", "Last seen", "In the period", "Arrived via", "Exclusions",
         "Messages waiting", "Messages delivered", "Triage", "Flags")


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


class PersonPanel(QFrame):
    save_requested = Signal(str, object)  # guest id, ActionInput
    done_requested = Signal(str)  # action id
    join_requested = Signal(str)
    leave_requested = Signal(str)

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._zone = zone
        self._row: ListRow | None = None
        self._meeting = date.today()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        self.name = heading("Choose a person on the list")
        self.other_names = muted_label()
        layout.addWidget(self.name)
        layout.addWidget(self.other_names)
        # Two facts a row (title above value), below the actions: a meeting starts from what was agreed.
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(0)
        self.facts: dict[str, QLabel] = {}
        for n, title in enumerate(FACTS):
            row, column = divmod(n, 2)
            grid.addWidget(muted_label(title), row * 2, column, Qt.AlignmentFlag.AlignTop)
            value = label()
            value.setObjectName(f"fact_{n}")
            grid.addWidget(value, row * 2 + 1, column, Qt.AlignmentFlag.AlignTop)
            self.facts[title] = value
            grid.setRowMinimumHeight(row * 2 + 1, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        layout.addWidget(section_title("The last action agreed"))
        last = QHBoxLayout()
        self.last_action = label()
        self.done_button = shortcut_button("Mark it done", None, self._done, parent=self)
        last.addWidget(self.last_action, 1)
        last.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(last)

        self.form_title = section_title("Action agreed at this meeting")
        self.form_title.setWordWrap(True)
        layout.addWidget(self.form_title)
        self.action = text_edit("The action agreed", ACTION_MAX)
        self.action.setPlaceholderText("What the meeting agreed")
        self.owner = text_edit("Who does it", OWNER_MAX)
        self.owner.setPlaceholderText("Person or agency")
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setAccessibleName("Due by")
        general = label()
        self.errors = FieldErrors(general)
        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(2)
        # The owner under the action at the panel's full width, the date under it: side by side, Large
        # text left the owner too narrow for "Person or agency".
        for field, editor, title, row, column, span in (
                ("action", self.action, "&Action", 0, 0, 2), ("owner", self.owner, "O&wner", 3, 0, 2),
                ("due_on", self.due, "D&ue by", 6, 0, 1)):
            caption = QLabel(title)
            caption.setObjectName("fieldLabel")
            caption.setBuddy(editor)
            form.addWidget(caption, row, column, 1, span)
            form.addWidget(editor, row + 1, column, 1, span)
            form.addWidget(self.errors.bind(field, editor), row + 2, column, 1, span)
        form.setColumnStretch(0, 3)
        form.setColumnStretch(1, 2)
        layout.addLayout(form)
        layout.addWidget(general)
        self.action.returnPressed.connect(self._save)
        self.owner.returnPressed.connect(self._save)
        buttons = FlowLayout(spacing=8)
        self.save_button = shortcut_button("Save the action", "Ctrl+S", self._save, parent=self, kind="primary",
                                           page=self)
        self.join_button = shortcut_button("Add to the list", None, self._join, parent=self)
        self.leave_button = shortcut_button("Take off the list", None, self._leave, parent=self, kind="danger")
        for button in (self.save_button, self.join_button, self.leave_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.agreed_hint = muted_label("Adding someone or taking them off is recorded as agreed at this meeting.")
        self.agreed_hint.setObjectName("hint")
        layout.addWidget(self.agreed_hint)
        layout.addWidget(section_title("What the desk counted"))
        layout.addLayout(grid)
        layout.addStretch(1)
        self.show_row(None, date.today())

    # -- what is shown ------------------------------------------------------------------------------
    def show_row(self, row: ListRow | None, meeting_day: date) -> None:
        self._row = row
        self._meeting = meeting_day
        self.errors.clear()
        editable = row is not None
        for widget in (self.action, self.owner, self.due, self.save_button, self.join_button, self.leave_button):
            widget.setEnabled(editable)
        if row is None:
            self.name.setText("Choose a person on the list")
            self.other_names.setText("Up and Down move through the list; the action agreed is typed here.")
            for value in self.facts.values():
                value.setText("")
            self.last_action.setText("")
            self.done_button.hide()
            return
        self.name.setText(row.name)
        self.other_names.setText("Also known as " + "; ".join(row.other_names) if row.other_names else "")
        self.other_names.setVisible(bool(row.other_names))
        self._fill_facts(row)
        self._fill_actions(row, meeting_day)
        self.join_button.setVisible(row.on_list_since is None or row.left_list_on is not None)
        self.join_button.setEnabled(row.on_list_since is None)
        self.leave_button.setVisible(row.on_list_since is not None and row.left_list_on is None)

    def _fill_facts(self, row: ListRow) -> None:
        on_list = (f"Since the meeting on {_day(row.on_list_since)}" if row.on_list_since else
                   "Not on the list (seen in the period)")
        if row.left_list_on:
            on_list += f"; taken off at the meeting on {_day(row.left_list_on)}"
        first = row.first_seen.astimezone(self._zone) if row.first_seen else None
        last = row.last_seen.astimezone(self._zone) if row.last_seen else None
        excluded = f"{row.exclusions} in the period" + (" · excluded now" if row.excluded_now else "")
        values = {
            "On the list": on_list,
            "First seen": f"{_day(first.date())}, {first:%H:%M}" if first else "Never at the hub",
            "Last seen": ("In now" if row.in_now else (f"{_day(last.date())}, {last:%H:%M}" if last else "Never")),
            "In the period": f"{row.visits} visit{'s' if row.visits != 1 else ''}, "
                             f"{row.nights} night{'s' if row.nights != 1 else ''} in a bed",
            "Arrived via": arrivals_text(row.arrivals) or "–",
            "Exclusions": excluded,
            "Messages waiting": by_agency(row.messages_waiting) or "None",
            "Messages delivered": by_agency(row.messages_delivered) or "None",
            "Triage": f"{row.triage_assessments} assessment{'s' if row.triage_assessments != 1 else ''} (a count only)",
            "Flags": ", ".join(flag.label for flag in row.flags) or "None",
        }
        for title, text in values.items():
            self.facts[title].setText(text)

    def _fill_actions(self, row: ListRow, meeting_day: date) -> None:
        action = row.action
        earlier = action if action is not None and action.meeting_day < meeting_day else None
        if earlier is None:
            self.last_action.setText("None agreed before this meeting.")
            self.done_button.hide()
        else:
            state = (f"Done (recorded {_day(earlier.done_on)})" if earlier.done_on else
                     ("Overdue" if earlier.overdue_on(meeting_day) else "Not yet due"))
            self.last_action.setText(f"{earlier.text}\n{earlier.owner}, due {_day(earlier.due_on)} · agreed "
                                     f"{_day(earlier.meeting_day)} · {state}")
            self.done_button.setVisible(earlier.done_on is None)
        today = action if action is not None and action.meeting_day == meeting_day else None
        self.action.setText(today.text if today else "")
        self.owner.setText(today.owner if today else "")
        due = today.due_on if today else meeting_day + timedelta(days=14)
        self.due.setMinimumDate(QDate(meeting_day.year, meeting_day.month, meeting_day.day))
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.form_title.setText(f"Action agreed at this meeting ({meeting_day.day} {meeting_day:%b})")

    # -- requests --------------------------------------------------------------------------------
    def _save(self) -> None:
        if self._row is not None:
            self.errors.clear()
            entry = ActionInput(self.action.text(), self.owner.text(), self.due.date().toPython())
            self.save_requested.emit(self._row.guest_id, entry)

    def _done(self) -> None:
        if self._row is not None and self._row.action is not None:
            self.done_requested.emit(self._row.action.id)

    def _join(self) -> None:
        if self._row is not None:
            self.join_requested.emit(self._row.guest_id)

    def _leave(self) -> None:
        if self._row is not None:
            self.leave_requested.emit(self._row.guest_id)

    def show_error(self, error: DeskError | str) -> None:
        self.errors.show(error)

    def focus_action(self) -> None:
        self.action.setFocus()

