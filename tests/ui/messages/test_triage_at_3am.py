"""The paramedic's triage form at 3am (issue 8, findings 4 and 5): it records the guest chosen in
the list, its time cannot be changed by stray typing, Ctrl+S saves at the first press, and the
cleared form shows no error."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import triage, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.messages.paramedic_page import ParamedicPage
from tests.services.frontdesk_helpers import add, at_local, desk_as


def test_triage_follows_the_chosen_guest_and_saves_at_the_first_ctrl_s(
        qtbot: Any, desk: DeskContext, data_dir: Any, clock: FixedClock, shown: Any) -> None:
    at_local(clock, 2026, 11, 24, 23, 0)
    for name in ("Old Bill", "Aoife", "Kez"):
        visits.sign_in(desk, add(desk, name), "self")
    paramedic = desk_as(desk, data_dir, clock, "Pat Paramedic", "paramedic")
    try:
        page = ParamedicPage(paramedic)
        shown(page)
        names = [page.people.item(row, 0).text() for row in range(page.people.rowCount())]
        first = names[0]
        assert page.guest.typed_name == first
        # Down to the next person: the triage guest follows (it used to stay on the first row).
        page.people.setFocus()
        qtbot.keyClick(page.people, Qt.Key.Key_Down)
        second = names[1]
        assert page.messages_title.text().startswith(f"Messages waiting for {second}")
        assert page.guest.typed_name == second

        # Tab from the guest goes to the presenting need, never into the time.
        page.guest.box.setFocus()
        qtbot.keyClick(page.guest.box, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is not page.when
        at_local(clock, 2026, 11, 24, 23, 38)
        qtbot.keyClicks(page.need, "Cut on the hand")
        qtbot.keyClick(page.need, Qt.Key.Key_Tab)
        qtbot.keyClicks(page.notes, "Cleaned and dressed. 22")  # digits typed here stay here
        qtbot.keyClick(page.notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # once

        [record] = triage.list_triage(paramedic, mine_only=True)
        assert record.guest_name == second
        local = record.at.astimezone(at_local(clock, 2026, 11, 24, 23, 38).tzinfo)
        assert (local.hour, local.minute) == (23, 38)
        assert f"Triage for {second} saved." in page.banner.text
        # The cleared form is ready for the next person, with no error shown.
        assert page.errors.general_text == "" and page.errors.text_for("guest") == ""
        assert page.need.text() == "" and page.notes.toPlainText() == ""
    finally:
        paramedic.close()


def test_the_page_shows_the_wait_cursor_while_it_reads(
        qtbot: Any, desk: DeskContext, data_dir: Any, clock: FixedClock, shown: Any) -> None:
    """Finding 13: opening the page reads and decrypts the triage records on the main thread (seconds
    on a big store): the wait cursor shows meanwhile, and is gone after."""
    paramedic = desk_as(desk, data_dir, clock, "Pat Paramedic", "paramedic")
    try:
        page = ParamedicPage(paramedic)
        cursors: list[object] = []
        read = page.refresh

        def refresh_noting_the_cursor() -> None:
            cursor = QApplication.overrideCursor()
            cursors.append(cursor.shape() if cursor is not None else None)
            read()

        page.refresh = refresh_noting_the_cursor  # type: ignore[method-assign]
        shown(page)
        assert cursors and set(cursors) == {Qt.CursorShape.WaitCursor}
        assert QApplication.overrideCursor() is None
    finally:
        paramedic.close()
