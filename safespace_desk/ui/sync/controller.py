"""Sync in the background while a desk is signed in: never on the UI thread.

It syncs every few seconds (so a sign-in at another desk shows here within seconds on a LAN), a
few seconds after each change made here, and, when the server cannot be reached, again after a
growing wait (5 s, 10 s, ... up to 5 minutes) without waiting for anyone to change anything. One
sync at a time, on a thread of its own. What arrives from other desks is handed to the shell's
``apply_changes`` on the main thread, so open pages refresh as they do for a change made here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from safespace_desk.services import guests
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.sync.clock import attach
from safespace_desk.sync.engine import DeskSync, Outcome
from safespace_desk.sync.status import SyncStatus, sync_status
from safespace_desk.ui.tasks import ThreadPoolRunner

POLL_MS = 5_000
AFTER_CHANGE_MS = 2_000
FIRST_MS = 1_000
BACKOFF_MS = (5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000)


class SyncController(QObject):
    status_changed = Signal(str)  # the status bar's text ("" when this desk does not sync)
    synced = Signal(object)  # Outcome, after every attempt
    progress = Signal(str, int, int)  # step, done, total (from the worker thread; queued to the UI)

    def __init__(self, desk: DeskContext, apply_changes: object, parent: QObject | None = None, *,
                 poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._desk = desk
        self._apply_changes = apply_changes
        self._zone = get_site(desk).zone
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._runner = ThreadPoolRunner(self._pool, self)
        self._poll_ms = poll_ms
        self._failures = 0
        self._running = False
        self._again = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self.last_status: SyncStatus | None = None

    # --- life -----------------------------------------------------------------------------------
    def start(self) -> None:
        """Begin if this desk is enrolled (call again after enrolling or joining)."""
        self._stopped = False
        status = sync_status(self._desk)
        self._show(status)
        if status.enrolled:
            self._attach_clock()
            self._timer.start(FIRST_MS)

    def stop(self) -> None:
        """The session ends: no more syncs, and the one running finishes before the store closes."""
        self._stopped = True
        self._timer.stop()
        self._pool.waitForDone(30_000)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def next_sync_in_ms(self) -> int:
        """How long until the next try (-1: none planned)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def _attach_clock(self) -> None:
        state = DeskSync(self._desk).state()
        attach(self._desk, state.offset_ms, state.last_server_time)

    # --- triggers --------------------------------------------------------------------------------
    def local_change(self, changes: Changes) -> None:
        """A change made at this desk: send it soon (sooner than the next poll)."""
        if self._stopped or not changes.kinds or (self.last_status and not self.last_status.enrolled):
            return
        if self._running:
            self._again = True
        elif not self._timer.isActive() or self._timer.remainingTime() > AFTER_CHANGE_MS:
            self._timer.start(AFTER_CHANGE_MS)

    def sync_now(self) -> None:
        if self._stopped:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._timer.stop()
        desk = self._desk
        progress = self.progress.emit
        self._runner.run(lambda: DeskSync(desk, refresh_caches=False, progress=progress).sync_now(),
                         self._finished, self._crashed)

    # --- results (main thread) -------------------------------------------------------------------
    def _finished(self, outcome: Outcome) -> None:
        self._running = False
        if self._stopped:
            return
        if outcome.changes.kinds:
            guests.after_remote_changes(self._desk, outcome.changes)
            self._apply_changes(outcome.changes)  # type: ignore[operator]
        self._failures = 0 if outcome.caught_up else self._failures + 1
        status = sync_status(self._desk)
        self._show(status)
        self.synced.emit(outcome)
        if status.stopped == "revoked":
            return  # a removed desk waits for a manager; "Sync now" still tries
        if self._again:
            self._again = False
            self._timer.start(0)
        elif outcome.caught_up:
            self._timer.start(self._poll_ms)
        else:
            backoff = BACKOFF_MS[min(self._failures - 1, len(BACKOFF_MS) - 1)]
            asked = (outcome.retry_after_s or 0) * 1000  # the server's Retry-After, within the longest wait
            self._timer.start(max(backoff, min(asked, BACKOFF_MS[-1])))

    def _crashed(self, error: Exception) -> None:
        # sync_now reports every known failure in its outcome; this is a bug. Keep trying, slowly.
        self._running = False
        self._failures += 1
        if not self._stopped:
            self._timer.start(BACKOFF_MS[-1])
            self.status_changed.emit(f"sync stopped by an error ({type(error).__name__}); retrying")

    def refresh_status(self) -> None:
        self._show(sync_status(self._desk))

    def _show(self, status: SyncStatus) -> None:
        self.last_status = status
        self.status_changed.emit(status.bar_text(self._zone))
