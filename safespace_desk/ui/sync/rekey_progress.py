"""The rekey a sync runs, shown as a rotation made here is: when another desk rotated the hub's key
(someone left, a desk was lost, a manager's "Rotate keys"), this desk's next sync takes the new key
and re-encrypts the store with it (sync/engine.py, step "rekey"). That happens on the sync thread;
its progress arrives here through the controller's queued signal, into the same window-modal
progress dialog as the Admin page's rotation, closed when the sync ends."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from safespace_desk.ui.admin.keys import RekeyProgress
from safespace_desk.ui.sync.controller import SyncController

TITLE = "Taking the hub's new key (it was changed at another desk)"


class SyncRekeyProgress(QObject):
    moved = Signal(int, int)  # after the dialog showed it: pages done, pages in all

    def __init__(self, controller: SyncController, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.dialog: RekeyProgress | None = None
        controller.progress.connect(self._progress)
        controller.synced.connect(self._finished)

    def _progress(self, step: str, done: int, total: int) -> None:
        if step != "rekey":
            return
        if self.dialog is None:
            self.dialog = RekeyProgress(TITLE, self._parent)
            self.dialog.show()
        self.dialog.report(done, total)
        self.moved.emit(done, total)

    def _finished(self, _outcome: object) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
