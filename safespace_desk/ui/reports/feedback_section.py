"""The guests' own feedback on the Reports page (issue 13, item 6): how many gave it and how welcome they
felt (from the figures), and their words for the range, each with a Delete for a name written by mistake."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from safespace_desk.domain.feedback import NOT_GIVEN, Welcome
from safespace_desk.reports.hub_day_figures import HubDayFigures
from safespace_desk.services.feedback import FeedbackEntry
from safespace_desk.ui.kit.widgets import muted_label
from safespace_desk.ui.reports.sections import FigureTable


def rating_label(key: str) -> str:
    return Welcome(key).label if key in Welcome._value2member_map_ else "No answer"


def count_rows(h: HubDayFigures) -> list[tuple[str, str]]:
    rows = [("Feedback given", str(h.feedback.get("given", 0)))]
    return rows + [(f"Felt: {rating_label(key)}", str(h.feedback.get(key, 0)))
                   for key in [w.value for w in Welcome] + [NOT_GIVEN]]


class FeedbackEntryRow(QFrame):
    """One entry's date, how welcome, words; Delete asks once more before it deletes."""

    delete_requested = Signal(str)

    def __init__(self, entry: FeedbackEntry, may_delete: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        felt = entry.rating.label if entry.rating else "No answer"
        self.text = QLabel(f"{entry.given_on:%-d %b} · {felt}" + (f" — {entry.words}" if entry.words else ""), self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # the guests' words, never markup
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text, 1)
        self.delete_button = QPushButton("Delete…", self)
        self.delete_button.setToolTip("Delete this entry (for a name written by mistake)")
        self.delete_button.setAccessibleName(f"Delete the feedback of {entry.given_on:%-d %B}")
        self.confirm_button = QPushButton("Delete for good", self)
        self.confirm_button.setProperty("kind", "danger")
        self.keep_button = QPushButton("Keep", self)
        self.delete_button.clicked.connect(lambda: self._asking(True))
        self.keep_button.clicked.connect(lambda: self._asking(False))
        self.confirm_button.clicked.connect(lambda: self.delete_requested.emit(entry.id))
        for button in (self.delete_button, self.keep_button, self.confirm_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self._may_delete = may_delete
        self._asking(False)

    def _asking(self, asking: bool) -> None:
        self.delete_button.setVisible(not asking and self._may_delete)
        self.keep_button.setVisible(asking)
        self.confirm_button.setVisible(asking)
        if asking:
            self.keep_button.setFocus()


class FeedbackSection(QWidget):
    """The counts table beside the list of words (which the page fills for the chosen range)."""

    delete_requested = Signal(str)

    def __init__(self, may_delete: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._may_delete = may_delete
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.counts = FigureTable("Guests' feedback (anonymous)")
        layout.addWidget(self.counts, 1, Qt.AlignmentFlag.AlignTop)
        self.words_panel = QFrame(self)
        self.words_panel.setObjectName("panel")
        words = QVBoxLayout(self.words_panel)
        words.setContentsMargins(14, 10, 14, 12)
        words.setSpacing(2)
        title = QLabel("In their own words", self.words_panel)
        title.setObjectName("heading")
        words.addWidget(title)
        self.empty = muted_label("No feedback with words in this range.", self.words_panel)
        words.addWidget(self.empty)
        self.list = QVBoxLayout()
        self.list.setSpacing(0)
        words.addLayout(self.list)
        layout.addWidget(self.words_panel, 1, Qt.AlignmentFlag.AlignTop)
        self.rows: list[FeedbackEntryRow] = []

    def show_counts(self, h: HubDayFigures) -> None:
        self.counts.set_rows(["", "Number"], count_rows(h))

    def show_entries(self, entries: list[FeedbackEntry]) -> None:
        for row in self.rows:
            self.list.removeWidget(row)
            row.hide()  # at once: deleteLater waits for the event loop, and the row would show till then
            row.deleteLater()
        self.rows = []
        for entry in [e for e in entries if e.words]:  # a rating alone is in the counts
            row = FeedbackEntryRow(entry, self._may_delete, self.words_panel)
            row.delete_requested.connect(self.delete_requested)
            self.list.addWidget(row)
            self.rows.append(row)
        self.empty.setVisible(not self.rows)
