"""Encrypted backups with SQLite's online backup API, verified before they count.

A backup is a folder shaped like a data folder (``store.db`` + ``keyslots.json``), so it opens with
the managers' passwords (as they were when it was taken) or the recovery key of that time. It is written under
a ``.partial`` name and renamed only after it has been re-opened and checked, so a half-written
backup never looks like a good one.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from safespace_desk.db.errors import (
    BackupDamaged,
    BackupFailed,
    DiskFull,
    StoreDamaged,
    StoreError,
    StoreNotWritable,
)
from safespace_desk.db.fileio import copy_private, fsync_dir
from safespace_desk.db.health import CheckResult
from safespace_desk.db.integrity import check_pages
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import (
    DB_NAME,
    KEYSLOTS_NAME,
    Store,
    StorePaths,
    check_file_shape,
    connect_raw,
    read_store_salt,
    translate,
)
from safespace_desk.private_files import make_private_tree, private_file, private_folder

BACKUP_PREFIX = "safespace-backup-"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size_bytes: int
    pages_checked: int = 0  # every page of a backup just written was read back and checked


def backup_name(when: datetime) -> str:
    return BACKUP_PREFIX + when.strftime("%Y-%m-%dT%H%M%SZ")


def write_backup(store: Store, slots: KeySlots, keys: Keyring, folder: Path, when: datetime, *,
                 staff_ids: set[str] | None = None) -> BackupInfo:
    """Copy the live store into ``folder/<backup name>/`` and verify it. Nothing partial remains.

    The copy's key-slot file holds the recovery slot and the slots of ``staff_ids`` (the managers:
    DESIGN.md 5), or every slot if None.

    A page of the live store that fails its check before or while it is copied is damage of the store (the
    one damage message, and the store stops writing); a folder that will not take the copy is a
    BackupFailed; a copy that fails its own check is a BackupDamaged. In every case the
    ``.partial`` folder is removed, so it can never be listed, pruned as good or restored.

    The whole backup holds the store's key in use (``Store.using_key``), so a key rotation waits for it
    rather than re-encrypting the store under the copy."""
    with store.using_key() as master:
        if master != keys.current:
            raise StoreError("The store's key changed as the backup began; try again.")
        return _write_backup(store, slots, keys, master, folder, when, staff_ids)


def _write_backup(store: Store, slots: KeySlots, keys: Keyring, master: bytes, folder: Path, when: datetime,
                  staff_ids: set[str] | None) -> BackupInfo:
    try:
        private_folder(folder)
    except OSError as error:
        raise _folder_error(error, folder) from None
    final = folder / backup_name(when)
    partial = folder / (final.name + ".partial")
    if final.exists():
        raise StoreError("A backup with this time stamp already exists; try again in a second.")
    # SQLite's backup copies a page that fails its HMAC without a word (it arrives broken in the copy):
    # so every page of the live store is checked first, and damage there is named as the store's.
    source = check_pages(store.paths.db, master, lambda: when, structure=False)
    if not source.ok:
        raise store.mark_damaged(source.detail)
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(mode=0o700)
        target = partial / DB_NAME
        _copy(store, master, target, folder)
        slots.for_copy(keys, read_store_salt(target), staff_ids).save(partial / KEYSLOTS_NAME)
        try:
            checked = verify_backup(partial, master)
        except BackupDamaged as damaged:
            raise BackupDamaged(damaged.detail, just_written=True) from None
        os.replace(partial, final)
        fsync_dir(folder)
    except BaseException as error:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(error, DiskFull):  # the key-slot copy met a full backup disk
            raise BackupFailed(str(folder), "its disk is full") from None
        if isinstance(error, OSError):
            raise _folder_error(error, folder) from None
        raise
    return BackupInfo(final, when, (final / DB_NAME).stat().st_size, checked.pages)


def _copy(store: Store, master: bytes, target: Path, folder: Path) -> None:
    """SQLite's online backup: every page of the live store is read (and its HMAC checked) and
    written, encrypted under the copy's own salt, into ``target``."""
    source = connect_raw(store.paths.db, master)
    try:
        # 0600 before SQLite writes a byte (it would make it 0644); its log and index follow its mode.
        dest = connect_raw(private_file(target), master, create=True)
        try:
            source.backup(dest, pages=1024)
            # A backup is one file: fold its WAL in, so the copy is complete on its own.
            dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    except (sqlcipher.Error, OSError) as error:
        typed = translate(error)
        if isinstance(typed, StoreDamaged):
            raise store.mark_damaged(typed.detail) from None  # only reading the live store finds that
        raise _folder_error(error, folder) from None
    finally:
        source.close()


def _folder_error(error: BaseException, folder: Path) -> StoreError:
    typed = translate(error)
    if isinstance(typed, DiskFull):
        reason = "its disk is full"
    elif isinstance(typed, StoreNotWritable) or (isinstance(error, OSError) and error.errno in (
            errno.EACCES, errno.EPERM, errno.EROFS)):
        reason = "SafeSpace Desk may not write there (permission denied or a read-only disk)"
    elif not folder.is_dir():
        reason = "the folder cannot be reached (is the USB stick plugged in?)"
    else:
        reason = "its disk reported an error"
    return BackupFailed(str(folder), reason)


def verify_backup(folder: Path, master: bytes) -> CheckResult:
    """Open a backup and check every page (HMACs and B-tree structure); BackupDamaged if not."""
    paths = StorePaths(folder)
    slots = KeySlots.load(paths.keyslots)
    slots.verify(master)
    try:
        check_file_shape(paths.db, bytes.fromhex(slots.store_salt))
        result = check_pages(paths.db, master, lambda: datetime.now(UTC))
    except StoreDamaged as damaged:
        raise BackupDamaged(damaged.detail) from None
    except BaseException as error:
        typed = translate(error)
        if isinstance(typed, StoreDamaged):
            raise BackupDamaged(typed.detail) from None
        raise typed or error from None
    if not result.ok:
        raise BackupDamaged(result.detail)
    return result


def list_backups(folder: Path) -> list[BackupInfo]:
    out: list[BackupInfo] = []
    if not folder.is_dir():
        return out
    for child in folder.iterdir():
        if child.is_dir() and child.name.startswith(BACKUP_PREFIX) and not child.name.endswith(".partial"):
            try:
                taken = datetime.strptime(child.name[len(BACKUP_PREFIX):] + "+0000", "%Y-%m-%dT%H%M%SZ%z")
                size = (child / DB_NAME).stat().st_size
            except (ValueError, OSError):
                continue
            out.append(BackupInfo(child, taken, size))
    return sorted(out, key=lambda b: b.taken_at, reverse=True)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` verified backups; returns what was removed."""
    removed = []
    for info in list_backups(folder)[keep:]:
        shutil.rmtree(info.path, ignore_errors=True)
        removed.append(info.path)
    return removed


def restore_into(data_dir: Path, backup: Path, master: bytes, when: datetime) -> Path:
    """Replace the store in ``data_dir`` with a verified backup. The live store is moved aside
    (never overwritten) into ``data_dir/replaced-<time>/``; returns that folder."""
    verify_backup(backup, master)
    live = StorePaths(data_dir)
    aside = data_dir / ("replaced-" + when.strftime("%Y-%m-%dT%H%M%SZ"))
    incoming = data_dir / ".restore-incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    try:
        incoming.mkdir(mode=0o700)
        copy_private(backup / DB_NAME, incoming / DB_NAME)
        copy_private(backup / KEYSLOTS_NAME, incoming / KEYSLOTS_NAME)
        verify_backup(incoming, master)  # the copy, too, before anything live is touched
        aside.mkdir(mode=0o700)
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", KEYSLOTS_NAME):
            if (data_dir / name).exists():
                os.replace(data_dir / name, aside / name)
        os.replace(incoming / DB_NAME, live.db)
        os.replace(incoming / KEYSLOTS_NAME, live.keyslots)
        fsync_dir(data_dir)
        make_private_tree(aside)  # a store from before this was tightened keeps its loose modes otherwise
    except BaseException as error:
        _put_back(aside, data_dir)
        raise translate(error) or error from None
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return aside


def _put_back(aside: Path, data_dir: Path) -> None:
    """After a failed restore, return the live files that were moved aside."""
    if not aside.is_dir():
        return
    for child in aside.iterdir():
        target = data_dir / child.name
        if not target.exists():
            os.replace(child, target)
    if not any(aside.iterdir()):
        aside.rmdir()
