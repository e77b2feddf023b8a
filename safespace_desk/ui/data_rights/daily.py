"""The daily automatic work while the app is open: the backup and the retention purge.

A timer checks every so often (an hour by default); the services decide whether anything is due
(a backup a day after the last one; a purge a day after the last purge), so checking often costs
one small read. The first check waits a couple of minutes after sign-in so it never slows the
start of a shift. Failures (the USB stick is not in, the disk is full) become a message in a
banner that can be dismissed; they never interrupt anyone or close the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from safespace_desk.services import backups, data_rights
from safespace_desk.services.backups import BackupInfo
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import describe_error
from safespace_desk.ui.tasks import TaskRunner

CHECK_EVERY_MS = 60 * 60_000
FIRST_CHECK_MS = 2 * 60_000


@dataclass(frozen=True)
class DailyOutcome:
    backup: BackupInfo | None
    purged: int | None  # records removed or anonymised; None when no purge was due
    problems: tuple[str, ...]


def run_daily_work(desk: DeskContext) -> DailyOutcome:
    """The backup if due, then the purge if due. One failing never stops the other."""
    problems: list[str] = []
    backup = None
    purged = None
    try:
        backup = backups.run_backup_if_due(desk)
    except Exception as error:
        problems.append(f"Today's automatic backup failed: {describe_error(error)} "
                        "SafeSpace Desk will try again within the hour.")
    try:
        if data_rights.purge_due(desk):
            purged = sum(r.removed for r in data_rights.purge_expired(desk, automatic=True))
    except Exception as error:
        problems.append(f"The daily purge of old records failed: {describe_error(error)}")
    return DailyOutcome(backup, purged, tuple(problems))


class DailyWork(QObject):
    """Runs ``run_daily_work`` through the task runner on a timer. Emits ``problem`` with plain
    words when something failed, and ``done`` with the outcome after every check."""

    problem = Signal(str)
    done = Signal(object)  # DailyOutcome

    def __init__(self, desk: DeskContext, runner: TaskRunner, *, every_ms: int = CHECK_EVERY_MS,
                 first_ms: int = FIRST_CHECK_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._running = False
        self._every_ms = every_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)  # re-armed after each check, so checks never pile up
        self._timer.timeout.connect(self.check_now)
        self._first_ms = first_ms

    def start(self) -> None:
        self._timer.start(self._first_ms)

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive() or self._running

    def check_now(self) -> None:
        if self._running:
            return
        self._running = True
        desk = self._desk
        self._runner.run(lambda: run_daily_work(desk), self._finished, self._crashed)

    def _finished(self, outcome: DailyOutcome) -> None:
        self._running = False
        for problem in outcome.problems:
            self.problem.emit(problem)
        self.done.emit(outcome)
        self._timer.start(self._every_ms)

    def _crashed(self, error: Exception) -> None:  # run_daily_work catches everything; this is a bug
        self._running = False
        self.problem.emit(f"The daily backup and purge could not run: {describe_error(error)}")
        self._timer.start(self._every_ms)


class DailyWorkBanner(QFrame):
    """A slim, dismissable strip for the daily work's problems (hidden when all is well)."""

    def __init__(self, work: DailyWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dailyWorkBanner")
        self.setProperty("tone", "warning")  # the theme's warning colours, day or night
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 10, 6)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self.hide)
        row.addWidget(self.message, 1)
        row.addWidget(self.dismiss_button)
        work.problem.connect(self.show_problem)
        work.done.connect(self._after_check)
        self.hide()

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.setAccessibleName(f"Warning: {text}")
        self.show()

    def _after_check(self, outcome: DailyOutcome) -> None:
        if not outcome.problems and outcome.backup is not None:
            self.hide()  # a good backup clears yesterday's warning
