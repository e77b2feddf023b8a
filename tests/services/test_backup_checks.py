"""A backup counts only after every page of the copy was read back and checked: a copy that fails is
removed (never listed, pruned as good or restored), and the check reads each page's HMAC, so damage
SQLite's own checks never see (a flipped byte on a free page) is found too."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from safespace_desk.db import health
from safespace_desk.db.backup import list_backups, verify_backup
from safespace_desk.db.errors import BackupDamaged
from safespace_desk.db.models import Guest
from safespace_desk.db.store import PAGE_SIZE, StorePaths, connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import backups
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support.damage import SEED, flip_page, free_pages, store_hashes
from tests.support.stores import add_guest_unit


def _break_structure(db: Path, key: bytes) -> None:
    """An index made to share another's root page: every page still authenticates, the B-trees do
    not add up (as a bug or a tool writing with the key could leave them)."""
    conn = connect_raw(db, key)
    try:
        roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND "
                                  "name IN ('sqlite_autoindex_alembic_version_1', 'sqlite_autoindex_desk_setting_1')"))
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'sqlite_autoindex_alembic_version_1'",
                     (roots["sqlite_autoindex_desk_setting_1"],))
        conn.execute("PRAGMA writable_schema = OFF")
    finally:
        conn.close()


def test_run_backup_checks_every_page_of_what_it_wrote(desk: DeskContext, tmp_path: Path) -> None:
    info = backups.run_backup(desk, tmp_path / "usb")
    assert info.pages_checked == (info.path / "store.db").stat().st_size // PAGE_SIZE > 0
    assert health.load(desk.store.paths.data_dir).newest_backup == health.BackupRecord(str(info.path),
                                                                                       info.taken_at)


def test_a_backup_that_fails_its_check_is_removed_and_the_good_ones_are_kept(
        desk: DeskContext, tmp_path: Path, clock: FixedClock, master_key: bytes) -> None:
    usb = tmp_path / "usb"
    backups.configure_backups(desk, usb, keep=1)
    good = backups.run_backup(desk)
    clock.advance(hours=25)
    _break_structure(desk.store.paths.db, master_key)
    with pytest.raises(BackupDamaged) as err:
        backups.run_backup(desk)
    assert err.value.message.startswith("The backup just written failed its check (the structure check found")
    assert "the earlier backups are kept" in err.value.message
    # No .partial folder is left to be listed, pruned as good or restored; the good one is not pruned.
    assert sorted(p.name for p in usb.iterdir()) == [good.path.name]
    assert [b.path for b in list_backups(usb)] == [good.path]
    assert backups.backup_settings(desk).last_backup_at == good.taken_at
    assert health.load(desk.store.paths.data_dir).newest_backup == health.BackupRecord(str(good.path),
                                                                                       good.taken_at)


def test_backup_verification_finds_damage_only_the_page_checksums_see(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock, master_key: bytes) -> None:
    with desk.unit_of_work() as uow:  # guests with long notes, then gone: their pages become free
        leaving = [add_guest_unit(uow, f"Synthetic Leaver {n}", support_notes="x" * 9000) for n in range(4)]
    with desk.store.write() as session:
        for guest_id in leaving:
            session.delete(session.get(Guest, guest_id))
    info = backups.run_backup(desk, tmp_path / "usb")
    desk.close()
    db = info.path / "store.db"
    free = free_pages(db, master_key)
    assert free, "the copy has free pages, as the store had"
    flip_page(db, free[0], random.Random(SEED))
    conn = connect_raw(db, master_key)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]  # SQLite alone sees nothing
    finally:
        conn.close()
    with pytest.raises(BackupDamaged, match=f"fails its checksum: page {free[0]}"):
        verify_backup(info.path, master_key)
    live = store_hashes(StorePaths(data_dir).data_dir)
    with pytest.raises(BackupDamaged, match="This backup is damaged"):
        backups.restore_backup(data_dir, info.path, clock, manager_name=MANAGER_NAME, password=MANAGER_PASSWORD)
    assert store_hashes(data_dir) == live
    assert not [p for p in data_dir.iterdir() if p.name.startswith("replaced-")]
