"""Appointments and rooms (issue 13, item 5): the hub's clinical room and two appointment rooms, the
dentist twice a week, other agencies' sessions, some appointments online. A booking is a room for a
time, for one guest (an appointment) or for an agency's session; attended or missed is recorded, so
missed appointments can be counted (the review could not cost them because nobody counted them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from safespace_desk.domain.errors import ValidationError

DEFAULT_ROOMS = ("Clinical room", "Appointment room 1", "Appointment room 2", "Online")
ONLINE_ROOM = "Online"  # never double-booked: as many as the agency can hold
MAX_MINUTES = 8 * 60


class AppointmentState(StrEnum):
    BOOKED = "booked"
    ATTENDED = "attended"
    MISSED = "missed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Booking:
    id: str
    room: str
    starts_at: datetime
    minutes: int
    what: str
    agency: str
    guest_id: str | None
    guest_name: str | None
    state: AppointmentState

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def check_minutes(minutes: int) -> int:
    if not 5 <= minutes <= MAX_MINUTES:
        raise ValidationError("An appointment lasts between 5 minutes and 8 hours.", field="minutes")
    return minutes


def overlaps(a_start: datetime, a_minutes: int, b_start: datetime, b_minutes: int) -> bool:
    return a_start < b_start + timedelta(minutes=b_minutes) and b_start < a_start + timedelta(minutes=a_minutes)


def appointment_text(what: str, when: str, room: str) -> str:
    """How a booking reads in a message and at sign-in: "Dentist, Tue 10:00, Appointment room 2"."""
    return f"{what}, {when}, {room}"
