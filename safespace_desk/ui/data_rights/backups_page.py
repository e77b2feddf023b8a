"""The Backups & data page (managers): backups, how long records are kept, and a guest's data."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.data_rights.backup_tab import BackupTab
from safespace_desk.ui.data_rights.guest_data_tab import GuestDataTab
from safespace_desk.ui.data_rights.retention_tab import RetentionTab
from safespace_desk.ui.kit.forms import PAGE_MARGINS
from safespace_desk.ui.kit.widgets import heading
from safespace_desk.ui.shell import MainShell


class BackupsPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        zone = get_site(desk).zone
        self._loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(10)
        layout.addWidget(heading("Backups & data", "pageTitle"))
        self.backup_tab = BackupTab(desk, shell, zone)
        self.retention_tab = RetentionTab(desk, shell, zone)
        self.guest_tab = GuestDataTab(desk, shell, zone)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.backup_tab, "&Backups")
        self.tabs.addTab(self.retention_tab, "&Keeping records")
        self.tabs.addTab(self.guest_tab, "A &guest's data")
        layout.addWidget(self.tabs, 1)
        shell.changes_applied.connect(self._on_changes)

    def focus_first(self) -> None:
        self.tabs.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        # Read when first looked at (a USB stick may be slow), not at every manager's sign-in.
        if not self._loaded:
            self.reload()

    def reload(self) -> None:
        self._loaded = True
        self.backup_tab.reload()
        self.retention_tab.reload()

    def _on_changes(self, changes: Changes) -> None:
        if self._loaded and changes.touches("backup", "retention", "guest"):
            self.backup_tab.reload()
            self.retention_tab.reload()

    # Shortcuts used by scripts and tests (the buttons call the same).
    def configure(self, folder: str, keep: int) -> None:
        self.backup_tab.configure(folder, keep)

    def back_up_now(self) -> None:
        self.backup_tab.back_up_now()

