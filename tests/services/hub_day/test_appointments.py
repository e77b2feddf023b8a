"""Issue 13 item 5: a calendar of rooms; an appointment carried by a message is shown at sign-in that day;
attended or missed is recorded and counted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safespace_desk.domain.appointments import AppointmentState
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import RuleViolation, ValidationError
from safespace_desk.reports.export import figures_to_csv
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import appointments, messages, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON, add, at_local


def test_a_booking_with_a_message_is_shown_at_sign_in_and_counted(desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 10, 6, 9, 0)  # a Tuesday
    kez = add(desk, "Kez")
    dentist = next(a.id for a in messages.list_agencies(desk) if a.name == "Other")
    booking, _ = appointments.book(desk, what="Dentist", agency_id=dentist, starts_at=now + timedelta(hours=1),
                                   minutes=30, room="Appointment room 2", guest_id=kez, with_message=True)
    [waiting] = messages.waiting_for(desk, kez)
    assert waiting.body == "Dentist, Tue 6 Oct 10:00, Appointment room 2"
    result = visits.sign_in(desk, kez, "self")
    assert result.appointments == "Appointment today: Dentist 10:00, Appointment room 2"
    with pytest.raises(RuleViolation, match="Appointment room 2 is booked from 10:00"):
        appointments.book(desk, what="Housing", agency_id=dentist, starts_at=now + timedelta(minutes=70),
                          minutes=30, room="Appointment room 2")
    appointments.book(desk, what="Housing online", agency_id=dentist, starts_at=now + timedelta(minutes=70),
                      minutes=30, room="Online", guest_id=kez)
    appointments.book(desk, what="Housing online", agency_id=dentist, starts_at=now + timedelta(minutes=70),
                      minutes=30, room="Online", guest_id=add(desk, "Jo"))  # online is never full
    day = [b.what for b in appointments.day_calendar(desk, now.astimezone(LONDON).date())]
    assert day == ["Dentist", "Housing online", "Housing online"]
    appointments.mark(desk, booking, AppointmentState.ATTENDED)
    other = [b for b in appointments.day_calendar(desk, now.astimezone(LONDON).date()) if b.what != "Dentist"]
    appointments.mark(desk, other[0].id, "missed")
    h = compute_figures(desk, month_range(2026, 10, LONDON)).hub_day
    assert h is not None and (h.appointments["attended"], h.appointments["missed"], h.appointments["booked"]) == (1, 1, 1)
    assert "appointments,missed,1" in figures_to_csv(compute_figures(desk, month_range(2026, 10, LONDON)))


def test_bad_bookings_name_the_field(desk: DeskContext) -> None:
    agency = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    later = desk.clock.now() + timedelta(days=1)
    for kwargs, field in (({"room": "The roof"}, "room"), ({"minutes": 2}, "minutes"), ({"what": " "}, "what"),
                          ({"with_message": True}, "guest")):
        with pytest.raises(ValidationError) as err:
            appointments.book(desk, **({"what": "GP", "agency_id": agency, "starts_at": later, "minutes": 20,
                                        "room": "Clinical room"} | kwargs))  # type: ignore[arg-type]
        assert err.value.field == field
    session_id, _ = appointments.book(desk, what="Drug service drop-in", agency_id=agency, starts_at=later,
                                      minutes=120, room="Clinical room")
    with pytest.raises(RuleViolation, match="no one guest"):
        appointments.mark(desk, session_id, "missed")
    appointments.mark(desk, session_id, "cancelled")
