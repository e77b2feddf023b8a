"""Adding a guest with only a name, with possible duplicates suggested while typing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from safespace_desk.services import search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add


def test_add_a_guest_with_only_a_name_then_sign_them_in(qtbot: QtBot, desk: DeskContext, make_page) -> None:
    page = make_page(desk)
    box = page.search_panel.search_box
    qtbot.keyClicks(box, "Marnie")
    model = page.search_panel.model
    assert model.rowCount() == 1 and model.is_add_row(0)  # "Add “Marnie” as a new guest"
    qtbot.keyClick(box, Qt.Key.Key_Return)
    panel = page.add_guest
    assert panel.isVisible() and panel.name.text() == "Marnie" and panel.name.hasFocus()
    qtbot.keyClick(panel.name, Qt.Key.Key_Return)  # only the name: Enter adds

    assert [h.name for h in search.find_guests(desk, "Marnie")] == ["Marnie"]
    assert page.search_panel.isVisible() and box.text() == "Marnie"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # and Enter again signs the new guest in
    assert [g.name for g in visits.who_is_in(desk)] == ["Marnie"]


def test_duplicates_are_suggested_while_typing_and_this_is_them_jumps_to_the_guest(
        qtbot: QtBot, desk: DeskContext, make_page) -> None:
    add(desk, "Stephen Doyle", aliases=("Stevie",))
    page = make_page(desk)
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    panel = page.add_guest
    assert panel.isVisible()
    qtbot.keyClicks(panel.name, "Steph")
    assert panel.duplicate_names() == ["Stephen Doyle"]
    qtbot.mouseClick(panel.findChild(QPushButton, "thisIsThem"), Qt.MouseButton.LeftButton)
    assert page.search_panel.isVisible()
    assert page.search_panel.selected_hit().name == "Stephen Doyle"
    assert len(search.find_guests(desk, "Steph")) == 1  # nothing was added


def test_a_bad_year_of_birth_is_named_inline_and_nothing_is_written(
        qtbot: QtBot, desk: DeskContext, make_page) -> None:
    page = make_page(desk)
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    panel = page.add_guest
    qtbot.keyClicks(panel.name, "Tam")
    qtbot.keyClicks(panel.birth, "1800")
    qtbot.keyClick(panel.birth, Qt.Key.Key_Return)
    assert "year of birth" in panel.errors.text_for("birth")
    assert panel.birth.hasFocus()
    assert search.find_guests(desk, "Tam") == []
