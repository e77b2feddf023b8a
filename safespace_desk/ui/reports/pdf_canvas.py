"""Drawing A4 PDFs with QPainter: text that wraps, tables, and simple bar charts.

Used by the monthly report and the subject access export. Everything is drawn directly with
QPainter (no widgets, no QtCharts), so it works from the command line with the offscreen
platform and gives the same pages everywhere. Coordinates are in points (1/72 inch) from the top
left of the printable area; ``PdfCanvas`` converts them to the writer's device units.
"""

from __future__ import annotations

import atexit
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QApplication

from safespace_desk.private_files import private_file

A4_WIDTH_PT = 595.0
A4_HEIGHT_PT = 842.0
MARGIN_PT = 40.0
RESOLUTION_DPI = 300
INK = QColor("#1b1f24")
MUTED = QColor("#55606b")
RULE = QColor("#c9d0d8")
SHADE = QColor("#eef2f6")
SERIES_COLOURS = ("#1f5fa8", "#2e8b57", "#c77c1e", "#b3362a", "#6b5ca5", "#4d7f91")

_app_keepalive: list[QGuiApplication] = []


def ensure_gui_app() -> QGuiApplication:
    """Fonts need a QGuiApplication. Reuse the running one; otherwise make an offscreen one (the
    command line has no window) and keep it alive for the rest of the process."""
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A full QApplication (not just QGuiApplication): one application object serves a process for
    # good, and any widget made later in the same process (a test run, an admin tool) needs one.
    app = QApplication([sys.argv[0] if sys.argv else "safespace-desk"])
    _app_keepalive.append(app)
    # Left to the interpreter's final garbage collection, the application can be torn down
    # after objects that still refer to it, which aborts the process; shut it down first.
    atexit.register(_shut_down_app)
    return app


def _shut_down_app() -> None:
    while _app_keepalive:
        _app_keepalive.pop().shutdown()


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str


class PdfCanvas:
    """One A4 portrait PDF being drawn. Use as a context manager; ``close`` finishes the file."""

    def __init__(self, path: Path, title: str) -> None:
        ensure_gui_app()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = QPdfWriter(str(private_file(path)))  # 0600 before Qt writes a byte
        self._writer.setTitle(title)
        self._writer.setCreator("SafeSpace Desk")
        self._writer.setResolution(RESOLUTION_DPI)
        self._writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                               QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point))
        self._unit = RESOLUTION_DPI / 72.0
        self.painter = QPainter()
        if not self.painter.begin(self._writer):
            raise OSError(f"The PDF could not be written to {path.name}.")
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.width = A4_WIDTH_PT - 2 * MARGIN_PT
        self.height = A4_HEIGHT_PT - 2 * MARGIN_PT
        self.page_number = 1

    def __enter__(self) -> PdfCanvas:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.painter.isActive():
            self.painter.end()
        # Release the file now rather than whenever the wrapper is collected.
        del self.painter
        del self._writer

    def new_page(self) -> None:
        self._writer.newPage()
        self.page_number += 1

    # -- geometry -----------------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        u = self._unit
        return QRectF((MARGIN_PT + x) * u, (MARGIN_PT + y) * u, w * u, h * u)

    def point(self, x: float, y: float) -> QPointF:
        return QPointF((MARGIN_PT + x) * self._unit, (MARGIN_PT + y) * self._unit)

    def pen(self, colour: QColor | str, width_pt: float = 0.6) -> QPen:
        return QPen(QColor(colour), width_pt * self._unit)

    # -- text ---------------------------------------------------------------------------------
    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont("DejaVu Sans")
        font.setPointSizeF(size)
        font.setBold(bold)
        # No "fi"/"ff" ligatures: text copied or extracted from the PDF should read as typed.
        font.setFeature(QFont.Tag("liga"), 0)
        return font

    def text(self, x: float, y: float, w: float, text: str, size: float = 9.5, *, bold: bool = False,
             colour: QColor | str = INK, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> float:
        """Draw wrapped text in a column ``w`` points wide; return the height used (points)."""
        p = self.painter
        p.setFont(self.font(size, bold))
        p.setPen(QColor(colour))
        flags = int(align | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
        box = self.rect(x, y, w, 2000)
        used = p.boundingRect(box, flags, text)
        p.drawText(box, flags, text)
        return used.height() / self._unit

    def text_height(self, w: float, text: str, size: float = 9.5, *, bold: bool = False) -> float:
        self.painter.setFont(self.font(size, bold))
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
        return self.painter.boundingRect(self.rect(0, 0, w, 2000), flags, text).height() / self._unit

    def rule(self, y: float, colour: QColor | str = RULE) -> None:
        self.painter.setPen(self.pen(colour))
        self.painter.drawLine(self.point(0, y), self.point(self.width, y))

    def footer(self, text: str) -> None:
        self.text(0, self.height + 12, self.width, text, 7.5, colour=MUTED)

    # -- blocks -------------------------------------------------------------------------------
    def tile(self, x: float, y: float, w: float, h: float, value: str, label: str, hint: str = "") -> None:
        """A headline number with its label underneath, on a light panel."""
        p = self.painter
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(SHADE)
        p.drawRoundedRect(self.rect(x, y, w, h), 4 * self._unit, 4 * self._unit)
        self.text(x + 8, y + 6, w - 16, value, 17, bold=True, colour="#14406f")
        self.text(x + 8, y + 30, w - 16, label, 8.5, bold=True, colour=INK)
        if hint:
            self.text(x + 8, y + 43, w - 16, hint, 7, colour=MUTED)

    def table(self, x: float, y: float, widths: Sequence[float], header: Sequence[str],
              rows: Sequence[Sequence[str]], size: float = 8.5) -> float:
        """A simple ruled table; the first column is left-aligned, the rest right-aligned.
        Returns the height used."""
        row_h = size * 1.9
        cursor = y
        for number, cells in enumerate([list(header), *[list(r) for r in rows]]):
            if number % 2 == 0 and number:
                self.painter.setPen(Qt.PenStyle.NoPen)
                self.painter.setBrush(SHADE)
                self.painter.drawRect(self.rect(x, cursor, sum(widths), row_h))
            left = x
            for column, (cell, w) in enumerate(zip(cells, widths, strict=False)):
                align = Qt.AlignmentFlag.AlignLeft if column == 0 else Qt.AlignmentFlag.AlignRight
                self.text(left + 4, cursor + size * 0.45, w - 8, cell, size, bold=number == 0,
                          colour=INK if number else MUTED, align=align)
                left += w
            cursor += row_h
            if number == 0:
                self.painter.setPen(self.pen(INK, 0.8))
                self.painter.drawLine(self.point(x, cursor), self.point(x + sum(widths), cursor))
        return cursor - y

    def vertical_bars(self, x: float, y: float, w: float, h: float, labels: Sequence[str],
                      values: Sequence[float], colour: str = SERIES_COLOURS[0], label_every: int = 1) -> None:
        """One bar per label, with a value axis on the left (for daily numbers)."""
        axis_w, label_h = 22.0, 14.0
        plot = (x + axis_w, y, w - axis_w, h - label_h)
        top = _nice_top(max(values, default=0))
        self._value_grid(plot, top, vertical=True)
        if not values:
            return
        slot = plot[2] / len(values)
        p = self.painter
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour))
        for n, value in enumerate(values):
            bar_h = plot[3] * value / top
            p.drawRect(self.rect(plot[0] + n * slot + slot * 0.15, plot[1] + plot[3] - bar_h, slot * 0.7, bar_h))
        for n, label in enumerate(labels):
            if n % label_every == 0:
                self.text(plot[0] + n * slot - 10, plot[1] + plot[3] + 3, slot + 20, label, 6.5,
                          colour=MUTED, align=Qt.AlignmentFlag.AlignHCenter)

    def horizontal_bars(self, x: float, y: float, w: float, h: float, labels: Sequence[str],
                        series: Sequence[Series], *, stacked: bool = False, label_w: float = 90.0,
                        show_values: bool = True) -> None:
        """Bars across, one row per label: grouped (several series side by side) or stacked."""
        p = self.painter
        plot = (x + label_w, y, w - label_w - 26, h - 14)
        totals = [sum(s.values[i] for s in series) for i in range(len(labels))] if stacked else \
            [max((s.values[i] for s in series), default=0) for i in range(len(labels))]
        top = _nice_top(max(totals, default=0))
        self._value_grid(plot, top, vertical=False)
        if not labels:
            return
        slot = plot[3] / len(labels)
        for row, label in enumerate(labels):
            row_y = plot[1] + row * slot
            self.text(x, row_y + slot / 2 - 5.5, label_w - 6, label, 8, align=Qt.AlignmentFlag.AlignRight)
            left = plot[0]
            band = slot * 0.72
            for n, s in enumerate(series):
                value = s.values[row]
                length = plot[2] * value / top
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(s.colour))
                if stacked:
                    p.drawRect(self.rect(left, row_y + slot * 0.14, length, band))
                    left += length
                else:
                    bar_h = band / len(series)
                    bar_y = row_y + slot * 0.14 + n * bar_h
                    p.drawRect(self.rect(plot[0], bar_y, length, bar_h * 0.9))
                    if show_values:
                        self.text(plot[0] + length + 3, bar_y + bar_h * 0.45 - 4.5, 40, _number(value), 7,
                                  colour=MUTED)
            if stacked and show_values:
                self.text(left + 3, row_y + slot / 2 - 4.5, 40, _number(totals[row]), 7, colour=MUTED)

    def legend(self, x: float, y: float, series: Sequence[Series]) -> None:
        left = x
        for s in series:
            self.painter.setPen(Qt.PenStyle.NoPen)
            self.painter.setBrush(QColor(s.colour))
            self.painter.drawRect(self.rect(left, y + 2, 8, 8))
            self.text(left + 11, y, 120, s.name, 7.5, colour=MUTED)
            left += 18 + self.text_width(s.name, 7.5)

    def text_width(self, text: str, size: float) -> float:
        self.painter.setFont(self.font(size))
        return self.painter.fontMetrics().horizontalAdvance(text) / self._unit

    def _value_grid(self, plot: tuple[float, float, float, float], top: float, *, vertical: bool) -> None:
        x, y, w, h = plot
        for step in range(5):
            value = top * step / 4
            self.painter.setPen(self.pen(RULE if step else MUTED, 0.4 if step else 0.7))
            if vertical:
                line_y = y + h - h * step / 4
                self.painter.drawLine(self.point(x, line_y), self.point(x + w, line_y))
                self.text(x - 24, line_y - 4.5, 20, _number(value), 6.5, colour=MUTED,
                          align=Qt.AlignmentFlag.AlignRight)
            else:
                line_x = x + w * step / 4
                self.painter.drawLine(self.point(line_x, y), self.point(line_x, y + h))
                self.text(line_x - 15, y + h + 2, 30, _number(value), 6.5, colour=MUTED,
                          align=Qt.AlignmentFlag.AlignHCenter)


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value`` that divides into four whole, round steps."""
    step = max(value / 4, 1.0)  # counts: never a step below one
    magnitude = 10 ** math.floor(math.log10(step))
    for multiple in (1, 2, 5, 10):
        if step <= multiple * magnitude:
            return 4 * multiple * magnitude
    return 4 * 10 * magnitude


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
