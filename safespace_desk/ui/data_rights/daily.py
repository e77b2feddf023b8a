"""The daily automatic work while the app is open: a check of every page of the store, the backup
and the retention purge.

When a desk unlocks and the store has not been checked for a day (or the last desk did not close
properly), every page is checked at once, on the task runner (a worker thread, on a connection of
its own), so the desk never pauses; until it is done the session's own audit entries (signed in,
viewed) are held back, so a store that turns out to be damaged has had nothing written to it.
Then a timer runs the rest every so often (an hour by default); the services decide whether
anything is due (a check, a backup or a purge a day after the last one), so checking often costs
one small read. That first run waits a couple of minutes after sign-in so it never slows the start
of a shift. Failures (the USB stick is not in, the disk is full) become a message in a banner that
can be dismissed; they never interrupt anyone or close the window. A damaged store has its own
banner (ui/store_health.py), and nothing more is attempted on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from safespace_desk.services import backups, data_rights, integrity
from safespace_desk.services.backups import BackupInfo
from safespace_desk.services.context import DeskContext
from safespace_desk.services.integrity import CheckResult
from safespace_desk.ui.kit.forms import describe_error
from safespace_desk.ui.tasks import TaskRunner

CHECK_EVERY_MS = 60 * 60_000
FIRST_CHECK_MS = 2 * 60_000
BUSY_RETRY_MS = 60_000  # the check of a very large store is still running: try the rest later


@dataclass(frozen=True)
class DailyOutcome:
    backup: BackupInfo | None
    purged: int | None  # records removed or anonymised; None when no purge was due
    problems: tuple[str, ...]
    check: CheckResult | None = None  # None when no check of every page was due


def run_store_check(desk: DeskContext) -> DailyOutcome:
    """Check every page (on the worker thread, on a connection of its own)."""
    problems: list[str] = []
    check = None
    try:
        if not desk.store.read_only:
            check = integrity.check_store(desk)
    except Exception as error:
        problems.append(f"Today's check of the store could not run: {describe_error(error)}")
    return DailyOutcome(None, None, tuple(problems), check)


def run_daily_work(desk: DeskContext) -> DailyOutcome:
    """The check of every page if due, then the backup and the purge if due. One failing never
    stops the next; on a damaged store nothing more is attempted."""
    check, problems = None, []
    if not desk.store.read_only and integrity.check_due(desk):
        checked = run_store_check(desk)
        check, problems = checked.check, list(checked.problems)
    if desk.store.read_only:
        return DailyOutcome(None, None, tuple(problems), check)
    backup = None
    purged = None
    try:
        backup = backups.run_backup_if_due(desk)
    except Exception as error:
        message = describe_error(error)
        if desk.store.read_only:  # the backup met damage: the store's own banner says it, once
            return DailyOutcome(None, None, tuple(problems), check)
        problems.append(f"Today's automatic backup failed: {message} SafeSpace Desk will try again within "
                        "the hour.")
    try:
        if data_rights.purge_due(desk):
            purged = sum(r.removed for r in data_rights.purge_expired(desk, automatic=True))
    except Exception as error:
        message = describe_error(error)
        if not desk.store.read_only:
            problems.append(f"The daily purge of old records failed: {message}")
    return DailyOutcome(backup, purged, tuple(problems), check)


class DailyWork(QObject):
    """Runs the check at unlock and ``run_daily_work`` on a timer, through the task runner. Emits
    ``problem`` with plain words when something failed, ``store_checked`` after the check at unlock,
    and ``done`` with the outcome after every timed run."""

    problem = Signal(str)
    done = Signal(object)  # DailyOutcome
    store_checked = Signal(object)  # DailyOutcome of the check at unlock

    def __init__(self, desk: DeskContext, runner: TaskRunner, *, every_ms: int = CHECK_EVERY_MS,
                 first_ms: int = FIRST_CHECK_MS, check_store_first: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._check_store_first = check_store_first
        self._runner = runner
        self._running = False
        self._every_ms = every_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)  # re-armed after each check, so checks never pile up
        self._timer.timeout.connect(self.check_now)
        self._first_ms = first_ms

    def start(self) -> None:
        """At unlock: check the store now if a day has passed (or the last desk did not close
        properly); otherwise write what the session held back at once."""
        self._timer.start(self._first_ms)
        if self._check_store_first or integrity.check_due(self._desk):
            self._check_store_first = False
            self._run(run_store_check, self.store_checked)
        else:
            self._release()

    def _release(self) -> None:
        """Write what the session held back (on this, the main thread, like every other write of its)."""
        try:
            self._desk.release_records()
        except Exception as error:
            self.problem.emit(f"The start of this session could not be recorded: {describe_error(error)}")

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive() or self._running

    def check_now(self) -> None:
        if self._running:
            self._timer.start(BUSY_RETRY_MS)
            return
        self._run(run_daily_work, self.done)

    def _run(self, work: Callable[[DeskContext], DailyOutcome], signal: Signal) -> None:
        self._running = True
        desk = self._desk
        self._runner.run(lambda: work(desk), lambda outcome: self._finished(outcome, signal), self._crashed)

    def _finished(self, outcome: DailyOutcome, signal: Signal) -> None:
        self._running = False
        if signal is self.store_checked:
            self._release()
        for problem in outcome.problems:
            self.problem.emit(problem)
        signal.emit(outcome)
        if signal is self.done:
            self._timer.start(self._every_ms)

    def _crashed(self, error: Exception) -> None:  # the runs catch everything; this is a bug
        self._release()
        self._running = False
        self.problem.emit(f"The daily check, backup and purge could not run: {describe_error(error)}")
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
