"""Small building blocks shared by the message, shift log, handover and paramedic pages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.wording import wording_prompts
from safespace_desk.ui.messages.style import PAGE_TITLE_SCALE, Palette, palette_for, stylesheet


def current_palette(widget: QWidget) -> Palette:
    app = QApplication.instance()
    return palette_for(widget.palette(), app.styleSheet() if isinstance(app, QApplication) else "")


def own_stylesheet(widget: QWidget) -> str:
    app = QApplication.instance()
    app_sheet = app.styleSheet() if isinstance(app, QApplication) else ""
    base = QApplication.font().pointSizeF() if "font-size" in app_sheet else 0.0
    return stylesheet(palette_for(widget.palette(), app_sheet), base)


class _StyleFollower(QObject):
    """Re-styles its widget when the shell switches day/night or Large text."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget) and event.type() in (
                QEvent.Type.StyleChange, QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            sheet = own_stylesheet(watched)
            if sheet != watched.styleSheet():  # setting it sends StyleChange again: stop there
                watched.setStyleSheet(sheet)
        return False


def apply_page_style(widget: QWidget, *, name: str = "messagesPage") -> None:
    """Name the widget as one of these pages and give it a stylesheet that follows the app's theme."""
    widget.setObjectName(name)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    widget.setStyleSheet(own_stylesheet(widget))
    widget.installEventFilter(_StyleFollower(widget))


def set_state(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property the stylesheet selects on, and re-apply the style."""
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font made larger or smaller, so sizes follow the large-text option."""
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def native_keys(keys: str) -> str:
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def add_shortcut(owner: QWidget, keys: str, slot: Callable[[], object], *,
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> QShortcut:
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(context)
    shortcut.activated.connect(slot)
    return shortcut


def shortcut_button(text: str, keys: str | None, slot: Callable[[], object], *, parent: QWidget | None = None,
                    kind: str | None = None, page: QWidget | None = None) -> QPushButton:
    """A button that shows its shortcut ("Save · Ctrl+S").

    The shortcut lives on ``page`` (the page or dialog holding the button) and fires only while
    focus is inside it, so two pages can use the same keys; without ``page`` it works window-wide
    while the button is visible.
    """
    button = QPushButton(f"{text} · {native_keys(keys)}" if keys else text, parent)
    button.setToolTip(f"{text} ({native_keys(keys)})" if keys else text)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    if kind:
        button.setProperty("kind", kind)
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


def label(text: str = "", *, muted: bool = False, wrap: bool = True, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if muted:
        widget.setProperty("muted", True)
    return widget


def page_title(text: str) -> QLabel:
    title = QLabel(text)
    title.setObjectName("pageTitle")
    title.setFont(scaled_font(title, PAGE_TITLE_SCALE, bold=True))
    return title


def section_title(text: str) -> QLabel:
    title = QLabel(text)
    title.setProperty("sectionTitle", True)
    title.setFont(scaled_font(title, 1.1, bold=True))
    return title


def panel(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    return frame, layout


class InlineBanner(QFrame):
    """A calm strip with a message and a detail line: used instead of message boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.message = label()
        self.message.setFont(scaled_font(self.message, 1.0, bold=True))
        self.detail = label()
        layout.addWidget(self.message)
        layout.addWidget(self.detail)
        self.hide()

    def show_message(self, tone: str, message: str, detail: str = "") -> None:
        set_state(self, "tone", tone)
        self.message.setText(message)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(f"{message} {detail}".strip())
        self.show()

    def clear(self) -> None:
        self.message.clear()
        self.hide()

    @property
    def text(self) -> str:
        return f"{self.message.text()} {self.detail.text()}".strip() if self.isVisible() else ""


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
        Pass ``error`` to share one label between two service fields that name the same box."""
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


class WordingHints(QLabel):
    """Gentle prompts under a text box as staff type; they never stop anything being saved."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("prompt", True)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()
        self._editor = editor
        editor.textChanged.connect(self.refresh)

    def refresh(self) -> None:
        prompts = wording_prompts(self._editor.toPlainText())
        if not prompts:
            self.clear()
            self.hide()
            return
        self.setText("\n".join(f"A thought on “{p.phrase}”: {p.suggestion}" for p in prompts[:3]))
        self.show()


def plain_text_edit(placeholder: str, accessible_name: str, *, height: int = 110) -> QPlainTextEdit:
    """A multi-line box where Tab moves on (staff expect Tab to leave the box, not indent)."""
    editor = QPlainTextEdit()
    editor.setPlaceholderText(placeholder)
    editor.setAccessibleName(accessible_name)
    editor.setTabChangesFocus(True)
    editor.setMinimumHeight(height)
    return editor


def button_row(*buttons: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    if stretch_first:
        row.addStretch(1)
    for b in buttons:
        row.addWidget(b)
    if not stretch_first:
        row.addStretch(1)
    return row
