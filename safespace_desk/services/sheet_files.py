"""The files the importers read: a size limit, the encoding and the delimiter found, and the text
handed over a line at a time, so a sheet of a million lines is never held in memory whole.

A file is looked at once before it is read (``inspect_sheet``): its size, a SHA-256 of its bytes (a
dry run and the import that follows it must read the same file), its line breaks (for progress),
whether it is UTF-8 (else Windows-1252, as older spreadsheets save it) and the character between
its columns. Reading it again (``open_text``) hashes the bytes as they go by; ``check_unchanged``
then refuses a file that changed in between, before anything is committed.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.sign_in_sheet import MAX_LINES, SheetRows, detect_delimiter

SheetSource = bytes | Path
MAX_FILE_BYTES = 256 * 1024 * 1024  # ten years of the busiest hub's sign-ins is about 60 MB
_BLOCK = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class SheetFile:
    size: int
    sha256: str
    encoding: str
    delimiter: str
    line_breaks: int  # the file's lines, near enough, for a progress bar


def inspect_sheet(source: SheetSource) -> SheetFile:
    """Size, hash, encoding, delimiter and line count of a sheet, read once in blocks.

    Raises ValidationError for a file over MAX_FILE_BYTES (it is not read at all)."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValidationError(f"The file is {size / 1_048_576:,.0f} MB; the limit is "
                              f"{MAX_FILE_BYTES // 1_048_576} MB. Split it (a year at a time, for example) "
                              "and import the parts one after another.", field="file")
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, breaks, last = True, 0, b"\n"
    head = b""
    with _open_binary(source) as binary:
        while block := binary.read(_BLOCK):
            digest.update(block)
            breaks += block.count(b"\n")
            last = block[-1:]
            if len(head) < 65_536:
                head += block[:65_536]
            if is_utf8:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    encoding = "utf-16" if head.startswith(_UTF16_BOMS) else "utf-8-sig" if is_utf8 else "cp1252"
    first_line = head.decode(encoding, errors="replace").splitlines()[:1]
    return SheetFile(size, digest.hexdigest(), encoding, detect_delimiter(first_line[0] if first_line else ""),
                     breaks + (last != b"\n"))


class _Hashing(io.RawIOBase):
    """The file's bytes as they are read, hashed on the way (to compare with the inspection's)."""

    def __init__(self, binary: BinaryIO) -> None:
        self._binary = binary
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._binary.read(len(buffer))
        buffer[:len(data)] = data
        self.digest.update(data)
        return len(data)

    def drain(self) -> str:
        while self._binary.read(_BLOCK):
            pass
        return self.digest.hexdigest()


class SheetText:
    """The sheet's text, a line at a time (``lines``), and the check that it was the file inspected."""

    def __init__(self, binary: BinaryIO, sheet: SheetFile) -> None:
        self._sheet = sheet
        self._hashing = _Hashing(binary)
        self.lines = io.TextIOWrapper(io.BufferedReader(self._hashing, _BLOCK), encoding=sheet.encoding,
                                      errors="replace" if sheet.encoding == "cp1252" else "strict", newline="")

    def rows(self, max_lines: int = MAX_LINES) -> SheetRows:
        return SheetRows(self._lines(), self._sheet.delimiter, max_lines)

    def _lines(self) -> Iterator[str]:
        try:
            yield from self.lines
        except UnicodeDecodeError:
            raise _changed() from None

    def check_unchanged(self) -> None:
        """Raises ValidationError if the bytes read were not the bytes inspected."""
        while self.lines.read(_BLOCK):
            pass  # what the reader left unread (after a line limit) still counts
        if self._hashing.digest.hexdigest() != self._sheet.sha256:
            raise _changed()


@contextmanager
def open_text(source: SheetSource, sheet: SheetFile) -> Iterator[SheetText]:
    with _open_binary(source) as binary:
        yield SheetText(binary, sheet)


def read_header(source: SheetSource) -> tuple[SheetFile, list[str]]:
    """The file inspected, and its first line as the spreadsheet names its columns."""
    sheet = inspect_sheet(source)
    with open_text(source, sheet) as text:
        header = [cell.strip() for cell in text.rows().header]
    if not any(header):
        raise ValidationError("The first line must name the columns, e.g. name,date,time_in,time_out.",
                              field="file")
    return sheet, header


def read_whole(source: SheetSource) -> str:
    """A small sheet's text in one piece (referrals and contacts are applied one by one anyway),
    with the same size limit and encodings as the sign-in sheets."""
    sheet = inspect_sheet(source)
    with open_text(source, sheet) as text:
        try:
            whole = text.lines.read()
        except UnicodeDecodeError:
            raise _changed() from None
    return whole


def _changed() -> ValidationError:
    return ValidationError("The file changed while it was being read, so nothing was imported. Wait until "
                           "it is saved, then try again.", field="file")


@contextmanager
def _open_binary(source: SheetSource) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
        return
    with open(source, "rb") as binary:
        yield binary
