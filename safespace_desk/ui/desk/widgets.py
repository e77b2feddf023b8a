"""Small building blocks shared by the desk panels: shortcut buttons, inline field errors, styling hooks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLayout, QPushButton, QWidget

from safespace_desk.domain.errors import DeskError


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property that QSS selects on (e.g. ``[badge="excluded"]``) and re-apply style."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], object], *,
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(context)
    shortcut.activated.connect(slot)
    return shortcut


def shortcut_button(text: str, keys: str | None, slot: Callable[[], object], *, parent: QWidget | None = None,
                    tooltip: str = "", kind: str | None = None) -> QPushButton:
    """A button whose shortcut is shown on it ("Sign out · Alt+O").

    The shortcut belongs to the button and works anywhere in the window, but only while the button
    is visible and enabled (Qt checks its parent), so a hidden panel's keys never fire by accident.
    """
    label = f"{text} · {keys}" if keys else text
    button = QPushButton(label, parent)
    button.setToolTip(f"{tooltip or text} ({keys})" if keys else (tooltip or text))
    button.clicked.connect(slot)
    button.setAutoDefault(False)
    if kind:
        button.setProperty("kind", kind)  # "primary", "danger", "quiet" for the theme
    if keys:
        add_shortcut(button, keys, button.click, context=Qt.ShortcutContext.WindowShortcut)
    return button


def muted_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("muted", True)
    label.setWordWrap(True)
    return label


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("heading", True)
    label.setWordWrap(True)
    return label


class FieldErrors:
    """Shows a DeskError next to the input its ``field`` names, or in a general line.

    Staff see the message beside the box to fix, and the box gets keyboard focus.
    """

    def __init__(self, general: QLabel) -> None:
        self._general = general
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        general.setProperty("error", True)
        general.setWordWrap(True)
        general.hide()

    def bind(self, field: str, editor: QWidget, label: QLabel) -> None:
        label.setProperty("error", True)
        label.setWordWrap(True)
        label.hide()
        self._fields[field] = (editor, label)

    def clear(self) -> None:
        self._general.hide()
        for editor, label in self._fields.values():
            label.hide()
            if editor.property("invalid"):
                set_state(editor, "invalid", False)

    def show(self, error: DeskError | str, field: str | None = None) -> None:
        self.clear()
        message = error.message if isinstance(error, DeskError) else error
        field = field or (error.field if isinstance(error, DeskError) else None)
        if field in self._fields:
            editor, label = self._fields[field]
            label.setText(message)
            label.show()
            set_state(editor, "invalid", True)
            editor.setFocus()
        else:
            self._general.setText(message)
            self._general.show()

    def text_for(self, field: str) -> str:
        editor_label = self._fields.get(field)
        return editor_label[1].text() if editor_label and not editor_label[1].isHidden() else ""

    @property
    def general_text(self) -> str:
        return "" if self._general.isHidden() else self._general.text()


def clear_layout(layout: QLayout) -> None:
    """Remove and delete a layout's widgets. Hidden at once (so nothing stale is seen or found),
    deleted later (one of them may be the button whose click is being handled)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item is not None and item.layout() is not None:
            clear_layout(item.layout())
