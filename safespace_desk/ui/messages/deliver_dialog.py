"""Passing messages on: what the desk opens when a guest with waiting messages is found or signed in.

The front-desk page needs only two things from here:

* ``MessagesWaitingBanner`` — a small non-blocking strip, "2 messages waiting (1 urgent) — Open ·
  Ctrl+M", to embed under its search box; call ``show_for(guest_id)`` after a guest is found or
  signed in, and connect ``changes_made`` to the shell's ``apply_changes``.
* ``show_waiting_messages(parent, desk, guest_id)`` — opens the dialog and returns the ``Changes``
  made once it is closed (nothing is shown, and empty Changes returned, when none are waiting).

This dialog is the one modal window of these pages: the person is standing at the desk and the
messages are theirs, so staff deal with them and close it (Esc) to get back to the door.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.messages import MessageView
from safespace_desk.services import messages
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.formatting import day_and_time, full_date_time, messages_text, until_text
from safespace_desk.ui.kit.forms import FieldErrors, set_state
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import apply_page_style, label, set_text_size
from safespace_desk.ui.messages.actions import ServiceActions

OPEN_MESSAGES_KEYS = "Ctrl+M"


class MessageCard(QFrame):
    """One waiting message with its two outcomes. Alt+D delivered, Alt+N not passed on."""

    done = Signal(str, str)  # message id, "delivered" | "not_passed_on"

    def __init__(self, view: MessageView, actions: ServiceActions, describe: Callable[[MessageView], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._actions = actions
        self.setObjectName("messageCard")
        self.setProperty("urgent", view.urgent)
        self.setAccessibleName(("Urgent message" if view.urgent else "Message") + f" from {view.agency}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)

        top = QHBoxLayout()
        top.setSpacing(8)
        if view.urgent:
            pill = QLabel("URGENT")
            pill.setProperty("urgent", True)
            top.addWidget(pill)
        source = label(f"From {view.agency}" + (f" · {view.contact}" if view.contact else ""), wrap=True)
        set_text_size(source, None, bold=True)
        top.addWidget(source, 1)
        top.addWidget(label(view.category.label, muted=True, wrap=False))
        layout.addLayout(top)
        if view.discreet:
            layout.addWidget(label("Discreet: pass it on privately, away from others.", muted=True))

        body = label(view.body)
        body.setProperty("bodyLarge", True)
        set_text_size(body, "large", bold=False)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(body)
        layout.addWidget(label(describe(view), muted=True))

        self.form = QWidget(self)
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 4, 0, 0)
        form.setSpacing(4)
        self.note = QLineEdit(self.form)
        self.note.setPlaceholderText("Note (optional when delivered; say why if not passed on)")
        self.note.setAccessibleName("Note or reason")
        self.note.setMaxLength(500)
        self.note.returnPressed.connect(self.mark_delivered)
        general = label()
        self.errors = FieldErrors(general)
        # The delivery note and the reason for not passing it on share the one box.
        note_error = self.errors.bind("note", self.note)
        self.errors.bind("reason", self.note, note_error)
        self._note_error = note_error
        form.addWidget(self.note)
        form.addWidget(note_error)
        form.addWidget(general)
        # Card-scoped keys: every card has them, and the one holding focus answers.
        self.deliver_button = shortcut_button("Delivered", "Alt+D", self.mark_delivered, kind="primary",
                                              page=self)
        self.not_passed_button = shortcut_button("Not passed on", "Alt+N", self.mark_not_passed_on, page=self)
        row = QHBoxLayout()
        row.addWidget(self.deliver_button)
        row.addWidget(self.not_passed_button)
        row.addStretch(1)
        form.addLayout(row)
        layout.addWidget(self.form)
        self.outcome = label()
        self.outcome.setProperty("done", True)
        self.outcome.hide()
        layout.addWidget(self.outcome)

    @property
    def is_open(self) -> bool:
        return not self.form.isHidden()

    def focus_note(self) -> None:
        self.note.setFocus()

    def mark_delivered(self) -> None:
        note = self.note.text().strip() or None
        if not self._try(lambda: self._actions.run(messages.deliver, self.view.id, note)):
            return
        self._finish("Delivered" + (f". Note: {note}" if note else "."), "delivered")

    def mark_not_passed_on(self) -> None:
        reason = self.note.text().strip()
        if not reason:
            # Caught here as well as by the service, to say what to write and keep focus in the box.
            self.errors.show("Say why it was not passed on (e.g. “too unwell to take it in tonight”).",
                             field="reason")
            return
        if not self._try(lambda: self._actions.run(messages.not_passed_on, self.view.id, reason)):
            return
        self._finish(f"Not passed on: {reason}", "not_passed_on")

    def _try(self, call: Callable[[], object]) -> bool:
        self.errors.clear()
        try:
            call()
        except DeskError as err:
            self.errors.show(err)
            return False
        return True

    def _finish(self, text: str, outcome: str) -> None:
        self.form.hide()
        self.outcome.setText(text)
        self.outcome.show()
        set_state(self, "done", True)
        self.done.emit(self.view.id, outcome)

    @property
    def error_text(self) -> str:
        return self._note_error.text() if not self._note_error.isHidden() else self.errors.general_text


class DeliverDialog(QDialog):
    """The guest's waiting messages, urgent first, each passed on or not. Esc closes."""

    changes_made = Signal(object)  # Changes, after each message is dealt with

    def __init__(self, desk: DeskContext, guest_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.setWindowTitle("Messages waiting")
        self.setModal(True)
        self.resize(720, 560)
        self.changes = Changes()
        self._actions = ServiceActions(desk, self)
        self._actions.changes_made.connect(self._collect)
        zone = self._actions.read(get_site).zone
        now = desk.clock.now()
        waiting = self._actions.read(messages.waiting_for, guest_id)  # urgent first
        # Opening the messages is a view of the guest's record: audited like the board's Open.
        views = [self._actions.read(messages.open_message, m.id) for m in waiting]
        name = next((v.guest_name for v in views if v.guest_name), "this guest")
        self.guest_name = name

        def describe(view: MessageView) -> str:
            received = f"Received {day_and_time(view.created_at, zone, now)}"
            by = f" by {view.created_by_name}" if view.created_by_name else ""
            return f"Relevant until: {until_text(view.relevant_until, zone, now)} · {received}{by}" \
                   f" ({full_date_time(view.created_at, zone)})"

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        urgent = sum(1 for v in views if v.urgent)
        self.heading = label(messages_text(len(views), urgent, name))
        set_text_size(self.heading, "larger", bold=True)
        layout.addWidget(self.heading)
        layout.addWidget(label("Read each one to them (or hand it over), then mark it Delivered. If it could "
                               "not be passed on, write why in the box and choose Not passed on.", muted=True))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("scrollBody")
        cards = QVBoxLayout(body)
        cards.setContentsMargins(0, 0, 6, 0)
        cards.setSpacing(10)
        self.cards: list[MessageCard] = []
        for view in views:  # waiting_for gives urgent first
            card = MessageCard(view, self._actions, describe, body)
            card.done.connect(self._after_one)
            cards.addWidget(card)
            self.cards.append(card)
        if not views:
            cards.addWidget(label("No messages are waiting for this guest now.", muted=True))
        cards.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.summary = label(muted=True)
        self.close_button = shortcut_button("Done", "Esc", self.accept, page=self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self._update_summary()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Hands stay on the keyboard: the first open message's box takes the typing at once.
        self.activateWindow()
        first = next((c for c in self.cards if c.is_open), None)
        (first.note if first else self.close_button).setFocus()

    def _collect(self, changes: Changes) -> None:
        self.changes = self.changes | changes
        self.changes_made.emit(changes)

    def _after_one(self, _message_id: str, _outcome: str) -> None:
        self._update_summary()
        next_open = next((c for c in self.cards if c.is_open), None)
        if next_open is not None:
            next_open.focus_note()
        else:
            self.close_button.setFocus()

    def _update_summary(self) -> None:
        left = sum(1 for c in self.cards if c.is_open)
        self.summary.setText("All dealt with. Esc to go back to the desk." if not left and self.cards
                             else f"{left} still to pass on.")


def show_waiting_messages(parent: QWidget | None, desk: DeskContext, guest_id: str,
                          on_changes: Callable[[Changes], None] | None = None) -> Changes:
    """Open the guest's waiting messages and return what was changed once staff close it.

    ``on_changes`` (e.g. the shell's ``apply_changes``) hears each change as it happens, so the
    board behind the dialog is up to date even before it closes.
    """
    if not messages.waiting_for(desk, guest_id):
        return Changes()
    dialog = DeliverDialog(desk, guest_id, parent)
    if on_changes is not None:
        dialog.changes_made.connect(on_changes)
    dialog.exec()
    dialog.deleteLater()
    return dialog.changes


class MessagesWaitingBanner(QFrame):
    """'2 messages waiting for Kez (1 urgent) — Open · Ctrl+M': never blocks sign-in."""

    changes_made = Signal(object)  # Changes, forward to the shell's apply_changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagesWaitingBanner")
        self._desk = desk
        self._guest_id: str | None = None
        self.dialog: DeliverDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        self.text = label()
        set_text_size(self.text, None, bold=True)
        row.addWidget(self.text, 1)
        self.open_button = shortcut_button("Open", OPEN_MESSAGES_KEYS, self.open_messages, parent=self,
                                           kind="primary")
        row.addWidget(self.open_button)
        # Styled here too: the banner lives on the front-desk page, outside these pages' stylesheet.
        apply_page_style(self, name="messagesWaitingBanner")
        self.hide()

    @property
    def guest_id(self) -> str | None:
        return self._guest_id

    def show_for(self, guest_id: str | None) -> int:
        """Show the count for this guest (hidden when none are waiting); returns how many wait."""
        self._guest_id = guest_id
        waiting = messages.waiting_for(self._desk, guest_id) if guest_id else []
        if not waiting:
            self.hide()
            return 0
        urgent = sum(1 for m in waiting if m.urgent)
        self._show_count(len(waiting), urgent, waiting[0].guest_name)
        return len(waiting)

    def show_counts(self, guest_id: str, name: str, waiting: int, urgent: int) -> None:
        """Show counts a search has just read (the highlighted guest): no second read of the
        messages while staff type. The view is audited as ``show_for``'s is."""
        self._guest_id = guest_id
        if not waiting:
            self.hide()
            return
        messages.note_waiting_shown(self._desk, guest_id, waiting)
        self._show_count(waiting, urgent, name)

    def _show_count(self, waiting: int, urgent: int, name: str | None) -> None:
        self.text.setText(messages_text(waiting, urgent, name or "this guest"))
        set_state(self, "tone", "warning" if urgent else "info")
        self.show()

    def refresh(self) -> None:
        self.show_for(self._guest_id)

    def open_messages(self) -> DeliverDialog | None:
        """Open the deliver dialog without blocking (``QDialog.open``); refresh when it closes."""
        if self._guest_id is None:
            return None
        self.dialog = DeliverDialog(self._desk, self._guest_id, self.window())
        self.dialog.changes_made.connect(self.changes_made)
        self.dialog.finished.connect(lambda _result: self.refresh())
        self.dialog.open()
        return self.dialog
