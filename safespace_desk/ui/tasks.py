"""Background work for the UI: slow service calls run off the main thread.

Argon2 key derivation (sign-in, set-up, PIN and password checks, adding staff) takes a few
tenths of a second; on the main thread that freezes the window. A runner takes the call, runs it
elsewhere and delivers the result or the error back on the main thread, where widgets may be
touched. Tests pass an ``InlineRunner`` instead, which runs the call at once, so they stay
deterministic without patching anything global.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Work = Callable[[], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[Exception], None]


class TaskRunner(Protocol):
    """What screens need from a runner. ``busy_changed`` is a Qt signal carrying a bool."""

    busy_changed: Any

    @property
    def busy(self) -> bool: ...

    def run(self, work: Work, on_done: OnDone, on_error: OnError) -> None:
        """Run ``work``; then call ``on_done(result)`` or ``on_error(exc)`` on the main thread."""
        ...


@dataclass
class _Callbacks:
    on_done: OnDone
    on_error: OnError


class _JobSignals(QObject):
    # Emitted from the worker thread. The runner (a QObject living in the main thread) is the
    # receiver, so Qt queues the call into the main thread's event loop.
    finished = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, work: Work, signals: _JobSignals) -> None:
        super().__init__()
        self._job_id = job_id
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # handed to the main thread; nothing is lost or swallowed
            self._signals.failed.emit(self._job_id, exc)
        else:
            self._signals.finished.emit(self._job_id, result)


class ThreadPoolRunner(QObject):
    """Runs work on a QThreadPool; results come back through queued signals."""

    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._ids = itertools.count(1)
        self._pending: dict[int, _Callbacks] = {}
        self._signals = _JobSignals(self)
        self._signals.finished.connect(self._deliver_result)
        self._signals.failed.connect(self._deliver_error)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def run(self, work: Work, on_done: OnDone, on_error: OnError) -> None:
        job_id = next(self._ids)
        was_busy = self.busy
        self._pending[job_id] = _Callbacks(on_done, on_error)
        if not was_busy:
            self.busy_changed.emit(True)
        self._pool.start(_Job(job_id, work, self._signals))

    def wait_for_done(self, msecs: int = 10_000) -> bool:
        """Block until queued work has run (used at shutdown, so no job outlives the store)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object)
    def _deliver_result(self, job_id: int, result: object) -> None:
        callbacks = self._take(job_id)
        callbacks.on_done(result)

    @Slot(int, object)
    def _deliver_error(self, job_id: int, error: object) -> None:
        callbacks = self._take(job_id)
        assert isinstance(error, Exception)
        callbacks.on_error(error)

    def _take(self, job_id: int) -> _Callbacks:
        callbacks = self._pending.pop(job_id)
        if not self._pending:
            self.busy_changed.emit(False)
        return callbacks


class InlineRunner(QObject):
    """Runs work immediately on the calling thread: deterministic, for tests and scripts."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._depth = 0
        self.calls = 0  # how many jobs ran, so tests can check the slow path was used

    @property
    def busy(self) -> bool:
        return self._depth > 0

    def run(self, work: Work, on_done: OnDone, on_error: OnError) -> None:
        self.calls += 1
        self._enter()
        try:
            result = work()
        except Exception as exc:
            self._leave()
            on_error(exc)
            return
        self._leave()
        # Outside the try: an error in the callback is a bug in the caller, not a failed job.
        on_done(result)

    def _enter(self) -> None:
        self._depth += 1
        if self._depth == 1:
            self.busy_changed.emit(True)

    def _leave(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.busy_changed.emit(False)
