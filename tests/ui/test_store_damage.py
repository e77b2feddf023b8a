"""The desk window on a damaged store: the damage is found just after unlock (or met by a page), a
red banner says so and stays, the desk only reads from then on (who is in, the handover to print),
and the files holding saved work are never written to. Also: an unexpected error inside a page's
service call is a plain message, not a crash; and a desk that did not close properly is named."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.db import health
from safespace_desk.db.integrity import check_pages
from safespace_desk.db.models import Guest
from safespace_desk.db.store import Store, StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import auth, handover, visits
from safespace_desk.services.failures import UNEXPECTED_ERROR
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.service_actions import escaped_error_hook
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.services.frontdesk_helpers import add
from tests.support.damage import DAMAGE_KINDS, SEED, damage_store, flip_page, free_pages, store_hashes
from tests.support.stores import add_guest, salt_of
from tests.ui.conftest import WindowFactory, sign_in


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_opening_the_desk_on_a_damaged_store_names_it_and_writes_nothing(
        kind: str, qtbot: QtBot, make_window: WindowFactory, store_with_data: Path, master_key: bytes,
        tmp_path: Path) -> None:
    data_dir = damage_store(kind, store_with_data, tmp_path / "data", master_key, random.Random(f"{SEED}{kind}"))
    before = store_hashes(data_dir)
    window = make_window(data_dir, all_pages=True)
    sign_in(qtbot, window)
    if window.shell is None:  # signing in met it (the log, or a page the sign-in itself reads)
        assert window.desk is None
        assert "The store is damaged (" in window.sign_in.banner.text(), window.sign_in.banner.text()
        if kind == "log frame":
            assert "(its write-ahead log" in window.sign_in.banner.text()
    else:  # the check just after unlock finds it, before the session has written a word
        assert kind != "log frame"
        banner = window.shell.damage_banner
        qtbot.waitUntil(banner.isVisible, timeout=5000)
        assert "The store is damaged (" in banner.text and "safespace-desk restore" in banner.text
        assert "this desk is now read-only" in banner.text
        window.lock("manual")  # locking, unlocking and signing out still work, writing nothing
        qtbot.keyClicks(window.lock_screen.password, MANAGER_PASSWORD)
        qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
        assert not window.is_locked and window.shell.damage_banner.isVisible()
    window.close()
    assert store_hashes(data_dir) == before, f"the desk wrote to a damaged store ({kind}, seed {SEED})"


def _hub_with_a_free_page_damaged(data_dir: Path, master_key: bytes, clock: FixedClock) -> None:
    """Kez in, Ash known but out, a handover written; then a byte flipped on a free page (only the
    check of every page sees it: everything there is to read still reads)."""
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        visits.sign_in(desk, add(desk, "Synthetic Kez"), ArrivedVia.POLICE)
        add(desk, "Synthetic Ash")
        handover.write_handover(desk, "Quiet night so far.")
    finally:
        desk.close()
    store = Store.open(data_dir, master_key, salt_of(data_dir))
    try:
        with store.write() as session:
            leaving = [add_guest(session, f"Synthetic Leaver {n}", START, support_notes="x" * 9000)
                       for n in range(4)]
        with store.write() as session:
            for guest_id in leaving:  # their overflow pages go to the free list
                session.delete(session.get(Guest, guest_id))
    finally:
        store.close()
    db = StorePaths(data_dir).db
    flip_page(db, free_pages(db, master_key)[0], random.Random(SEED))
    assert not check_pages(db, master_key, lambda: START).ok


def test_a_read_only_desk_still_shows_who_is_in_and_prints_the_handover(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, master_key: bytes, clock: FixedClock,
        tmp_path: Path) -> None:
    _hub_with_a_free_page_damaged(data_dir, master_key, clock)
    before = store_hashes(data_dir)
    window = make_window(data_dir, all_pages=True)
    sign_in(qtbot, window)
    shell = window.shell
    assert shell is not None
    qtbot.waitUntil(shell.damage_banner.isVisible, timeout=5000)

    desk_page = shell.page("desk")
    desk_page.refresh()
    assert desk_page.in_now.model.rowCount() == 1  # who is in: still there to see
    _sign_in_is_refused(qtbot, desk_page, "Synthetic Ash")

    shell.show_page("handover")
    page = shell.page("handover")
    page.tabs.setCurrentIndex(1)
    assert page.shown is not None, "the last handover opens (its view cannot be audited on a damaged store)"
    pdf = page.save_pdf(tmp_path / "handover.pdf")  # printing goes the same way, onto paper
    assert pdf.stat().st_size > 1000
    page.tabs.setCurrentIndex(0)
    page.notes.setPlainText("A new handover cannot be saved now")
    assert page.save() is None
    window.close()
    assert store_hashes(data_dir) == before


def _sign_in_is_refused(qtbot: QtBot, desk_page: object, name: str) -> None:
    search = desk_page.search_panel  # type: ignore[attr-defined]
    search.search_box.clear()
    qtbot.keyClicks(search.search_box, name)
    qtbot.keyClick(search.search_box, Qt.Key.Key_Return)
    assert search.banner.message.text() == f"{name} was not signed in."
    assert search.banner.detail.text().startswith("The store is damaged (")
    assert desk_page.in_now.model.rowCount() == 1  # type: ignore[attr-defined]


def test_damage_met_by_a_page_turns_the_banner_on(qtbot: QtBot, make_window: WindowFactory,
                                                  data_dir: Path) -> None:
    """When a page's own service call meets the damage first (not the check), the same banner shows
    and the desk stops writing there and then."""
    window = make_window(data_dir, all_pages=True)
    sign_in(qtbot, window)
    shell, desk = window.shell, window.desk
    assert shell is not None and desk is not None and not shell.damage_banner.isVisible()
    for name in ("Synthetic Kez", "Synthetic Ash"):
        add(desk, name)
    page = shell.page("desk")
    page.refresh()
    qtbot.keyClicks(page.search_panel.search_box, "Synthetic Kez")
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_Return)
    assert page.in_now.model.rowCount() == 1
    desk.store.mark_damaged("a page failed its check")  # what the store does when a read meets one
    qtbot.waitUntil(shell.damage_banner.isVisible, timeout=2000)
    before = store_hashes(data_dir)
    _sign_in_is_refused(qtbot, page, "Synthetic Ash")
    assert store_hashes(data_dir) == before


def test_an_unexpected_error_in_a_page_is_a_plain_message_and_the_desk_goes_on(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    window = make_window(data_dir, all_pages=True)
    sign_in(qtbot, window)
    assert window.desk is not None and window.shell is not None
    add(window.desk, "Synthetic Zed")
    page = window.shell.page("desk")
    page.refresh()
    search = page.search_panel
    real_sign_in = visits.sign_in

    text = "database is locked while signing in " + "Synthetic Zed"  # the example, and a name

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(text)

    monkeypatch.setattr(visits, "sign_in", broken)
    qtbot.keyClicks(search.search_box, "Synthetic Zed")
    with caplog.at_level(logging.ERROR, logger="safespace_desk.errors"):
        qtbot.keyClick(search.search_box, Qt.Key.Key_Return)
    assert search.banner.isVisible()
    assert search.banner.detail.text() == UNEXPECTED_ERROR
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Unexpected RuntimeError" in logged and "broken" in logged  # the type and the stack
    assert text not in logged and "Synthetic Zed" not in logged  # never the text, which may name someone

    monkeypatch.setattr(visits, "sign_in", real_sign_in)
    qtbot.keyClick(search.search_box, Qt.Key.Key_Return)  # the desk is still usable
    qtbot.waitUntil(lambda: page.in_now.model.rowCount() == 1, timeout=2000)


def test_an_error_that_escapes_a_page_is_shown_plainly_by_the_window(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    window = make_window(data_dir)
    sign_in(qtbot, window)
    assert window.shell is not None
    hook = escaped_error_hook(window.show_problem)
    planted = "Synthetic " + "Name"  # as a query's parameters would carry it
    try:
        raise KeyError(planted)
    except KeyError as error:
        with caplog.at_level(logging.ERROR, logger="safespace_desk.errors"):
            hook(KeyError, error, error.__traceback__)
    assert window.shell.problem_banner.isVisible()
    assert window.shell.problem_banner.message.text() == UNEXPECTED_ERROR
    assert planted not in caplog.text and "Unexpected KeyError" in caplog.text
    assert "test_an_error_that_escapes" in caplog.text  # the stack is what is logged


def test_a_desk_that_did_not_close_properly_is_named_and_the_store_checked_at_once(
        qtbot: QtBot, data_dir: Path, clock: FixedClock, master_key: bytes) -> None:
    from safespace_desk.ui.pages import standard_pages
    from safespace_desk.ui.tasks import InlineRunner

    # Checked an hour ago, so by the daily rule no check would be due now.
    health.record_check(data_dir, check_pages(StorePaths(data_dir).db, master_key, lambda: START))
    clock.advance(hours=1)
    notice = "SafeSpace Desk did not close properly last time: its program is no longer running."
    window = MainWindow(data_dir, clock=clock, runner=InlineRunner(), idle_timeout_ms=3_600_000,
                        pages=[s for s in standard_pages() if s.key == "account"], last_exit=notice)
    qtbot.addWidget(window)
    window.show()
    assert window.sign_in.banner.text() == notice
    sign_in(qtbot, window)
    last = health.load(data_dir).last_check
    assert last is not None and last.at == clock.now(), "checked straight after unlock"


def test_the_backups_page_shows_when_every_page_was_last_checked_and_what_was_found(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, clock: FixedClock) -> None:
    window = make_window(data_dir, all_pages=True)
    sign_in(qtbot, window)  # the store has never been checked: it is, just after unlock
    shell = window.shell
    assert shell is not None
    shell.show_page("backups")
    panel = shell.page("backups").backup_tab.store_check
    pages = StorePaths(data_dir).db.stat().st_size // 4096
    assert panel.status.text() == f"Last check of every page: Tue 24 Nov 2026, 12:00: all {pages} pages sound."

    clock.advance(hours=1)
    db = StorePaths(data_dir).db
    flip_page(db, pages, random.Random(SEED))  # the disk fails under the running desk
    panel.check_button.click()
    assert panel.status.text().startswith("Last check of every page: Tue 24 Nov 2026, 13:00: damage found: "
                                          f"1 of {pages} pages fails its checksum: page {pages}")
    qtbot.waitUntil(shell.damage_banner.isVisible, timeout=2000)


def test_the_daily_backup_meeting_damage_turns_the_banner_on_and_keeps_no_copy(
        qtbot: QtBot, make_window: WindowFactory, data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    from safespace_desk.services import backups

    window = make_window(data_dir)
    sign_in(qtbot, window)
    shell, desk = window.shell, window.desk
    assert shell is not None and desk is not None
    backups.configure_backups(desk, tmp_path / "usb", keep=3)
    db = StorePaths(data_dir).db
    flip_page(db, db.stat().st_size // 4096 - 1, random.Random(SEED))  # the disk fails mid-shift
    with qtbot.waitSignal(shell.daily_work.done, timeout=5000) as ran:
        shell.daily_work.check_now()
    assert ran.args[0].backup is None and ran.args[0].problems == ()  # said once, by the store's banner
    qtbot.waitUntil(shell.damage_banner.isVisible, timeout=2000)
    assert not shell.problem_banner.isVisible()
    assert not list((tmp_path / "usb").iterdir()), "no copy of a damaged store is kept as a backup"
