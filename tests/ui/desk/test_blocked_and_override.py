"""An excluded guest is blocked with the reason and time left; a lead's inline override lets them in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import exclusions, staff, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.desk.override_form import OverrideForm
from tests.services.frontdesk_helpers import add, at_local, desk_as


def _exclude_robin(desk: DeskContext, clock: FixedClock) -> str:
    at_local(clock, 2026, 11, 24, 6, 40)
    robin = add(desk, "Robin")
    exclusions.issue_exclusion(desk, robin, "Threatened staff", hours=24)
    at_local(clock, 2026, 11, 24, 14, 0)
    return robin


def test_excluded_guest_is_blocked_and_a_visiting_lead_overrides(
        qtbot: QtBot, desk: DeskContext, data_dir: Path, clock: FixedClock, make_page) -> None:
    robin = _exclude_robin(desk, clock)
    staff.add_staff(desk, name="Lee Lead", role="lead", password="Lee Lead lantern quartz meadow 7")
    desk_user = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    page = make_page(desk_user)
    panel = page.search_panel
    box = panel.search_box

    qtbot.keyClicks(box, "rob")
    assert "Excluded until Wed 06:40 — 16h 40m left" in panel.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert visits.who_is_in(desk) == []
    banner = panel.banner
    assert banner.property("tone") == "danger"
    assert "excluded until Wed 06:40 (16h 40m left)" in banner.message.text()
    assert "Threatened staff" in banner.message.text()

    qtbot.keyClick(box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # Override (lead)…
    name = banner.findChild(QLineEdit, "leadName")
    secret = banner.findChild(QLineEdit, "leadSecret")
    reason = banner.findChild(QLineEdit, "overrideReason")
    assert name.hasFocus()
    offered = name.completer().model()
    assert [offered.index(r, 0).data() for r in range(offered.rowCount())] == ["Lee Lead", "Mo Manager"]
    qtbot.keyClicks(name, "Lee Lead")
    qtbot.keyClicks(secret, "wrong password")
    qtbot.keyClicks(reason, "Brought by police, nowhere safe tonight")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    form = banner.findChild(OverrideForm, "overrideForm")
    assert "do not match" in form.errors.text_for("lead_secret")
    assert visits.who_is_in(desk) == []

    qtbot.keyClicks(secret, "Lee Lead lantern quartz meadow 7")
    qtbot.keyClick(secret, Qt.Key.Key_Return)
    inside = visits.who_is_in(desk)
    assert [g.name for g in inside] == ["Robin"]
    visit = visits.guest_visits(desk, robin)[0]
    assert visit.override_reason == "Brought by police, nowhere safe tonight"
    assert banner.message.text() == "Robin signed in · via Self"
    assert "Override recorded (by Lee Lead)" in banner.detail.text()
    desk_user.close()


def test_a_lead_at_their_own_desk_gives_only_a_reason(
        qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:
    _exclude_robin(desk, clock)
    page = make_page(desk)  # signed in as the manager
    box = page.search_panel.search_box
    qtbot.keyClicks(box, "rob")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    banner = page.search_panel.banner
    assert banner.findChild(QLineEdit, "leadName").isHidden()
    reason = banner.findChild(QLineEdit, "overrideReason")
    qtbot.keyClick(reason, Qt.Key.Key_Return)  # no reason yet: the field says so, nothing written
    assert visits.who_is_in(desk) == []
    qtbot.keyClicks(reason, "Calm now, spoke with them")
    qtbot.keyClick(reason, Qt.Key.Key_Return)
    assert [g.name for g in visits.who_is_in(desk)] == ["Robin"]


def test_the_override_form_counts_down_after_wrong_tries(
        qtbot: QtBot, desk: DeskContext, data_dir: Path, clock: FixedClock, make_page) -> None:
    _exclude_robin(desk, clock)
    staff.add_staff(desk, name="Lee Lead", role="lead", password="Lee Lead lantern quartz meadow 7")
    desk_user = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    page = make_page(desk_user)
    box = page.search_panel.search_box
    qtbot.keyClicks(box, "rob")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    banner = page.search_panel.banner
    name, secret = banner.findChild(QLineEdit, "leadName"), banner.findChild(QLineEdit, "leadSecret")
    qtbot.keyClicks(name, "Lee Lead")
    qtbot.keyClicks(banner.findChild(QLineEdit, "overrideReason"), "Police drop-off")
    for guess in ("1111", "2222", "3333"):
        qtbot.keyClicks(secret, guess)
        qtbot.keyClick(secret, Qt.Key.Key_Return)
    form = banner.findChild(OverrideForm, "overrideForm")
    assert form.errors.text_for("lead_secret").endswith("Wait 5 seconds before trying again.")
    form.countdown.tick()
    assert form.errors.text_for("lead_secret").endswith("Wait 4 seconds before trying again.")
    assert visits.who_is_in(desk) == []
    desk_user.close()


def test_not_now_is_esc_in_the_search_box(qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:
    """The blocked banner's "Not now" is Esc where focus already is (it was Ctrl+Esc: the Start-menu
    key on Windows), and Esc leaves the desk ready for the next name."""
    _exclude_robin(desk, clock)
    page = make_page(desk)
    panel = page.search_panel
    box = panel.search_box
    qtbot.keyClicks(box, "rob")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    banner = panel.banner
    assert banner.isVisible() and banner.property("tone") == "danger"
    labels = [b.text() for b in banner.buttons()]
    assert "Not now · Esc" in labels and not any("Ctrl+Esc" in text for text in labels)
    assert box.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not banner.isVisible()
    assert box.text() == "" and box.hasFocus()
    assert visits.who_is_in(desk) == []
