"""Issue 14, finding 1: deactivating a staff member removed their slot, but the database key never
changed, so a saved copy of keyslots.json (or a backup's) still opened the live store, and putting the
old file back was accepted. Leaving rotates the key now (services/keyrotation.py); a manager can rotate
it too; what was sealed before stays readable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safespace_desk.db.errors import KeySlotsOutdated, StoreDamaged
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import Store, StorePaths, connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.staff import login_key
from safespace_desk.services import auth, backups, keyrotation, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.security.conftest import COLLEAGUE, DESK_USER, SignInAs, password_of


def _opens_live_store(data_dir: Path, master: bytes) -> bool:
    try:
        connect_raw(StorePaths(data_dir).db, master).close()
        return True
    except Exception:  # noqa: BLE001 - SQLCipher says "not a database" for a wrong key
        return False


def _staff_id(desk: DeskContext, name: str) -> str:
    return next(m.id for m in staff.list_staff(desk) if m.name == name)


def test_a_saved_slot_file_of_someone_who_left_does_not_open_the_store(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock) -> None:
    saved = tmp_path / "dee-took-this.json"
    shutil.copy(StorePaths(data_dir).keyslots, saved)  # Dee copies the file on her last shift
    manager = desk
    staff.deactivate_staff(manager, _staff_id(manager, DESK_USER))
    # Dee's password still opens her slot in her copy, but that key no longer opens the store.
    old_master, _ = KeySlots.load(saved).unlock_with_password(login_key(DESK_USER), password_of(DESK_USER))
    assert not _opens_live_store(data_dir, old_master)
    assert _opens_live_store(data_dir, manager.master_key)
    manager.close()
    # Everyone who stays signs in as before.
    auth.sign_in(data_dir, COLLEAGUE, password_of(COLLEAGUE), clock).close()
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()


def test_putting_the_old_slot_file_back_is_refused(desk: DeskContext, data_dir: Path, tmp_path: Path,
                                                   clock: FixedClock) -> None:
    saved = tmp_path / "keyslots-before.json"
    shutil.copy(StorePaths(data_dir).keyslots, saved)
    manager = desk
    staff.deactivate_staff(manager, _staff_id(manager, DESK_USER))
    manager.close()
    live = StorePaths(data_dir).keyslots.read_bytes()
    shutil.copy(saved, StorePaths(data_dir).keyslots)
    with pytest.raises(KeySlotsOutdated):
        auth.sign_in(data_dir, DESK_USER, password_of(DESK_USER), clock)
    with pytest.raises(KeySlotsOutdated, match="older than the store's key"):
        auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    assert StorePaths(data_dir).keyslots.read_bytes() == saved.read_bytes()  # nothing rewritten
    StorePaths(data_dir).keyslots.write_bytes(live)
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()


def test_a_backup_from_before_the_rotation_does_not_open_the_live_store(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock) -> None:
    manager = desk
    info = backups.run_backup(manager, tmp_path / "usb")
    keyrotation.rotate_keys(manager)
    manager.close()
    old_master, _ = KeySlots.load(StorePaths(info.path).keyslots).unlock_with_password(
        login_key(MANAGER_NAME), MANAGER_PASSWORD)
    assert not _opens_live_store(data_dir, old_master)
    # The backup itself still opens with the manager's password of its time.
    Store.open(info.path, old_master, bytes.fromhex(KeySlots.load(StorePaths(info.path).keyslots).store_salt)).close()
    with pytest.raises(StoreDamaged):
        Store.open(data_dir, old_master, None)


def test_a_manager_rotates_the_keys_and_everyone_stays_in(
        desk: DeskContext, data_dir: Path, clock: FixedClock, recovery_key: str) -> None:
    manager = desk
    sealed_before = manager.keys.seal("test-purpose", b"written before the rotation", b"record-1")
    first = manager.master_key
    seen: list[tuple[int, int]] = []
    rotation = keyrotation.rotate_keys(manager, lambda done, total: seen.append((done, total)))
    assert rotation.version == 2 and rotation.previous == 1
    assert manager.keys.current_version == 2 and manager.master_key != first
    assert seen and seen[-1][0] == seen[-1][1] > 0
    # Old sealed data opens with the new keyring; the desk goes on working.
    assert manager.keys.open("test-purpose", sealed_before, b"record-1") == b"written before the rotation"
    staff.list_staff(manager)
    rows = manager.store.raw_connection_sql("SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert rows == [("keys_rotated", "version=2;reason=manager")]
    manager.close()
    for name in (DESK_USER, COLLEAGUE):
        desk = auth.sign_in(data_dir, name, password_of(name), clock)
        assert desk.keys.open("test-purpose", sealed_before, b"record-1") == b"written before the rotation"
        desk.close()
    assert auth.raw_key_hex(data_dir, recovery_key, clock) != first.hex()
    again = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    keyrotation.rotate_keys(again)
    assert again.keys.versions == [1, 2, 3]
    assert again.keys.open("test-purpose", sealed_before, b"record-1") == b"written before the rotation"
    again.close()


def test_only_a_manager_rotates(sign_in_as: SignInAs) -> None:
    from safespace_desk.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        keyrotation.rotate_keys(sign_in_as(DESK_USER))


def test_a_rotation_waits_while_another_program_has_the_store_open(
        desk: DeskContext, sign_in_as: SignInAs, data_dir: Path, tmp_path: Path, clock: FixedClock) -> None:
    saved = tmp_path / "dee-took-this.json"
    shutil.copy(StorePaths(data_dir).keyslots, saved)
    other = sign_in_as(COLLEAGUE)  # another window on the same store: the rekey cannot have the file
    other.store.raw_connection_sql("SELECT 1")
    result = staff.deactivate_staff(desk, _staff_id(desk, DESK_USER))
    assert result.rotation is None and result.rotation_waits and "busy" in result.rotation_waits
    assert result.touches(staff.STAFF)  # deactivated all the same
    other.close()
    desk.close()
    # The next open completes the rotation begun; from then on Dee's copy opens nothing.
    again = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    assert again.keys.current_version == 2
    actions = again.store.raw_connection_sql(
        "SELECT action, detail FROM audit_log WHERE action LIKE 'key%' ORDER BY seq")
    assert [a for a, _ in actions] == ["key_rotation_waiting", "keys_rotated"]
    assert "finished_on_open" in actions[-1][1]
    again.close()
    old_master, _ = KeySlots.load(saved).unlock_with_password(login_key(DESK_USER), password_of(DESK_USER))
    assert not _opens_live_store(data_dir, old_master)


def test_a_manager_replaces_the_recovery_key_and_the_old_one_stops_working(
        desk: DeskContext, data_dir: Path, tmp_path: Path, clock: FixedClock, recovery_key: str) -> None:
    from safespace_desk.db.errors import WrongRecoveryKey

    saved = tmp_path / "keyslots-with-the-old-recovery-slot.json"
    shutil.copy(StorePaths(data_dir).keyslots, saved)
    new_key, rotation = keyrotation.replace_recovery_key(desk)
    assert new_key != recovery_key and rotation.version == 2
    # The new recovery slot holds the clinical key as the old one did (finding 2).
    (recovery_slot,) = [s for s in KeySlots.load(StorePaths(data_dir).keyslots).slots if s.kind == "recovery"]
    assert recovery_slot.clinical
    actions = desk.store.raw_connection_sql("SELECT action, detail FROM audit_log ORDER BY seq DESC LIMIT 2")
    assert actions == [("keys_rotated", "version=2;reason=recovery_key_replaced"), ("recovery_key_replaced", None)]
    desk.close()
    with pytest.raises(WrongRecoveryKey):
        auth.raw_key_hex(data_dir, recovery_key, clock)
    # Whoever kept the old key and a copy of the old file reaches only the old key: not this store.
    old_master = KeySlots.load(saved).unlock_with_recovery(recovery_key)
    assert not _opens_live_store(data_dir, old_master)
    assert auth.raw_key_hex(data_dir, new_key, clock) != old_master.hex()
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()
