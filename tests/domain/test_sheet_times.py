"""A sheet's local times to UTC: the quick way for days without a clock change must agree with the
zone's own arithmetic (and the hour skipped in spring is read an hour later, as before)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from safespace_desk.domain import sign_in_sheet


def by_the_zone(day: date, at: time, zone: ZoneInfo) -> datetime:
    local = datetime.combine(day, at, tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        local = local + timedelta(hours=1)
    return local.astimezone(UTC)


@pytest.mark.parametrize("zone_name", ["Europe/London", "Australia/Lord_Howe", "America/St_Johns"])
def test_every_day_of_a_year_and_every_minute_of_its_clock_changes(zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    day = date(2026, 1, 1)
    while day < date(2027, 1, 2):
        changes = sign_in_sheet._offset_all_day(day, zone) is None
        for minute in range(0, 24 * 60, 1 if changes else 97):
            at = time(minute // 60, minute % 60)
            assert sign_in_sheet._local(day, at, zone) == by_the_zone(day, at, zone), (day, at)
        day += timedelta(days=1)
    spring = date(2026, 3, 29)  # 01:30 does not exist in London that night
    assert sign_in_sheet._local(spring, time(1, 30), ZoneInfo("Europe/London")) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
