"""Desks stamp their changes with their clock corrected by the server's, never earlier than the last
server time seen, and a skew over five minutes is shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.db.types import utc_text
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol
from safespace_desk.sync.clock import SyncedClock, attach, base_clock, offset_ms, synced_clock
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.status import sync_status
from tests.support.sync_server import LiveServer


def test_the_corrected_clock_never_goes_back_before_the_last_server_time() -> None:
    base = FixedClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    clock = SyncedClock(base, offset_ms=60_000)
    assert clock.now() == datetime(2026, 11, 24, 12, 1, tzinfo=UTC)
    clock.learn(-3_600_000, utc_text(datetime(2026, 11, 24, 12, 30, tzinfo=UTC)))
    # An hour slow by the server, but the server said 12:30 already: never earlier than that.
    assert clock.now() == datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    base.advance(hours=2)
    assert clock.now() == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    sent = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert offset_ms(sent, sent + timedelta(seconds=2), utc_text(sent + timedelta(minutes=10, seconds=1))) == 600_000


def test_a_desk_with_a_wrong_clock_stamps_in_the_servers_time_and_says_so(desk: DeskContext,
                                                                           sqlite_server: LiveServer) -> None:
    # The desk's own clock is days away from the server's (the fixture's fixed date).
    enrol.enrol(desk, sqlite_server.first_code())
    assert DeskSync(desk).sync_now().caught_up
    state = DeskSync(desk).state()
    attach(desk, state.offset_ms, state.last_server_time)
    assert synced_clock(desk.clock) is not None and base_clock(desk.clock) is not desk.clock
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Stamped Right"))
    stamped = guests.get_guest(desk, record.id).created_at
    assert abs(stamped - datetime.now(UTC)) < timedelta(minutes=1)
    status = sync_status(desk)
    assert "min slow" in status.bar_text(ZoneInfo("Europe/London"))
    assert any("clock differs" in line for line in status.lines())
    attach(desk, 0, "")  # attaching again does not wrap twice
    assert synced_clock(desk.clock) is synced_clock(desk.clock)
    assert abs(desk.clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_skew_is_shown_only_over_five_minutes_and_says_which_way() -> None:
    from safespace_desk.sync.status import SyncStatus

    def bar(skew: timedelta) -> str:
        status = SyncStatus(enrolled=True, site_name="Hub", address="https://hub", device_id="d", waiting=0,
                            last_ok_at=datetime(2026, 11, 24, 12, 4, tzinfo=UTC), failing_since=None,
                            last_error="", stopped="", skew=skew, problems=0, uploading=False)
        return status.bar_text(ZoneInfo("UTC"))

    assert bar(timedelta(minutes=5)) == "synced at 12:04 · 0 waiting"
    assert bar(-timedelta(minutes=5)) == "synced at 12:04 · 0 waiting"
    # The offset is the server's clock minus this desk's: positive means this desk is slow.
    assert bar(timedelta(minutes=5, seconds=1)) == "synced at 12:04 · 0 waiting · clock 5 min slow"
    assert bar(-timedelta(hours=2)) == "synced at 12:04 · 0 waiting · clock 120 min fast"
