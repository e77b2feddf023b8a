"""A guest's own short feedback, anonymous (issue 13, item 6), in the desk's left column (Ctrl+G, or the
button under the search): staff write it down for the guest, or the guest types it at the desk. Nothing on
the form names or picks a guest; the note says so, and asks for no names. Saved or closed, the column goes
back to the search, so the next person at the desk does not see it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.feedback import WORDS_MAX, Welcome
from safespace_desk.services import feedback
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import Banner, FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import heading, muted_label, scrolled_body

ANONYMOUS_NOTE = ("Anonymous: not linked to anyone, and only today's date is kept. "
                  "Please write no names, yours or anyone else's.")
NO_ANSWER = ""


class FeedbackPanel(QWidget):
    message = Signal(str, str)  # tone, text: for the page's message line
    closed = Signal()

    def __init__(self, actions: DeskActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackPanel")
        self._actions = actions
        # In a scroll area, as the add-guest form: a night check and a handover banner above leave the
        # column little height, and the words box must not shrink over its counter.
        body = scrolled_body(self, "feedbackBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(8)
        layout.addWidget(heading("A guest's feedback", parent=body))
        self.note = Banner(body)
        self.note.show_message(ANONYMOUS_NOTE, "info")
        layout.addWidget(self.note)

        layout.addWidget(QLabel("How welcome did you feel here?", body))
        self.ratings = QButtonGroup(self)
        self.ratings.setExclusive(True)
        # Toggle buttons as the desk's "Arrived via"; they wrap in Large text rather than widen the column.
        choices = FlowLayout(spacing=6)
        self.rating_buttons: dict[str, QPushButton] = {}
        for value, text in [(w.value, w.label) for w in Welcome] + [(NO_ANSWER, "No answer")]:
            button = QPushButton(text, body)
            button.setProperty("toggle", True)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setAccessibleName(f"How welcome: {text}")
            self.ratings.addButton(button)
            choices.addWidget(button)
            self.rating_buttons[value] = button
        self.rating_buttons[NO_ANSWER].setChecked(True)
        layout.addLayout(choices)

        words_label = QLabel("In their own words", body)
        layout.addWidget(words_label)
        self.words = QPlainTextEdit(body)
        self.words.setAccessibleName("Feedback in their own words")
        self.words.setPlaceholderText("What went well, what could be better…")
        self.words.setTabChangesFocus(True)
        self.words.setMinimumHeight(80)
        self.words.textChanged.connect(self._count)
        words_label.setBuddy(self.words)
        layout.addWidget(self.words, 1)
        self.counter = muted_label("", body)
        layout.addWidget(self.counter)
        general = QLabel(body)
        self.errors = FieldErrors(general)
        layout.addWidget(self.errors.bind("words", self.words))
        layout.addWidget(self.errors.bind("rating", self.rating_buttons[Welcome.WELCOME.value]))
        layout.addWidget(general)
        buttons = FlowLayout(spacing=8)  # side by side they are wider than the column in Large text
        self.close_button = shortcut_button("Close · Esc", None, self.close_panel, parent=body, kind="quiet")
        self.save_button = shortcut_button("Save feedback", "Ctrl+Return", self.save, parent=body, kind="primary",
                                           page=self)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        add_shortcut(self, "Esc", self.close_panel)
        chain = [*self.rating_buttons.values(), self.words, self.close_button, self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._count()

    def start(self) -> None:
        self.clear()
        self.rating_buttons[Welcome.WELCOME.value].setFocus()

    def rating(self) -> str:
        return next((value for value, button in self.rating_buttons.items() if button.isChecked()), NO_ANSWER)

    def _count(self) -> None:
        used = len(self.words.toPlainText().strip())
        self.counter.setText(f"{used} of {WORDS_MAX} characters" + (" — too long" if used > WORDS_MAX else ""))

    def clear(self) -> None:
        self.errors.clear()
        self.words.clear()
        self.rating_buttons[NO_ANSWER].setChecked(True)

    def close_panel(self) -> None:
        self.clear()  # nothing typed stays for the next person at the desk
        self.closed.emit()

    def save(self) -> None:
        self.errors.clear()
        try:
            self._actions.run(feedback.give_feedback, self.words.toPlainText(), self.rating() or None)
        except DeskError as err:
            self.errors.show(err)
            return
        self.clear()
        self.message.emit("success", "Thank you: the feedback is saved, with no name and only today's date.")
