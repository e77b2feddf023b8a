"""The inline override form: a shift lead lets something through despite a rule, with a reason.

If the person signed in is a lead or manager, only the reason is asked for (their own session is the
proof: overrides.own_override). Otherwise the lead who has come over to this desk types their name and
PIN or password (overrides.authorise_override), so the override is recorded against the lead, not the
desk account. Either way the service gets a single-use grant for this one action, never a name.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import overrides, staff
from safespace_desk.services.overrides import Override, OverrideAction
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.wait_countdown import WaitCountdown
from safespace_desk.ui.kit.widgets import muted_label


class OverrideForm(QWidget):
    authorised = Signal(object)  # Override
    cancelled = Signal()

    def __init__(self, actions: DeskActions, *, action: OverrideAction, submit_text: str, reason_hint: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overrideForm")
        self._actions = actions
        self._action = action
        self._lead_here = actions.is_lead
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(8)
        who = actions.desk.actor.name if actions.desk.actor else ""
        layout.addWidget(muted_label(
            f"Recorded as an override by {who}." if self._lead_here
            else "The shift lead types their own name and PIN or password.", self))
        # Each caption above its box: the form sits in a banner in the search column (a third of the
        # screen in Large text), where captions beside the boxes were cut ("Lead's na…", "PIN or pa…").
        self.lead_name = QLineEdit(self)
        self.lead_name.setObjectName("leadName")
        self.lead_name.setPlaceholderText("As on the staff list")
        if not self._lead_here:
            self._offer_lead_names()
        self.lead_secret = QLineEdit(self)
        self.lead_secret.setObjectName("leadSecret")
        self.lead_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText(reason_hint)
        general = QLabel(self)
        general.setWordWrap(True)
        self.errors = FieldErrors(general)
        self._error_labels: dict[str, QLabel] = {}
        # After too many wrong tries for the lead's name: "Wait N seconds" under the PIN box, counting down.
        self.countdown = WaitCountdown(self._show_wait, self)
        for field, label_text, editor in (("lead_name", "Lead's name", self.lead_name),
                                          ("lead_secret", "PIN or password", self.lead_secret),
                                          ("reason", "Reason (recorded)", self.reason)):
            if field != "reason" and self._lead_here:
                editor.hide()
                continue
            error = QLabel(self)
            error.setWordWrap(True)
            self.errors.bind(field, editor, error)
            self._error_labels[field] = error
            label = QLabel(label_text, self)
            label.setBuddy(editor)
            fields = QVBoxLayout()
            fields.setSpacing(2)
            fields.addWidget(label)
            fields.addWidget(editor)
            fields.addWidget(error)
            layout.addLayout(fields)
            editor.returnPressed.connect(self.submit)
        layout.addWidget(general)
        # The buttons wrap under each other where the column is narrow.
        buttons = FlowLayout(spacing=8)
        # Enter and Esc act while focus is in this form only: as window shortcuts they would
        # steal Enter from the search box and Esc from other panels.
        self.submit_button = shortcut_button(f"{submit_text} · Enter", None, self.submit, parent=self,
                                             kind="primary")
        self.cancel_button = shortcut_button("Cancel · Esc", None, self.cancel, parent=self, kind="quiet")
        add_shortcut(self, "Esc", self.cancel)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

    def _offer_lead_names(self) -> None:
        """Complete the lead's name from the leads on duty (names only; see staff.override_leads)."""
        try:
            names = self._actions.read(staff.override_leads)
        except DeskError:
            return  # typing the name in full still works
        completer = QCompleter(names, self.lead_name)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # Inline ("Le" shows "Lee Lead" with the rest selected): no popup to cover the reason box.
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.lead_name.setCompleter(completer)

    def first_field(self) -> QLineEdit:
        return self.reason if self._lead_here else self.lead_name

    def focus_first(self) -> None:
        self.first_field().setFocus()

    def submit(self) -> None:
        self.errors.clear()
        reason = self.reason.text().strip()
        if not self._lead_here and not self.lead_name.text().strip():
            self.errors.show("Type the shift lead's name.", field="lead_name")
            return
        if not self._lead_here and not self.lead_secret.text():
            self.errors.show("Type the lead's PIN or password.", field="lead_secret")
            return
        if not reason:
            self.errors.show("Give a reason; it is recorded with the override.", field="reason")
            return
        try:
            if self._lead_here:
                grant = self._actions.read(overrides.own_override, self._action)
            else:
                grant = self._actions.read(overrides.authorise_override, self.lead_name.text(),
                                           self.lead_secret.text(), self._action)
        except DeskError as err:
            self.lead_secret.clear()
            self.errors.show(err)
            self.countdown.follow(err)
            return
        self.countdown.stop()
        self.lead_secret.clear()
        self.authorised.emit(Override(reason, grant))

    def _show_wait(self, text: str) -> None:
        label = self._error_labels.get("lead_secret")
        if label is not None:
            label.setText(text)  # not FieldErrors.show: a tick must not take the focus from the reason
            label.show()

    def show_error(self, error: DeskError) -> None:
        self.errors.show(error, field="reason" if error.field is None else None)

    def cancel(self) -> None:
        self.cancelled.emit()
