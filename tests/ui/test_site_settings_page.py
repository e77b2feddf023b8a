from __future__ import annotations

from pytestqt.qtbot import QtBot

from safespace_desk.services import site
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.site_settings_page import SiteSettingsPage
from safespace_desk.ui.tasks import InlineRunner


def _page(qtbot: QtBot, desk: DeskContext) -> SiteSettingsPage:
    shell = MainShell(desk, site.get_site(desk), desk.clock, InlineRunner())
    qtbot.addWidget(shell)
    page = SiteSettingsPage(desk, shell)
    qtbot.addWidget(page)
    return page


def test_the_page_edits_places_beds_and_idle_lock(qtbot: QtBot, desk: DeskContext) -> None:
    page = _page(qtbot, desk)
    assert page.periods.rowCount() == 2 and page.periods.item(0, 3).text() == "16"
    page.periods.item(0, 3).setText("20")
    page.beds.setPlainText("\n".join(f"Bed {n}" for n in range(1, 11)))
    page.idle.setValue(3)
    assert page.save()
    saved = site.get_site(desk).settings
    assert saved.periods[0].places == 20 and len(saved.bed_labels) == 10 and saved.idle_lock_minutes == 3


def test_a_bad_time_is_named_and_nothing_is_saved(qtbot: QtBot, desk: DeskContext) -> None:
    page = _page(qtbot, desk)
    before = site.get_site(desk).settings
    page.periods.item(1, 1).setText("8pm")
    assert not page.save()
    assert "HH:MM" in page.rows["periods"].error.text()
    assert site.get_site(desk).settings == before


def test_rooms_are_edited_one_change_at_a_time_and_settings_keep_them(qtbot: QtBot, desk: DeskContext) -> None:
    page = _page(qtbot, desk)
    page.show()
    editor = page.rooms
    assert [editor.list.item(r).text() for r in range(editor.list.count())][:2] == ["Clinical room",
                                                                                   "Appointment room 1"]
    assert not editor.add_button.isEnabled() and not editor.retire_button.isEnabled()
    qtbot.keyClicks(editor.name, "Quiet room")
    editor.add_button.click()
    assert "Added Quiet room." in editor.banner.text and editor.name.text() == ""
    editor.list.setCurrentRow(2)  # Appointment room 2
    qtbot.keyClicks(editor.name, "Dental room")
    editor.rename_button.click()
    assert editor.list.currentItem().text() == "Dental room"  # the choice follows the renamed room
    editor.retire_button.click()
    assert "Dental room (retired: kept with its bookings)" in [editor.list.item(r).text()
                                                               for r in range(editor.list.count())]
    assert editor.back_button.isEnabled() and not editor.retire_button.isEnabled()
    assert "Appointment room 2 renamed Dental room" in editor.history.text()
    # A refused change says why, and the list is as it was.
    editor.list.setCurrentRow(0)
    qtbot.keyClicks(editor.name, "appointment room 2")
    editor.rename_button.click()
    assert "was a room's name before" in editor.banner.text
    # Saving the other settings keeps the rooms as they are now.
    page.idle.setValue(4)
    assert page.save()
    saved = site.get_site(desk).settings
    assert saved.rooms[-1] == "Quiet room" and saved.retired_rooms == ("Dental room",) and len(saved.room_history) == 3
