"""Time for the generator: local day and night boundaries as UTC epoch seconds, and row ids.

The simulation works in whole UTC seconds (ints), which is fast and makes DST a non-issue: each
local date's day start (08:00) and night start (20:00) are converted once with zoneinfo, and every
visit is placed relative to those exact instants. A night across a clock change is then 11 or 13
real hours long, exactly as the desk's capacity rules see it (domain/capacity.py).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

# The exact text form of db/types.py's UTCDateTime, so Core inserts can pass text directly.
_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%S.000000Z"


def utc_text(epoch_seconds: int) -> str:
    """``epoch_seconds`` in the store's UTC text form (whole seconds)."""
    return time.strftime(_TEXT_FORMAT, time.gmtime(epoch_seconds))


def to_datetime(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


def epoch(when: datetime) -> int:
    return int(when.timestamp())


def uuid7_at(epoch_seconds: int, rng: random.Random) -> str:
    """A UUIDv7 whose time part is the record's own time, so ids sort like the history.

    ids.new_id() uses the wall clock and os.urandom; demo ids come from the seeded generator
    instead, so a given --seed gives the same store content every time.
    """
    millis = epoch_seconds * 1000 + rng.randrange(1000)
    rand = rng.getrandbits(74)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= (rand >> 62) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True)
class Timeline:
    """Local dates of the history with each date's day start and night start in UTC seconds.

    ``day_start[i]`` is 08:00 and ``night_start[i]`` 20:00 local time on ``first + i days``; one
    extra date is kept at the end so the last night has a morning.
    """

    zone: ZoneInfo
    first: date
    days: int
    day_start: tuple[int, ...]
    night_start: tuple[int, ...]
    end: int  # "now": nothing happens after it

    @classmethod
    def build(cls, zone: ZoneInfo, end: datetime, years: float, *, day_starts: wall_time,
              night_starts: wall_time) -> Timeline:
        local_end = end.astimezone(zone).date()
        days = max(1, round(years * 365.25))
        first = local_end - timedelta(days=days - 1)
        day_start, night_start = [], []
        for i in range(days + 1):
            d = first + timedelta(days=i)
            day_start.append(epoch(datetime.combine(d, day_starts, tzinfo=zone)))
            night_start.append(epoch(datetime.combine(d, night_starts, tzinfo=zone)))
        return cls(zone, first, days, tuple(day_start), tuple(night_start), epoch(end))

    def date_of(self, index: int) -> date:
        return self.first + timedelta(days=index)

    @property
    def start(self) -> int:
        """The first moment of the history (midnight before the first day start, roughly)."""
        return self.day_start[0] - 8 * 3600
