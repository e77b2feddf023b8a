"""Paints a search result: the name large, the matching alias quietly, status pills underneath.

Pills use the same colours as the ``badge`` QSS property (theme.py), chosen by the palette's
darkness, so painted rows and label badges always agree.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from safespace_desk.ui.desk.results_model import ResultRole
from safespace_desk.ui.kit.colours import Colours
from safespace_desk.ui.kit.formatting import Badge
from safespace_desk.ui.kit.theme import current_colours

PAD_X = 16
PAD_Y = 10
PILL_PAD_X = 10
PILL_GAP = 8
LINE_GAP = 6


def _name_font(base: QFont) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    return font


class _Fonts:
    """The fonts and measures a row needs for one base font. Built once per base font (a text
    size or theme change brings a new one), not for every row painted or measured: each keystroke
    measures and paints every row shown."""

    def __init__(self, base: QFont) -> None:
        self.base = QFont(base)
        self.base_metrics = QFontMetrics(self.base)
        self.name = _name_font(base)
        self.name_metrics = QFontMetrics(self.name)
        self.regular = QFont(base)  # a pill's text: bold only for an exclusion or an urgent message
        self.regular.setBold(False)
        self.regular_metrics = QFontMetrics(self.regular)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.bold_metrics = QFontMetrics(self.bold)
        self.pill_height = self.base_metrics.height() + 6
        self.hint_room = self.base_metrics.horizontalAdvance("Enter or Ctrl+N") + 24

    def pill(self, bold: bool) -> tuple[QFont, QFontMetrics]:
        return (self.bold, self.bold_metrics) if bold else (self.regular, self.regular_metrics)


def _height(fonts: _Fonts, has_badges: bool) -> int:
    return PAD_Y * 2 + fonts.name_metrics.height() + ((LINE_GAP + fonts.pill_height) if has_badges else 0)


def row_height(font: QFont, *, has_badges: bool = True) -> int:
    """A result's height: its name, and under it the pills (when it has any)."""
    return _height(_Fonts(font), has_badges)


class GuestResultDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fonts: _Fonts | None = None
        self._colours: tuple[int, Colours] | None = None

    def _fonts_for(self, base: QFont) -> _Fonts:
        if self._fonts is None or self._fonts.base != base:  # Large text on or off
            self._fonts = _Fonts(base)
        return self._fonts

    def _colours_for(self, palette: QPalette) -> Colours:
        # Day and night set a new palette with the scheme, so the palette says when to look again.
        key = palette.cacheKey()
        if self._colours is None or self._colours[0] != key:
            self._colours = (key, current_colours())
        return self._colours[1]

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = _height(self._fonts_for(option.font), bool(index.data(ResultRole.BADGES)))
        return QSize(1, height)  # the view gives each row its full width; never scroll sideways

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        colours = self._colours_for(option.palette)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours.selection))
            painter.drawRoundedRect(rect.adjusted(4, 2, -4, -2), 6, 6)
            painter.setBrush(QColor(colours.accent))
            painter.drawRoundedRect(QRect(rect.left() + 4, rect.top() + 6, 4, rect.height() - 12), 2, 2)
        else:
            painter.setPen(QColor(colours.line))
            painter.drawLine(rect.left() + PAD_X, rect.bottom(), rect.right() - PAD_X, rect.bottom())
        text_colour = QColor(colours.text)
        muted = QColor(colours.muted)
        fonts = self._fonts_for(option.font)
        name_font, name_metrics = fonts.name, fonts.name_metrics
        x = rect.left() + PAD_X
        y = rect.top() + PAD_Y
        kind = index.data(ResultRole.KIND)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setFont(name_font)
        painter.setPen(QColor(colours.accent) if kind == "add" else text_colour)
        shown = ("+  " + name) if kind == "add" else name
        # Leave room for the hint on the right ("Enter or Ctrl+N", "Enter: sign in"): a long name is
        # cut short with "…" rather than written over it.
        shown = name_metrics.elidedText(shown, Qt.TextElideMode.ElideRight,
                                        max(40, rect.width() - 2 * PAD_X - fonts.hint_room))
        painter.drawText(QRect(x, y, rect.width() - 2 * PAD_X, name_metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        after_name = x + name_metrics.horizontalAdvance(shown) + 12
        painter.setFont(option.font)
        painter.setPen(muted)
        if kind == "add":
            painter.drawText(QRect(x, y, rect.width() - 2 * PAD_X, name_metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "Enter or Ctrl+N")
        aka = index.data(ResultRole.ALSO_KNOWN_AS)
        if aka:
            painter.drawText(QRect(after_name, y, rect.right() - after_name - PAD_X, name_metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"also known as {aka}")
        if selected and kind == "guest":
            hit = index.data(ResultRole.HIT)
            # Enter on someone already in offers to sign them out: say so, not "sign in".
            hint = "Enter: sign out" if hit is not None and hit.visit_id else "Enter: sign in"
            painter.drawText(QRect(x, y, rect.width() - 2 * PAD_X, name_metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, hint)
        badges: list[Badge] = index.data(ResultRole.BADGES) or []
        self._paint_pills(painter, fonts, badges, x, y + name_metrics.height() + LINE_GAP,
                          rect.right() - PAD_X, colours)
        painter.restore()

    @staticmethod
    def _paint_pills(painter: QPainter, fonts: _Fonts, badges: list[Badge], x: int, y: int, right: int,
                     colours: Colours) -> None:
        height = fonts.pill_height
        for badge in badges:
            bg, fg, _edge = colours.kind(badge.kind)
            font_for_pill, metrics = fonts.pill(badge.kind in ("excluded", "urgent"))
            text = badge.text
            width = metrics.horizontalAdvance(text) + 2 * PILL_PAD_X
            if x + width > right:
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, right - x - 2 * PILL_PAD_X))
                width = metrics.horizontalAdvance(text) + 2 * PILL_PAD_X
                if width <= 2 * PILL_PAD_X + 8:
                    break
            painter.setFont(font_for_pill)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(bg))
            painter.drawRoundedRect(QRect(x, y, width, height), height / 2, height / 2)
            painter.setPen(QColor(fg))
            painter.drawText(QRect(x, y, width, height), Qt.AlignmentFlag.AlignCenter, text)
            x += width + PILL_GAP


