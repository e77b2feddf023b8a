"""The desk's clock corrected by the server's: operations are stamped with it.

At each sync the desk learns the offset between its clock and the server's (the server's time minus
the middle of the request). Times are this clock plus that offset, and never earlier than the last
server time seen, so a desk whose clock is wrong still stamps in the server's time, and a clock set
back does not stamp the past. A skew over five minutes is shown to staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from safespace_desk.db.types import parse_utc
from safespace_desk.domain.clock import Clock

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


def base_clock(clock: Clock) -> Clock:
    return clock.base if isinstance(clock, SyncedClock) else clock
