"""Form building blocks: labelled fields with their own inline error, a message banner, and
routing of service errors (DeskError.field) to the box they name. One copy for every page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.services.failures import plain_error

log = logging.getLogger(__name__)

# Every page in the shell sits inside the same margins (left, top, right, bottom), so titles and
# tables line up from page to page; the front desk's content uses the same left and right edge.
PAGE_MARGINS = (20, 14, 20, 14)

def describe_error(error: BaseException) -> str:
    """The plain message for staff, by the same rule as every service call (services/failures.py):
    known failures of the store get their own message; anything else is a bug, logged (type and
    stack only, since the message might hold personal data) and shown generically."""
    return plain_error(error).message


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property used by QSS changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class FieldErrors:
    """Shows a DeskError under the input its ``field`` names (and focuses it), else in a general line."""

    def __init__(self, general: QLabel) -> None:
        self._general = general
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        general.setProperty("error", True)
        general.setWordWrap(True)
        general.hide()

    def bind(self, field: str, editor: QWidget, error: QLabel | None = None) -> QLabel:
        """Register ``editor`` for ``field``; returns the error label to place under it.
        Pass ``error`` to use a label of your own (or one shared by two fields naming the same box)."""
        if error is None:
            error = QLabel()
        error.setProperty("error", True)
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.hide()
        self._fields[field] = (editor, error)
        return error

    def clear(self) -> None:
        self._general.hide()
        for editor, error in self._fields.values():
            error.hide()
            if editor.property("invalid"):
                set_state(editor, "invalid", False)

    def show(self, error: DeskError | str, field: str | None = None) -> None:
        self.clear()
        message = error.message if isinstance(error, DeskError) else error
        field = field or (error.field if isinstance(error, DeskError) else None)
        if field in self._fields:
            editor, error_label = self._fields[field]
            error_label.setText(message)
            error_label.show()
            set_state(editor, "invalid", True)
            editor.setFocus()
        else:
            self._general.setText(message)
            self._general.show()

    def text_for(self, field: str) -> str:
        found = self._fields.get(field)
        return found[1].text() if found and not found[1].isHidden() else ""

    @property
    def general_text(self) -> str:
        return "" if self._general.isHidden() else self._general.text()


class FittingLineEdit(QLineEdit):
    """A text box never narrower than its placeholder, so the example it gives is never cut."""

    def _placeholder_width(self) -> int:
        text = self.placeholderText()
        return self.fontMetrics().horizontalAdvance(text) + 26 if text else 0

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._placeholder_width()), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._placeholder_width()), hint.height())


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the stylesheet selects on (e.g. ``[badge="excluded"]``) and re-apply style.
    The same value again changes nothing: no re-polish (a whole style pass on every keystroke)."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    repolish(widget)


def password_edit(accessible_name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible_name)
    return edit


def text_edit(accessible_name: str, max_length: int = 200) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible_name)
    edit.setMaxLength(max_length)
    return edit


def primary_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("primary")
    return button


class Banner(QLabel):
    """A message across the top of a form: errors that name no single field, or good news."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setProperty("kind", "error")
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        self.setProperty("kind", kind)
        repolish(self)
        self.setText(text)
        self.setAccessibleName(f"{kind}: {text}")
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class FieldRow(QWidget):
    """A label above its input, an optional hint, and space for the input's own error."""

    def __init__(self, label: str, editor: QWidget, hint: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = QLabel(label)
        self.label.setObjectName("fieldLabel")
        self.label.setWordWrap(True)  # a long label in Large text wraps instead of being cut
        self.label.setBuddy(editor)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setObjectName("hint")
            hint_label.setWordWrap(True)
            layout.addWidget(hint_label)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.editor.setProperty("invalid", True)
        repolish(self.editor)

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()
        if self.editor.property("invalid"):
            self.editor.setProperty("invalid", False)
            repolish(self.editor)


class FormErrors:
    """Shows an error next to the field it names (``DeskError.field``), else in the banner.

    ``aliases`` maps a service's field name onto a row of this form with another key
    (for example the service's ``password`` shown on this form's ``new_password`` box).
    """

    def __init__(self, banner: Banner, rows: Mapping[str, FieldRow],
                 aliases: Mapping[str, str] | None = None) -> None:
        self.banner = banner
        self.rows = dict(rows)
        self.aliases = dict(aliases or {})

    def clear(self) -> None:
        self.banner.clear_message()
        for row in self.rows.values():
            row.clear_error()

    def show(self, error: BaseException) -> None:
        self.clear()
        message = describe_error(error)
        field = getattr(error, "field", None)
        row = self.rows.get(self.aliases.get(field, field)) if field else None
        if row is None:
            self.banner.show_message(message)
            return
        row.set_error(message)
        row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(row.editor, QLineEdit):
            row.editor.selectAll()

    def show_field(self, field: str, message: str) -> None:
        """A check made by the form itself (e.g. two passwords that differ)."""
        self.show(DeskError(message, field=field))


class Card(QFrame):
    """The centred panel that holds the sign-in, lock and set-up forms."""

    def __init__(self, max_width: int = 560, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setMaximumWidth(max_width)
        # Preferred (not Maximum) height: wrapped text needs its height-for-width honoured.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(36, 28, 36, 28)
        self.body.setSpacing(12)


def centred(card: QWidget) -> QScrollArea:
    """A full-screen backdrop with ``card`` in the middle, scrolling when the card is taller than
    the window (Large text on a short screen).

    Without the scroll area the window's layout gave the card less than its wrapped text needs
    (a layout's minimum ignores height-for-width) and labels were cut at the top and bottom; a
    resizable QScrollArea gives its widget at least its height for the width it has."""
    backdrop = QWidget()
    backdrop.setObjectName("backdrop")
    outer = QVBoxLayout(backdrop)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 4)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(1)
    scroll = QScrollArea()
    scroll.setObjectName("backdropScroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(backdrop)
    return scroll
