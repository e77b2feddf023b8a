"""Short exclusions, counted in real hours from the moment they are issued.

"24 hours" is 24 elapsed hours even across a clock change (end = start + hours, in UTC).
An exclusion ends by itself: nothing needs to run at the end time for it to stop applying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from safespace_desk.domain.errors import ValidationError

MIN_HOURS = 1
MAX_HOURS = 168  # a week: longer bans are not "short exclusions" and need a partnership decision


@dataclass(frozen=True)
class ExclusionView:
    id: str
    guest_id: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    issued_by: str | None
    lifted_at: datetime | None
    lift_reason: str | None

    def active_at(self, now: datetime) -> bool:
        return self.lifted_at is None and self.starts_at <= now < self.ends_at

    def state_at(self, now: datetime) -> str:
        if self.lifted_at is not None:
            return "lifted"
        if now < self.starts_at:
            return "upcoming"
        return "active" if now < self.ends_at else "expired"

    def time_left(self, now: datetime) -> timedelta:
        return max(timedelta(0), self.ends_at - now)


def check_hours(hours: int | float | None) -> int:
    if hours is None or int(hours) != hours:
        raise ValidationError("Give the exclusion in whole hours.", field="hours")
    if not MIN_HOURS <= int(hours) <= MAX_HOURS:
        raise ValidationError(f"An exclusion is between {MIN_HOURS} and {MAX_HOURS} hours.", field="hours")
    return int(hours)


def ends_at(start: datetime, hours: int) -> datetime:
    return start + timedelta(hours=hours)


def format_time_left(left: timedelta) -> str:
    """'23h 59m left', '45m left', '30s left' — exact enough for the desk, never negative."""
    seconds = int(left.total_seconds())
    if seconds <= 0:
        return "ended"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m left"
    if minutes:
        return f"{minutes}m left"
    return f"{secs}s left"
