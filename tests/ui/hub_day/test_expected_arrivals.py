"""Logging an expected arrival by keyboard on the desk's Expected tab, and its linking at sign-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import arrivals, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add, at_local

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def test_an_expected_prison_release_is_logged_by_keyboard_and_linked_at_sign_in(
        qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:  # type: ignore[no-untyped-def]
    at_local(clock, 2026, 11, 28, 10, 0)  # a Saturday morning
    add(desk, "Kez")
    page = make_page(desk)
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_6, CTRL)
    assert page.tabs.currentWidget() is page.expected
    panel = page.expected
    qtbot.keyClick(panel, Qt.Key.Key_A, ALT)
    form = panel.form
    assert form.isVisible() and form.who.box.hasFocus()
    qtbot.keyClicks(form.who.box, "kez")
    qtbot.keyClick(form.who.box, Qt.Key.Key_Return)  # picks the guest from the matches
    assert form.who.guest_id is not None
    qtbot.keyClick(form.who.box, Qt.Key.Key_Tab)
    assert form.from_whom.hasFocus()
    qtbot.keyClicks(form.from_whom, "HMP Nottingham")
    form.needs.setFocus()
    qtbot.keyClicks(form.needs, "A bed tonight")
    qtbot.keyClick(form.needs, Qt.Key.Key_Return)
    [expected] = arrivals.open_arrivals(desk)
    assert (expected.who, expected.from_whom, expected.via, expected.needs) == \
        ("Kez", "HMP Nottingham", ArrivedVia.PRISON, "A bed tonight")
    assert not form.isVisible() and page.tabs.tabText(5) == "Expected (1)"
    # Kez arrives: the sign-in links the arrival and says who told us.
    box = page.search_panel.search_box
    page.focus_search()
    qtbot.keyClick(box, Qt.Key.Key_9, ALT)  # arrived via Prison
    qtbot.keyClicks(box, "kez")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert [g.arrived_via for g in visits.who_is_in(desk)] == [ArrivedVia.PRISON]
    assert "Expected from HMP Nottingham" in page.search_panel.banner.detail.text()
    assert arrivals.open_arrivals(desk) == [] and page.tabs.tabText(5) == "Expected"


def test_a_description_is_marked_not_arrived(qtbot: QtBot, desk: DeskContext, clock: FixedClock,
                                             make_page) -> None:  # type: ignore[no-untyped-def]
    now = at_local(clock, 2026, 11, 28, 10, 0)
    arrivals.expect_arrival(desk, description="Woman from the hostel swap", from_whom="Centenary House",
                            via="hostel", expected_at=now)
    page = make_page(desk)
    page.show_tab(5)
    qtbot.keyClick(page.expected, Qt.Key.Key_N, ALT)
    assert arrivals.open_arrivals(desk) == []
    assert "not arrived" in page.search_panel.banner.message.text() or page.expected.model.rowCount() == 0
