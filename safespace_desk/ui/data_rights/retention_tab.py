"""How long each kind of record is kept, the purge, and the record of what purges removed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.retention import LABELS, MAX_MONTHS, MIN_MONTHS, RETENTION_KINDS, RetentionPolicy
from safespace_desk.services import data_rights
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.data_rights import PurgeResult
from safespace_desk.ui.data_rights.backup_tab import local_time
from safespace_desk.ui.kit.forms import Banner, describe_error, primary_button
from safespace_desk.ui.kit.widgets import explanation, heading, roomy
from safespace_desk.ui.shell import MainShell


class RetentionTab(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._zone = zone
        self.confirm_box: QMessageBox | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(explanation(
            "Records older than these periods are removed once a day while SafeSpace Desk is open. Guests "
            "not seen for their period are anonymised rather than deleted, so past figures stay the same. "
            "Every purge is written to the record below them."))
        self.banner = Banner()
        layout.addWidget(self.banner)

        # The periods, then what purges removed under them: side by side the record's three columns
        # had a fifth of the width and scrolled sideways in Large text.
        columns = QVBoxLayout()
        columns.setSpacing(14)
        left = QVBoxLayout()
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        self.months: dict[str, QSpinBox] = {}
        self.forever: dict[str, QCheckBox] = {}
        for row, kind in enumerate(RETENTION_KINDS):
            label = QLabel(LABELS[kind])
            spin = QSpinBox()
            spin.setRange(MIN_MONTHS, MAX_MONTHS)
            spin.setSuffix(" months")
            spin.setAccessibleName(f"{LABELS[kind]}: months to keep")
            label.setBuddy(spin)
            forever = QCheckBox("Keep for ever")
            forever.setAccessibleName(f"{LABELS[kind]}: keep for ever")
            forever.toggled.connect(lambda on, s=spin: s.setEnabled(not on))
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(forever, row, 2)
            self.months[kind] = spin
            self.forever[kind] = forever
        grid.setColumnStretch(3, 1)  # the periods stay together on the left; the room is to their right
        left.addLayout(grid)
        buttons = QHBoxLayout()
        self.save_button = primary_button("&Save retention periods")
        self.save_button.clicked.connect(self.save)
        self.purge_button = QPushButton("&Run purge now…")
        self.purge_button.setObjectName("danger")
        self.purge_button.clicked.connect(self.ask_to_purge)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        columns.addLayout(left)

        right = QVBoxLayout()
        right.addWidget(heading("What purges removed"))
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels(["Records", "Removed", "Older than"])
        self.history.setAccessibleName("What purges removed")
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setAlternatingRowColors(True)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.history.setMinimumHeight(self.history.fontMetrics().height() * 8)  # heading and a few purges
        right.addWidget(self.history, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)

    # -- data -----------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            policy = data_rights.retention_policy(self._desk)
            history = data_rights.purge_history(self._desk)
        except Exception as error:
            self.banner.show_message(describe_error(error))
            return
        for kind in RETENTION_KINDS:
            months = policy.months(kind)
            self.forever[kind].setChecked(months is None)
            if months is not None:
                self.months[kind].setValue(months)
        self.show_history(history)

    def show_history(self, history: list[PurgeResult]) -> None:
        self.history.setRowCount(len(history))
        for row, result in enumerate(history):
            removed = QTableWidgetItem(str(result.removed))
            removed.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.history.setItem(row, 0, QTableWidgetItem(LABELS.get(result.kind, result.kind)))
            self.history.setItem(row, 1, removed)
            self.history.setItem(row, 2, QTableWidgetItem(local_time(result.cutoff, self._zone)))

    def policy(self) -> RetentionPolicy:
        return RetentionPolicy({kind: None if self.forever[kind].isChecked() else self.months[kind].value()
                                for kind in RETENTION_KINDS})

    # -- actions --------------------------------------------------------------------------------
    def save(self) -> None:
        self.banner.clear_message()
        desk, policy = self._desk, self.policy()
        self._shell.runner.run(lambda: data_rights.set_retention_policy(desk, policy), self._saved,
                               lambda error: self.banner.show_message(describe_error(error)))

    def _saved(self, changes: Changes) -> None:
        self._shell.apply_changes(changes)
        self.banner.show_message("Retention periods saved. The next purge uses them.", "success")

    def ask_to_purge(self) -> None:
        box = roomy(QMessageBox(QMessageBox.Icon.Warning, "Run the purge now",
                          "Remove every record older than its retention period now?\n\nThis uses the periods "
                          "saved (not any changes you have not saved) and cannot be undone.",
                          QMessageBox.StandardButton.Cancel, self))
        confirm = box.addButton("Run purge", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone never purges
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided() -> None:
            self.confirm_box = None
            if box.clickedButton() is confirm:
                self.purge()

        box.finished.connect(decided)
        self.confirm_box = box
        box.open()

    def purge(self) -> None:
        self.banner.show_message("Purging…", "info")
        desk = self._desk
        self._shell.runner.run(lambda: data_rights.purge_expired(desk), self._purged,
                               lambda error: self.banner.show_message(describe_error(error)))

    def _purged(self, results: list[PurgeResult]) -> None:
        if results:
            removed = "; ".join(f"{LABELS.get(r.kind, r.kind)}: {r.removed}" for r in results)
            self.banner.show_message(f"Purge done. Removed {removed}.", "success")
            self._shell.apply_changes(Changes(frozenset({"guest", "visit"})))
        else:
            self.banner.show_message("Purge done. Nothing was older than its retention period.", "success")
        self.reload()
