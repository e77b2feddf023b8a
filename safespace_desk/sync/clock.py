"""The desk's clock corrected by the server's: operations are stamped with it.

At each sync the desk learns the offset between its clock and the server's (the server's time minus
the middle of the request). Times are this clock plus that offset, and never earlier than the last
server time seen, so a desk whose clock is wrong still stamps in the server's time, and a clock set
back does not stamp the past. A skew over five minutes is shown to staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from safespace_desk.db.types import parse_utc
from safespace_desk.domain.clock import Clock, ZoneCheckedClock
from safespace_desk.services.context import DeskContext

SKEW_WARNING = timedelta(minutes=5)


class SyncedClock:
    def __init__(self, base: Clock, offset_ms: int = 0, floor: str = "") -> None:
        self.base = base
        self.offset = timedelta(milliseconds=offset_ms)
        self.floor = parse_utc(floor) if floor else None

    def now(self) -> datetime:
        value = self.base.now() + self.offset
        if self.floor is not None and value < self.floor:
            return self.floor
        return value

    def learn(self, offset_ms: int, server_time: str) -> None:
        self.offset = timedelta(milliseconds=offset_ms)
        seen = parse_utc(server_time)
        if self.floor is None or seen > self.floor:
            self.floor = seen


def offset_ms(sent: datetime, received: datetime, server_time: str) -> int:
    middle = sent + (received - sent) / 2
    return int((parse_utc(server_time) - middle).total_seconds() * 1000)


def _unwrapped(clock: Clock) -> Clock:
    """The clock inside the desk's zone check (DeskContext wraps whatever clock it is given)."""
    return clock.inner if isinstance(clock, ZoneCheckedClock) else clock


def synced_clock(clock: Clock) -> SyncedClock | None:
    inner = _unwrapped(clock)
    return inner if isinstance(inner, SyncedClock) else None


def base_clock(clock: Clock) -> Clock:
    """The desk's own clock, before the server's correction."""
    synced = synced_clock(clock)
    return synced.base if synced is not None else clock


def attach(desk: DeskContext, offset: int, server_time: str) -> None:
    """Stamp this desk's changes with the server-corrected time from now on (once per session)."""
    if synced_clock(desk.clock) is None:
        desk.clock = SyncedClock(_unwrapped(desk.clock), offset, server_time)
