"""Encrypted backups with SQLite's online backup API, verified before they count.

A backup is a folder shaped like a data folder (``store.db`` + ``keyslots.json``), so it opens with
the same staff passwords (as they were when it was taken) or the recovery key. It is written under
a ``.partial`` name and renamed only after it has been re-opened and checked, so a half-written
backup never looks like a good one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from safespace_desk.db.errors import StoreDamaged, StoreError
from safespace_desk.db.fileio import fsync_dir
from safespace_desk.db.keyslots import KeySlots
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

BACKUP_PREFIX = "safespace-backup-"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size_bytes: int


def backup_name(when: datetime) -> str:
    return BACKUP_PREFIX + when.strftime("%Y-%m-%dT%H%M%SZ")


def write_backup(store: Store, slots: KeySlots, master: bytes, folder: Path, when: datetime) -> BackupInfo:
    """Copy the live store into ``folder/<backup name>/`` and verify it. Nothing partial remains."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise translate(error) or StoreError(f"The backup folder cannot be created ({error.strerror}).") from None
    final = folder / backup_name(when)
    partial = folder / (final.name + ".partial")
    if final.exists():
        raise StoreError("A backup with this time stamp already exists; try again in a second.")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(mode=0o700)
        target = partial / DB_NAME
        source = connect_raw(store.paths.db, master)
        try:
            dest = connect_raw(target, master, create=True)
            try:
                source.backup(dest, pages=1024)
                # A backup is one file: fold its WAL in, so the copy is complete on its own.
                dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            source.close()
        slots.for_copy(master, read_store_salt(target)).save(partial / KEYSLOTS_NAME)
        verify_backup(partial, master)
        os.replace(partial, final)
        fsync_dir(folder)
    except BaseException as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise translate(error) or error from None
    return BackupInfo(final, when, (final / DB_NAME).stat().st_size)


def verify_backup(folder: Path, master: bytes) -> None:
    """Open a backup and check every page (HMACs and B-tree structure); raise StoreDamaged if not."""
    paths = StorePaths(folder)
    slots = KeySlots.load(paths.keyslots)
    slots.verify(master)
    check_file_shape(paths.db, bytes.fromhex(slots.store_salt))
    try:
        conn = connect_raw(paths.db, master)
    except BaseException as error:
        raise translate(error) or error from None
    try:
        bad_pages = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        structure = conn.execute("PRAGMA quick_check").fetchall()
    except BaseException as error:
        raise translate(error) or error from None
    finally:
        conn.close()
    if bad_pages:
        raise StoreDamaged(f"{len(bad_pages)} pages of the backup fail their checksum")
    if structure != [("ok",)]:
        raise StoreDamaged("the backup's structure check failed")


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
        shutil.copy2(backup / DB_NAME, incoming / DB_NAME)
        shutil.copy2(backup / KEYSLOTS_NAME, incoming / KEYSLOTS_NAME)
        verify_backup(incoming, master)  # the copy, too, before anything live is touched
        aside.mkdir(mode=0o700)
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", KEYSLOTS_NAME):
            if (data_dir / name).exists():
                os.replace(data_dir / name, aside / name)
        os.replace(incoming / DB_NAME, live.db)
        os.replace(incoming / KEYSLOTS_NAME, live.keyslots)
        fsync_dir(data_dir)
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
