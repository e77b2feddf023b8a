"""After too many wrong passwords a name must wait: the screen counts the wait down each second.

The form stays usable meanwhile (another person can sign in; the name that must wait is refused at
once by the service), so the screen never looks frozen: the message says how long is left, then
that the name may try again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from safespace_desk.services.password_guard import MustWait, waiting_message


class WaitCountdown(QObject):
    """Shows ``waiting_message`` through ``show`` now and once a second until the wait is over."""

    def __init__(self, show: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._show = show
        self._reason = ""
        self.seconds_left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)

    def start(self, error: MustWait) -> None:
        self._reason = error.reason
        self.seconds_left = error.wait_seconds
        self._show(waiting_message(self._reason, self.seconds_left))
        self._timer.start()

    def follow(self, error: BaseException) -> bool:
        """Count down if ``error`` is a wait (returns True); otherwise stop any countdown."""
        if isinstance(error, MustWait) and error.wait_seconds > 0:
            self.start(error)
            return True
        self.stop()
        return False

    def tick(self) -> None:
        self.seconds_left = max(0, self.seconds_left - 1)
        self._show(waiting_message(self._reason, self.seconds_left))
        if self.seconds_left == 0:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()
        self.seconds_left = 0

    @property
    def running(self) -> bool:
        return self._timer.isActive()
