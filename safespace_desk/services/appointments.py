"""Appointments and rooms (issue 13, item 5): a simple calendar of the hub's rooms; an appointment for a
guest can be carried by a message ("Dentist, Tue 10:00, Appointment room 2") and is shown at their
sign-in that day; attended or missed is recorded and counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Agency, Guest, Message
from safespace_desk.db.models_hub_day import Appointment
from safespace_desk.domain.appointments import (
    ONLINE_ROOM,
    AppointmentState,
    Booking,
    appointment_text,
    check_minutes,
    overlaps,
)
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.messages import MessageCategory
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.rooms import RoomList
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST, resolve_live
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view

APPOINTMENT = "appointment"


def rooms(desk: DeskContext) -> tuple[str, ...]:
    desk.require_actor()
    return get_site(desk).settings.rooms


def book(desk: DeskContext, *, what: str, agency_id: str, starts_at: datetime, minutes: int, room: str,
         guest_id: str | None = None, with_message: bool = False) -> tuple[str, Changes]:
    """Book a room for a guest's appointment (or, with no guest, for an agency's session). With
    ``with_message`` the guest gets a message carrying it, shown when they next come in."""
    desk.require(Permission.FRONT_DESK, "book rooms")
    what = clean_text(what, field="what", label="What it is", max_len=SHORT_TEXT_MAX, required=True)
    starts_at = require_aware(starts_at, "The time", field="starts_at")
    minutes = check_minutes(int(minutes))
    site = get_site(desk)
    if room not in site.settings.rooms:
        raise ValidationError("Choose a room from the list.", field="room")
    if with_message and guest_id is None:
        raise ValidationError("Choose the guest the message is for.", field="guest")
    now = desk.clock.now()
    if starts_at + timedelta(minutes=minutes) <= now:
        raise ValidationError("That time has already passed.", field="starts_at")
    appointment_id = new_id()
    with desk.unit_of_work() as uow:
        agency = uow.session.get(Agency, agency_id)
        if agency is None:
            raise ValidationError("Choose the agency from the list.", field="agency")
        if room != ONLINE_ROOM:
            clash = _clash(uow.session, site.settings.room_list.former_names(room), starts_at, minutes)
            if clash is not None:
                local = clash.starts_at.astimezone(site.zone)
                raise RuleViolation(f"{room} is booked from {local:%H:%M} for {clash.minutes} minutes ({clash.what}).")
        guest = resolve_live(uow.session, guest_id) if guest_id else None
        row = Appointment(id=appointment_id, guest_id=guest.id if guest else None, agency_id=agency.id, what=what,
                          starts_at=starts_at, minutes=minutes, room=room, created_at=now, created_by=uow.staff_id)
        uow.session.add(row)
        uow.audit("room_booked", APPOINTMENT, appointment_id, detail=f"guest={guest.id}" if guest else "session")
        uow.outbox("appointment.book", appointment_id=appointment_id, guest_id=guest.id if guest else None,
                   agency_id=agency.id, what=what, starts_at=starts_at, minutes=minutes, room=room)
        if with_message and guest is not None:
            message_id = new_id()
            local = starts_at.astimezone(site.zone)
            body = appointment_text(what, f"{local:%a %-d %b %H:%M}", room)
            uow.session.add(Message(
                id=message_id, guest_id=guest.id, for_name=guest.preferred_name, agency_id=agency.id, contact=None,
                body=body, category=MessageCategory.APPOINTMENT.value, urgent=False,
                relevant_until=starts_at + timedelta(minutes=minutes), created_at=now, created_by=uow.staff_id,
                linked_at=now))
            uow.audit("message_posted", "message", message_id, detail=f"guest={guest.id};appointment")
            uow.outbox("message.post", message_id=message_id, guest_id=guest.id, for_name=None,
                       agency_id=agency.id, contact=None, body=body, category=MessageCategory.APPOINTMENT.value,
                       urgent=False, relevant_until=starts_at + timedelta(minutes=minutes), at=now, discreet=False)
            row.message_id = message_id  # its own operation: the booking now points at its message
            uow.outbox("appointment.message", appointment_id=appointment_id, message_id=message_id)
            uow.changed("message", message_id)
        uow.changed(APPOINTMENT, appointment_id)
        if guest:
            uow.changed(GUEST, guest.id)
    return appointment_id, uow.changes


def mark(desk: DeskContext, appointment_id: str, state: AppointmentState | str) -> Changes:
    """Attended, missed or cancelled (recorded once; a mistake is corrected by marking again)."""
    desk.require(Permission.FRONT_DESK, "record appointments")
    try:
        outcome = AppointmentState(state)
    except ValueError:
        raise ValidationError("Choose attended, missed or cancelled.", field="state") from None
    if outcome is AppointmentState.BOOKED:
        raise ValidationError("Choose attended, missed or cancelled.", field="state")
    with desk.unit_of_work() as uow:
        row = uow.session.get(Appointment, appointment_id)
        if row is None:
            raise NotFound("That booking does not exist.")
        if outcome is not AppointmentState.CANCELLED and row.guest_id is None:
            raise RuleViolation("A session has no one guest to be attended or missed: cancel it, or leave it.")
        row.state = outcome.value
        row.outcome_at = uow.now
        row.outcome_by = uow.staff_id
        uow.audit("appointment_" + outcome.value, APPOINTMENT, appointment_id)
        uow.outbox("appointment.mark", appointment_id=appointment_id, state=outcome.value, at=uow.now)
        uow.changed(APPOINTMENT, appointment_id)
    return uow.changes


def day_calendar(desk: DeskContext, day: date) -> list[Booking]:
    """The rooms' bookings on a local day, by time then room (a list of people: audited)."""
    desk.require(Permission.FRONT_DESK, "see the rooms' calendar")
    site = get_site(desk)
    zone = site.zone
    lo = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    hi = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    with desk.store.read() as session:
        out = _bookings(session, lo, hi, site.settings.room_list)
    record_list_view(desk, "room_calendar", len(out))
    return out


def appointments_today(session: Session, guest_ids: list[str], since: datetime,
                       day_end: datetime) -> list[Appointment]:
    """Internal (sign-in): the guest's booked appointments from ``since`` to the end of the day."""
    return list(session.scalars(select(Appointment).where(
        Appointment.guest_id.in_(guest_ids), Appointment.state == AppointmentState.BOOKED.value,
        Appointment.starts_at >= since, Appointment.starts_at < day_end).order_by(Appointment.starts_at)))


def _bookings(session: Session, lo: datetime, hi: datetime, rooms: RoomList) -> list[Booking]:
    """Each under its room's name now (a booking keeps the name it was made under)."""
    agencies = {a.id: a.name for a in session.scalars(select(Agency))}
    rows = session.execute(select(Appointment, Guest.preferred_name).outerjoin(Guest, Guest.id == Appointment.guest_id)
                           .where(Appointment.starts_at >= lo, Appointment.starts_at < hi)
                           .order_by(Appointment.starts_at, Appointment.room)).all()
    return [Booking(a.id, rooms.current_name(a.room), a.starts_at, a.minutes, a.what, agencies.get(a.agency_id, ""), a.guest_id, name,
                    AppointmentState(a.state)) for a, name in rows]


def _clash(session: Session, names: set[str], starts_at: datetime, minutes: int) -> Appointment | None:
    lo, hi = starts_at - timedelta(hours=8), starts_at + timedelta(minutes=minutes)
    for row in session.scalars(select(Appointment).where(
            Appointment.room.in_(names), Appointment.state != AppointmentState.CANCELLED.value,
            Appointment.starts_at >= lo, Appointment.starts_at < hi)):
        if overlaps(row.starts_at, row.minutes, starts_at, minutes):
            return row
    return None


__all__ = ["APPOINTMENT", "appointments_today", "book", "day_calendar", "mark", "rooms"]
