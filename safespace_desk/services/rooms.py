"""Editing the site's list of rooms (issue 13, item 5), managers only, each change at once in its own
unit of work with its audit entry and the site's settings operation (sync carries the list with the
site's settings). The history is kept in the settings (domain/rooms.py); a room with bookings is never
removed, only retired, and one with bookings still to come is not retired until they are moved or
cancelled (staff would otherwise lose sight of them)."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Site
from safespace_desk.db.models_hub_day import Appointment
from safespace_desk.db.types import utc_text
from safespace_desk.domain.appointments import ONLINE_ROOM, AppointmentState
from safespace_desk.domain.errors import RuleViolation
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.rooms import RoomList
from safespace_desk.domain.site import SiteSettings
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import SITE, get_site


def room_list(desk: DeskContext) -> RoomList:
    desk.require_actor()
    return get_site(desk).settings.room_list


def add_room(desk: DeskContext, name: str) -> Changes:
    return _change(desk, "added", lambda rooms, at, _s: rooms.add(name, at))


def rename_room(desk: DeskContext, room: str, new_name: str) -> Changes:
    """Bookings keep the name they were made under and show under the new one."""
    return _change(desk, "renamed", lambda rooms, at, _s: rooms.rename(room, new_name, at, fixed=ONLINE_ROOM))


def retire_room(desk: DeskContext, room: str) -> Changes:
    def retire(rooms: RoomList, at: str, session: Session) -> RoomList:
        ahead, first = session.execute(select(func.count(), func.min(Appointment.starts_at)).where(
            Appointment.room.in_(rooms.former_names(room)), Appointment.state == AppointmentState.BOOKED.value,
            Appointment.starts_at >= desk.clock.now())).one()
        if ahead:
            day = first.astimezone(get_site(desk, session).zone)
            raise RuleViolation(f"{room} has {ahead} booking{'s' * (ahead != 1)} still to come (the first on "
                                f"{day:%a %-d %b}): cancel them or book them in another room first.")
        return rooms.retire(room, at)
    return _change(desk, "retired", retire)


def bring_back_room(desk: DeskContext, room: str) -> Changes:
    return _change(desk, "brought_back", lambda rooms, at, _s: rooms.bring_back(room, at))


def remove_room(desk: DeskContext, room: str) -> Changes:
    """Only a room that never had a booking (added by mistake)."""
    def remove(rooms: RoomList, at: str, session: Session) -> RoomList:
        booked = session.scalars(select(Appointment.id).where(
            Appointment.room.in_(rooms.former_names(room))).limit(1)).first() is not None
        return rooms.remove(room, at, has_bookings=booked)
    return _change(desk, "removed", remove)


def _change(desk: DeskContext, kind: str, apply: Callable[[RoomList, str, Session], RoomList]) -> Changes:
    desk.require(Permission.MANAGE_SITE, "change the list of rooms")
    with desk.unit_of_work() as uow:
        row = uow.session.scalars(select(Site).limit(1)).one()
        settings = SiteSettings.from_json(json.loads(row.settings))
        updated = settings.with_rooms(apply(settings.room_list, utc_text(uow.now), uow.session))
        row.settings = json.dumps(updated.to_json())
        uow.audit(f"room_{kind}", SITE, row.id)
        uow.outbox("site.settings", site_id=row.id, settings=updated.to_json())
        uow.changed(SITE, row.id)
    return uow.changes
