"""Small building blocks shared by the message, shift log, handover and paramedic pages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.wording import wording_prompts
from safespace_desk.ui.messages.style import PAGE_TITLE_SCALE, Palette, palette_for, stylesheet
from safespace_desk.ui.widget_kit import FieldErrors, add_shortcut, native_keys, set_state, shortcut_button

__all__ = ["FieldErrors", "InlineBanner", "WordingHints", "add_shortcut", "apply_page_style", "button_row",
           "current_palette", "label", "native_keys", "page_title", "panel", "plain_text_edit", "scaled_font",
           "section_title", "set_state", "shortcut_button"]


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


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font made larger or smaller, so sizes follow the large-text option."""
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


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
