"""A guest's card as a PDF: the hub's name and a Code 128 barcode of the card code, nothing else.

The card carries no personal data (a lost card tells a finder nothing about its owner); there is a
line where the guest may write their own name if they wish. A keyboard-wedge scanner at the desk
reads the barcode and types the code plus Enter, which signs the guest in.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from safespace_desk.domain.barcode import QUIET_ZONE, code128_widths, total_modules
from safespace_desk.private_files import private_file

CARD_MM = QSizeF(85.6, 54.0)  # ISO/IEC 7810 ID-1, the size of a bank card
RESOLUTION_DPI = 600
INK = QColor("#000000")


def write_card_pdf(path: Path, *, card_code: str, site_name: str) -> Path:
    """Write one card, the size of a bank card, to ``path``."""
    from safespace_desk.ui.reports.pdf_canvas import ensure_gui_app

    ensure_gui_app()
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(private_file(path)))
    writer.setTitle("Guest card")
    writer.setCreator("SafeSpace Desk")
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(CARD_MM, QPageSize.Unit.Millimeter, "Guest card"),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"The card could not be written to {path.name}.")
    try:
        _draw(painter, writer.width(), writer.height(), card_code, site_name)
    finally:
        painter.end()
    del painter, writer  # the file is complete when the writer is gone
    return path


def _draw(painter: QPainter, width: int, height: int, code: str, site_name: str) -> None:
    dots_per_mm = RESOLUTION_DPI / 25.4
    margin = 4 * dots_per_mm
    painter.fillRect(QRectF(0, 0, width, height), QColor("#ffffff"))
    painter.setPen(INK)

    title = QFont("DejaVu Sans")
    title.setPointSizeF(9)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(QRectF(margin, margin, width - 2 * margin, 5 * dots_per_mm),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, site_name)
    small = QFont("DejaVu Sans")
    small.setPointSizeF(6.5)
    painter.setFont(small)
    painter.drawText(QRectF(margin, margin + 5 * dots_per_mm, width - 2 * margin, 4 * dots_per_mm),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                     "Show this card at the desk.")

    widths = code128_widths(code)
    module = (width - 2 * margin) / total_modules(widths)
    x = margin + QUIET_ZONE * module
    top = margin + 11 * dots_per_mm
    bar_height = 17 * dots_per_mm
    for index, w in enumerate(widths):
        if index % 2 == 0:  # even positions are bars, odd are spaces
            painter.fillRect(QRectF(x, top, w * module, bar_height), INK)
        x += w * module

    mono = QFont("DejaVu Sans Mono")
    mono.setPointSizeF(11)
    mono.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 2)
    painter.setFont(mono)
    painter.drawText(QRectF(margin, top + bar_height + 1 * dots_per_mm, width - 2 * margin, 6 * dots_per_mm),
                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, code)
    painter.setFont(small)
    line_y = height - margin - 1 * dots_per_mm
    painter.drawText(QRectF(margin, line_y - 4 * dots_per_mm, 22 * dots_per_mm, 4 * dots_per_mm),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, "Name (if you like):")
    painter.drawLine(int(margin + 23 * dots_per_mm), int(line_y), int(width - margin), int(line_y))
