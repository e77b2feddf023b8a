"""The day-to-night change asks for a decision about everyone beyond the beds; the bed board works."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import beds, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add, at_local


def _visible(parent: QWidget, name: str) -> list[QPushButton]:
    """Buttons on screen now (replaced rows linger, hidden, until Qt deletes them later)."""
    return [b for b in parent.findChildren(QPushButton, name) if b.isVisible()]


def _sign_in(desk: DeskContext, names: list[str]) -> list[str]:
    return [visits.sign_in(desk, add(desk, name), "self").visit_id for name in names]


def test_night_banner_appears_at_twenty_hundred_and_its_actions_work(
        qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:
    at_local(clock, 2026, 11, 24, 19, 0)
    _sign_in(desk, [f"Guest {n:02d}" for n in range(1, 11)])
    page = make_page(desk)
    banner = page.night_banner
    assert banner.isHidden()
    assert page.status_strip.period.text() == "Day · 6 of 16 places free"

    at_local(clock, 2026, 11, 24, 20, 0)
    page.tick()  # what the 30-second timer does
    assert banner.isVisible()
    assert banner.message.text() == "Night · 10 guests in without a bed"
    # The header and the banner agree: eight beds, none given yet, two more people than beds (finding 9).
    assert page.status_strip.period.text() == "Night · 8 of 8 beds free · 10 in"
    assert "8 beds free" in banner.detail.text()

    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert sum(1 for g in visits.who_is_in(desk) if g.bed) == 8
    assert banner.message.text() == "Night · 2 guests in without a bed"
    assert page.status_strip.period.text() == "Night · 0 of 8 beds free · 10 in"

    sign_out = _visible(banner, "nightSignOut")[0]
    qtbot.mouseClick(sign_out, Qt.MouseButton.LeftButton)
    assert len(visits.who_is_in(desk)) == 9
    assert banner.message.text() == "Night · 1 guest in without a bed"

    qtbot.mouseClick(_visible(banner, "nightKeep")[0], Qt.MouseButton.LeftButton)
    reason = banner.findChild(QLineEdit, "overrideReason")
    assert reason.hasFocus()
    qtbot.keyClicks(reason, "Sofa in the TV room: hospital discharge, nowhere else")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    check = beds.night_check(desk)
    assert check is not None and not check.needs_decision
    assert banner.isHidden()


def test_bed_board_gives_and_moves_beds(qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    first, second = _sign_in(desk, ["Ash", "Bo"])  # night: beds 1 and 2 given at sign-in
    beds.free_bed(desk, second)
    page = make_page(desk)
    page.show_tab(1)
    board = page.bed_board
    assert board.title.text().startswith("Tonight · Tue 24 Nov · 7 of 8 free")

    board.select_bed("Bed 5")
    board.choose_guest(second)
    qtbot.keyClick(board.table, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # Give · Alt+B
    held = {b.label: b.guest_name for b in beds.bed_board(desk).beds if b.guest_name}
    assert held == {"Bed 1": "Ash", "Bed 5": "Bo"}

    board.select_bed("Bed 1")
    board.move_choice.setCurrentText("Bed 8")
    qtbot.mouseClick(board.move_button, Qt.MouseButton.LeftButton)
    held = {b.label: b.guest_name for b in beds.bed_board(desk).beds if b.guest_name}
    assert held == {"Bed 8": "Ash", "Bed 5": "Bo"}
    assert page.search_panel.banner.message.text() == "Ash moved from Bed 1 to Bed 8"

    board.select_bed("Bed 5")
    qtbot.mouseClick(board.free_button, Qt.MouseButton.LeftButton)
    assert {b.label for b in beds.bed_board(desk).beds if b.guest_name} == {"Bed 8"}
    assert page.night_banner.isVisible()  # Bo is now in without a bed: the desk asks again
    del first


def test_turning_large_text_on_under_the_night_banner_keeps_one_set_of_actions(
        qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:
    """Restyling the banner sent it FontChange while it rebuilt for the new text size, and each of
    those rebuilt it again: a hundred copies of its buttons, stacked below the banner's bottom."""
    from PySide6.QtWidgets import QApplication

    from safespace_desk.ui.kit.theme import SCHEME_PROPERTY, Theme, ThemeController

    at_local(clock, 2026, 11, 24, 19, 0)
    _sign_in(desk, [f"Guest {n:02d}" for n in range(1, 11)])
    at_local(clock, 2026, 11, 24, 20, 30)
    page = make_page(desk)
    page.show()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    try:
        theme = ThemeController(app, theme=Theme.DAY)
        page.tick()
        banner = page.night_banner
        # One guest's row in either text size (the ten arrival buttons need the room below).
        assert banner.isVisible() and len(_visible(banner, "nightSignOut")) == 1
        theme.set_large_text(True)
        assert len(banner.buttons()) == 2  # "Give beds in arrival order" and "Same beds as last night"
        assert len(_visible(banner, "nightSignOut")) == 1
        theme.set_large_text(False)
        assert len(banner.buttons()) == 2 and len(_visible(banner, "nightSignOut")) == 1
    finally:
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())
        app.setProperty(SCHEME_PROPERTY, None)
        app.setFont(font)
