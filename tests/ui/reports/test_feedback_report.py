"""The guests' feedback on the Reports page: counts by how welcome they felt, their words for the month,
and a manager's Delete (asked twice) that recounts."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import feedback
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.reports.page import ReportsPage
from safespace_desk.ui.shell import MainShell
from tests.services.frontdesk_helpers import at_local


def test_feedback_counted_listed_and_deleted(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                             clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 2, 10, 0)
    feedback.give_feedback(desk, "Felt safe here", "welcome")
    feedback.give_feedback(desk, "Bo at the desk was great", "okay")  # a name, by mistake
    feedback.give_feedback(desk, None, "not_welcome")
    at_local(clock, 2026, 11, 20, 10, 0)
    page = ReportsPage(desk, shell)
    shell.add_page("reports", "Reports", page)
    shell.show()
    qtbot.waitExposed(shell)
    shell.show_page("reports")
    page.picker.set_month(2026, 11)
    counts = page.feedback.counts
    assert counts.value_of("Feedback given") == "3"
    assert [counts.value_of(f"Felt: {w}") for w in ("Welcome", "Okay", "Not welcome", "No answer")] == \
        ["1", "1", "1", "0"]
    texts = [row.text.text() for row in page.feedback.rows]
    assert texts == ["2 Nov · Okay — Bo at the desk was great", "2 Nov · Welcome — Felt safe here"]
    named = page.feedback.rows[0]
    qtbot.waitUntil(named.isVisible)
    assert named.delete_button.isVisible() and not named.confirm_button.isVisible()
    named.delete_button.click()
    assert named.confirm_button.isVisible() and named.keep_button.isVisible()
    named.confirm_button.click()
    assert [row.text.text() for row in page.feedback.rows] == ["2 Nov · Welcome — Felt safe here"]
    assert page.feedback.counts.value_of("Feedback given") == "2"
    assert "deleted" in page.banner.text()
    page.picker.set_month(2026, 10)
    assert page.feedback.rows == [] and page.feedback.empty.isVisible()
