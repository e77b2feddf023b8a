"""The injectable clock. Domain and services never read the wall clock themselves.

Every time that comes in (from a clock, a caller or a form) must say its zone: a time without one
would be read in the PC's own zone, so whether it is Day or Night would depend on how the PC was
set up. ``require_aware`` refuses such a time where it enters, naming what was wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from safespace_desk.domain.errors import ValidationError


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class NaiveTimeError(ValidationError):
    """A time came in without a time zone."""


def require_aware(value: datetime, what: str, *, field: str | None = None) -> datetime:
    """Return ``value`` if it carries a time zone; otherwise raise NaiveTimeError naming ``what``."""
    if not isinstance(value, datetime):
        raise ValidationError(f"{what} must be a date and time, not {type(value).__name__}.", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveTimeError(f"{what} has no time zone ({value:%Y-%m-%d %H:%M}): give the time with its "
                             "zone (e.g. UTC or Europe/London); it is never read in the PC's own zone.",
                             field=field)
    return value


class FixedClock:
    """A clock that only moves when told to: for tests and replays."""

    def __init__(self, start: datetime) -> None:
        self._now = require_aware(start, "The time FixedClock starts at").astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **kwargs: float) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = require_aware(when, "The time given to FixedClock.set").astimezone(UTC)


class ZoneCheckedClock:
    """Wraps a desk's clock so a clock that ever gives a time without a zone is stopped at once,
    with a clear error, instead of deep inside the store (see DeskContext)."""

    def __init__(self, inner: Clock) -> None:
        self.inner = inner

    def now(self) -> datetime:
        return require_aware(self.inner.now(), "The desk's clock gave a time that")

    def __getattr__(self, name: str) -> Any:  # advance(), set() of a test clock stay reachable
        return getattr(self.inner, name)
