"""Opening hours: per weekday, evenings that run past midnight, and seasons.

A 24/7 hub is "always open". A crisis service or a haven opens for part of each day, e.g. 18:00-23:00
every night, or 16:30-21:00 with longer winter hours (12:00-21:30 from December to March, as PFG
Doncaster did). An opening belongs to the local date on which it began: a Friday 20:00-02:00 session
is Friday's, and at 01:00 on Saturday it is still Friday's session that is open. Like capacity
periods, bounds are computed from local wall-clock times and held in UTC, so an evening that spans a
clock change is as long as it really was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from safespace_desk.domain.errors import ValidationError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class OpeningSpan:
    """One day's opening: ``closes`` at or before ``opens`` means it closes after midnight."""

    opens: time
    closes: time

    @property
    def past_midnight(self) -> bool:
        return self.closes <= self.opens

    def text(self) -> str:
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"

    def to_json(self) -> list[str]:
        return [self.opens.strftime("%H:%M"), self.closes.strftime("%H:%M")]

    @classmethod
    def from_json(cls, data: list[str] | None) -> OpeningSpan | None:
        if not data:
            return None
        return cls(time.fromisoformat(data[0]), time.fromisoformat(data[1]))


def _every_day(span: OpeningSpan | None) -> tuple[OpeningSpan | None, ...]:
    return (span,) * 7


@dataclass(frozen=True)
class WeeklyHours:
    """Monday first; None is a day the service does not open."""

    days: tuple[OpeningSpan | None, ...] = field(default_factory=lambda: _every_day(None))

    @classmethod
    def daily(cls, opens: time, closes: time) -> WeeklyHours:
        return cls(_every_day(OpeningSpan(opens, closes)))

    def on(self, day: date) -> OpeningSpan | None:
        return self.days[day.weekday()]

    def to_json(self) -> list[list[str] | None]:
        return [span.to_json() if span else None for span in self.days]

    @classmethod
    def from_json(cls, data: list[Any]) -> WeeklyHours:
        return cls(tuple(OpeningSpan.from_json(item) for item in data))

    def summary(self) -> str:
        """'Every day 18:00–23:00', or one part per run of days with the same hours."""
        spans = [s.text() if s else "closed" for s in self.days]
        if len(set(spans)) == 1:
            return f"Every day {spans[0]}" if self.days[0] else "Closed every day"
        parts, start = [], 0
        for index in range(1, 8):
            if index == 7 or spans[index] != spans[start]:
                names = WEEKDAYS[start][:3] if index - start == 1 else f"{WEEKDAYS[start][:3]}–{WEEKDAYS[index - 1][:3]}"
                parts.append(f"{names} {spans[start]}")
                start = index
        return ", ".join(parts)


@dataclass(frozen=True)
class Season:
    """Hours that replace the usual ones between two dates of every year (inclusive; may wrap the
    new year, e.g. 1 December to 31 March)."""

    name: str
    starts: tuple[int, int]  # (month, day)
    ends: tuple[int, int]
    hours: WeeklyHours

    def covers(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.starts <= self.ends:
            return self.starts <= key <= self.ends
        return key >= self.starts or key <= self.ends

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "starts": list(self.starts), "ends": list(self.ends),
                "hours": self.hours.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Season:
        return cls(str(data["name"]), (int(data["starts"][0]), int(data["starts"][1])),
                   (int(data["ends"][0]), int(data["ends"][1])), WeeklyHours.from_json(data["hours"]))


@dataclass(frozen=True)
class OpeningWindow:
    """One concrete opening, e.g. Friday 18:00 to 23:00, with its bounds in UTC."""

    local_date: date  # the local date it began
    opens_at: datetime
    closes_at: datetime

    def contains(self, at: datetime) -> bool:
        return self.opens_at <= at < self.closes_at


@dataclass(frozen=True)
class OpeningHours:
    always_open: bool = True
    usual: WeeklyHours = field(default_factory=WeeklyHours)
    seasons: tuple[Season, ...] = ()

    def hours_for(self, day: date) -> WeeklyHours:
        return next((s.hours for s in self.seasons if s.covers(day)), self.usual)

    def span_on(self, day: date) -> OpeningSpan | None:
        return None if self.always_open else self.hours_for(day).on(day)

    def window_on(self, day: date, zone: ZoneInfo) -> OpeningWindow | None:
        span = self.span_on(day)
        if span is None:
            return None
        close_day = day + timedelta(days=1) if span.past_midnight else day
        return OpeningWindow(day, _utc(day, span.opens, zone), _utc(close_day, span.closes, zone))

    def window_at(self, at: datetime, zone: ZoneInfo) -> OpeningWindow | None:
        """The opening in progress at ``at`` (yesterday's, if it runs past midnight), or None."""
        if self.always_open:
            return None
        today = at.astimezone(zone).date()
        for day in (today, today - timedelta(days=1)):
            window = self.window_on(day, zone)
            if window is not None and window.contains(at):
                return window
        return None

    def is_open(self, at: datetime, zone: ZoneInfo) -> bool:
        return self.always_open or self.window_at(at, zone) is not None

    def next_window(self, at: datetime, zone: ZoneInfo, *, days: int = 14) -> OpeningWindow | None:
        """The next opening that begins after ``at`` (within ``days``), or None."""
        if self.always_open:
            return None
        today = at.astimezone(zone).date()
        for offset in range(days + 1):
            window = self.window_on(today + timedelta(days=offset), zone)
            if window is not None and window.opens_at > at:
                return window
        return None

    def latest_window(self, at: datetime, zone: ZoneInfo) -> OpeningWindow | None:
        """The opening in progress, else the most recent one that has ended (for the closing step)."""
        current = self.window_at(at, zone)
        if current is not None or self.always_open:
            return current
        today = at.astimezone(zone).date()
        for offset in range(0, 8):
            window = self.window_on(today - timedelta(days=offset), zone)
            if window is not None and window.closes_at <= at:
                return window
        return None

    def summary(self) -> str:
        if self.always_open:
            return "Open 24 hours, every day"
        text = self.usual.summary()
        for season in self.seasons:
            text += (f"; {season.name} ({_day_text(season.starts)} to {_day_text(season.ends)}): "
                     f"{season.hours.summary()}")
        return text

    def to_json(self) -> dict[str, Any]:
        return {"always_open": self.always_open, "usual": self.usual.to_json(),
                "seasons": [s.to_json() for s in self.seasons]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> OpeningHours:
        if not data:
            return cls()
        return cls(always_open=bool(data.get("always_open", True)),
                   usual=WeeklyHours.from_json(data.get("usual") or [None] * 7),
                   seasons=tuple(Season.from_json(s) for s in data.get("seasons", [])))


def check_hours(hours: OpeningHours) -> OpeningHours:
    if hours.always_open:
        return hours
    _check_week(hours.usual, "usual hours")
    if not any(hours.usual.days) and not hours.seasons:
        raise ValidationError("Give the opening hours of at least one day (or choose open 24 hours).",
                              field="hours")
    if len(hours.seasons) > 4:
        raise ValidationError("Up to four seasons can be set.", field="hours")
    for season in hours.seasons:
        if not season.name.strip() or len(season.name) > 40:
            raise ValidationError("Each season needs a short name (e.g. Winter hours).", field="hours")
        for month, day in (season.starts, season.ends):
            try:
                date(2024, month, day)  # a leap year, so 29 February is a valid season edge
            except ValueError:
                raise ValidationError(f"{season.name}: {day}/{month} is not a date.", field="hours") from None
        _check_week(season.hours, season.name)
    return hours


def _check_week(week: WeeklyHours, what: str) -> None:
    if len(week.days) != 7:
        raise ValidationError(f"The {what} need an entry for each day of the week.", field="hours")
    for name, span in zip(WEEKDAYS, week.days, strict=True):
        if span is not None and span.opens == span.closes:
            raise ValidationError(f"{what.capitalize()}: {name} opens and closes at the same time.",
                                  field="hours")


def _utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _day_text(month_day: tuple[int, int]) -> str:
    return date(2024, month_day[0], month_day[1]).strftime("%-d %b")
