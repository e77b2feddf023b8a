"""A readable PDF of everything held about one guest (a subject access export).

It shows the same data as the JSON export, section by section, as "field: value" lines, with the
access log (who viewed or changed the record) as a table. Internal ids are left out of the PDF
(they mean nothing to a reader and are in the JSON); times are shown as recorded, in UTC.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from safespace_desk.ui.reports.pdf_canvas import MUTED, PdfCanvas

SECTIONS = (
    ("guest_records", "The guest record (and any records merged into it)"),
    ("aliases", "Other names"),
    ("visits", "Visits"),
    ("beds", "Beds"),
    ("exclusions", "Exclusions"),
    ("messages", "Messages left for the guest"),
    ("shift_log", "Shift log entries about the guest"),
    ("triage", "Health (triage) assessments"),
)
BOTTOM_PT = 740.0  # leave room for the footer
LINE_SIZE = 8.5


class _Flow:
    """Text flowing down the pages, starting a new page when one is full."""

    def __init__(self, canvas: PdfCanvas, footer: str) -> None:
        self.canvas = canvas
        self.footer = footer
        self.y = 0.0

    def need(self, height: float) -> None:
        if self.y + height > BOTTOM_PT:
            self.canvas.footer(f"{self.footer} · page {self.canvas.page_number}")
            self.canvas.new_page()
            self.y = 0.0

    def write(self, text: str, size: float = LINE_SIZE, *, bold: bool = False, indent: float = 0,
              colour: str = "#1b1f24", after: float = 2) -> None:
        width = self.canvas.width - indent
        height = self.canvas.text_height(width, text, size, bold=bold)
        self.need(height + after)
        self.canvas.text(indent, self.y, width, text, size, bold=bold, colour=colour)
        self.y += height + after

    def finish(self) -> None:
        self.canvas.footer(f"{self.footer} · page {self.canvas.page_number}")


def write_subject_access_pdf(export: dict[str, Any], path: Path) -> None:
    """Write the subject access export (``data_rights.export_guest``) as a PDF at ``path``."""
    records = export.get("guest_records") or [{}]
    name = next((r.get("preferred_name") for r in records if r.get("merged_into") is None), None) \
        or records[0].get("preferred_name") or "this guest"
    with PdfCanvas(Path(path), f"Data held about {name}") as canvas:
        flow = _Flow(canvas, f"SafeSpace Desk · subject access export · exported {_when(export.get('exported_at'))}")
        flow.write(f"Everything SafeSpace Desk holds about {name}", 15, bold=True, after=4)
        flow.write(f"Exported {_when(export.get('exported_at'))}. Times are in UTC (GMT). The same data is in "
                   "the JSON file that came with this PDF.", 8.5, colour=MUTED.name(), after=12)
        for key, title in SECTIONS:
            rows = export.get(key) or []
            flow.write(f"{title} ({len(rows)})", 11.5, bold=True, after=4)
            if not rows:
                flow.write("None held.", colour=MUTED.name(), after=10)
                continue
            for number, row in enumerate(rows, start=1):
                flow.write(f"{number}. " + _describe(row), indent=8, after=5)
            flow.y += 6
        _access_log(flow, export.get("access_log") or [])
        flow.finish()


def _access_log(flow: _Flow, entries: list[dict[str, Any]]) -> None:
    flow.write(f"Who viewed or changed these records ({len(entries)})", 11.5, bold=True, after=4)
    if not entries:
        flow.write("No one.", colour=MUTED.name())
        return
    widths = [130.0, 130.0, 140.0, flow.canvas.width - 400]
    rows = [[_when(e.get("when")), str(e.get("staff") or "automatic"), _label(str(e.get("action") or "")),
             _label(str(e.get("record") or ""))] for e in entries]
    header = ["When", "Staff", "What", "Record"]
    # A page of table at a time, so long logs break cleanly between rows.
    start = 0
    while start < len(rows):
        room = int((BOTTOM_PT - flow.y) // (8 * 1.9)) - 1
        if room < 3:
            flow.need(BOTTOM_PT)  # forces a new page
            continue
        chunk = rows[start:start + room]
        flow.y += flow.canvas.table(0, flow.y, widths, header, chunk, size=8)
        start += len(chunk)
        if start < len(rows):
            flow.need(BOTTOM_PT)


def _describe(row: dict[str, Any]) -> str:
    parts = []
    for key, value in row.items():
        if value in (None, "", "[]") or key == "id" or key.endswith("_id") or key in _ID_FIELDS:
            continue
        if key + "_name" in row:
            continue  # the staff member's name is shown instead of their id
        parts.append(f"{_label(key)}: {_when(value) if _looks_like_time(value) else value}")
    return "; ".join(parts) or "(no details)"


_ID_FIELDS = {"merged_into", "visit_id", "guest_id", "message_id", "agency_id", "card_code_hash"}


def _label(key: str) -> str:
    return key.removesuffix("_name").replace("_", " ").capitalize()


def _looks_like_time(value: object) -> bool:
    return isinstance(value, str) and len(value) >= 20 and value[4] == "-" and value[10] == "T"


def _when(value: object) -> str:
    if not isinstance(value, str):
        return str(value) if value is not None else "unknown"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{moment.day} {moment:%b %Y %H:%M} UTC"
