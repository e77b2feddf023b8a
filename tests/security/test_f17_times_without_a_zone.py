"""Issue 14, finding 17: times without a zone were taken silently.

``FixedClock.set(naive)`` and the capacity window read a naive time in the PC's own zone (so Day or
Night depended on the PC's settings), and a naive clock made a sign-in fail deep inside SQLAlchemy.
A naive time is refused where it comes in, with an error that names the problem.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from safespace_desk.domain.capacity import tonight, window_at
from safespace_desk.domain.clock import FixedClock, NaiveTimeError
from safespace_desk.domain.site import SiteSettings
from safespace_desk.services import auth, shiftlog, triage, visits
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.security.conftest import MEDIC, SignInAs
from tests.services.frontdesk_helpers import add

NAIVE = datetime(2026, 11, 24, 21, 30)  # no zone: 21:30 where?


def test_fixed_clock_set_refuses_a_naive_time() -> None:
    clock = FixedClock(START)
    with pytest.raises(NaiveTimeError, match="no time zone"):
        clock.set(NAIVE)
    assert clock.now() == START  # unchanged


def test_capacity_window_refuses_a_naive_time() -> None:
    settings = SiteSettings()
    with pytest.raises(NaiveTimeError, match="no time zone"):
        window_at(settings, ZoneInfo("Europe/London"), NAIVE)
    with pytest.raises(NaiveTimeError):
        tonight(settings, ZoneInfo("Europe/London"), NAIVE)


class _NaiveClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 24, 12, 0)


def test_a_naive_clock_is_refused_at_sign_in_with_a_clear_error(data_dir: Path) -> None:
    with pytest.raises(NaiveTimeError, match="clock"):
        auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, _NaiveClock())


def test_services_refuse_naive_times_naming_the_field(desk: DeskContext, sign_in_as: SignInAs) -> None:
    guest_id = add(desk, "Nia Naive")
    with pytest.raises(NaiveTimeError) as caught:
        shiftlog.add_entry(desk, "general", "A note", at=NAIVE - timedelta(days=1))
    assert caught.value.field == "at"
    with pytest.raises(NaiveTimeError) as caught:
        shiftlog.entries(desk, NAIVE, NAIVE + timedelta(hours=1))
    assert caught.value.field == "start"
    with pytest.raises(NaiveTimeError):
        shiftlog.current_shift(desk, NAIVE)
    medic = sign_in_as(MEDIC)
    with pytest.raises(NaiveTimeError) as caught:
        triage.record_triage(medic, guest_id, presenting_need="cough", outcome="treated",
                             at=NAIVE - timedelta(days=1))
    assert caught.value.field == "at"
    with pytest.raises(NaiveTimeError) as caught:
        triage.list_triage(medic, since=NAIVE)
    assert caught.value.field == "since"
    # Nothing was written by the refused calls.
    assert visits.who_is_in(desk) == []
    assert shiftlog.entries(desk, START - timedelta(days=3), START + timedelta(days=1)) == []


def test_a_clock_that_turns_naive_later_is_caught_before_anything_is_written(desk: DeskContext) -> None:
    guest_id = add(desk, "Nia Naive")
    desk.clock = _NaiveClock()
    with pytest.raises(NaiveTimeError, match="clock"):
        visits.sign_in(desk, guest_id, "self")
    desk.clock = FixedClock(START + timedelta(minutes=1))
    assert visits.who_is_in(desk) == []
    assert START.tzinfo is UTC
