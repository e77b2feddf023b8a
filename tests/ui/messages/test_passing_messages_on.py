"""A guest with two waiting messages comes in: the desk shows them, staff pass them on, the board follows."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from safespace_desk.domain.messages import MessageState
from safespace_desk.services import messages, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.messages.board_model import MessageBoardModel
from safespace_desk.ui.messages.board_page import MessageBoardPage
from safespace_desk.ui.messages.deliver_dialog import MessagesWaitingBanner
from tests.services.frontdesk_helpers import LONDON, add
from tests.ui.messages.sample_hub import post


def two_messages_for_kez(desk: DeskContext) -> tuple[str, str, str]:
    kez = add(desk, "Kez")
    housing = post(desk, kez, "Housing", "Ring Jo about the hostel place", category="housing")
    gp = post(desk, kez, "GP", "Appointment Thursday 10:30", category="appointment", urgent=True,
              relevant_until=date(2026, 11, 26))
    return kez, gp, housing


def test_signed_in_guest_with_two_messages_is_shown_them_and_delivering_updates_board(
        qtbot: Any, desk: DeskContext, shown: Any) -> None:
    kez, gp, housing = two_messages_for_kez(desk)
    board = MessageBoardPage(desk)
    banner = MessagesWaitingBanner(desk)
    banner.changes_made.connect(board.apply_changes)
    shown(banner, board)
    assert {board.model.message(r).id for r in range(board.model.rowCount())} == {gp, housing}

    visits.sign_in(desk, kez, "self")  # what the front desk does; then it asks the banner
    assert banner.show_for(kez) == 2
    assert banner.isVisible() and banner.text.text() == "2 messages waiting for Kez (1 urgent)"

    qtbot.keyClick(banner.open_button, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = banner.dialog
    assert dialog is not None and dialog.isVisible()
    assert [c.view.id for c in dialog.cards] == [gp, housing]  # urgent first
    assert dialog.cards[0].property("urgent") is True

    first = dialog.cards[0]
    qtbot.waitUntil(first.note.hasFocus, timeout=2000)
    qtbot.keyClicks(first.note, "Wrote the time on a card for him")
    qtbot.keyClick(first.note, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)

    delivered = messages.open_message(desk, gp)
    assert delivered.state_at(desk.clock.now()) is MessageState.DELIVERED
    assert delivered.delivery_note == "Wrote the time on a card for him"
    assert [m.id for m in messages.waiting_for(desk, kez)] == [housing]
    assert [board.model.message(r).id for r in range(board.model.rowCount())] == [housing]
    assert dialog.cards[1].note.hasFocus()  # straight on to the next one

    dialog.close_button.click()
    assert banner.text.text() == "1 message waiting for Kez"


def test_not_passed_on_needs_a_reason_shown_inline(qtbot: Any, desk: DeskContext, shown: Any) -> None:
    kez, gp, _housing = two_messages_for_kez(desk)
    banner = MessagesWaitingBanner(desk)
    shown(banner)
    banner.show_for(kez)
    dialog = banner.open_messages()
    assert dialog is not None
    card = dialog.cards[0]
    qtbot.waitUntil(card.note.hasFocus, timeout=2000)

    qtbot.mouseClick(card.not_passed_button, Qt.MouseButton.LeftButton)
    assert "Say why it was not passed on" in card.error_text
    assert card.note.property("invalid") is True and card.is_open
    assert messages.open_message(desk, gp).state_at(desk.clock.now()) is MessageState.WAITING

    qtbot.keyClicks(card.note, "Too unwell to take it in tonight")
    qtbot.keyClick(card.note, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    view = messages.open_message(desk, gp)
    assert view.state_at(desk.clock.now()) is MessageState.NOT_PASSED_ON
    assert view.not_passed_reason == "Too unwell to take it in tonight"
    assert not card.is_open and card.error_text == ""


def test_new_message_for_a_name_not_on_the_register_then_linked(
        qtbot: Any, desk: DeskContext, shown: Any) -> None:
    danny = add(desk, "Danny")
    board = MessageBoardPage(desk)
    shown(board)
    board.setFocus()
    qtbot.keyClick(board, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = board.new_form
    assert form.guest.box.hasFocus()
    qtbot.keyClicks(form.guest.box, "Dan in the red coat")
    form.agency.setCurrentIndex(form.agency.findText("Police"))
    qtbot.keyClicks(form.body, "Victim services would like him to call them")
    form.urgent.setChecked(True)
    qtbot.keyClick(form.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    [view] = messages.board(desk)
    assert not view.linked and view.guest_name == "Dan in the red coat" and view.urgent
    assert board.model.message(0).id == view.id
    assert board.model.data(board.model.index(0, 0)) == "Not yet linked: Dan in the red coat"

    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    link = board.link_form
    link.guest.box.clear()
    qtbot.keyClicks(link.guest.box, "Danny")
    qtbot.keyClick(link.guest.box, Qt.Key.Key_Return)  # picks the highlighted match
    assert link.guest.guest_id == danny
    qtbot.keyClick(link.guest.box, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [m.id for m in messages.waiting_for(desk, danny)] == [view.id]
    assert board.model.data(board.model.index(0, 0)) == "Danny"


def test_new_message_errors_name_the_field(qtbot: Any, desk: DeskContext, shown: Any) -> None:
    board = MessageBoardPage(desk)
    shown(board)
    board.start_new_message()
    form = board.new_form
    form.agency.setCurrentIndex(0)
    form.save_button.click()
    assert form.errors.text_for("body").startswith("Message")
    assert form.body.property("invalid") is True
    assert messages.board(desk, messages.BoardFilter.ALL) == []


def test_board_model_is_a_well_behaved_qt_model(qtmodeltester: Any, desk: DeskContext) -> None:
    two_messages_for_kez(desk)
    model = MessageBoardModel()
    model.set_messages(messages.board(desk), LONDON, desk.clock.now())
    qtmodeltester.check(model)
    assert model.data(model.index(0, 3)) == "URGENT"
