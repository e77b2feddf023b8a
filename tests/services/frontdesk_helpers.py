"""Small builders for front-desk service tests (synthetic guests only)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, guests, staff
from safespace_desk.services.context import DeskContext

LONDON = ZoneInfo("Europe/London")


def at_local(clock: FixedClock, *args: int) -> datetime:
    when = datetime(*args, tzinfo=LONDON).astimezone(UTC)
    clock.set(when)
    return when


def add(desk: DeskContext, name: str, **kwargs: object) -> str:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=name, **kwargs))  # type: ignore[arg-type]
    return record.id


def desk_as(desk: DeskContext, data_dir: Path, clock: FixedClock, name: str, role: str) -> DeskContext:
    """Add a staff member with ``role`` and return a second desk signed in as them."""
    staff.add_staff(desk, name=name, role=role, password=f"{name} lantern quartz meadow 7")
    return auth.sign_in(data_dir, name, f"{name} lantern quartz meadow 7", clock)
