"""What the screen audit checks on one rendered window: contrast of every visible text on its real
pixels, text cut short, horizontal scrolling, widgets overlapping or pushed out of their parent.

Pure inspection: nothing here clicks or types. Each check returns plain sentences naming the widget
(its object name, accessible name or text) so a failure says where to look.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

MIN_CONTRAST = 4.5  # WCAG 2 AA for body text
ELLIPSIS = "…"


def _linear_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WCAG's relative luminance, per channel value, weighted: a lookup instead of a power per pixel."""
    channel = np.arange(256, dtype=np.float64) / 255.0
    linear = np.where(channel <= 0.04045, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)
    return 0.2126 * linear, 0.7152 * linear, 0.0722 * linear


_LINEAR = _linear_table()


@dataclass
class Rendered:
    """One grab of a window as packed 0xRRGGBB pixels; each text's area is measured on them (WCAG
    relative luminance, worked out only for the pixels of that area)."""

    window: QWidget
    packed: np.ndarray     # h x w, uint32 colour (0xRRGGBB)

    @classmethod
    def of(cls, window: QWidget, save_to: str | None = None) -> Rendered:
        image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        if save_to:
            image.save(save_to, "PNG", 80)  # light compression: quick to write, still small
        width, height, stride = image.width(), image.height(), image.bytesPerLine()
        raw = np.frombuffer(image.constBits(), dtype=np.uint32, count=stride * height // 4)
        packed = raw.reshape(height, stride // 4)[:, :width] & np.uint32(0xFFFFFF)
        return cls(window, packed)

    def contrast(self, rect: QRect) -> float | None:
        """Text contrast inside ``rect`` (window coordinates): the most common colour is the
        background, the pixel that differs most from it is the ink. None when there is no ink."""
        rect = rect.intersected(QRect(0, 0, self.packed.shape[1], self.packed.shape[0]))
        if rect.width() < 2 or rect.height() < 2:
            return None
        area = self.packed[rect.top(): rect.bottom() + 1, rect.left(): rect.right() + 1]
        colours, counts = np.unique(area, return_counts=True)
        if len(colours) < 2:
            return None
        lum = _luminance(colours)
        bg_lum = float(lum[np.argmax(counts)])
        lighter = np.maximum(lum, bg_lum)
        darker = np.minimum(lum, bg_lum)
        return float(((lighter + 0.05) / (darker + 0.05)).max())


def _luminance(packed: np.ndarray) -> np.ndarray:
    red, green, blue = (packed >> 16) & 0xFF, (packed >> 8) & 0xFF, packed & 0xFF
    return _LINEAR[0][red] + _LINEAR[1][green] + _LINEAR[2][blue]


def describe(widget: QWidget) -> str:
    """How a failure names a widget: its class, object name, and its text or accessible name."""
    text = ""
    for getter in ("text", "placeholderText", "accessibleName", "title"):
        value = getattr(widget, getter, None)
        if callable(value):
            try:
                value = value()
            except TypeError:
                continue
        if isinstance(value, str) and value.strip():
            text = value.strip().replace("\n", " ")
            break
    name = widget.objectName()
    return f"{type(widget).__name__}{'#' + name if name else ''} “{text[:60]}”"


def shown_widgets(window: QWidget) -> Iterator[QWidget]:
    """Every widget of the window that is on screen (visible, and not scrolled or clipped away)."""
    # (A walk through children() skipping hidden branches was tried: after the layout check over
    # its widgets PySide crashed on the next tab switch. This is one C++ call, worked out once.)
    for widget in window.findChildren(QWidget):
        if widget.isWindow() or not widget.isVisibleTo(window) or widget.visibleRegion().isEmpty():
            continue
        yield widget


def _in_window(widget: QWidget, rect: QRect) -> QRect:
    visible = widget.visibleRegion().boundingRect()
    rect = rect.intersected(visible)
    return QRect(widget.mapTo(widget.window(), rect.topLeft()), rect.size())


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _text_rect(widget: QWidget, text: str, area: QRect, align: Qt.AlignmentFlag) -> QRect:
    """Where ``text`` sits inside ``area`` (its ink plus a little room), for the contrast check."""
    metrics = widget.fontMetrics()
    width = min(area.width(), metrics.horizontalAdvance(text) + 4)
    height = min(area.height(), metrics.height() * max(1, text.count("\n") + 1) + 2)
    if align & Qt.AlignmentFlag.AlignHCenter:
        x = area.left() + (area.width() - width) // 2
    elif align & Qt.AlignmentFlag.AlignRight:
        x = area.right() - width
    else:
        x = area.left()
    y = area.top() + (area.height() - height) // 2
    return QRect(x, y, width, height)


def text_areas(widget: QWidget) -> Iterator[tuple[str, QRect]]:
    """(what, rect in the widget's coordinates) for each piece of text the widget draws."""
    if isinstance(widget, QLabel):
        if widget.text().strip() and widget.pixmap().isNull():
            yield widget.text(), widget.contentsRect()
    elif isinstance(widget, QPushButton):
        if widget.text().strip():
            text = _plain(widget.text())
            yield text, _text_rect(widget, text, widget.rect().adjusted(3, 3, -3, -3), Qt.AlignmentFlag.AlignHCenter)
    elif isinstance(widget, (QCheckBox, QRadioButton)):
        if widget.text().strip():
            option = QStyleOptionButton()
            option.initFrom(widget)
            element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(widget, QCheckBox)
                       else QStyle.SubElement.SE_RadioButtonContents)
            area = widget.style().subElementRect(element, option, widget)
            yield _plain(widget.text()), _text_rect(widget, _plain(widget.text()), area, Qt.AlignmentFlag.AlignLeft)
    elif isinstance(widget, QLineEdit):
        shown = widget.text() if widget.echoMode() == QLineEdit.EchoMode.Normal else ""
        text = shown or widget.placeholderText()
        if text.strip():
            area = widget.rect().adjusted(6, 4, -6, -4)
            yield text, _text_rect(widget, text, area, Qt.AlignmentFlag.AlignLeft)
    elif isinstance(widget, QTabBar):
        for i in range(widget.count()):
            if widget.isTabVisible(i):
                yield widget.tabText(i), widget.tabRect(i).adjusted(6, 4, -6, -5)
    elif isinstance(widget, QHeaderView):
        model = widget.model()
        if model is None:
            return
        for section in range(widget.count()):
            if widget.isSectionHidden(section):
                continue
            position = widget.sectionViewportPosition(section)
            size = widget.sectionSize(section)
            label = str(model.headerData(section, widget.orientation()) or "")
            if not label:
                continue
            rect = (QRect(position, 0, size, widget.height()) if widget.orientation() == Qt.Orientation.Horizontal
                    else QRect(0, position, widget.width(), size))
            yield label, rect.adjusted(4, 3, -4, -4)


def cell_areas(view: QAbstractItemView, rows: int = 8) -> Iterator[tuple[str, QRect]]:
    """The first rows' cells of a table or list, in the viewport's coordinates."""
    model = view.model()
    if model is None:
        return
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for row in range(min(rows, model.rowCount(QModelIndex()))):
        for column in range(columns):
            index = model.index(row, column)
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text is None or not str(text).strip():
                continue
            yield str(text), view.visualRect(index).adjusted(3, 2, -3, -2)


def contrast_problems(shot: Rendered, shown: list[QWidget] | None = None) -> list[str]:
    problems = []
    for widget in shown if shown is not None else shown_widgets(shot.window):
        if not widget.isEnabled():
            continue  # WCAG 1.4.3 leaves inactive controls out
        areas: list[tuple[str, QRect, QWidget]] = [(t, r, widget) for t, r in text_areas(widget)]
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            areas += [(t, r, widget.viewport()) for t, r in cell_areas(widget)]
        if isinstance(widget, QComboBox) and widget.currentText().strip():
            areas.append((widget.currentText(), widget.rect().adjusted(6, 4, -28, -4), widget))
        if isinstance(widget, (QPlainTextEdit, QTextEdit)):
            text = widget.toPlainText() or widget.placeholderText()
            if text.strip():
                areas.append((text, widget.viewport().rect().adjusted(2, 2, -2, -2), widget.viewport()))
        for text, rect, owner in areas:
            ratio = shot.contrast(_in_window(owner, rect))
            if ratio is not None and ratio < MIN_CONTRAST:
                problems.append(f"contrast {ratio:.2f}:1 for “{text.strip()[:50]}” in {describe(widget)}")
    return problems


def _label_is_cut(label: QLabel) -> bool:
    text = label.text() if label.textFormat() == Qt.TextFormat.PlainText else _plain(label.text())
    if not text.strip() or not label.pixmap().isNull():
        return False
    area = label.contentsRect()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and "<" in text and ">" in text)
    metrics = label.fontMetrics()
    if label.wordWrap():
        if label.heightForWidth(label.width()) > label.height() + 2:
            return True
        longest_word = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        return not rich and longest_word > area.width() + 1
    if rich:
        return label.sizeHint().width() > label.width() + 1
    if label.buddy() is not None:  # Qt draws "&Meeting on" as an underlined M: the & takes no room
        text = _shown_mnemonic(text)
    widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    return widest > area.width() + 1


def _shown_mnemonic(text: str) -> str:
    """The text Qt shows for a label with a shortcut letter: "&&" is an ampersand, "&x" is x."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def cut_text_problems(window: QWidget, shown: list[QWidget] | None = None) -> list[str]:
    problems = []
    for widget in shown if shown is not None else shown_widgets(window):
        if isinstance(widget, QLabel) and _label_is_cut(widget):
            problems.append(f"text cut short in {describe(widget)} ({widget.width()}x{widget.height()} px)")
        elif isinstance(widget, QAbstractButton) and not isinstance(widget, QTabBar) and widget.text().strip():
            if widget.sizeHint().width() > widget.width() + 1:
                problems.append(f"button text wider than the button: {describe(widget)} needs "
                                f"{widget.sizeHint().width()} px, has {widget.width()}")
            elif widget.sizeHint().height() > widget.height() + 2:
                problems.append(f"button cut vertically: {describe(widget)} needs {widget.sizeHint().height()}"
                                f" px, has {widget.height()}")
        elif isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
            room = widget.width() - 18
            needed = widget.fontMetrics().horizontalAdvance(widget.placeholderText())
            if needed > room:
                problems.append(f"placeholder cut short in {describe(widget)} (needs {needed} px, has {room})")
        elif isinstance(widget, QTabBar) and widget.count() > 1:
            needed = sum(widget.tabSizeHint(i).width() for i in range(widget.count()) if widget.isTabVisible(i))
            if needed > widget.width() + 1:
                problems.append(f"tabs do not fit ({needed} px needed, {widget.width()} shown): "
                                + ", ".join(widget.tabText(i) for i in range(widget.count())))
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal:
            problems += _header_problems(widget)
        elif isinstance(widget, QComboBox) and widget.currentText():
            needed = widget.fontMetrics().horizontalAdvance(widget.currentText()) + 40
            if needed > widget.width() + 1:
                problems.append(f"choice cut short in {describe(widget)}: “{widget.currentText()}”")
    return problems


def _header_problems(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None:
        return []
    font = QFont(header.font())
    font.setBold(True)  # the theme draws headers in bold
    metrics = QFontMetrics(font)
    problems = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        label = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        if label and metrics.horizontalAdvance(label) + 16 > header.sectionSize(section) + 1:
            problems.append(f"column heading cut short: “{label}” ({header.sectionSize(section)} px)")
    return problems


def scroll_problems(window: QWidget, shown: list[QWidget] | None = None) -> list[str]:
    problems = []
    for widget in shown if shown is not None else shown_widgets(window):
        if not isinstance(widget, QAbstractScrollArea):
            continue
        bar = widget.horizontalScrollBar()
        if bar.isVisible() and bar.maximum() > 0:
            problems.append(f"horizontal scroll bar in {describe(widget)}")
        elif isinstance(widget, QScrollArea) and widget.widget() is not None:
            inner = widget.widget()
            if inner.minimumSizeHint().width() > widget.viewport().width() + 1:
                problems.append(f"{describe(widget)} is narrower than what it holds "
                                f"({inner.minimumSizeHint().width()} > {widget.viewport().width()} px)")
        elif isinstance(widget, QAbstractItemView) and bar.maximum() > 0:
            problems.append(f"{describe(widget)} is wider than its box (hidden horizontal scrolling)")
    return problems


def _layout_widgets(layout: QLayout, parent: QWidget) -> Iterator[QWidget]:
    """The widgets of ``parent`` placed by ``layout`` or a layout nested in it.

    Found by asking each layout for the index of each child widget, never with ``itemAt``: PySide
    keeps the wrapper of every item ``itemAt`` returned (and of the items of a nested layout) as
    long as the layout lives, and is not told when Qt deletes that item (when its widget is
    deleted); the wrapper stays registered at the freed address and the next object Qt puts there
    comes back to Python as that stale item. Walking every layout of every screen that way crashed
    later tests (segmentation faults while restyling or deleting windows)."""
    children = parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    for each in [layout, *layout.findChildren(QLayout)]:  # nested layouts are the layout's children
        placed = [(each.indexOf(child), child) for child in children]
        yield from (child for index, child in sorted(placed, key=lambda p: p[0]) if index >= 0)


def layout_problems(window: QWidget, shown: list[QWidget] | None = None) -> list[str]:
    """Widgets a layout placed on top of each other, or outside their parent (a squashed layout)."""
    problems = []
    parents = [window, *(shown if shown is not None else shown_widgets(window))]
    for parent in parents:
        layout = parent.layout()
        if layout is None:
            continue
        children = [w for w in _layout_widgets(layout, parent) if w.isVisibleTo(window)]
        bounds = parent.rect()
        for child in children:
            g = child.geometry()
            if g.right() > bounds.right() + 1 or g.left() < -1:
                problems.append(f"{describe(child)} sticks out of {describe(parent)} sideways "
                                f"({g.left()}..{g.right()} in 0..{bounds.right()})")
            elif g.bottom() > bounds.bottom() + 1 and not _scrolls(parent):
                problems.append(f"{describe(child)} is cut off at the bottom of {describe(parent)} "
                                f"({g.bottom()} > {bounds.bottom()})")
        for i, first in enumerate(children):
            for second in children[i + 1:]:
                overlap = first.geometry().intersected(second.geometry())
                if overlap.width() > 2 and overlap.height() > 2:
                    problems.append(f"{describe(first)} and {describe(second)} overlap")
    return problems


def _scrolls(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return parent is not None and isinstance(parent.parentWidget(), QScrollArea)


def _mnemonic(text: str) -> str | None:
    cleaned = text.replace("&&", "")
    at = cleaned.find("&")
    return cleaned[at + 1].lower() if 0 <= at < len(cleaned) - 1 else None


def mnemonic_problems(window: QWidget, shown: list[QWidget] | None = None) -> list[str]:
    """Two things on screen answering the same Alt+letter: the second can never be reached."""
    seen: dict[str, QWidget] = {}
    problems = []
    for widget in shown if shown is not None else shown_widgets(window):
        button = isinstance(widget, QAbstractButton)
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None and widget.buddy().isVisibleTo(window)
        if not (button or labelled):
            continue
        key = _mnemonic(widget.text())  # type: ignore[attr-defined]
        if key is None or not widget.isEnabled():
            continue
        if key in seen:
            problems.append(f"Alt+{key.upper()} belongs to both {describe(seen[key])} and {describe(widget)}")
        else:
            seen[key] = widget
    return problems


def fits_screen(window: QWidget, size: tuple[int, int]) -> list[str]:
    hint = window.minimumSizeHint()
    problems = []
    if hint.width() > size[0]:
        problems.append(f"the window needs {hint.width()} px of width; the screen has {size[0]}")
    if hint.height() > size[1]:
        problems.append(f"the window needs {hint.height()} px of height; the screen has {size[1]}")
    return problems


def audit(window: QWidget, size: tuple[int, int] = (1366, 768), *, save_to: str | None = None) -> list[str]:
    """Every problem found on the window as it is now; with ``save_to``, the picture checked is kept."""
    shot = Rendered.of(window, save_to)
    shown = list(shown_widgets(window))  # once: every check walks the same widgets
    return (fits_screen(window, size) + scroll_problems(window, shown) + layout_problems(window, shown)
            + cut_text_problems(window, shown) + mnemonic_problems(window, shown) + contrast_problems(shot, shown))


def point_of(widget: QWidget) -> QPoint:
    return widget.mapTo(widget.window(), QPoint(0, 0))
