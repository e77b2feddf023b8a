from __future__ import annotations

from pathlib import Path

import pytest

from safespace_desk.db.backup import list_backups, verify_backup
from safespace_desk.db.errors import (
    BackupDamaged,
    KeySlotsTampered,
    UnknownStaffName,
    WrongPassword,
    WrongRecoveryKey,
)
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, ValidationError
from safespace_desk.services import auth, backups, search, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.services.frontdesk_helpers import add

PLANTED = "Qwertzuiop Plantedname"


def test_backup_round_trip_restores_and_keeps_the_replaced_store(desk: DeskContext, data_dir: Path,
                                                                 tmp_path: Path, clock: FixedClock) -> None:
    usb = tmp_path / "usb"
    backups.configure_backups(desk, usb, keep=3)
    add(desk, PLANTED)
    info = backups.run_backup(desk)
    assert info.path.parent == usb and list_backups(usb)[0].path == info.path
    raw = (info.path / "store.db").read_bytes()
    assert PLANTED.encode() not in raw and PLANTED.encode("utf-16-le") not in raw
    assert not raw.startswith(b"SQLite format 3")
    clock.advance(minutes=5)
    add(desk, "Added after the backup")
    desk.close()
    aside = backups.restore_backup(data_dir, info.path, clock, manager_name=MANAGER_NAME,
                                   password=MANAGER_PASSWORD).aside
    assert (aside / "store.db").exists() and (aside / "keyslots.json").exists()
    restored = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        assert [h.name for h in search.find_guests(restored, "qwer")] == [PLANTED]
        assert search.find_guests(restored, "added after") == []
        actions = [r[0] for r in restored.store.raw_connection_sql("SELECT action FROM audit_log")]
        assert "restored_from_backup" in actions
    finally:
        restored.close()


def test_backup_opens_with_the_recovery_key(desk: DeskContext, data_dir: Path, tmp_path: Path,
                                            recovery_key: str, clock: FixedClock) -> None:
    info = backups.run_backup(desk, tmp_path / "usb")
    desk.close()
    with pytest.raises(WrongRecoveryKey):
        backups.restore_backup(data_dir, info.path, clock, recovery_key="AAAA-AAAA")
    backups.restore_backup(data_dir, info.path, clock, recovery_key=recovery_key)


def test_damaged_backup_is_refused_and_the_live_store_is_untouched(desk: DeskContext, data_dir: Path,
                                                                   tmp_path: Path, clock: FixedClock) -> None:
    for n in range(30):
        add(desk, f"Guest {n}")
    info = backups.run_backup(desk, tmp_path / "usb")
    desk.close()
    db = info.path / "store.db"
    data = bytearray(db.read_bytes())
    data[len(data) - 5000] ^= 0xFF  # one flipped byte in the last pages
    db.write_bytes(bytes(data))
    live_before = (data_dir / "store.db").read_bytes()
    with pytest.raises(BackupDamaged, match="This backup is damaged"):
        backups.restore_backup(data_dir, info.path, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    assert (data_dir / "store.db").read_bytes() == live_before
    assert not [p for p in data_dir.iterdir() if p.name.startswith("replaced-")]
    with pytest.raises(KeySlotsTampered):
        verify_backup(info.path, bytes(32))  # a wrong key fails the key-slot check before any page


def test_only_a_manager_restores(desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock) -> None:
    staff.add_staff(desk, name="Dee", role="desk", password="dee keeps the blue kettle")
    info = backups.run_backup(desk, tmp_path / "usb")
    desk.close()
    with pytest.raises(PermissionDenied):
        backups.restore_backup(data_dir, info.path, clock, manager_name="Dee", password="dee keeps the blue kettle")
    with pytest.raises(WrongPassword):
        backups.restore_backup(data_dir, info.path, clock, manager_name=MANAGER_NAME, password="wrong one!")


def test_daily_backups_are_due_pruned_and_the_folder_is_checked(desk: DeskContext, tmp_path: Path,
                                                                clock: FixedClock) -> None:
    assert backups.run_backup_if_due(desk) is None  # no folder chosen yet
    with pytest.raises(ValidationError):
        backups.configure_backups(desk, desk.store.paths.data_dir)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    with pytest.raises(ValidationError) as err:
        backups.configure_backups(desk, blocked / "sub")
    assert err.value.field == "backup_folder"
    backups.configure_backups(desk, tmp_path / "usb", keep=2)
    assert backups.run_backup_if_due(desk) is not None
    clock.advance(hours=23)
    assert backups.run_backup_if_due(desk) is None
    for _ in range(3):
        clock.advance(hours=25)
        assert backups.run_backup_if_due(desk) is not None
    assert len(list_backups(tmp_path / "usb")) == 2


def test_a_backup_carries_only_the_managers_and_the_recovery_slot(desk: DeskContext, tmp_path: Path,
                                                                   recovery_key: str) -> None:
    staff.add_staff(desk, name="Dee", role="desk", password="dee keeps the blue kettle")
    staff.add_staff(desk, name="Meg Manager", role="manager", password="meg lantern quartz meadow 1")
    info = backups.run_backup(desk, tmp_path / "usb")
    slots = KeySlots.load(StorePaths(info.path).keyslots)
    assert {s.login for s in slots.slots} == {None, "mo manager", "meg manager"}
    with pytest.raises(UnknownStaffName):
        slots.unlock_with_password("dee", "dee keeps the blue kettle")
    assert slots.unlock_with_recovery(recovery_key) == desk.master_key
