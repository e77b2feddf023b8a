"""Report ranges: local calendar dates in the site's time zone, turned into exact UTC bounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.domain.errors import ValidationError

MAX_DAYS = 3660


@dataclass(frozen=True)
class ReportRange:
    first_day: date
    last_day: date  # inclusive
    zone: ZoneInfo

    # Bounds are returned in UTC on purpose: Python subtracts two datetimes that share a tzinfo
    # by wall clock, which would make a clock-change day 24 hours long instead of 23 or 25.
    @property
    def starts_at(self) -> datetime:
        return _utc_midnight(self.first_day, self.zone)

    @property
    def ends_at(self) -> datetime:
        """Midnight after the last day (exclusive): 23 or 25 hours after the last midnight on a
        clock-change day, which is why days are built from local dates, not by adding 24 hours."""
        return _utc_midnight(self.last_day + timedelta(days=1), self.zone)

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        return _utc_midnight(day, self.zone), _utc_midnight(day + timedelta(days=1), self.zone)

    def label(self) -> str:
        if self.first_day.day == 1 and (self.last_day + timedelta(days=1)).day == 1 \
                and self.first_day.month == self.last_day.month:
            return self.first_day.strftime("%B %Y")
        return f"{self.first_day:%-d %b %Y} to {self.last_day:%-d %b %Y}"


def _utc_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def make_range(first_day: date, last_day: date, zone: ZoneInfo) -> ReportRange:
    if last_day < first_day:
        raise ValidationError("The end date is before the start date.", field="to")
    if (last_day - first_day).days > MAX_DAYS:
        raise ValidationError("A report covers at most ten years.", field="to")
    return ReportRange(first_day, last_day, zone)


def month_range(year: int, month: int, zone: ZoneInfo) -> ReportRange:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return ReportRange(first, nxt - timedelta(days=1), zone)


def parse_day(text: str, field: str) -> date:
    """YYYY-MM-DD or DD/MM/YYYY (the two forms staff and spreadsheets use)."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"“{text[:20]}” is not a date; use YYYY-MM-DD or DD/MM/YYYY.", field=field)
