"""Reading paper or spreadsheet sign-in sheets (CSV): columns, dates, times, encodings.

Default header: ``name,date,time_in,time_out,arrived_via`` with optional ``bed`` and ``notes``.
Other headers are mapped with ``{"name": "Guest", "date": "Day", ...}``. Dates are YYYY-MM-DD or
DD/MM/YYYY; times HH:MM in the site's time zone; a time out earlier than the time in is the next
morning. Every problem is reported with its line number; nothing is guessed silently. Columns may
be separated by commas, semicolons (as Excel saves CSV where the comma is the decimal mark) or tabs:
the header line tells which. Sheets are read a line at a time (``SheetRows``), never whole.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.text import NAME_MAX, SHORT_TEXT_MAX, fold

COLUMNS = ("name", "date", "time_in", "time_out", "arrived_via", "bed", "notes")
REQUIRED = ("name", "date", "time_in")
MAX_LINES = 2_000_000  # a sign-in sheet; ten years of the busiest hub is about a million lines
# The csv module refuses a longer cell with an error of its own (its field_size_limit); no cell of a
# sheet is anywhere near it, so such a line is reported as a problem like any other.
MAX_CELL_CHARS = csv.field_size_limit()
DELIMITERS = (",", ";", "\t")  # a comma; Excel's semicolon where the comma is the decimal mark; tabs


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
        text = f"{folded_name(self.name)}|{self.signed_in_at.isoformat()}"
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class ParsedSheet:
    lines: list[SheetLine]
    errors: list[LineError]


@lru_cache(maxsize=65_536)  # a sheet repeats a few thousand names a million times; bounded all the same
def folded_name(name: str) -> str:
    """The name as names are matched: accents and case set aside, spaces single."""
    return " ".join(fold(name).split())


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 as spreadsheets save it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def detect_delimiter(header_line: str) -> str:
    """The character between the header's columns: the candidate that splits it into the most
    named columns (a comma when none does better). European Excel saves "CSV" with semicolons."""
    best, best_count = ",", 0
    for candidate in DELIMITERS:
        try:
            cells = next(csv.reader([header_line], delimiter=candidate), [])
        except csv.Error:
            continue
        count = sum(1 for cell in cells if cell.strip())
        if count > best_count:
            best, best_count = candidate, count
    return best


class SheetRows:
    """A sheet's rows as they are read, so a file of a million lines is never held whole.

    Iterating gives ``(number, cells)`` for each line with something in it, or ``(number,
    LineError)`` for a line the csv reader cannot read (a cell over ``MAX_CELL_CHARS``); line
    numbers count records from the header's 1, as a spreadsheet numbers its rows."""

    def __init__(self, lines: Iterable[str], delimiter: str = ",", max_lines: int = MAX_LINES) -> None:
        self._reader = csv.reader(lines, delimiter=delimiter)
        self._max_lines = max_lines
        try:
            self.header = next(self._reader)
        except StopIteration:
            raise ValidationError("The file is empty.", field="file") from None
        except csv.Error:
            raise ValidationError("The first line is not a line of column names (is this a CSV file?).",
                                  field="file") from None

    @property
    def physical_line(self) -> int:
        """Lines of the file read so far (a quoted cell may hold line breaks): for progress."""
        return self._reader.line_num

    def __iter__(self) -> Iterator[tuple[int, list[str] | LineError]]:
        number = 1
        while True:
            number += 1
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                message = (f"A cell is longer than {MAX_CELL_CHARS:,} characters; no sign-in sheet's is."
                           if "field larger" in str(error) else "This line cannot be read as CSV.")
                yield number, LineError(number, message)
                continue
            if number > self._max_lines:
                yield number, LineError(number, f"Files of more than {self._max_lines:,} lines must be split.")
                return
            if any(cell.strip() for cell in row):  # blank lines are common at the end of spreadsheets
                yield number, row


def read_sheet(rows: SheetRows, zone: ZoneInfo, mapping: dict[str, str] | None = None,
               now: datetime | None = None) -> Iterator[SheetLine | LineError]:
    """Each line of a sign-in sheet, read or with its problem, in file order."""
    columns = _columns(rows.header, mapping or {})
    for number, row in rows:
        if isinstance(row, LineError):
            yield row
            continue
        try:
            yield _line(number, row, columns, zone, now)
        except ValidationError as error:
            yield LineError(number, error.message)


def parse_sheet(text: str, zone: ZoneInfo, mapping: dict[str, str] | None = None,
                now: datetime | None = None) -> ParsedSheet:
    """A whole sheet held in memory (small files and tests); the importer streams with read_sheet."""
    lines = text.splitlines(keepends=True)
    rows = SheetRows(lines, detect_delimiter(lines[0]) if lines else ",")
    parsed: list[SheetLine] = []
    errors: list[LineError] = []
    for item in read_sheet(rows, zone, mapping, now):
        (errors if isinstance(item, LineError) else parsed).append(item)  # type: ignore[arg-type]
    return ParsedSheet(parsed, errors)


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
    cells = len(row)

    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < cells else ""

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
    via = _arrived_via(cell("arrived_via").lower())
    bed = cell("bed") or None
    notes = cell("notes") or None
    if bed and len(bed) > 40:
        raise ValidationError("The bed label is longer than 40 characters.")
    if notes and len(notes) > SHORT_TEXT_MAX:
        raise ValidationError(f"The notes are longer than {SHORT_TEXT_MAX} characters.")
    return SheetLine(number, name, signed_in, signed_out, via, bed, notes)


def _date(text: str) -> date:
    # The two forms spelled out in full are read by hand (strptime costs more than the rest of a
    # line); anything else, or a date that does not exist, goes the long way for the same answer.
    if len(text) == 10 and text.isascii():
        try:
            if text[4] == "-" and text[7] == "-" and (text[:4] + text[5:7] + text[8:]).isdigit():
                return date(int(text[:4]), int(text[5:7]), int(text[8:]))
            if text[2] == "/" and text[5] == "/" and (text[:2] + text[3:5] + text[6:]).isdigit():
                return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"“{text[:20]}” is not a date (use YYYY-MM-DD or DD/MM/YYYY).")


def _time(text: str, label: str) -> time:
    if len(text) == 5 and text[2] == ":" and text.isascii() and (text[:2] + text[3:]).isdigit():
        try:
            return time(int(text[:2]), int(text[3:]))
        except ValueError:
            pass
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise ValidationError(f"“{text[:20]}” is not a {label} (use HH:MM, e.g. 21:30).") from None


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    offset = _offset_all_day(day, zone)
    if offset is not None:  # most days: no clock change, one subtraction (a sheet has a million lines)
        return datetime.combine(day, at, tzinfo=UTC) - offset
    local = datetime.combine(day, at, tzinfo=zone)
    # A time that does not exist (the hour skipped in March) is read as the same wall time an
    # hour later, which is what a clock on the wall would have shown.
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        local = local + timedelta(hours=1)
    return local.astimezone(UTC)


@lru_cache(maxsize=16_384)
def _offset_all_day(day: date, zone: ZoneInfo) -> timedelta | None:
    """The zone's offset from UTC if it is the same from this midnight to the next (None on a day
    the clocks change)."""
    first = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
    last = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).utcoffset()
    return first if first == last else None


_ALIASES = {"walk-in": ArrivedVia.SELF, "walk in": ArrivedVia.SELF, "ambulance": ArrivedVia.PARAMEDIC,
            "street outreach": ArrivedVia.OUTREACH, "council": ArrivedVia.HOUSING, "a&e": ArrivedVia.HOSPITAL}


@lru_cache(maxsize=1)
def _ways_of_arriving() -> dict[str, ArrivedVia]:
    """Every spelling a sheet may use, lower-case: our values, their labels, then common aliases."""
    ways: dict[str, ArrivedVia] = {}
    for via in ArrivedVia:
        ways.setdefault(via.value, via)
        ways.setdefault(via.label.lower(), via)
    for text, via in _ALIASES.items():
        ways.setdefault(text, via)
    return ways


def _arrived_via(text: str) -> ArrivedVia:
    if not text:
        return ArrivedVia.SELF
    via = _ways_of_arriving().get(text)
    if via is not None:
        return via
    choices = ", ".join(v.value for v in ArrivedVia)
    raise ValidationError(f"“{text[:20]}” is not a way of arriving (use one of: {choices}).")
