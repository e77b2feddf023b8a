"""Where people went, by keyboard: sign-out completes a place from the site's list; a hostel swap from
In now signs the guest out and puts the person coming on the Expected tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from safespace_desk.services import arrivals, moves, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def test_sign_out_completes_a_place_from_the_list(qtbot: QtBot, desk: DeskContext,
                                                   make_page) -> None:  # type: ignore[no-untyped-def]
    moves.add_destination(desk, "Centenary House", "hostel")
    visit = visits.sign_in(desk, add(desk, "Kez"), "self")
    page = make_page(desk)
    box = page.search_panel.search_box
    qtbot.keyClicks(box, "kez")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    where = page.search_panel.banner.findChild(QLineEdit, "signOutPromptText")
    assert where.hasFocus()
    qtbot.keyClicks(where, "cent")
    assert where.text().casefold() == "centenary house"  # completed inline (the list's name is kept)
    qtbot.keyClick(where, Qt.Key.Key_Return)
    row = desk.store.raw_connection_sql(f"SELECT departed_to, departed_kind FROM visit WHERE id = '{visit.visit_id}'")
    assert row == [("Centenary House", "hostel")]


def test_a_hostel_swap_from_in_now(qtbot: QtBot, desk: DeskContext, make_page) -> None:  # type: ignore[no-untyped-def]
    moves.add_destination(desk, "Centenary House", "hostel")
    visits.sign_in(desk, add(desk, "Kez"), "self")
    page = make_page(desk)
    page.show_tab(0)
    panel = page.in_now
    qtbot.keyClick(panel.table, Qt.Key.Key_W, ALT)
    form = panel.swap_form
    assert form.isVisible() and form.hostel.hasFocus()
    qtbot.keyClick(form.hostel, Qt.Key.Key_Down)  # "Hostel", then "Centenary House"
    assert form.hostel.currentText() == "Centenary House"
    form.incoming.box.setFocus()
    qtbot.keyClicks(form.incoming.box, "Woman from Centenary House")
    qtbot.keyClick(form.incoming.box, Qt.Key.Key_Return, CTRL)
    assert visits.who_is_in(desk) == []
    [expected] = arrivals.open_arrivals(desk)
    assert (expected.who, expected.from_whom) == ("Woman from Centenary House", "Centenary House")
    assert "Expected" in page.search_panel.banner.message.text() or not form.isVisible()
