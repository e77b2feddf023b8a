"""Small forms for staff accounts. Each runs its service call through the task runner (most
touch key slots, which costs an Argon2 derivation) and keeps itself open on an error, shown next
to the field it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.roles import Role
from safespace_desk.domain.staff import PIN_MAX, StaffMember
from safespace_desk.services import staff
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import Banner, FieldRow, FormErrors, password_edit, primary_button, text_edit
from safespace_desk.ui.kit.secrets import PassphraseOffer
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.tasks import TaskRunner

W = TypeVar("W", bound=QWidget)

ROLE_HELP = ("Desk staff (peer supporters too): the front desk and casework. Shift lead: also overrides and "
             "exclusions. Paramedic: messages and their own triage notes. Volunteer: reads no notes or plans "
             "unless allowed. Manager: everything, including staff accounts.")


def role_combo(current: Role = Role.DESK) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName("Role")
    for role in (Role.DESK, Role.LEAD, Role.PARAMEDIC, Role.VOLUNTEER, Role.MANAGER):
        combo.addItem(role.label, role)
    combo.setCurrentIndex(combo.findData(current))
    return combo


class FormDialog(QDialog):
    """A titled form with OK/Cancel. Subclasses add rows and say what work OK runs."""

    succeeded = Signal(object)  # whatever the service returned

    def __init__(self, title: str, intro: str, action: str, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        # Wider with Large text (60 average characters), so wrapped help and errors take fewer lines.
        self.setMinimumWidth(max(520, self.fontMetrics().averageCharWidth() * 60))
        self._runner = runner
        self._rows: dict[str, FieldRow] = {}
        self._extras = 0  # widgets among the rows that are not rows
        # The form scrolls above its buttons when it is taller than the screen (Large text with an
        # error and a suggested passphrase made Add staff 944 px high, its buttons off a 768 screen).
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(28, 24, 28, 6)
        self._layout.setSpacing(10)
        self._layout.addWidget(heading(title))
        if intro:
            self._layout.addWidget(explanation(intro))
        self.banner = Banner()
        self._layout.addWidget(self.banner)
        self._rows_end = self._layout.count()
        self._layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self._body)
        self.ok_button = primary_button(action)
        self.ok_button.setDefault(True)  # Enter in any box submits
        self.ok_button.clicked.connect(self.submit)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(28, 10, 28, 20)
        buttons.setSpacing(10)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.scroll, 1)
        outer.addLayout(buttons)
        self._buttons = buttons
        self.errors = FormErrors(self.banner, self._rows)

    def fit_to_contents(self) -> None:
        """Grow to fit wrapped text (hints, errors), up to the screen's height (then the form scrolls):
        Qt does not use height-for-width when it sizes a top-level window, so a long error would
        otherwise overlap the box below it."""
        width = max(self.width(), self.minimumWidth())
        height = (self._layout.totalHeightForWidth(width) + self._buttons.totalSizeHint().height())
        screen = self.screen()
        if screen is not None:
            height = min(height, screen.availableGeometry().height() - 40)  # room for a title bar
        if self.height() < height:
            self.resize(width, height)
        shown = self.focusWidget()
        if shown is not None and self._body.isAncestorOf(shown):
            while shown.parentWidget() is not self._body:  # the whole row: its box and its error
                shown = shown.parentWidget()
            self.scroll.ensureWidgetVisible(shown, 0, 0)  # the row an error names, when the form scrolls

    def add_row(self, key: str, row: FieldRow) -> None:
        self._layout.insertWidget(self._rows_end + len(self._rows) + self._extras, row)
        self._rows[key] = row
        self.errors.rows[key] = row

    def add_widget(self, widget: W) -> W:
        """A widget under the rows added so far (a passphrase offer under the password boxes)."""
        self._layout.insertWidget(self._rows_end + len(self._rows) + self._extras, widget)
        self._extras += 1
        return widget

    def check(self) -> str | None:
        """A check the form makes itself; returns the field key to complain about, or None."""
        return None

    def work(self) -> Callable[[], Any]:
        raise NotImplementedError

    def submit(self) -> None:
        if self._runner.busy:
            return
        self.errors.clear()
        problem = self.check()
        if problem is not None:
            self.errors.show_field(problem, "The two entries are different. Type them again.")
            self.fit_to_contents()
            return
        self.ok_button.setEnabled(False)
        self._runner.run(self.work(), self._done, self._failed)

    def _done(self, result: object) -> None:
        self.ok_button.setEnabled(True)
        self.succeeded.emit(result)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.ok_button.setEnabled(True)
        self.errors.show(error)
        self.fit_to_contents()

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)  # type: ignore[arg-type]
        self.fit_to_contents()
        if self._rows and not self.focusWidget():
            next(iter(self._rows.values())).editor.setFocus(Qt.FocusReason.OtherFocusReason)


class AddStaffDialog(FormDialog):
    def __init__(self, desk: DeskContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__("Add a staff account", "They sign in with this name and password. Tell them "
                         "the password in person; they can change it under My account.",
                         "&Add account", runner, parent)
        self._desk = desk
        self.name = text_edit("Name", 80)
        self.role = role_combo()
        self.password = password_edit("Password")
        self.confirm = password_edit("Type the password again")
        self.pin = password_edit("Quick-unlock PIN (optional)")
        self.pin.setMaxLength(PIN_MAX)
        self.add_row("name", FieldRow("&Name", self.name))
        self.add_row("role", FieldRow("&Role", self.role, ROLE_HELP))
        self.add_row("password", FieldRow("&Password (at least 10 characters)", self.password))
        self.add_row("confirm", FieldRow("Type the password a&gain", self.confirm))
        self.passphrase = self.add_widget(PassphraseOffer(self.password, self.confirm, staff.suggest_passphrase))
        self.add_row("pin", FieldRow("Quick-unlock P&IN (optional, 4 to 8 digits)", self.pin))

    def check(self) -> str | None:
        return "confirm" if self.password.text() != self.confirm.text() else None

    def work(self) -> Callable[[], Any]:
        desk, name, role = self._desk, self.name.text(), self.role.currentData()
        password, pin = self.password.text(), self.pin.text().strip() or None
        return lambda: staff.add_staff(desk, name=name, role=role, password=password, pin=pin)


class ResetPasswordDialog(FormDialog):
    def __init__(self, desk: DeskContext, member: StaffMember, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        note = " This also brings the deactivated account back." if not member.active else ""
        super().__init__(f"New password for {member.name}",
                         "Use this when someone has forgotten their password. Tell them the new one "
                         f"in person.{note}", "&Set password", runner, parent)
        self._desk, self._member = desk, member
        self.password = password_edit("New password")
        self.confirm = password_edit("Type the new password again")
        self.add_row("password", FieldRow("New &password (at least 10 characters)", self.password))
        self.add_row("confirm", FieldRow("Type it a&gain", self.confirm))
        self.passphrase = self.add_widget(PassphraseOffer(self.password, self.confirm, staff.suggest_passphrase))

    def check(self) -> str | None:
        return "confirm" if self.password.text() != self.confirm.text() else None

    def work(self) -> Callable[[], Any]:
        desk, staff_id, password = self._desk, self._member.id, self.password.text()
        return lambda: staff.reset_password(desk, staff_id, password)


class ChangeRoleDialog(FormDialog):
    def __init__(self, desk: DeskContext, member: StaffMember, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Change {member.name}'s role", "", "&Change role", runner, parent)
        self._desk, self._member = desk, member
        self.role = role_combo(member.role)
        self.add_row("role", FieldRow("&Role", self.role, ROLE_HELP))
        # Per person: whether they count toward the staffing ratio, and whether a volunteer may read
        # support notes and plans (crisis services and havens).
        self.counts = QCheckBox("Counts toward the staffing ratio")
        self.counts.setChecked(member.counts_in_ratio)
        self.reads_notes = QCheckBox("May read support notes and plans")
        self.reads_notes.setChecked(member.may_read_notes)
        self.add_row("counts_in_ratio", FieldRow("Staffing", self.counts))
        self.add_row("may_read_notes", FieldRow("Volunteers only", self.reads_notes))
        self.role.currentIndexChanged.connect(self._volunteer_options)
        self._volunteer_options()

    def _volunteer_options(self) -> None:
        volunteer = self.role.currentData() == Role.VOLUNTEER
        self.reads_notes.setEnabled(volunteer)
        if not volunteer:
            self.reads_notes.setChecked(False)

    def work(self) -> Callable[[], Any]:
        desk, staff_id, role = self._desk, self._member.id, self.role.currentData()
        counts, reads = self.counts.isChecked(), self.reads_notes.isChecked()
        return lambda: (staff.change_role(desk, staff_id, role)
                        | staff.set_staff_options(desk, staff_id, counts_in_ratio=counts, may_read_notes=reads))
