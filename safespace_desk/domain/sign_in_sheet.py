"""Reading paper or spreadsheet sign-in sheets (CSV): columns, dates, times, encodings.

Default header: ``name,date,time_in,time_out,arrived_via`` with optional ``bed`` and ``notes``.
Other headers are mapped with ``{"name": "Guest", "date": "Day", ...}``. Dates are YYYY-MM-DD or
DD/MM/YYYY; times HH:MM in the site's time zone; a time out earlier than the time in is the next
morning. Every problem is reported with its line number; nothing is guessed silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.text import NAME_MAX, SHORT_TEXT_MAX, fold

COLUMNS = ("name", "date", "time_in", "time_out", "arrived_via", "bed", "notes")
REQUIRED = ("name", "date", "time_in")
MAX_LINES = 500_000


@dataclass(frozen=True)
class SheetLine:
    line: int
    name: str
    signed_in_at: datetime  # UTC
    signed_out_at: datetime | None  # UTC
    arrived_via: ArrivedVia
    bed: str | None
    notes: str | None

    @property
    def key(self) -> str:
        """The same person at the same moment is the same visit, however often the file is read."""
        text = f"{' '.join(fold(self.name).split())}|{self.signed_in_at.isoformat()}"
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class ParsedSheet:
    lines: list[SheetLine]
    errors: list[LineError]


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 as spreadsheets save it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_sheet(text: str, zone: ZoneInfo, mapping: dict[str, str] | None = None,
                now: datetime | None = None) -> ParsedSheet:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError("The file is empty.", field="file") from None
    columns = _columns(header, mapping or {})
    lines: list[SheetLine] = []
    errors: list[LineError] = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES:
            errors.append(LineError(number, f"Files of more than {MAX_LINES} lines must be split."))
            break
        if not any(cell.strip() for cell in row):
            continue  # blank lines are common at the end of spreadsheets
        try:
            lines.append(_line(number, row, columns, zone, now))
        except ValidationError as error:
            errors.append(LineError(number, error.message))
    return ParsedSheet(lines, errors)


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    positions = {h.strip().lower(): i for i, h in enumerate(header)}
    columns: dict[str, int] = {}
    for ours in COLUMNS:
        theirs = mapping.get(ours, ours).strip().lower()
        if theirs in positions:
            columns[ours] = positions[theirs]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        wanted = ", ".join(mapping.get(c, c) for c in missing)
        raise ValidationError(f"The header has no column for {wanted}. The first line must name the "
                              f"columns, e.g. {','.join(COLUMNS[:5])}.", field="file")
    return columns


def _line(number: int, row: list[str], columns: dict[str, int], zone: ZoneInfo,
          now: datetime | None) -> SheetLine:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    name = " ".join(cell("name").split())
    if not name:
        raise ValidationError("The name is empty.")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The name is longer than {NAME_MAX} characters.")
    day = _date(cell("date"))
    start = _time(cell("time_in"), "time in")
    signed_in = _local(day, start, zone)
    out_text = cell("time_out")
    signed_out = None
    if out_text:
        end = _time(out_text, "time out")
        out_day = day + timedelta(days=1) if end <= start else day  # earlier = the next morning
        signed_out = _local(out_day, end, zone)
    if now is not None and signed_in > now:
        raise ValidationError("The time in is in the future.")
    via_text = cell("arrived_via").lower()
    via = _arrived_via(via_text)
    bed = cell("bed") or None
    notes = cell("notes") or None
    if bed and len(bed) > 40:
        raise ValidationError("The bed label is longer than 40 characters.")
    if notes and len(notes) > SHORT_TEXT_MAX:
        raise ValidationError(f"The notes are longer than {SHORT_TEXT_MAX} characters.")
    return SheetLine(number, name, signed_in, signed_out, via, bed, notes)


def _date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"“{text[:20]}” is not a date (use YYYY-MM-DD or DD/MM/YYYY).")


def _time(text: str, label: str) -> time:
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise ValidationError(f"“{text[:20]}” is not a {label} (use HH:MM, e.g. 21:30).") from None


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    local = datetime.combine(day, at, tzinfo=zone)
    # A time that does not exist (the hour skipped in March) is read as the same wall time an
    # hour later, which is what a clock on the wall would have shown.
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        local = local + timedelta(hours=1)
    return local.astimezone(UTC)


def _arrived_via(text: str) -> ArrivedVia:
    if not text:
        return ArrivedVia.SELF
    for via in ArrivedVia:
        if text in (via.value, via.label.lower()):
            return via
    aliases = {"walk-in": ArrivedVia.SELF, "walk in": ArrivedVia.SELF, "ambulance": ArrivedVia.PARAMEDIC,
               "street outreach": ArrivedVia.OUTREACH, "council": ArrivedVia.HOUSING, "a&e": ArrivedVia.HOSPITAL}
    if text in aliases:
        return aliases[text]
    choices = ", ".join(v.value for v in ArrivedVia)
    raise ValidationError(f"“{text[:20]}” is not a way of arriving (use one of: {choices}).")
