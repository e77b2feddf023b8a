"""The site profile: opening hours (past midnight, seasons, clock changes), the minimum age warning,
working days, follow-up times typed at the keyboard. Pure domain: no store."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.opening import OpeningHours, OpeningSpan, Season, WeeklyHours
from safespace_desk.domain.profile import (
    EscalationContact,
    Part,
    ServiceKind,
    SiteProfile,
    age_warning,
    check_profile,
    crisis_profile,
)
from safespace_desk.domain.site import SiteSettings, starting_settings
from safespace_desk.domain.site_rules import check_settings
from safespace_desk.domain.when import parse_when
from safespace_desk.domain.working_days import bank_holidays, working_days_between

LONDON = ZoneInfo("Europe/London")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def test_the_hub_default_is_unchanged_and_profiles_round_trip() -> None:
    hub = SiteSettings()
    assert hub.profile.kind is ServiceKind.HUB and hub.profile.hours.always_open
    assert hub.profile.parts == {Part.EXCLUSIONS, Part.MESSAGES, Part.TRIAGE}
    # A store written before profiles existed reads as the hub.
    old = hub.to_json()
    del old["profile"]
    assert SiteSettings.from_json(old) == hub
    for kind in ServiceKind:
        settings = starting_settings(kind)
        assert SiteSettings.from_json(settings.to_json()) == settings
        check_settings(settings)
    assert not starting_settings("haven").uses_beds and starting_settings("hub").uses_beds


def test_opening_hours_past_midnight_seasons_and_the_clock_change() -> None:
    late = WeeklyHours((None, None, None, None, OpeningSpan(time(20), time(2)), None, None))  # Friday 20:00-02:00
    hours = OpeningHours(always_open=False, usual=late)
    window = hours.window_at(local(2026, 10, 24, 1, 30), LONDON)  # Saturday 01:30: Friday's evening
    assert window is not None and window.local_date == date(2026, 10, 23)
    assert hours.window_at(local(2026, 10, 24, 2, 0), LONDON) is None
    # Friday 23 October into Saturday: no change. The next Friday's runs into the October clock change?
    # (30 Oct 2026 is a Friday; the change is on Sunday 25th.) A Saturday-night opening across it is 7 hours.
    saturday = OpeningHours(always_open=False, usual=WeeklyHours((None,) * 5 + (OpeningSpan(time(20), time(2)), None)))
    across = saturday.window_on(date(2026, 10, 24), LONDON)
    assert across is not None and across.closes_at - across.opens_at == timedelta(hours=7)

    pfg = crisis_profile().hours
    assert pfg.window_on(date(2026, 11, 30), LONDON).opens_at == local(2026, 11, 30, 16, 30)
    assert pfg.window_on(date(2026, 12, 1), LONDON).opens_at == local(2026, 12, 1, 12, 0)  # winter hours
    assert pfg.window_on(date(2027, 3, 31), LONDON).closes_at == local(2027, 3, 31, 21, 30)
    assert pfg.window_on(date(2027, 4, 1), LONDON).closes_at == local(2027, 4, 1, 21, 0)
    nxt = pfg.next_window(local(2026, 11, 30, 21, 5), LONDON)
    assert nxt is not None and nxt.opens_at == local(2026, 12, 1, 12, 0)
    assert "Winter hours (1 Dec to 31 Mar): Every day 12:00–21:30" in pfg.summary()
    assert OpeningHours().is_open(local(2026, 1, 1, 3, 0), LONDON)
    assert OpeningHours.from_json(pfg.to_json()) == pfg
    with pytest.raises(ValidationError):
        check_profile(SiteProfile(hours=OpeningHours(always_open=False)))  # open no day at all
    with pytest.raises(ValidationError):
        bad = Season("Feb", (2, 30), (3, 1), WeeklyHours.daily(time(9), time(17)))
        check_profile(SiteProfile(hours=OpeningHours(always_open=False, usual=late, seasons=(bad,))))


def test_profile_checks_name_their_field() -> None:
    for profile, field in (
            (SiteProfile(minimum_age=5), "minimum_age"),
            (SiteProfile(parts=frozenset({Part.REFERRALS})), "parts"),
            (SiteProfile(escalation=(EscalationContact("Duty", "call me maybe"),)), "escalation"),
            (SiteProfile(escalation=(EscalationContact("Duty", "1"), EscalationContact("duty", "2"))), "escalation"),
            (SiteProfile(no_contact_days=0), "no_contact_days")):
        with pytest.raises(ValidationError) as error:
            check_profile(profile)
        assert error.value.field == field
    assert check_profile(SiteProfile(helpline="  Samaritans 116 123 ")).helpline == "Samaritans 116 123"


def test_a_minimum_age_gives_a_warning_with_where_else_to_go() -> None:
    haven = SiteProfile(minimum_age=18, helpline="NHS 111, option 2")
    today = date(2026, 11, 24)
    assert age_warning(haven, "Ali", None, None, today) is None  # no age known: nothing said
    assert age_warning(haven, "Ali", 1990, None, today) is None
    assert "is under 18" in age_warning(haven, "Ali", 2009, None, today)
    assert "may be under 18" in age_warning(haven, "Ali", 2008, None, today)  # 17 or 18 this year
    text = age_warning(haven, "Ali", None, date(2009, 1, 1), today)
    assert text.startswith("Ali is 17") and "Where else to go: NHS 111, option 2" in text
    assert age_warning(haven, "Ali", None, date(2008, 11, 24), today) is None  # 18 today
    assert age_warning(SiteProfile(), "Ali", 2015, None, today) is None  # the hub sets no minimum


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert date(2026, 12, 28) in bank_holidays(2026)  # Boxing Day (a Saturday) moves to Monday
    assert date(2027, 3, 26) in bank_holidays(2027) and date(2027, 3, 29) in bank_holidays(2027)  # Easter
    assert working_days_between(date(2026, 10, 2), date(2026, 10, 5)) == 1  # Friday to Monday
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 10, 5), date(2026, 10, 5)) == 0


def test_follow_up_times_typed_as_staff_say_them() -> None:
    now = local(2026, 11, 24, 12, 0)  # a Tuesday
    assert parse_when("Tuesday after 6pm", now, LONDON) == local(2026, 12, 1, 18, 0)
    assert parse_when("tomorrow 18:30", now, LONDON) == local(2026, 11, 25, 18, 30)
    assert parse_when("sat", now, LONDON) == local(2026, 11, 28, 10, 0)
    assert parse_when("+2 9", now, LONDON) == local(2026, 11, 26, 9, 0)
    assert parse_when("3/1 10:00", now, LONDON) == local(2027, 1, 3, 10, 0)  # next January
    assert parse_when("21:00", now, LONDON) == local(2026, 11, 24, 21, 0)
    for bad in ("", "whenever", "9am"):  # 9am today has passed
        with pytest.raises(ValidationError):
            parse_when(bad, now, LONDON)
