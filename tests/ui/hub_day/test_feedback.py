"""A guest's short feedback at the desk, anonymous, by keyboard (Ctrl+G, arrows and Space, Tab, Ctrl+Return, Esc):
too long is refused with its length under the box and nothing is saved; saved or closed, the column goes
back to the search with nothing left on the form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.feedback import WORDS_MAX
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.desk.feedback_panel import ANONYMOUS_NOTE


def _rows(desk: DeskContext) -> list[tuple[object, ...]]:
    return desk.store.raw_connection_sql("SELECT given_on, words, rating FROM guest_feedback")


def test_feedback_typed_at_the_desk_by_keyboard(qtbot: QtBot, desk: DeskContext,
                                                make_page) -> None:  # type: ignore[no-untyped-def]
    page = make_page(desk)
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    panel = page.feedback
    assert page.left.currentWidget() is panel and panel.note.text() == ANONYMOUS_NOTE
    qtbot.waitUntil(lambda: panel.rating_buttons["welcome"].hasFocus())
    qtbot.keyClick(panel.rating_buttons["welcome"], Qt.Key.Key_Right)  # the answers are one Tab stop
    assert panel.rating_buttons["okay"].hasFocus()
    qtbot.keyClick(panel.rating_buttons["okay"], Qt.Key.Key_Space)
    assert panel.rating() == "okay"
    qtbot.keyClick(panel.rating_buttons["okay"], Qt.Key.Key_Tab)
    assert panel.words.hasFocus()
    qtbot.keyClicks(panel.words, "x" * (WORDS_MAX + 3))
    assert panel.counter.text() == f"{WORDS_MAX + 3} of {WORDS_MAX} characters — too long"
    qtbot.keyClick(panel.words, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert f"too long ({WORDS_MAX + 3} characters)" in panel.errors.text_for("words")
    assert _rows(desk) == []  # nothing saved
    panel.words.setPlainText("Zoë: the tea was hot 🙂 — 谢谢")
    qtbot.keyClick(panel.words, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [(given_on, words, rating)] = _rows(desk)
    assert (words, rating) == ("Zoë: the tea was hot 🙂 — 谢谢", "okay") and len(str(given_on)) == 10
    assert panel.words.toPlainText() == "" and panel.rating() == ""  # ready for the next guest
    assert page.left.currentWidget() is page.search_panel and page.search_panel.search_box.hasFocus()
    assert "feedback is saved" in page.search_panel.banner.message.text()


def test_nothing_written_and_no_answer_says_what_is_missing(qtbot: QtBot, desk: DeskContext,
                                                            make_page) -> None:  # type: ignore[no-untyped-def]
    page = make_page(desk)
    page.search_panel.feedback_button.click()
    page.feedback.save_button.click()
    assert "Write a few words or choose how welcome" in page.feedback.errors.text_for("words")
    assert _rows(desk) == []
    page.feedback.words.setPlainText("half a thought")
    qtbot.keyClick(page.feedback.words, Qt.Key.Key_Escape)  # closed: nothing kept, nothing left on the form
    assert page.left.currentWidget() is page.search_panel and page.feedback.words.toPlainText() == ""
    assert _rows(desk) == []
