"""Paper and PDF: an HTML document laid out on A4 by QTextDocument, written with QPdfWriter or
sent to a printer. The same HTML is shown on screen, so what is printed is what staff read."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from safespace_desk.private_files import private_file
from safespace_desk.ui.kit.colours import NIGHT

PDF_RESOLUTION = 300  # dpi: crisp text on paper; fonts are in points so the size is the same
BODY_POINT_SIZE = 10.5

# Qt's rich-text subset: simple selectors and table cell padding; no flex or grid.
DOCUMENT_CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; color: #1f2328; }
h1 { font-size: 17pt; margin: 0 0 2px 0; }
h2 { font-size: 13pt; margin: 14px 0 4px 0; color: #2d6a86; border-bottom: 1px solid #2d6a86; }
p { margin: 2px 0 6px 0; }
.muted { color: #59636e; }
.urgent { color: #7a3f00; font-weight: bold; }
.none { color: #59636e; font-style: italic; }
table.data { border-collapse: collapse; margin: 2px 0 6px 0; }
table.data th { background: #e7f0f7; text-align: left; font-weight: bold; }
.notes { white-space: pre-wrap; }
"""


def night_screen_css() -> str:
    """The same document read on screen in night colours: the print colours (dark text for white
    paper) are swapped for the night scheme's, so a bright sheet does not glare at the night desk."""
    c = NIGHT
    return (DOCUMENT_CSS.replace("#1f2328", c.text).replace("#2d6a86", c.link).replace("#59636e", c.muted)
            .replace("#7a3f00", c.kind("urgent")[1]).replace("#e7f0f7", c.nav_checked))


def screen_html(html: str, night: bool) -> str:
    """``html`` as shown on screen: unchanged by day, in night colours at night (never printed so)."""
    return html.replace(DOCUMENT_CSS, night_screen_css()) if night else html


def wrap_html(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title><style>{DOCUMENT_CSS}</style></head><body>{body}</body></html>"


def document_for(html: str, page_width_points: float | None = None) -> QTextDocument:
    document = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(BODY_POINT_SIZE)
    document.setDefaultFont(font)
    document.setDefaultStyleSheet(DOCUMENT_CSS)
    document.setHtml(html)
    if page_width_points:
        document.setPageSize(QSizeF(page_width_points, -1))
    return document


def _orientation(landscape: bool) -> QPageLayout.Orientation:
    return QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait


def write_pdf(html: str, path: str | Path, title: str, *, landscape: bool = False) -> Path:
    """Lay ``html`` out on A4 (portrait, or landscape for a wide table) and write it as a PDF.

    The writer has no margins of its own because ``QTextDocument.print_`` adds 2 cm all round and
    numbers the pages in the bottom margin; margins on both would leave a narrow column.
    """
    path = Path(path)
    writer = QPdfWriter(str(private_file(path)))  # a handover names guests: 0600 before Qt writes
    writer.setTitle(title)
    writer.setCreator("SafeSpace Desk")
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), _orientation(landscape),
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    document_for(html).print_(writer)
    del writer  # the file is finished when the writer goes
    return path


def new_printer(title: str, *, landscape: bool = False) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(_orientation(landscape))
    return printer


def choose_printer(parent: QWidget | None, printer: QPrinter) -> bool:
    """The system's own print dialog; False if cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog

    return QPrintDialog(printer, parent).exec() == QPrintDialog.DialogCode.Accepted


def print_html(parent: QWidget | None, html: str, title: str, *, landscape: bool = False) -> bool:
    """Ask which printer (the system's own dialog), then print. Returns False if cancelled."""
    printer = new_printer(title, landscape=landscape)
    if not choose_printer(parent, printer):
        return False
    document_for(html).print_(printer)
    return True


def escape(text: str | None) -> str:
    if not text:
        return ""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "<br>"))
