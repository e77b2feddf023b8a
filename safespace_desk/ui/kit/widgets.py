"""Labels, titles, panels and banners every page builds with. They carry object names and
properties (``muted``, ``heading``, ``textSize``, ``tone``, ...) that the one stylesheet sizes and the
palette colours: nothing here names a colour or a point size, so Large text and night colours reach
every page at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.wording import wording_prompts
from safespace_desk.ui.kit.forms import set_state

# Text sizes the stylesheet knows, relative to the body text: "large" 1.15, "larger" 1.35,
# "title" 1.5, "huge" 1.9 (see resources/themes/desk.qss).
TEXT_SIZES = ("large", "larger", "title", "huge")


def set_text_size(widget: QWidget, size: str | None, *, bold: bool = False) -> QWidget:
    """Make text larger (and bold) through the stylesheet, so it follows the Large text option."""
    if size is not None and size not in TEXT_SIZES:
        raise ValueError(f"unknown text size {size!r}")
    widget.setProperty("textSize", size)
    widget.setProperty("bold", bold)
    return widget


def scaled_font(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    """For widgets that paint their own text: the font made larger or smaller by ``factor``."""
    scaled = QFont(font)
    if scaled.pointSizeF() > 0:
        scaled.setPointSizeF(scaled.pointSizeF() * factor)
    scaled.setBold(bold)
    return scaled


def apply_page_style(widget: QWidget, *, name: str = "messagesPage") -> None:
    """Name a page or dialog for the stylesheet and let it paint its window background."""
    widget.setObjectName(name)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)


def label(text: str = "", *, muted: bool = False, wrap: bool = True, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if muted:
        widget.setProperty("muted", True)
    return widget


def muted_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    return label(text, muted=True, parent=parent)


def heading(text: str, object_name: str = "heading", *, parent: QWidget | None = None) -> QLabel:
    """A heading inside a page; ``object_name`` "pageTitle" or "title" for the page's own title."""
    widget = QLabel(text, parent)
    widget.setObjectName(object_name)
    widget.setProperty("heading", object_name == "heading")
    widget.setWordWrap(True)
    return widget


def explanation(text: str) -> QLabel:
    widget = label(text)
    widget.setObjectName("explanation")
    return widget


def page_title(text: str) -> QLabel:
    return heading(text, "pageTitle")


def section_title(text: str) -> QLabel:
    title = QLabel(text)
    title.setProperty("sectionTitle", True)
    return title


def panel(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    return frame, layout


def scrolled_body(owner: QWidget, name: str) -> QWidget:
    """Fill ``owner`` with a frameless scroll area and return the widget inside it, for a form in a
    column whose height (banners above) or width (Large text) it must never force on the page."""
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(owner)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget(scroll)
    body.setObjectName(name)
    scroll.setWidget(body)
    return body


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


class InlineBanner(QFrame):
    """A calm strip with a message and a detail line: used instead of message boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.message = label()
        self.message.setProperty("bold", True)
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


def narrow_combo(combo: QComboBox, characters: int = 8) -> QComboBox:
    """A choice as wide as its row leaves it (at least ``characters`` wide), not as its longest entry:
    beside buttons in a half-screen column the longest bed, place or agency squeezed the buttons
    narrower than their text."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


@contextmanager
def busy_cursor() -> Iterator[None]:
    """The wait cursor while a page reads on the main thread (the paramedic's page took seconds to
    open on a big store with no sign that anything was happening: issue 8, finding 13)."""
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def roomy(box: QMessageBox) -> QMessageBox:
    """A confirmation with room for its sentences: Qt's own message box wraps them to about 300 px,
    a tall thin column in Large text. About 50 characters a line (never wider than 640 px)."""
    text = box.findChild(QLabel, "qt_msgbox_label")
    if text is not None:
        text.setMinimumWidth(min(box.fontMetrics().averageCharWidth() * 50, 640))
    return box
