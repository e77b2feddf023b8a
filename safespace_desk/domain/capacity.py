"""Capacity by time of day, in the site's own time zone.

Periods are given in local wall-clock times (e.g. Night 20:00-08:00). A concrete window is found by
combining those times with local dates and converting to UTC, so a night that spans a clock change
is 11 or 13 real hours long but still runs from 20:00 to 08:00 on the wall clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.site import CapacityPeriod, SiteSettings


@dataclass(frozen=True)
class PeriodWindow:
    period: CapacityPeriod
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    local_start_date: date  # the local date on which this window began

    @property
    def night_of(self) -> str | None:
        """For a bed period: the ISO date the night began (the key of the bed board)."""
        return self.local_start_date.isoformat() if self.period.beds else None


def _contains(period: CapacityPeriod, t: time) -> bool:
    if period.starts < period.ends:
        return period.starts <= t < period.ends
    return t >= period.starts or t < period.ends  # wraps past midnight


def _local(d: date, t: time, zone: ZoneInfo) -> datetime:
    # Returned in UTC: Python subtracts datetimes sharing a tzinfo by wall clock, which would hide
    # the 11- and 13-hour nights at the clock changes.
    return datetime.combine(d, t, tzinfo=zone).astimezone(UTC)


def window_at(settings: SiteSettings, zone: ZoneInfo, at: datetime) -> PeriodWindow:
    """The capacity period in force at ``at`` (aware), with its exact start and end in UTC."""
    local = require_aware(at, "The time to find the capacity period for", field="at").astimezone(zone)
    t = local.time().replace(tzinfo=None)
    for period in settings.periods:
        if _contains(period, t):
            start_date = local.date()
            if period.starts >= period.ends and t < period.ends:
                # The small hours belong to last night (and, for one all-day period such as
                # 08:00-08:00, the hours before its start belong to yesterday's window).
                start_date -= timedelta(days=1)
            end_date = start_date + timedelta(days=1) if period.starts >= period.ends else start_date
            return PeriodWindow(period, _local(start_date, period.starts, zone),
                                _local(end_date, period.ends, zone), start_date)
    raise ValidationError("The site's capacity periods do not cover every hour of the day.",
                          field="periods")


def next_window(settings: SiteSettings, zone: ZoneInfo, current: PeriodWindow) -> PeriodWindow:
    return window_at(settings, zone, current.ends_at + timedelta(seconds=1))


def tonight(settings: SiteSettings, zone: ZoneInfo, at: datetime) -> PeriodWindow | None:
    """The bed period in force now, or the next one to start (for the bed board by day)."""
    window = window_at(settings, zone, at)
    for _ in range(len(settings.periods) + 1):
        if window.period.beds:
            return window
        window = next_window(settings, zone, window)
    return None


@dataclass(frozen=True)
class CapacityStatus:
    window: PeriodWindow
    used: int

    @property
    def places(self) -> int:
        return self.window.period.places

    @property
    def free(self) -> int:
        return max(0, self.places - self.used)

    @property
    def full(self) -> bool:
        return self.used >= self.places

    @property
    def over_by(self) -> int:
        return max(0, self.used - self.places)


def staff_needed(settings: SiteSettings, period: CapacityPeriod, guests_in: int) -> int:
    """At night one staff member per N guests, and never fewer than the site minimum."""
    if period.beds and settings.night_guests_per_staff > 0:
        return max(settings.minimum_staff, math.ceil(guests_in / settings.night_guests_per_staff))
    return settings.minimum_staff


def staffing_warning(settings: SiteSettings, period: CapacityPeriod, guests_in: int,
                     staff_on_duty: int) -> str | None:
    needed = staff_needed(settings, period, guests_in)
    if staff_on_duty >= needed:
        return None
    if period.beds and needed > settings.minimum_staff:
        return (f"{staff_on_duty} staff on duty for {guests_in} guests: the night ratio "
                f"(1 to {settings.night_guests_per_staff}) needs {needed}.")
    return f"{staff_on_duty} staff on duty: at least {needed} are needed at all times."


def check_periods(periods: tuple[CapacityPeriod, ...]) -> tuple[CapacityPeriod, ...]:
    """Periods must have names, places, and cover each minute of the day exactly once."""
    if not periods:
        raise ValidationError("Add at least one capacity period.", field="periods")
    for p in periods:
        if not p.name.strip():
            raise ValidationError("Each period needs a name.", field="periods")
        if not 0 <= p.places <= 500:
            raise ValidationError(f"{p.name}: places must be between 0 and 500.", field="periods")
        if p.starts == p.ends and len(periods) > 1:
            raise ValidationError(f"{p.name} starts and ends at the same time.", field="periods")
    minutes = [0] * (24 * 60)
    for p in periods:
        start = p.starts.hour * 60 + p.starts.minute
        end = p.ends.hour * 60 + p.ends.minute
        span = (end - start) % (24 * 60) or 24 * 60
        for m in range(span):
            minutes[(start + m) % (24 * 60)] += 1
    if any(count == 0 for count in minutes):
        raise ValidationError("The periods leave part of the day uncovered.", field="periods")
    if any(count > 1 for count in minutes):
        raise ValidationError("Two periods overlap.", field="periods")
    return periods
