"""Small inline forms used in banners and panels: sign out (where to), and a single reason."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from safespace_desk.domain.errors import DeskError
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import narrow_combo


class TextPromptForm(QWidget):
    """One line of text, a confirm button and a cancel; Enter confirms, Esc cancels.

    Used for "where to" on sign-out (optional) and for reasons (required).
    """

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, *, label: str, placeholder: str, submit_text: str, field: str,
                 required: bool = False, cancel_text: str = "Cancel", parent: QWidget | None = None,
                 name: str = "textPrompt") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._required = required
        self._label_text = label
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        caption = QLabel(label, self)
        self.editor = QLineEdit(self)
        self.editor.setObjectName(f"{name}Text")
        self.editor.setPlaceholderText(placeholder)
        caption.setBuddy(self.editor)
        row.addWidget(caption)
        row.addWidget(self.editor, 1)
        # The buttons under the box, wrapping: beside it in the side panel (half the desk) they were
        # squeezed narrower than their text.
        buttons = FlowLayout(spacing=8)
        self.submit_button = shortcut_button(f"{submit_text} · Enter", None, self.submit, parent=self,
                                             kind="primary")
        self.cancel_button = shortcut_button(f"{cancel_text} · Esc", None, self.cancelled.emit, parent=self,
                                             kind="quiet")
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(row)
        self._row = row
        error = QLabel(self)
        error.setWordWrap(True)
        general = QLabel(self)
        general.setWordWrap(True)
        self.errors = FieldErrors(general)
        self.errors.bind(field, self.editor, error)
        self._field = field
        layout.addWidget(error)
        layout.addWidget(general)
        layout.addLayout(buttons)
        self.editor.returnPressed.connect(self.submit)
        add_shortcut(self, "Esc", self.cancelled.emit)

    def start(self, text: str = "") -> None:
        self.errors.clear()
        self.editor.setText(text)
        self.show()
        self.editor.setFocus()

    def submit(self) -> None:
        text = self.editor.text().strip()
        if self._required and not text:
            self.errors.show(f"{self._label_text.rstrip(':')} is needed; it is recorded.", field=self._field)
            return
        self.errors.clear()
        self.submitted.emit(text)

    def show_error(self, error: DeskError) -> None:
        self.errors.show(error, field=self._field if error.field in (None, self._field) else None)


class DestinationPromptForm(TextPromptForm):
    """"Where to" on sign-out: the site's short list of places (issue 13), typed with completion
    (two or three letters, then Enter) or chosen with the arrows; other words are kept as typed."""

    def __init__(self, places: list[str], *, label: str, submit_text: str, cancel_text: str = "Cancel",
                 parent: QWidget | None = None, name: str = "textPrompt") -> None:
        super().__init__(label=label, placeholder="optional", submit_text=submit_text,
                         field="departed_to", cancel_text=cancel_text, parent=parent, name=name)
        self.places = QComboBox(self)
        self.places.setObjectName(f"{name}Places")
        self.places.setAccessibleName("Where to")
        self.places.setEditable(True)
        self.places.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        narrow_combo(self.places)  # the longest place pushed "Sign out · Enter" narrower than its text
        # The combo's own line edit takes the old one's place, name and behaviour (Enter signs out).
        old = self.editor
        # Out of the row with removeWidget first, so PySide forgets its wrapper of the row's item for
        # the editor: moved into the combo behind PySide's back, Qt deletes that item and the
        # wrapper would stay registered at freed memory (see ui/kit/flow.py). For the same reason
        # the row is the one kept at construction, not read back with itemAt().
        self._row.removeWidget(old)
        self.places.setLineEdit(old)
        old.setParent(self.places)
        self._row.insertWidget(1, self.places, 1)
        completer = self.places.completer()
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.set_places(places)

    def set_places(self, places: list[str]) -> None:
        self.places.clear()
        self.places.addItems(places)
        self.places.setCurrentIndex(-1)
        self.editor.clear()
