"""Matching a sign-in sheet's own column names to the ones the importer reads."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from safespace_desk.domain.sign_in_sheet import COLUMNS, REQUIRED
from safespace_desk.services import sheet_files
from safespace_desk.services.sheet_files import SheetFile, SheetSource

NOT_IN_FILE = "(not in this file)"
# A column name that can never be in a file, so "not in this file" also overrides a default
# match (the importer falls back to our own name, e.g. "bed", when a column is not mapped).
SKIP_COLUMN = "\u0000skip"
LABELS = {"name": "Name", "date": "Date", "time_in": "Time in", "time_out": "Time out",
          "arrived_via": "Arrived via", "bed": "Bed", "notes": "Notes"}
# Headers seen on real sheets, lower-cased, for each of our columns.
ALIASES = {
    "name": ("name", "guest", "guest name", "first name", "known as", "client", "person"),
    "date": ("date", "day", "visit date"),
    "time_in": ("time_in", "time in", "in", "arrived", "arrival", "signed in", "in time"),
    "time_out": ("time_out", "time out", "out", "left", "departed", "signed out", "out time"),
    "arrived_via": ("arrived_via", "arrived via", "via", "came via", "source", "referred by", "brought by"),
    "bed": ("bed", "bed number", "bed no", "bed label"),
    "notes": ("notes", "note", "comments", "comment"),
}


def read_header(source: SheetSource) -> tuple[SheetFile, list[str]]:
    """The file looked over (size limit, encoding, the character between columns), and its first
    line as the spreadsheet names its columns."""
    return sheet_files.read_header(source)


def guess_mapping(header: list[str]) -> dict[str, str | None]:
    """Our column -> the file's column that most likely holds it (None: not in the file)."""
    lowered = {h.lower(): h for h in header if h}
    guess: dict[str, str | None] = {}
    for ours in COLUMNS:
        guess[ours] = next((lowered[a] for a in ALIASES[ours] if a in lowered), None)
    return guess


class ColumnMappingForm(QWidget):
    """One drop-down per column the importer reads, listing the file's own headers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        self.boxes: dict[str, QComboBox] = {}
        for n, ours in enumerate(COLUMNS):
            # Two pairs of (label, drop-down) per row: seven rows of drop-downs do not fit 768 pixels.
            row, column = n // 2, (n % 2) * 2
            label = QLabel(LABELS[ours] + (" *" if ours in REQUIRED else ""))
            label.setObjectName("fieldLabel" if ours in REQUIRED else "")
            box = QComboBox()
            box.setAccessibleName(f"File column for {LABELS[ours]}")
            # Wide enough for its longest choice, "(not in this file)" included.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            label.setBuddy(box)
            grid.addWidget(label, row, column)
            grid.addWidget(box, row, column + 1)
            self.boxes[ours] = box
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.set_header([])

    def set_header(self, header: list[str]) -> None:
        guess = guess_mapping(header)
        for ours, box in self.boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_IN_FILE, None)
            for name in header:
                if name:
                    box.addItem(name, name)
            chosen = guess.get(ours)
            box.setCurrentIndex(box.findData(chosen) if chosen else 0)
            box.setEnabled(bool(header))
            box.blockSignals(False)

    def mapping(self) -> dict[str, str]:
        """What the importer is given: every column, mapped or marked as not in the file."""
        return {ours: box.currentData() or SKIP_COLUMN for ours, box in self.boxes.items()}

    def choose(self, ours: str, theirs: str | None) -> None:
        box = self.boxes[ours]
        box.setCurrentIndex(box.findData(theirs) if theirs else 0)
