"""First start, "Join an existing hub": a new desk with an empty folder joins with a code made on an
enrolled desk and a manager's name and password; it loads the hub's records (with a progress bar)
and then follows the hub's changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from safespace_desk.domain.clock import Clock
from safespace_desk.services.context import DeskContext
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.enrol import join
from safespace_desk.ui.kit.forms import (
    Banner,
    Card,
    FieldRow,
    FormErrors,
    centred,
    password_edit,
    primary_button,
    text_edit,
)
from safespace_desk.ui.kit.widgets import button_row, explanation, heading
from safespace_desk.ui.tasks import TaskRunner

STEP_WORDS = {"snapshot": "Loading the hub's records", "pull": "Catching up with the latest changes"}


class _Progress(QObject):
    # Emitted on the worker thread; the page's slot runs on the main thread (a queued connection).
    moved = Signal(str, int, int)


class JoinStep(QWidget):
    joined = Signal(object)  # DeskContext, signed in as the manager
    back = Signal()

    def __init__(self, data_dir: Path, clock: Clock, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._clock = clock
        self._runner = runner
        self._progress = _Progress(self)
        self._progress.moved.connect(self._show_progress)
        card = Card(680)
        card.body.addWidget(heading("Join an existing hub", "title"))
        card.body.addWidget(explanation(
            "This computer becomes another desk of a hub that already uses SafeSpace Desk. A manager makes a "
            "join code on one of the hub's desks (Sync → Add a desk) and signs in here with their own name and "
            "password. The hub's records are then loaded onto this computer, encrypted as on every desk."))
        self.banner = Banner()
        card.body.addWidget(self.banner)
        self.code = QPlainTextEdit()
        self.code.setAccessibleName("Join code")
        self.code.setPlaceholderText("SSD1-JOIN-…")
        self.code.setFixedHeight(76)
        self.code.setTabChangesFocus(True)
        self.manager = text_edit("Manager's name", 80)
        self.password = password_edit("Manager's password")
        rows = {"code": FieldRow("&Join code", self.code, "Works once, for 24 hours."),
                "name": FieldRow("A manager's &name", self.manager),
                "password": FieldRow("Their &password", self.password)}
        for row in rows.values():
            card.body.addWidget(row)
        self.errors = FormErrors(self.banner, rows)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Joining progress")
        self.progress.hide()
        card.body.addWidget(self.progress)
        self.back_button = QPushButton("&Back")
        self.back_button.clicked.connect(self.back)
        self.join_button = primary_button("&Join the hub")
        self.join_button.clicked.connect(self.start_join)
        self.password.returnPressed.connect(self.start_join)
        row = button_row(self.back_button)
        row.addWidget(self.join_button)
        card.body.addLayout(row)
        holder = QVBoxLayout(self)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(centred(card))

    def focus_first(self) -> None:
        self.code.setFocus()

    def start_join(self) -> None:
        if self._runner.busy:
            return
        self.errors.clear()
        code, name, password = self.code.toPlainText(), self.manager.text(), self.password.text()
        self._busy(True)
        self.banner.show_message("Joining the hub…", "info")
        data_dir, clock, moved = self._data_dir, self._clock, self._progress.moved.emit

        def work() -> DeskContext:
            desk = join(data_dir, code, name, password, clock, progress=moved)
            DeskSync(desk, progress=moved).sync_now()  # the changes since the snapshot
            return desk

        self._runner.run(work, self._done, self._failed)

    def _busy(self, busy: bool) -> None:
        for widget in (self.join_button, self.back_button, self.code, self.manager, self.password):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)

    def _show_progress(self, step: str, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(f"{STEP_WORDS.get(step, 'Working')}: %p%")

    def _failed(self, error: Exception) -> None:
        self._busy(False)
        self.password.clear()
        self.errors.show(error)

    def _done(self, desk: DeskContext) -> None:
        self._busy(False)
        self.password.clear()
        self.joined.emit(desk)
