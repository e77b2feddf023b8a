"""CSV that a spreadsheet opens as data, never as formulas.

A cell starting with = + - @, a tab or a carriage return is run as a formula by Excel, LibreOffice
and Google Sheets: a guest's name typed as ``=HYPERLINK(...)`` would become a live link that can send
the rest of the sheet away. As OWASP suggests, such text cells get a single quote in front, which
spreadsheets show as plain text. Numbers the program counted itself are written as they are.

Every CSV the program writes goes through ``csv_text`` or ``write_csv`` (see tests/security).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from safespace_desk.private_files import write_private

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of one cell, with a quote in front if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        # Leading spaces do not stop some spreadsheets from evaluating what follows.
        if text.lstrip(" ").startswith(FORMULA_STARTS):
            return "'" + text
        return text
    return str(value)


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """The whole CSV as text, header first, every cell made safe ("\\r\\n" line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def write_csv(path: Path, header: Sequence[object], rows: Iterable[Sequence[object]]) -> Path:
    """Write ``csv_text`` to ``path`` as UTF-8, readable by this OS account only (it may name guests)."""
    write_private(path, csv_text(header, rows).encode("utf-8"))
    return path
