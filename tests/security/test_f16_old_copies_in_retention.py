"""Issue 14, finding 16: ``replaced-<time>/`` folders (left by a restore) and old backups kept erased
guests for ever. Both are now removed once older than the backups' keep period (the newest backup
always stays), by the daily purge or at once by a manager."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from safespace_desk.db.backup import list_backups
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import backups, data_rights, guests
from safespace_desk.services.context import DeskContext
from tests.security.conftest import DESK_USER, SignInAs
from tests.support.sqlcipher4 import decrypt_file
from tests.support.stores import contains_text

NAME = "Zyxwvut Keptforever"


def _replaced(data_dir: Path, stamp: str) -> Path:
    folder = data_dir / f"replaced-{stamp}"
    folder.mkdir(mode=0o700)
    shutil.copy2(data_dir / "keyslots.json", folder / "keyslots.json")
    return folder


def test_an_erased_guest_leaves_the_backups_within_the_keep_period(desk: DeskContext, clock: FixedClock,
                                                                   tmp_path: Path) -> None:
    backups.configure_backups(desk, tmp_path / "stick", keep=14)
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    before = backups.run_backup(desk)
    assert contains_text(decrypt_file(before.path / "store.db", desk.master_key), NAME)
    data_rights.erase_guest(desk, record.id, "Subject's request")
    for _ in range(15):  # the daily backups go on
        clock.advance(days=1)
        backups.run_backup(desk)
        data_rights.purge_expired(desk, automatic=True)
    left = list_backups(tmp_path / "stick")
    assert before.path not in [b.path for b in left] and len(left) <= 14
    for info in left:
        assert not contains_text(decrypt_file(info.path / "store.db", desk.master_key), "Keptforever")


def test_the_newest_backup_stays_however_old(desk: DeskContext, clock: FixedClock, tmp_path: Path) -> None:
    backups.configure_backups(desk, tmp_path / "stick", keep=3)
    backups.run_backup(desk)
    clock.advance(days=1)
    newest = backups.run_backup(desk)
    clock.advance(days=60)  # the stick was not in for two months: no newer backup
    data_rights.purge_expired(desk, automatic=True)
    assert [b.path for b in list_backups(tmp_path / "stick")] == [newest.path]


def test_folders_left_by_a_restore_go_after_the_keep_period(desk: DeskContext, clock: FixedClock,
                                                            tmp_path: Path) -> None:
    backups.configure_backups(desk, tmp_path / "stick", keep=14)
    data_dir = desk.store.paths.data_dir
    now = clock.now()
    old = _replaced(data_dir, (now - timedelta(days=15)).strftime("%Y-%m-%dT%H%M%SZ"))
    recent = _replaced(data_dir, (now - timedelta(days=2)).strftime("%Y-%m-%dT%H%M%SZ"))
    unrelated = data_dir / "replaced-by-hand"
    unrelated.mkdir()
    data_rights.purge_expired(desk, automatic=True)
    assert not old.exists() and recent.exists() and unrelated.exists()
    detail = desk.store.raw_connection_sql(
        "SELECT detail FROM audit_log WHERE action = 'old_copies_removed' ORDER BY seq DESC LIMIT 1")[0][0]
    assert detail == "backups=0;replaced=1"


def test_a_manager_can_remove_them_at_once_and_only_a_manager(desk: DeskContext, clock: FixedClock,
                                                              sign_in_as: SignInAs) -> None:
    data_dir = desk.store.paths.data_dir
    old = _replaced(data_dir, (clock.now() - timedelta(days=20)).strftime("%Y-%m-%dT%H%M%SZ"))
    with pytest.raises(PermissionDenied):
        backups.prune_old_copies(sign_in_as(DESK_USER))
    assert old.exists()
    assert backups.prune_old_copies(desk).replaced == (old,)
