"""A shift lead keeps two guests apart from the Guest tab by keyboard; the desk then warns at sign-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.services import keep_apart, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add

ALT = Qt.KeyboardModifier.AltModifier


def test_a_lead_keeps_two_guests_apart_and_sign_in_warns(qtbot: QtBot, desk: DeskContext,
                                                          make_page) -> None:  # type: ignore[no-untyped-def]
    ann, bob = add(desk, "Ann"), add(desk, "Bob")
    visits.sign_in(desk, ann, "self")
    page = make_page(desk)
    page.open_guest(bob)
    page.show_tab(3)
    box = page.details.keep_apart_box
    assert box.isVisible() and box.add_button.isVisible()
    page.details.edit_button.setFocus()  # anywhere on the record
    qtbot.keyClick(page.details.edit_button, Qt.Key.Key_P, ALT)
    assert box.form.isVisible() and box.other.box.hasFocus()
    qtbot.keyClicks(box.other.box, "ann")
    qtbot.keyClick(box.other.box, Qt.Key.Key_Return)
    box.reason.setFocus()
    qtbot.keyClicks(box.reason, "Bail: no contact")
    qtbot.keyClick(box.reason, Qt.Key.Key_Return)
    [link] = keep_apart.links_of(desk, bob)
    assert (link.other_name, link.reason) == ("Ann", "Bail: no contact")
    page.focus_search()
    qtbot.keyClicks(page.search_panel.search_box, "bob")
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_Return)
    banner = page.search_panel.banner
    assert "Keep apart: Ann is in now" in banner.detail.text() and "Bail" not in banner.detail.text()
