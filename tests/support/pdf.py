"""Reading PDFs the program wrote, with libraries from PyPI (pypdfium2 renders and extracts text,
zxing-cpp decodes barcodes), so the tests need no system tools such as poppler or zbar."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PySide6.QtGui import QImage


def page_count(path: Path) -> int:
    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def page_size_mm(path: Path, index: int = 0) -> tuple[float, float]:
    pdf = pdfium.PdfDocument(path)
    try:
        width, height = pdf[index].get_size()  # PDF points
        return width * 25.4 / 72, height * 25.4 / 72
    finally:
        pdf.close()


def text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The text of pages ``first``..``last`` (1-based, inclusive; all by default), one page after another."""
    pdf = pdfium.PdfDocument(path)
    try:
        pages = range((first or 1) - 1, last if last is not None else len(pdf))
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in pages)
    finally:
        pdf.close()


def render(path: Path, index: int = 0, *, dpi: int = 150) -> QImage:
    """One page as an image (a copy: it outlives the PDF)."""
    pdf = pdfium.PdfDocument(path)
    try:
        bitmap = pdf[index].render(scale=dpi / 72, rev_byteorder=True)  # RGB, 3 bytes a pixel
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGB888)
        assert not image.isNull(), f"page {index + 1} of {path.name} did not render"
        return image.copy()
    finally:
        pdf.close()


def barcodes(image: QImage) -> list[str]:
    """The text of every barcode an independent decoder (ZXing) finds in the image."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = memoryview(grey.constBits()).cast("B", (grey.height(), grey.bytesPerLine()))
    view = zxingcpp.ImageView(pixels, grey.width(), grey.height(), zxingcpp.ImageFormat.Lum, grey.bytesPerLine(), 1)
    return [found.text for found in zxingcpp.read_barcodes(view)]
