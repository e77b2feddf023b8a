"""The Sync page and sync in the background, through real widgets and a real server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests, site, visits
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.sync import enrol
from safespace_desk.sync.engine import DeskSync
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.sync.page import SyncPage
from safespace_desk.ui.tasks import InlineRunner
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import LiveServer, thread_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with thread_server(tmp_path / "server", None) as live:
        yield live


def _shell(qtbot: QtBot, desk: DeskContext) -> MainShell:
    shell = MainShell(desk, site.get_site(desk), desk.clock, InlineRunner())
    qtbot.addWidget(shell)
    shell.add_page("sync", "Sync", SyncPage(desk, shell))
    shell.resize(1366, 768)
    shell.show()
    shell.show_page("sync")
    return shell


def test_a_manager_enrols_the_desk_and_makes_a_join_code(qtbot: QtBot, desk: DeskContext,
                                                         server: LiveServer) -> None:
    shell = _shell(qtbot, desk)
    page = shell.page("sync")
    assert isinstance(page, SyncPage)
    assert page.enrol_box.isVisible() and not page.add_box.isVisible()
    assert not shell.sync_label.isVisible()  # a desk on its own says nothing about sync
    page.enrol_code.setPlainText(server.first_code("Page Hub"))
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    assert "enrolled" in page.banner.text()
    assert "Page Hub" in page.status_lines.text()
    assert page.add_box.isVisible() and not page.enrol_box.isVisible()
    qtbot.waitUntil(lambda: shell.sync_label.text().startswith("synced at"), timeout=15_000)
    assert "0 waiting" in shell.sync_label.text()
    qtbot.mouseClick(page.code_button, Qt.MouseButton.LeftButton)
    assert page.code_panel.isVisible() and page.code_panel.qr.isVisible()
    assert page.code_panel.code.toPlainText().startswith("SSD1-JOIN-")
    shell.stop()


def test_a_bad_code_is_named_and_nothing_changes(qtbot: QtBot, desk: DeskContext, server: LiveServer) -> None:
    shell = _shell(qtbot, desk)
    page = shell.page("sync")
    assert isinstance(page, SyncPage)
    page.enrol_code.setPlainText(server.first_code()[:-6])
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    assert "incomplete or mistyped" in page.banner.text()
    assert page.enrol_box.isVisible()
    shell.stop()


def test_a_second_desk_sees_a_sign_in_within_ten_seconds(qtbot: QtBot, desk: DeskContext, server: LiveServer,
                                                          tmp_path: Path) -> None:
    enrol.enrol(desk, server.first_code())
    other = enrol.join(tmp_path / "second", enrol.make_join_code(desk), MANAGER_NAME, MANAGER_PASSWORD,
                       FixedClock(START))
    try:
        first_shell, second_shell = _shell(qtbot, desk), _shell(qtbot, other)
        seen: list[Changes] = []
        second_shell.changes_applied.connect(seen.append)
        record, changes = guests.add_guest(desk, GuestDetails(preferred_name="Prompt Arrival"))
        first_shell.apply_changes(changes)
        result = visits.sign_in(desk, record.id, "self")
        first_shell.apply_changes(result.changes)
        # Within ten seconds the second desk's open pages are told, and what they read shows the guest in.
        qtbot.waitUntil(lambda: any(c.touches("visit") for c in seen), timeout=10_000)
        assert [v.guest_id for v in visits.who_is_in(other)] == [record.id]
        first_shell.stop()
        second_shell.stop()
    finally:
        other.close()


def test_a_new_computer_joins_the_hub_from_the_first_start_wizard(
        qtbot: QtBot, make_window: object, desk: DeskContext, server: LiveServer, tmp_path: Path) -> None:
    from safespace_desk.services import search

    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Already Known"))
    enrol.enrol(desk, server.first_code())
    code = enrol.make_join_code(desk)
    window = make_window(tmp_path / "new-desk")  # type: ignore[operator]
    wizard = window.wizard
    assert wizard is not None
    qtbot.mouseClick(wizard.join_button, Qt.MouseButton.LeftButton)
    step = wizard.join_step
    assert wizard.steps.currentWidget() is step and step.code.hasFocus()
    step.code.setPlainText(code)
    qtbot.keyClicks(step.manager, MANAGER_NAME)
    qtbot.keyClicks(step.password, "not the password")
    qtbot.mouseClick(step.join_button, Qt.MouseButton.LeftButton)
    assert "do not match" in step.errors.rows["password"].error.text()
    assert not (tmp_path / "new-desk" / "store.db").exists()  # nothing half made; the code still works
    shown: list[tuple[int, int, bool]] = []
    step.progress.valueChanged.connect(
        lambda value: shown.append((value, step.progress.maximum(), step.progress.isVisible())))
    qtbot.keyClicks(step.password, MANAGER_PASSWORD)
    qtbot.keyClick(step.password, Qt.Key.Key_Return)
    assert window.desk is not None and window.shell is not None
    # The progress bar showed the hub's records loading, up to all of them (the page for a handful
    # of records moves once), and says what it was doing.
    assert shown and shown[-1][0] == shown[-1][1] > 1 and all(visible for _, _, visible in shown)
    assert step.progress.format().startswith("Loading the hub's records")
    assert [h.guest_id for h in search.find_guests(window.desk, "Already Known")] == [record.id]
    window.shell.stop()


def test_a_full_disk_at_the_server_is_tried_again_no_sooner_than_it_asks(qtbot: QtBot, desk: DeskContext,
                                                                          server: LiveServer) -> None:
    from sqlalchemy import event

    from safespace_desk.ui.sync.controller import BACKOFF_MS, SyncController

    enrol.enrol(desk, server.first_code())
    guests.add_guest(desk, GuestDetails(preferred_name="Waits For Room", support_notes="x" * 3900))

    @event.listens_for(server.engine, "begin")
    def _full(conn: object) -> None:  # the server's database may not grow
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()  # type: ignore[attr-defined]
        conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    controller = SyncController(desk, lambda changes: None)
    try:
        with qtbot.waitSignal(controller.synced, timeout=20_000) as blocker:
            controller.sync_now()
        assert not blocker.args[0].caught_up and blocker.args[0].retry_after_s == 60
        # The first failure would wait 5 s; the server asked for a minute.
        assert BACKOFF_MS[0] < 50_000 < controller.next_sync_in_ms <= 63_000  # Qt timers may run 5% late
        assert controller.last_status is not None and controller.last_status.waiting == 1
    finally:
        controller.stop()
        event.remove(server.engine, "begin", _full)


def test_a_key_changed_at_another_desk_is_taken_in_the_background_with_a_progress_bar(
        qtbot: QtBot, desk: DeskContext, server: LiveServer, tmp_path: Path) -> None:
    """Issue 16, item 3: deactivating someone at the first desk rotates the hub's key; the second
    desk's background sync takes the new key and rekeys its store behind the rotation's progress
    dialog, up to the last page, and closes it when the sync is done."""
    from safespace_desk.services import staff
    from safespace_desk.ui.admin.keys import RekeyProgress

    enrol.enrol(desk, server.first_code())
    other = enrol.join(tmp_path / "second", enrol.make_join_code(desk), MANAGER_NAME, MANAGER_PASSWORD,
                       FixedClock(START))
    try:
        member, _ = staff.add_staff(desk, name="Nadia Night", role="desk", password="a long synthetic passphrase 42")
        staff.deactivate_staff(desk, member.id)
        assert DeskSync(desk).sync_now().caught_up
        shell = _shell(qtbot, other)
        shown: list[tuple[int, int, bool]] = []

        def moved(done: int, total: int) -> None:
            dialog = shell.sync_rekey.dialog
            assert isinstance(dialog, RekeyProgress)
            shown.append((dialog.value(), dialog.maximum(), dialog.isVisible()))
            if done == total:
                dialog.grab().save(str(tmp_path / "rekey.png"))

        shell.sync_rekey.moved.connect(moved)
        qtbot.waitUntil(lambda: other.keys.current_version == 2 and shell.sync_rekey.dialog is None
                        and shell.sync_label.text().startswith("synced at"), timeout=20_000)
        assert shown and shown[-1][0] == shown[-1][1] > 1 and all(visible for _, _, visible in shown)
        shell.stop()
    finally:
        other.close()
