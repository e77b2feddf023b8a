from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from safespace_desk.domain.capacity import (
    check_periods,
    staff_needed,
    staffing_warning,
    tonight,
    window_at,
)
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.site import CapacityPeriod, SiteSettings

LONDON = ZoneInfo("Europe/London")
SETTINGS = SiteSettings()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("when", "period", "places"),
    [
        (local(2026, 11, 24, 19, 59, 59), "Day", 16),
        (local(2026, 11, 24, 20, 0, 0), "Night", 8),
        (local(2026, 11, 25, 7, 59, 59), "Night", 8),
        (local(2026, 11, 25, 8, 0, 0), "Day", 16),
        (local(2026, 11, 25, 0, 0, 0), "Night", 8),
    ],
)
def test_period_boundaries(when: datetime, period: str, places: int) -> None:
    window = window_at(SETTINGS, LONDON, when)
    assert (window.period.name, window.period.places) == (period, places)


def test_small_hours_belong_to_the_night_that_began_the_evening_before() -> None:
    window = window_at(SETTINGS, LONDON, local(2026, 11, 25, 3, 0))
    assert window.night_of == "2026-11-24"
    assert window.starts_at == local(2026, 11, 24, 20, 0)
    assert window.ends_at == local(2026, 11, 25, 8, 0)


def test_spring_forward_night_is_eleven_hours_and_keeps_wall_clock_times() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    window = window_at(SETTINGS, LONDON, local(2026, 3, 29, 3, 30))
    assert window.period.name == "Night" and window.night_of == "2026-03-28"
    assert window.ends_at - window.starts_at == timedelta(hours=11)
    assert window.ends_at.astimezone(LONDON).hour == 8
    # 07:59 BST is still night, 08:00 BST is day (07:00 UTC).
    assert window_at(SETTINGS, LONDON, datetime(2026, 3, 29, 6, 59, tzinfo=UTC)).period.name == "Night"
    assert window_at(SETTINGS, LONDON, datetime(2026, 3, 29, 7, 0, tzinfo=UTC)).period.name == "Day"


def test_fall_back_night_is_thirteen_hours() -> None:
    # Clocks go back at 02:00 BST on Sunday 25 October 2026; 01:30 happens twice.
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT
    for moment in (first, second):
        window = window_at(SETTINGS, LONDON, moment)
        assert window.period.name == "Night" and window.night_of == "2026-10-24"
        assert window.ends_at - window.starts_at == timedelta(hours=13)
    assert window_at(SETTINGS, LONDON, datetime(2026, 10, 25, 7, 59, tzinfo=UTC)).period.name == "Night"
    assert window_at(SETTINGS, LONDON, datetime(2026, 10, 25, 8, 0, tzinfo=UTC)).period.name == "Day"
    # The evening of the change: night starts at 20:00 GMT = 20:00 UTC.
    assert window_at(SETTINGS, LONDON, datetime(2026, 10, 25, 19, 59, tzinfo=UTC)).period.name == "Day"
    assert window_at(SETTINGS, LONDON, datetime(2026, 10, 25, 20, 0, tzinfo=UTC)).period.name == "Night"


def test_tonight_by_day_is_the_coming_night() -> None:
    window = tonight(SETTINGS, LONDON, local(2026, 11, 24, 12, 0))
    assert window is not None and window.night_of == "2026-11-24"
    assert window.starts_at == local(2026, 11, 24, 20, 0)


def test_night_ratio_and_minimum() -> None:
    night = SETTINGS.periods[1]
    day = SETTINGS.periods[0]
    assert staff_needed(SETTINGS, night, 8) == 3
    assert staff_needed(SETTINGS, night, 6) == 2
    assert staff_needed(SETTINGS, day, 16) == 2
    assert staffing_warning(SETTINGS, night, 7, 2) is not None
    assert "1 to 3" in (staffing_warning(SETTINGS, night, 7, 2) or "")
    assert staffing_warning(SETTINGS, night, 6, 2) is None
    assert "at least 2" in (staffing_warning(SETTINGS, day, 3, 1) or "")


def test_periods_must_cover_the_day_once() -> None:
    check_periods(SETTINGS.periods)
    gap = (CapacityPeriod("Day", time(9), time(20), 16, False), CapacityPeriod("Night", time(20), time(8), 8, True))
    with pytest.raises(ValidationError, match="uncovered"):
        check_periods(gap)
    overlap = (CapacityPeriod("Day", time(7), time(20), 16, False), CapacityPeriod("Night", time(20), time(8), 8, True))
    with pytest.raises(ValidationError, match="overlap"):
        check_periods(overlap)
