"""Review: a site with one period for the whole day that does not start at midnight."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from safespace_desk.domain.capacity import check_periods, window_at
from safespace_desk.domain.site import CapacityPeriod, SiteSettings

LONDON = ZoneInfo("Europe/London")


def test_single_all_day_period_window_contains_now() -> None:
    periods = (CapacityPeriod("All day", time(8, 0), time(8, 0), 10, beds=True),)
    check_periods(periods)  # allowed: one period covering the whole day
    settings = SiteSettings(periods=periods)
    at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 03:00 in London: the window began yesterday 08:00
    window = window_at(settings, LONDON, at)
    assert window.starts_at <= at < window.ends_at
    assert window.starts_at == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert window.night_of == "2026-11-23"
    later = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert window_at(settings, LONDON, later).starts_at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
