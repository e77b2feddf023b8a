"""Logging an enquiry by keyboard: the default answer at once; more than that only with the lead's
approval typed on this desk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.enquiries_page import EnquiriesPage
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.services.frontdesk_helpers import add, desk_as

CTRL = Qt.KeyboardModifier.ControlModifier


def _show(qtbot: QtBot, page: EnquiriesPage) -> None:
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=2000)


def _rows(desk: DeskContext) -> list[tuple[str, ...]]:
    return desk.store.raw_connection_sql("SELECT asker, reference, about_name, legal_basis, answer, approved_by "
                                         "FROM enquiry ORDER BY at")


def test_a_desk_worker_logs_the_default_answer_and_a_lead_approves_more(
        qtbot: QtBot, desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    add(desk, "Kez")
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        page = EnquiriesPage(front)
        _show(qtbot, page)
        page.focus_first()
        qtbot.keyClicks(page.asker, "PC Jones")
        qtbot.keyClick(page.asker, Qt.Key.Key_Tab)
        qtbot.keyClicks(page.reference, "4521")
        qtbot.keyClick(page.reference, Qt.Key.Key_Tab)
        assert page.about.box.hasFocus()
        qtbot.keyClicks(page.about.box, "kez")
        qtbot.keyClick(page.about.box, Qt.Key.Key_Return)
        qtbot.keyClick(page.about.box, Qt.Key.Key_Tab)
        qtbot.keyClicks(page.purpose, "Checking whereabouts")
        qtbot.keyClick(page.purpose, Qt.Key.Key_Tab)
        qtbot.keyClick(page.basis, Qt.Key.Key_Down)  # consent
        qtbot.keyClick(page.basis, Qt.Key.Key_Down)  # prevention or detection of crime
        qtbot.keyClick(page.basis, Qt.Key.Key_S, CTRL)
        assert _rows(desk) == [("PC Jones", "4521", "Kez", "crime", "default", None)]
        assert "default answer" in page.banner.message.text()
        # More than the default: the lead types their name and password on this desk first.
        qtbot.keyClicks(page.asker, "Officer Patel")
        page.about.box.setFocus()
        qtbot.keyClicks(page.about.box, "Jo")
        page.purpose.setFocus()
        qtbot.keyClicks(page.purpose, "Licence check")
        page.basis.setFocus()
        qtbot.keyClick(page.basis, Qt.Key.Key_Down)  # consent
        page.answer.setFocus()
        qtbot.keyClick(page.answer, Qt.Key.Key_Down)
        page.said.setFocus()
        qtbot.keyClicks(page.said, "Jo was in on Monday")
        qtbot.keyClick(page.said, Qt.Key.Key_S, CTRL)
        assert len(_rows(desk)) == 1 and page.approval.isVisible()  # nothing recorded before approval
        form = page.approval
        qtbot.keyClicks(form.lead_name, MANAGER_NAME)
        qtbot.keyClicks(form.lead_secret, MANAGER_PASSWORD)
        qtbot.keyClicks(form.reason, "Jo agreed to share with probation")
        qtbot.keyClick(form.reason, Qt.Key.Key_Return)
        rows = _rows(desk)
        assert len(rows) == 2 and rows[1][4] == "disclosed" and rows[1][5] == desk.require_actor().staff_id
        assert not page.approval.isVisible() and page.log_note.isVisible()  # desk staff do not read the log
    finally:
        front.close()
