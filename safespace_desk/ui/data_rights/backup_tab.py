"""Backups: where they go, how many to keep, "Back up now", the list, and how to restore."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.services import backups
from safespace_desk.services.backups import BackupInfo
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import (
    Banner,
    FieldRow,
    FittingLineEdit,
    FormErrors,
    describe_error,
    primary_button,
)
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.store_health import StoreCheckPanel

RESTORE_COMMAND = "safespace-desk restore BACKUP_FOLDER"


def local_time(when: object, zone: ZoneInfo) -> str:
    if not isinstance(when, datetime):
        return "never"
    local = when.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"


class BackupTab(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._zone = zone
        self.backups: list[BackupInfo] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(explanation(
            "Backups are encrypted copies of the whole store, made once a day while SafeSpace Desk is open "
            "and whenever you press Back up now. Each is checked that it opens before it counts. "
            "A USB stick is fine: keep it locked away, and away from this computer. A backup opens with a "
            "manager's password or the recovery key of the day it was taken: older backups open with the "
            "passwords of their time, not today's."))
        self.banner = Banner()
        layout.addWidget(self.banner)
        # When every page of the live store was last checked, and what was found.
        self.store_check = StoreCheckPanel(desk, shell.runner, zone)
        layout.addWidget(self.store_check)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        left = QVBoxLayout()
        self.folder = FittingLineEdit()
        self.folder.setAccessibleName("Backup folder")
        self.folder.setPlaceholderText("e.g. /media/usb-stick/backups")
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.clicked.connect(self.choose_folder)
        folder_box = QWidget()
        folder_row = QHBoxLayout(folder_box)
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        self.folder_row = FieldRow("Backup &folder", folder_box)
        self.folder_row.label.setBuddy(self.folder)
        self.keep = QSpinBox()
        self.keep.setRange(1, 365)
        self.keep.setSuffix(" backups")
        self.keep.setAccessibleName("How many backups to keep")
        self.keep_row = FieldRow("&Keep the newest", self.keep, "Older ones are removed after each backup.")
        self.save_button = QPushButton("&Save backup settings")
        self.save_button.clicked.connect(lambda: self.configure(self.folder.text(), self.keep.value()))
        self.errors = FormErrors(self.banner, {"backup_folder": self.folder_row, "backup_keep": self.keep_row})
        for widget in (self.folder_row, self.keep_row):
            left.addWidget(widget)
        left.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        left.addSpacing(8)
        now_row = QHBoxLayout()
        self.back_up_button = primary_button("&Back up now")
        self.back_up_button.clicked.connect(self.back_up_now)
        self.last_label = QLabel()
        self.last_label.setObjectName("fieldLabel")
        now_row.addWidget(self.back_up_button)
        now_row.addWidget(self.last_label, 1)
        left.addLayout(now_row)
        left.addStretch(1)
        columns.addLayout(left, 2)

        right = QVBoxLayout()
        right.addWidget(heading("Backups in the folder"))
        self.table = QTableWidget(0, 4)
        # The note: accounts closed after a backup was taken (a restore of it closes them again).
        self.table.setHorizontalHeaderLabels(["Taken", "Size", "Folder name", "Note"])
        self.table.setAccessibleName("Backups in the folder")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        right.addWidget(self.table, 1)
        right.addWidget(self._restore_note())
        columns.addLayout(right, 3)
        layout.addLayout(columns, 1)

    def _restore_note(self) -> QFrame:
        note = QFrame()
        note.setObjectName("panel")
        box = QVBoxLayout(note)
        box.setContentsMargins(14, 10, 14, 12)
        box.addWidget(heading("Restoring a backup"))
        self.restore_text = QLabel()
        self.restore_text.setWordWrap(True)
        self.restore_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.restore_text)
        self._show_restore_text(None)
        return note

    def _show_restore_text(self, newest: Path | None) -> None:
        example = f"safespace-desk restore {newest}" if newest else RESTORE_COMMAND
        self.restore_text.setText(
            "Restoring is done with SafeSpace Desk closed on this computer, from a terminal:\n\n"
            f"    {example}\n\n"
            "It asks for this store's recovery key, or the name and password of a manager of this store now "
            "(not as they were when the backup was taken). Only a backup of this store is accepted. Accounts "
            "closed since the backup stay closed; accounts made since must be added again. The store it "
            "replaces is never overwritten: it is kept in a “replaced-…” folder inside the data folder for "
            "as many days as backups are kept.")

    # -- data -----------------------------------------------------------------------------------
    def reload(self) -> None:
        self.store_check.reload()
        try:
            settings = backups.backup_settings(self._desk)
            self.backups = backups.backups_in(self._desk)
            closed = backups.closed_since(self._desk, self.backups)
        except Exception as error:  # e.g. the USB stick is not plugged in
            self.banner.show_message(describe_error(error))
            self.backups = []
            settings = None
            closed = {}
        if settings is not None:
            if not self.folder.hasFocus():
                self.folder.setText(str(settings.folder) if settings.folder else "")
            self.keep.setValue(settings.keep)
            self.last_label.setText(f"Last backup: {local_time(settings.last_backup_at, self._zone)}")
            self.back_up_button.setEnabled(settings.folder is not None)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            for column, text in enumerate((local_time(info.taken_at, self._zone), _size(info.size_bytes),
                                           info.path.name, _closed_note(closed.get(info.path, [])))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        newest = max(self.backups, key=lambda b: b.taken_at).path if self.backups else None
        self._show_restore_text(newest)

    # -- actions --------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose where backups go", self.folder.text() or str(Path.home()))
        if folder:
            self.folder.setText(folder)

    def configure(self, folder: str, keep: int) -> None:
        self.errors.clear()
        desk = self._desk
        self._shell.runner.run(lambda: backups.configure_backups(desk, folder, keep),
                               self._configured, self.errors.show)

    def _configured(self, changes: object) -> None:
        self._shell.apply_changes(changes)
        self.banner.show_message("Backup settings saved.", "success")
        self.reload()

    def back_up_now(self) -> None:
        self.errors.clear()
        self.back_up_button.setEnabled(False)
        self.banner.show_message("Backing up and checking the copy…", "info")
        desk = self._desk
        self._shell.runner.run(lambda: backups.run_backup(desk), self._backed_up, self._backup_failed)

    def _backed_up(self, info: BackupInfo) -> None:
        self.reload()
        self.banner.show_message(f"Backup written and checked: {info.path.name} ({_size(info.size_bytes)}) "
                                 f"in {info.path.parent}.", "success")

    def _backup_failed(self, error: Exception) -> None:
        self.back_up_button.setEnabled(True)
        self.errors.show(error)


def _closed_note(names: list[str]) -> str:
    if not names:
        return ""
    listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"From before {listed} {'was' if len(names) == 1 else 'were'} closed: restoring keeps them closed."


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"
