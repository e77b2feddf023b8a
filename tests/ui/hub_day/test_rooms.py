"""Booking a room by keyboard on the Rooms page, and marking it attended."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safespace_desk.domain.appointments import AppointmentState
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import appointments, messages
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.rooms_page import RoomsPage
from tests.services.frontdesk_helpers import add, at_local

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_dentist_appointment_booked_by_keyboard(qtbot: QtBot, desk: DeskContext, clock: FixedClock) -> None:
    now = at_local(clock, 2026, 10, 6, 9, 0)
    kez = add(desk, "Kez")
    page = RoomsPage(desk)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=2000)
    page.focus_first()
    qtbot.keyClicks(page.what, "Dentist")
    page.guest.box.setFocus()
    qtbot.keyClicks(page.guest.box, "kez")
    qtbot.keyClick(page.guest.box, Qt.Key.Key_Return)
    page.room.setCurrentIndex(2)  # Appointment room 2
    qtbot.keyClick(page.room, Qt.Key.Key_S, CTRL)
    [booked] = appointments.day_calendar(desk, now.astimezone(page.zone).date())
    assert (booked.what, booked.room, booked.guest_name) == ("Dentist", "Appointment room 2", "Kez")
    assert messages.waiting_for(desk, kez)[0].body.startswith("Dentist, Tue 6 Oct 10:00")
    page.table.setFocus()
    page.mark(AppointmentState.ATTENDED)
    assert appointments.day_calendar(desk, now.astimezone(page.zone).date())[0].state is AppointmentState.ATTENDED
