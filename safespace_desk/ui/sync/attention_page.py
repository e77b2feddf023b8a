"""Needs attention (shift leads and managers): everything the hub's server changed or refused of what
this desk or another desk did, and what it flagged for a lead ("bed taken", "signed in while excluded",
"the same person added at two desks"), each marked resolved once a lead has dealt with it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.sync import problems
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS, Banner, describe_error
from safespace_desk.ui.kit.widgets import button_row, explanation, heading, label
from safespace_desk.ui.shell import MainShell

INTRO = ("When two desks did something at the same time while offline, the hub's server decides by the order "
         "the changes reached it, and every desk ends up the same. What it changed, refused or wants a lead to "
         "look at is listed here. Deal with each (move a bed, lift one of two exclusions, merge two records) and "
         "mark it resolved.")


class AttentionPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._zone = get_site(desk).zone
        self._items: list[problems.ProblemView] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(12)
        layout.addWidget(heading("Needs attention", "pageTitle"))
        layout.addWidget(explanation(INTRO))
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.empty = label("Nothing needs attention: every change reached the hub as it was made.", muted=True)
        layout.addWidget(self.empty)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["When", "Guest", "What happened"])
        self.table.setAccessibleName("Sync outcomes that need a lead")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        # Rows follow the wrapped text as the last column takes its width (resizing them once, before
        # the page was laid out, cut every long sentence short and crowded Large text).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.resolve_button = QPushButton("Mark &resolved")
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self._resolve)
        self.show_resolved = QCheckBox("Show resolved ones &too")
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        layout.addLayout(button_row(self.resolve_button, self.show_resolved))
        shell.changes_applied.connect(self._on_changes)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()

    def _on_changes(self, changes: Changes) -> None:
        if self.isVisible() and changes.touches(problems.SYNC, "visit", "bed", "guest", "message", "exclusion"):
            self.refresh()

    def refresh(self) -> None:
        try:
            self._items = problems.problems(self._desk, include_resolved=self.show_resolved.isChecked())
        except Exception as error:  # a page never dies of a read: the banner says what went wrong
            self.banner.show_message(describe_error(error))
            return
        self.empty.setVisible(not self._items)
        self.table.setVisible(bool(self._items))
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            when = QTableWidgetItem(full_date_time(item.at, self._zone))
            who = QTableWidgetItem(item.guest_name or "—")
            what = QTableWidgetItem(("Resolved. " if item.resolved else "") + item.text)
            for column, cell in enumerate((when, who, what)):
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        self._selection_changed()

    def chosen(self) -> problems.ProblemView | None:
        rows = self.table.selectionModel().selectedRows()
        return self._items[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        item = self.chosen()
        self.resolve_button.setEnabled(item is not None and not item.resolved)

    def _resolve(self) -> None:
        item = self.chosen()
        if item is None:
            return
        try:
            self._shell.apply_changes(problems.mark_seen(self._desk, item.id))
        except Exception as error:
            self.banner.show_message(describe_error(error))
            return
        self.banner.show_message("Marked resolved.", "success")
        self.refresh()
