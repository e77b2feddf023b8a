"""Restoring a backup, authorised by the store it replaces (issue 14, finding 7).

A backup is an old copy of the store, with the key slots of its day: a manager deactivated since it
was taken still has a slot in it. So the backup is never what decides who may restore it:

- the person restoring is a manager of the CURRENT store (their slot in today's ``keyslots.json``,
  their role in today's staff list), or gives today's recovery key;
- the backup must be of this store: it opens with this store's key and carries this store's id
  (``desk_setting.store_id``, made once per store and kept by its backups; a desk that joined a hub
  shares the hub's key, so the key alone does not tell one desk's store from another's);
- accounts closed since the backup was taken are closed again in the restored store (their slots
  removed, their rows deactivated, audited), and the restore says so; accounts made since are named
  too, as they must be added again.

If the live store cannot be read (it is damaged: the reason to restore), the manager's role is read
from the backup instead; their slot in today's file still proves the account is open now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from safespace_desk.db import health
from safespace_desk.db.backup import restore_into
from safespace_desk.db.backup_manifest import read_manifest
from safespace_desk.db.errors import KeySlotsTampered
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import Store, StorePaths, read_store_salt
from safespace_desk.domain.clock import Clock, ZoneCheckedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.roles import Role
from safespace_desk.domain.staff import login_key
from safespace_desk.services import keyrotation
from safespace_desk.services.context import STORE_ID_KEY, DeskContext, ensure_device_id, ensure_store_id
from safespace_desk.services.password_guard import guarded

ANOTHER_STORE = ("This backup is of another store, not the one in this data folder: it is refused. "
                 "Check the backup folder and --data-dir.")


@dataclass(frozen=True)
class RestoreResult:
    aside: Path  # where the replaced store is kept (``data_dir/replaced-<time>/``)
    closed_since: tuple[str, ...] = ()  # accounts closed after the backup: closed again
    added_since: tuple[str, ...] = ()  # accounts made after the backup: not in the restored store
    notes: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        lines = [f"{name}'s account was closed after this backup was taken: it stays closed in the restored store."
                 for name in self.closed_since]
        lines += [f"{name}'s account was made after this backup was taken: a manager must add it again."
                  for name in self.added_since]
        return lines + self.notes


@dataclass(frozen=True)
class _Authorised:
    master: bytes  # the backup's key (the version it was taken under, reached from today's keys)
    staff_id: str | None  # None: the recovery key
    live_slots: KeySlots | None
    live_master: bytes | None = None  # the store's key now (differs after a key rotation)
    keys: Keyring | None = None  # today's keyring (every version), when today's slots were opened


def restore_backup(data_dir: Path, backup: Path, clock: Clock, *, recovery_key: str | None = None,
                   manager_name: str | None = None, password: str | None = None) -> RestoreResult:
    """Replace the store in ``data_dir`` with ``backup``, after checking who asks, that the backup is
    this store's and that it opens and is whole. The live store is kept in ``data_dir/replaced-<time>/``."""
    live = StorePaths(data_dir)
    backup_slots = KeySlots.load(StorePaths(backup).keyslots)
    who = _authorise(live, backup_slots, clock, recovery_key=recovery_key, manager_name=manager_name,
                     password=password)
    _check_same_store(live, backup, backup_slots, who.master, who.live_master)
    if who.staff_id is not None:
        _check_manager(live, backup, who.master, who.staff_id, who.live_master)
    closed, added = _accounts_changed_since(live, backup, backup_slots, who)
    aside = restore_into(data_dir, backup, who.master, clock.now())
    health.forget_damage(data_dir)  # the damaged store (if it was) is in ``aside`` now
    notes = []
    if who.live_slots is not None and who.keys is not None:
        _carry_todays_slots(data_dir, who, set(added))
        if backup_slots.current != who.live_slots.current:
            notes.append("This backup was taken before the store's key was last changed: the restored store "
                         "was changed to today's key, so older copies of the key-slot file do not open it.")
    _after_restore(data_dir, backup, aside, who, clock, closed)
    return RestoreResult(aside, tuple(closed.values()), tuple(added.values()), notes)


def _carry_todays_slots(data_dir: Path, who: _Authorised, added: set[str]) -> None:
    """The restored store takes today's key slots, not the backup's: everyone whose account is open
    now (a backup carries only the managers' slots) and nobody closed since. Their keyring reaches the
    backup's older key version, so the first open rekeys the restored store to today's key
    (services/keyrotation.open_store): a copy of an older slot file, which a leaver may have kept, does
    not open it. Accounts made since the backup have no row in it, so their slots are left out. A crash
    before this leaves the backup's own slot file, which opens the restored store as before."""
    assert who.live_slots is not None and who.keys is not None
    paths = StorePaths(data_dir)
    staying = who.live_slots.staff_ids() - added
    who.live_slots.for_copy(who.keys, read_store_salt(paths.db), staying).save(paths.keyslots)


def _authorise(live: StorePaths, backup_slots: KeySlots, clock: Clock, *, recovery_key: str | None,
               manager_name: str | None, password: str | None) -> _Authorised:
    if not recovery_key and not (manager_name and password):
        raise ValidationError("Give the recovery key, or a manager's name and password.", field="password")
    if not live.keyslots.exists():
        # No key slots here: nobody can be checked against this store. Only the recovery key (the
        # backup's) restores, the one credential that opens every copy of the store anyway.
        if not recovery_key:
            raise ValidationError("This data folder has no key-slot file, so no manager can be checked "
                                  "against it: restore with the recovery key.", field="recovery_key")
        return _Authorised(backup_slots.unlock_with_recovery(recovery_key), None, None)
    slots = KeySlots.load(live.keyslots)
    if recovery_key:
        return _with_versions(slots.open_with_recovery(recovery_key), None, slots, backup_slots)
    assert manager_name and password
    login = login_key(manager_name)
    owner = next((s.staff_id for s in slots.slots if s.kind == "staff" and s.login == login), None)
    with guarded(live.data_dir, login, ZoneCheckedClock(clock).now(), path="restore", staff_id=lambda: owner):
        keys, staff_id = slots.open_with_password(login, password)
    return _with_versions(keys, staff_id, slots, backup_slots)


def _with_versions(keys: Keyring, staff_id: str | None, live: KeySlots, backup_slots: KeySlots) -> _Authorised:
    """Today's keys reach every older key version (db/keyslots.py): a backup taken before a key
    rotation opens with the version it was taken under."""
    version = backup_slots.current if backup_slots.current in keys.versions else keys.current_version
    return _Authorised(keys.master(version), staff_id, live, keys.current, keys)


def _check_same_store(live: StorePaths, backup: Path, backup_slots: KeySlots, master: bytes,
                      live_master: bytes | None = None) -> None:
    manifest = read_manifest(backup)
    live_id = _read_setting(live.db, live_master or master, STORE_ID_KEY)
    if manifest is not None and manifest.store_id and live_id and manifest.store_id != live_id:
        raise RuleViolation(ANOTHER_STORE)
    try:
        backup_slots.verify(master)
    except KeySlotsTampered:
        raise RuleViolation(ANOTHER_STORE) from None
    backup_id = _read_setting(StorePaths(backup).db, master, STORE_ID_KEY)
    # A backup from before stores had an id is this store's if this store's key opens it.
    if backup_id and live_id and backup_id != live_id:
        raise RuleViolation(ANOTHER_STORE)


def _check_manager(live: StorePaths, backup: Path, master: bytes, staff_id: str,
                   live_master: bytes | None = None) -> None:
    row = _staff_row(live.db, live_master or master, staff_id)
    if row is None:  # the live store cannot be read (damaged): the backup says what role they had
        row = _staff_row(StorePaths(backup).db, master, staff_id)
    if row is None or row[1] != Role.MANAGER.value or not row[2]:
        raise PermissionDenied("Only a manager of this store now can restore a backup.")


def _accounts_changed_since(live: StorePaths, backup: Path, backup_slots: KeySlots,
                            who: _Authorised) -> tuple[dict[str, str], dict[str, str]]:
    """(closed since, added since): staff id -> name. An account closed since has a slot in the
    backup but none today; one made since has a slot today and none in the backup."""
    if who.live_slots is None:
        return {}, {}
    # A backup carries only the managers' slots (DESIGN.md 5): who had an account then is read from its
    # staff list (the slots of its day if that cannot be read).
    then = _active_staff(StorePaths(backup).db, who.master) or backup_slots.staff_ids()
    now = who.live_slots.staff_ids()
    closed = {sid: _name(StorePaths(backup).db, who.master, sid) for sid in sorted(then - now)}
    added = {sid: _name(live.db, who.live_master or who.master, sid) for sid in sorted(now - then)}
    return closed, added


def _after_restore(data_dir: Path, backup: Path, aside: Path, who: _Authorised, clock: Clock,
                   closed: dict[str, str]) -> None:
    """Audit the restore in the restored store, and close again the accounts closed since."""
    slots = KeySlots.load(StorePaths(data_dir).keyslots)
    if who.keys is not None and who.live_slots is not None:
        opened = keyrotation.open_store(data_dir, slots, who.keys)  # brought to today's key here
        restored, keys = opened.store, opened.keys
    else:
        restored = Store.open(data_dir, who.master, bytes.fromhex(slots.store_salt))
        keys = Keyring(slots.current, {slots.current: who.master})
    try:
        desk = DeskContext(store=restored, keyslots=slots, master_key=keys.current, clock=clock, device_id="",
                           keys=keys)
        with restored.write() as session:
            desk.device_id = ensure_device_id(session)
            ensure_store_id(session)
        _close_again(desk, closed)
        with desk.unit_of_work() as uow:
            uow.staff_id = who.staff_id
            uow.audit("restored_from_backup", "site",
                      detail=f"backup={backup.name};previous={aside.name};closed_again={len(closed)}")
    finally:
        restored.close()


def _close_again(desk: DeskContext, closed: dict[str, str]) -> None:
    from safespace_desk.db.models import Staff
    from safespace_desk.services.context import keyslot_change

    if not closed:
        return
    with keyslot_change(desk), desk.unit_of_work() as uow:
        for staff_id in closed:
            row = uow.session.get(Staff, staff_id)
            if row is not None and row.active:
                row.active = False
                row.deactivated_at = uow.now
                row.pin_hash = None
                uow.audit("staff_deactivated", "staff", staff_id, detail="again_after_restore")
                uow.outbox("staff.deactivate", staff_id=staff_id)
                uow.changed("staff", staff_id)
            desk.keyslots.remove_staff_slot(desk.master_key, staff_id)
        desk.keyslots.save(desk.store.paths.keyslots)


# -- reading a store file directly ----------------------------------------------------------------
def _query(db: Path, master: bytes, sql: str, params: tuple[str, ...]) -> tuple[object, ...] | None:
    """One row, read-only: the live store may be damaged, and opening it for writing could fold its
    log into it (or drop a damaged one) before it is moved aside. None when it cannot be read."""
    if not db.exists():
        return None
    # Without a log there is nothing in one to miss: read the file as it is (SQLite would otherwise
    # leave an empty log beside it); with one, read through it.
    has_log = db.with_name(db.name + "-wal").exists()
    try:
        conn = sqlcipher.connect(f"file:{db}?mode=ro" + ("" if has_log else "&immutable=1"), uri=True,
                                 isolation_level=None)
    except (sqlcipher.Error, OSError):
        return None
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{master.hex()}'\"")
        return conn.execute(sql, params).fetchone()
    except sqlcipher.Error:
        return None
    finally:
        conn.close()


def _active_staff(db: Path, master: bytes) -> set[str]:
    if not db.exists():
        return set()
    try:
        conn = sqlcipher.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    except (sqlcipher.Error, OSError):
        return set()
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{master.hex()}'\"")
        return {str(row[0]) for row in conn.execute("SELECT id FROM staff WHERE active = 1")}
    except sqlcipher.Error:
        return set()
    finally:
        conn.close()


def _read_setting(db: Path, master: bytes, key: str) -> str | None:
    row = _query(db, master, "SELECT value FROM desk_setting WHERE key = ?", (key,))
    return str(row[0]) if row else None


def _staff_row(db: Path, master: bytes, staff_id: str) -> tuple[object, ...] | None:
    return _query(db, master, "SELECT name, role, active FROM staff WHERE id = ?", (staff_id,))


def _name(db: Path, master: bytes, staff_id: str) -> str:
    row = _staff_row(db, master, staff_id)
    return str(row[0]) if row else "An account"
