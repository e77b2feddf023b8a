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
