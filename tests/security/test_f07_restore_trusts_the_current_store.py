"""Issue 14, finding 7: restore trusted the backup only. A manager deactivated since a backup could
restore it with their old password and be back in; a backup of another store replaced this one; nothing
said that the restore went back past an account being closed.

Now the restore is authorised by the CURRENT store (a manager active in it now, or its recovery key),
a backup of another store is refused, and accounts closed since the backup stay closed (said, and
audited)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from safespace_desk.db.errors import UnknownStaffName, WrongRecoveryKey
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import (
    AuthenticationFailed,
    PermissionDenied,
    RuleViolation,
    ValidationError,
)
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, backups, guests, setup, staff
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.data_rights.backups_page import BackupsPage
from safespace_desk.ui.shell import MainShell
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.security.conftest import DESK_USER, password_of
from tests.test_cli import run

OLD_MANAGER, OLD_PASSWORD = "Max Leftsince", "max left password 42"


def _id_of(desk: DeskContext, name: str) -> str:
    return next(m.id for m in staff.list_staff(desk) if m.name == name)


def _backup_then_close(desk: DeskContext, tmp_path: Path, clock: FixedClock, *names: str) -> Path:
    """A backup with everyone in it; then ``names`` leave (deactivated) and the desk closes."""
    info = backups.run_backup(desk, tmp_path / "usb")
    clock.advance(hours=1)
    for name in names:
        staff.deactivate_staff(desk, _id_of(desk, name))
    desk.close()
    return info.path


def test_a_manager_deactivated_since_the_backup_cannot_restore_it(desk: DeskContext, data_dir: Path,
                                                                  tmp_path: Path, clock: FixedClock) -> None:
    staff.add_staff(desk, name=OLD_MANAGER, role="manager", password=OLD_PASSWORD)
    backup = _backup_then_close(desk, tmp_path, clock, OLD_MANAGER)
    live_before = (data_dir / "store.db").read_bytes()
    with pytest.raises((UnknownStaffName, AuthenticationFailed)):
        backups.restore_backup(data_dir, backup, clock, manager_name=OLD_MANAGER, password=OLD_PASSWORD)
    assert (data_dir / "store.db").read_bytes() == live_before
    assert not [p for p in data_dir.iterdir() if p.name.startswith("replaced-")]


def test_a_desk_user_of_the_current_store_cannot_restore(desk: DeskContext, data_dir: Path, tmp_path: Path,
                                                         clock: FixedClock) -> None:
    backup = _backup_then_close(desk, tmp_path, clock)
    with pytest.raises(PermissionDenied):
        backups.restore_backup(data_dir, backup, clock, manager_name=DESK_USER, password=password_of(DESK_USER))


def test_accounts_closed_since_the_backup_stay_closed_and_the_restore_says_so(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock) -> None:
    backup = _backup_then_close(desk, tmp_path, clock, DESK_USER)
    result = backups.restore_backup(data_dir, backup, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    assert result.closed_since == (DESK_USER,)
    assert any(DESK_USER in line and "closed" in line for line in result.warnings())
    with pytest.raises((UnknownStaffName, AuthenticationFailed)):
        auth.sign_in(data_dir, DESK_USER, password_of(DESK_USER), clock).close()
    restored = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        member = next(m for m in staff.list_staff(restored) if m.name == DESK_USER)
        assert not member.active
        actions = [row[0] for row in restored.store.raw_connection_sql("SELECT action, detail FROM audit_log")]
        assert "restored_from_backup" in actions and "staff_deactivated" in actions
    finally:
        restored.close()


def test_a_backup_of_another_store_is_refused(desk: DeskContext, data_dir: Path, tmp_path: Path,
                                              clock: FixedClock) -> None:
    # Another hub set up with the very same manager name and password (and its own recovery key).
    other = setup.initialise_store(tmp_path / "other", site_name="Other Hub", timezone="Europe/London",
                                   manager_name=MANAGER_NAME, manager_password=MANAGER_PASSWORD, clock=clock)
    guests.add_guest(other.desk, GuestDetails(preferred_name="Someone Elsewhere"))
    foreign = backups.run_backup(other.desk, tmp_path / "other-usb").path
    other.desk.close()
    desk.close()
    live_before = (data_dir / "store.db").read_bytes()
    with pytest.raises(RuleViolation, match="another store"):
        backups.restore_backup(data_dir, foreign, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    # The other store's recovery key is not this store's: it authorises nothing here.
    with pytest.raises(WrongRecoveryKey):
        backups.restore_backup(data_dir, foreign, clock, recovery_key=other.recovery_key)
    assert (data_dir / "store.db").read_bytes() == live_before


def test_the_command_line_warns_when_the_restore_goes_back_past_a_deactivation(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock, recovery_key: str) -> None:
    backup = _backup_then_close(desk, tmp_path, clock, DESK_USER)
    done = run(["--data-dir", str(data_dir), "restore", str(backup), "--recovery-key-stdin"], clock,
               stdin=recovery_key + "\n")
    assert done.code == 0, done.err
    assert DESK_USER in done.out and "stays closed" in done.out


def test_the_backups_page_marks_backups_from_before_an_account_was_closed(
        qtbot: QtBot, shell: MainShell, desk: DeskContext, tmp_path: Path, clock: FixedClock) -> None:  # noqa: F811
    backups.configure_backups(desk, tmp_path / "usb", keep=5)
    backups.run_backup(desk)
    clock.advance(hours=2)
    staff.deactivate_staff(desk, _id_of(desk, DESK_USER))
    clock.advance(hours=1)
    backups.run_backup(desk)
    page = BackupsPage(desk, shell)
    shell.add_page("backups", "Backups", page)
    shell.show()
    qtbot.waitExposed(shell)
    shell.show_page("backups")
    table = page.backup_tab.table
    assert table.rowCount() == 2
    notes = [table.item(row, table.columnCount() - 1).text() for row in range(2)]
    assert notes[0] == ""  # the newest, taken after the account was closed
    assert DESK_USER in notes[1] and "closed" in notes[1]
    assert "a manager of this store now" in page.backup_tab.restore_text.text()


def test_a_manager_of_a_store_that_cannot_be_read_still_restores(desk: DeskContext, data_dir: Path,
                                                                 tmp_path: Path, clock: FixedClock) -> None:
    # The reason to restore: the live store is gone or unreadable. The manager's slot in today's key
    # file proves the account is open now; the backup says they are a manager.
    backup = _backup_then_close(desk, tmp_path, clock)
    (data_dir / "store.db").write_bytes(b"\0" * 8192)
    result = backups.restore_backup(data_dir, backup, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    assert (result.aside / "store.db").read_bytes() == b"\0" * 8192
    # A desk user is still no manager, whatever the store's state (and after that restore the data folder
    # holds the backup's key slots, which are the managers' and the recovery slot only: no slot at all).
    with pytest.raises((PermissionDenied, UnknownStaffName)):
        backups.restore_backup(data_dir, backup, clock, manager_name=DESK_USER, password=password_of(DESK_USER))


def test_without_a_key_file_only_the_recovery_key_restores(desk: DeskContext, data_dir: Path, tmp_path: Path,
                                                            clock: FixedClock, recovery_key: str) -> None:
    backup = _backup_then_close(desk, tmp_path, clock)
    (data_dir / "keyslots.json").unlink()
    with pytest.raises(ValidationError, match="recovery key"):
        backups.restore_backup(data_dir, backup, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    backups.restore_backup(data_dir, backup, clock, recovery_key=recovery_key)
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()


def test_a_restore_past_a_key_rotation_ends_under_todays_key_with_todays_accounts(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock) -> None:
    from safespace_desk.db.keyslots import KeySlots
    from safespace_desk.db.store import StorePaths
    from safespace_desk.services import keyrotation
    from tests.security.conftest import COLLEAGUE

    old_key = desk.master_key
    backup = _backup_then_close(desk, tmp_path, clock, DESK_USER)  # leaving rotates the key
    today = KeySlots.load(StorePaths(data_dir).keyslots)
    assert today.current > KeySlots.load(StorePaths(backup).keyslots).current
    result = backups.restore_backup(data_dir, backup, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    assert any("key" in line and "changed" in line for line in result.warnings())
    # Someone still here (the backup carries only managers' slots) signs in to the restored store...
    colleague = auth.sign_in(data_dir, COLLEAGUE, password_of(COLLEAGUE), clock)
    colleague.close()
    # ...which is under today's key now, not the one the leaver's copy of the old slots reaches.
    assert not keyrotation.key_opens(StorePaths(data_dir).db, old_key)
    with pytest.raises((UnknownStaffName, AuthenticationFailed)):
        auth.sign_in(data_dir, DESK_USER, password_of(DESK_USER), clock).close()
