"""Showing the site's local time, and a timer that fires as each minute turns over."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from safespace_desk.domain.clock import Clock


def site_time_text(now_utc: datetime, zone: ZoneInfo) -> str:
    """'Tue 24 Nov, 12:00 GMT': the zone abbreviation makes BST/GMT changes visible."""
    local = now_utc.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {local.tzname() or ''}".rstrip()


def clock_text(now_utc: datetime, zone: ZoneInfo) -> str:
    return f"{now_utc.astimezone(zone):%H:%M}"


def date_text(now_utc: datetime, zone: ZoneInfo) -> str:
    local = now_utc.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B}"


class MinuteTicker(QObject):
    """Emits ``tick`` just after each minute boundary of ``clock`` (then every minute),
    so a shown time is never more than a moment stale and we do not wake every second."""

    tick = Signal()

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def start(self) -> None:
        self._schedule()

    def stop(self) -> None:
        self._timer.stop()

    def _fire(self) -> None:
        self.tick.emit()
        self._schedule()

    def _schedule(self) -> None:
        now = self._clock.now()
        ms_into_minute = now.second * 1000 + now.microsecond // 1000
        self._timer.start(60_000 - ms_into_minute + 50)
