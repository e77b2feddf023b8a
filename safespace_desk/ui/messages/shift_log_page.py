"""The shift log page: this shift's entries (searchable, by kind) and an inline "Add entry" form
with the kind chosen by Ctrl+1..7, an optional guest and gentle wording prompts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError, ValidationError
from safespace_desk.domain.messages import LogKind
from safespace_desk.domain.staff_care import debrief_text, is_hard_moment
from safespace_desk.services import shiftlog
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.shiftlog import LogEntryView
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.formatting import count_of, day_and_time, full_date_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, native_keys, shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    WordingHints,
    apply_page_style,
    label,
    page_title,
    panel,
    plain_text_edit,
    section_title,
)
from safespace_desk.ui.messages.actions import LOG_KINDS, ServiceActions
from safespace_desk.ui.messages.guest_picker import GuestPicker

_Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("Time", "Kind", "Guest", "Entry", "Staff")


class ShiftLogModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[LogEntryView] = []
        self._zone = ZoneInfo("UTC")
        self._now: datetime | None = None

    def set_entries(self, rows: list[LogEntryView], zone: ZoneInfo, now: datetime) -> None:
        self.beginResetModel()
        self._rows, self._zone, self._now = list(rows), zone, now
        self.endResetModel()

    def entry(self, row: int) -> LogEntryView | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(_HEADERS):
            return _HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            now = self._now or entry.at
            text = entry.text + (f"\n{debrief_text(entry.debrief_offered)}" if entry.asks_debrief else "")
            return (day_and_time(entry.at, self._zone, now), entry.kind.label, entry.guest_name or "",
                    text, entry.staff_name or "")[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{full_date_time(entry.at, self._zone)}\n{entry.text}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class ShiftLogPage(QWidget):
    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.zone = self.actions.read(get_site).zone
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        self.title = page_title("Shift log")
        self.shift_text = label(muted=True)
        outer.addWidget(self.title)
        outer.addWidget(self.shift_text)
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(self._build_list(), 1)
        body.addWidget(self._build_form())
        outer.addLayout(body, 1)
        add_shortcut(self, "Ctrl+F", lambda: (self.search.setFocus(), self.search.selectAll()))
        self.refresh()

    def _build_list(self) -> QVBoxLayout:
        layout = QVBoxLayout()
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search this shift (Ctrl+F)")
        self.search.setAccessibleName("Search the shift log")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Kind of entry")
        self.kind_filter.addItem("All kinds", None)
        for kind in LogKind:
            self.kind_filter.addItem(kind.label, kind.value)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        row.addWidget(self.search, 3)
        row.addWidget(self.kind_filter, 1)
        layout.addLayout(row)
        self.model = ShiftLogModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Shift log entries")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.count = label(muted=True)
        layout.addWidget(self.count)
        return layout

    def _build_form(self) -> QWidget:
        frame, layout = panel()
        # At least 400 wide, wider when the kinds need it (Large text): a chip never cuts its words.
        frame.setMinimumWidth(400)
        frame.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        layout.addWidget(section_title("Add an entry"))
        # One caption for the keys, as the desk's "Arrived via · Alt+1 to Alt+8": with the keys on
        # every chip the longer kinds did not fit two to a row.
        layout.addWidget(label(f"Kind · {native_keys('Ctrl+1')} to {native_keys(f'Ctrl+{len(LogKind)}')}",
                               muted=True))
        grid = QGridLayout()
        grid.setSpacing(6)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[LogKind, QPushButton] = {}
        for number, kind in enumerate(LogKind, start=1):
            keys = f"Ctrl+{number}"
            chip = QPushButton(f"{number} {kind.label}")
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chip.setToolTip(f"{kind.label} ({native_keys(keys)})")
            chip.toggled.connect(self._kind_toggled)
            self.kind_group.addButton(chip)
            self.kind_buttons[kind] = chip
            add_shortcut(self, keys, lambda k=kind: self.choose_kind(k))
            grid.addWidget(chip, (number - 1) // 2, (number - 1) % 2)
        layout.addLayout(grid)
        general = label()
        self.errors = FieldErrors(general)
        layout.addWidget(self.errors.bind("kind", self.kind_buttons[LogKind.GENERAL]))
        self.guest = GuestPicker(self.actions, allow_free_text=False, placeholder="Guest (optional)")
        layout.addWidget(self.guest)
        layout.addWidget(self.errors.bind("guest", self.guest.box))
        self.text = plain_text_edit("What happened, what helped, what the next shift should know",
                                    "Entry", height=120)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.errors.bind("text", self.text))
        # After a hard moment: was a debrief offered to the staff involved? Yes or no, no details.
        self.debrief_label = label("Was a debrief offered to the staff involved?")
        self.debrief_label.setWordWrap(True)
        self.debrief = QComboBox()
        self.debrief.setAccessibleName("Debrief offered")
        for text, value in (("Choose yes or no", None), ("Yes, a debrief was offered", True),
                            ("No, not offered", False)):
            self.debrief.addItem(text, value)
        self.debrief_label.setBuddy(self.debrief)
        layout.addWidget(self.debrief_label)
        layout.addWidget(self.debrief)
        layout.addWidget(self.errors.bind("debrief_offered", self.debrief))
        self.hints = WordingHints(self.text)
        layout.addWidget(self.hints)
        layout.addWidget(general)
        self.add_button = shortcut_button("Add entry", "Ctrl+S", self.add_entry, kind="primary", page=self)
        add_shortcut(self, "Ctrl+Return", self.add_entry)
        layout.addWidget(self.add_button)
        self.choose_kind(LogKind.GENERAL)
        return frame

    # --- behaviour ----------------------------------------------------------------------------

    def choose_kind(self, kind: LogKind) -> None:
        self.kind_buttons[kind].setChecked(True)
        self.text.setFocus()

    def chosen_kind(self) -> LogKind | None:
        return next((k for k, b in self.kind_buttons.items() if b.isChecked()), None)

    def _kind_toggled(self, _checked: bool) -> None:
        kind = self.chosen_kind()
        hard = kind is not None and is_hard_moment(kind)
        self.debrief_label.setVisible(hard)
        self.debrief.setVisible(hard)
        if not hard:
            self.debrief.setCurrentIndex(0)

    def add_entry(self) -> str | None:
        self.errors.clear()
        kind = self.chosen_kind()
        debrief = self.debrief.currentData() if kind is not None and is_hard_moment(kind) else None
        if kind is not None and is_hard_moment(kind) and debrief is None:
            # Asked every time after a hard moment; the answer goes into the handover.
            self.errors.show(ValidationError("Say whether a debrief was offered to the staff involved "
                                             "(yes or no).", field="debrief_offered"))
            self.debrief.setFocus()
            return None
        try:
            entry_id, _ = self.actions.run(shiftlog.add_entry, kind or "", self.text.toPlainText(),
                                           guest_id=self.guest.guest_id, debrief_offered=debrief)
        except DeskError as err:
            self.errors.show(err)
            return None
        kind = self.chosen_kind()
        self.banner.show_message("success", f"Added to the shift log ({kind.label if kind else 'entry'}).")
        self.text.clear()
        self.guest.reset()
        self.choose_kind(LogKind.GENERAL)
        return entry_id

    def refresh(self) -> None:
        window = self.actions.read(shiftlog.current_shift)
        kind_value = self.kind_filter.currentData()
        rows = self.actions.read(shiftlog.entries, window.starts_at, window.ends_at, text=self.search.text(),
                                 kind=LogKind(kind_value) if kind_value else None)
        now = self.actions.desk.clock.now()
        self.model.set_entries(rows, self.zone, now)
        self.table.resizeRowsToContents()
        self.title.setText(f"Shift log · {window.period.name} shift")
        self.shift_text.setText(f"From {full_date_time(window.starts_at, self.zone)} to "
                                f"{full_date_time(window.ends_at, self.zone)}. Entries go into the handover.")
        self.count.setText(count_of(len(rows), "entry", "entries") + " shown")

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*LOG_KINDS):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def focus_first(self) -> None:
        self.text.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # the shift may have turned over since it was last shown
