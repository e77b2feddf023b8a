"""Editing the list of rooms with its history kept (issue 13, item 5): add, rename (bookings follow the
room, and a clash still counts across the rename), retire (not with bookings to come; kept, offered for
none), bring back, and remove only a room that never had a booking. Managers only; each change audited
and carried with the site's settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.roles import Role
from safespace_desk.domain.rooms import RoomChangeKind
from safespace_desk.services import appointments, messages, rooms, visits
from safespace_desk.services.context import DeskContext
from tests.services.casework_helpers import acting_as, audit_actions, colleague, outbox_ops
from tests.services.frontdesk_helpers import LONDON, add, at_local


def test_rooms_are_added_renamed_retired_and_kept_with_their_bookings(desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 10, 6, 9, 0)  # a Tuesday
    kez = add(desk, "Kez")
    agency = next(a.id for a in messages.list_agencies(desk) if a.name == "Other")
    booked, _ = appointments.book(desk, what="Dentist", agency_id=agency, starts_at=now + timedelta(hours=1),
                                  minutes=30, room="Appointment room 2", guest_id=kez)

    rooms.add_room(desk, "  Quiet room ")
    rooms.rename_room(desk, "Appointment room 2", "Dental room")
    listed = rooms.room_list(desk)
    assert listed.rooms == ("Clinical room", "Appointment room 1", "Dental room", "Online", "Quiet room")
    assert appointments.rooms(desk)[-1] == "Quiet room"
    # The booking made under the old name shows under the new one, at sign-in too, and still clashes.
    [shown] = appointments.day_calendar(desk, now.astimezone(LONDON).date())
    assert shown.room == "Dental room"
    assert visits.sign_in(desk, kez, "self").appointments == "Appointment today: Dentist 10:00, Dental room"
    with pytest.raises(RuleViolation, match="Dental room is booked from 10:00"):
        appointments.book(desk, what="GP", agency_id=agency, starts_at=now + timedelta(minutes=70), minutes=20,
                          room="Dental room")
    # A name is never used for a second room: the old bookings would move to it.
    with pytest.raises(ValidationError, match="was a room's name before") as err:
        rooms.add_room(desk, "appointment room 2")
    assert err.value.field == "room_name"
    with pytest.raises(ValidationError, match="already"):
        rooms.rename_room(desk, "Quiet room", "Clinical Room")
    with pytest.raises(RuleViolation, match="online appointments"):
        rooms.rename_room(desk, "Online", "Video")

    # Never removed with bookings; not retired while a booking is still to come.
    with pytest.raises(RuleViolation, match="retire it instead"):
        rooms.remove_room(desk, "Dental room")
    with pytest.raises(RuleViolation, match="1 booking still to come"):
        rooms.retire_room(desk, "Dental room")
    appointments.mark(desk, booked, "attended")
    clock.advance(hours=2)
    rooms.retire_room(desk, "Dental room")
    assert "Dental room" not in appointments.rooms(desk) and rooms.room_list(desk).retired == ("Dental room",)
    with pytest.raises(ValidationError, match="Choose a room"):
        appointments.book(desk, what="GP", agency_id=agency, starts_at=clock.now() + timedelta(days=1), minutes=20,
                          room="Dental room")
    assert [b.room for b in appointments.day_calendar(desk, now.astimezone(LONDON).date())] == ["Dental room"]
    rooms.bring_back_room(desk, "Dental room")
    rooms.remove_room(desk, "Quiet room")  # never booked: added by mistake
    assert [(c.kind, c.name, c.to) for c in rooms.room_list(desk).history] == [
        (RoomChangeKind.ADDED, "Quiet room", None), (RoomChangeKind.RENAMED, "Appointment room 2", "Dental room"),
        (RoomChangeKind.RETIRED, "Dental room", None), (RoomChangeKind.BROUGHT_BACK, "Dental room", None),
        (RoomChangeKind.REMOVED, "Quiet room", None)]
    assert [a for a in audit_actions(desk) if a.startswith("room_")] == [
        "room_booked", "room_added", "room_renamed", "room_retired", "room_brought_back", "room_removed"]
    assert outbox_ops(desk).count("site.settings") == 5

    # Managers only.
    with acting_as(desk, colleague(desk, "Lee", Role.LEAD)), pytest.raises(PermissionDenied):
        rooms.add_room(desk, "Garden room")


def test_the_last_room_stays(desk: DeskContext) -> None:
    for room in ("Clinical room", "Appointment room 1", "Appointment room 2"):
        rooms.retire_room(desk, room)
    with pytest.raises(RuleViolation, match="at least one room"):
        rooms.retire_room(desk, "Online")
    with pytest.raises(RuleViolation, match="at least one room"):
        rooms.remove_room(desk, "Online")
    with pytest.raises(ValidationError, match="Room name is needed"):
        rooms.add_room(desk, "  ")
