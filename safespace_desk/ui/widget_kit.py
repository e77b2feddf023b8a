"""Building blocks every page uses: state properties for the stylesheet, shortcuts shown on their
buttons, and errors shown next to the box they name. One copy, so all pages behave alike."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from safespace_desk.domain.errors import DeskError


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the stylesheet selects on (e.g. ``[badge="excluded"]``) and re-apply style."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def native_keys(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], object], *,
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(context)
    shortcut.activated.connect(slot)
    return shortcut


def shortcut_button(text: str, keys: str | None, slot: Callable[[], object], *, parent: QWidget | None = None,
                    tooltip: str = "", kind: str | None = None, page: QWidget | None = None) -> QPushButton:
    """A button that shows its shortcut ("Sign out · Alt+S").

    With ``page`` the shortcut fires only while focus is inside that page or dialog, so two pages can
    use the same keys; without it, it works window-wide. Either way it does nothing while the button is
    hidden or disabled, so a hidden panel's keys never fire by accident.
    """
    shown = native_keys(keys) if keys else ""
    button = QPushButton(f"{text} · {shown}" if keys else text, parent)
    button.setToolTip(f"{tooltip or text} ({shown})" if keys else (tooltip or text))
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    if kind:
        button.setProperty("kind", kind)  # "primary", "danger", "quiet" for the theme
    if keys:
        if page is None:
            add_shortcut(button, keys, _click_if_enabled(button), context=Qt.ShortcutContext.WindowShortcut)
        else:
            add_shortcut(page, keys, _click_if_enabled(button))
    return button


def _click_if_enabled(button: QPushButton) -> Callable[[], None]:
    def click() -> None:
        if button.isEnabled() and button.isVisibleTo(button.window()):
            button.click()
    return click


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
