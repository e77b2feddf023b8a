"""Backups: daily while the app runs, to a chosen folder (e.g. a USB stick); restore with a copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db import health
from safespace_desk.db.backup import BackupInfo, list_backups, prune_backups, write_backup
from safespace_desk.db.backup_manifest import BackupManifest, audit_head_of, write_manifest
from safespace_desk.db.errors import StoreError
from safespace_desk.db.models import Setting, Staff
from safespace_desk.db.old_copies import old_backups, remove_older_than, replaced_copies
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.roles import Permission, Role
from safespace_desk.private_files import private_folder
from safespace_desk.services.context import STORE_ID_KEY, Changes, DeskContext
from safespace_desk.services.restore import RestoreResult, restore_backup

__all__ = ["BackupInfo", "BackupSettings", "OldCopiesRemoved", "RestoreResult", "backup_settings", "backups_in",
           "closed_since", "configure_backups", "prune_old_copies", "restore_backup", "run_backup",
           "run_backup_if_due"]

FOLDER_KEY = "backup_folder"
KEEP_KEY = "backup_keep"
LAST_KEY = "last_backup_at"
DEFAULT_KEEP = 14
BACKUP_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class BackupSettings:
    folder: Path | None
    keep: int
    last_backup_at: datetime | None

    def due(self, now: datetime) -> bool:
        return self.folder is not None and (self.last_backup_at is None
                                            or now - self.last_backup_at >= BACKUP_EVERY)


def backup_settings(desk: DeskContext) -> BackupSettings:
    desk.require_actor()
    with desk.store.read() as session:
        values = {row.key: row.value for row in session.scalars(
            select(Setting).where(Setting.key.in_([FOLDER_KEY, KEEP_KEY, LAST_KEY])))}
    return BackupSettings(Path(values[FOLDER_KEY]) if values.get(FOLDER_KEY) else None,
                          int(values.get(KEEP_KEY, DEFAULT_KEEP)),
                          parse_utc(values[LAST_KEY]) if values.get(LAST_KEY) else None)


def configure_backups(desk: DeskContext, folder: str | Path, keep: int = DEFAULT_KEEP) -> Changes:
    """Choose where backups go (a manager's decision). The folder must be writable now."""
    desk.require(Permission.DATA_RIGHTS, "choose the backup folder")
    path = Path(str(folder).strip()).expanduser()
    if not str(folder).strip():
        raise ValidationError("Choose a folder for backups.", field="backup_folder")
    if not 1 <= keep <= 365:
        raise ValidationError("Keep between 1 and 365 backups.", field="backup_keep")
    if path.resolve() == desk.store.paths.data_dir.resolve():
        raise ValidationError("Backups must not go into the live data folder.", field="backup_folder")
    try:
        private_folder(path)
        probe = path / ".safespace-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        raise ValidationError(f"SafeSpace Desk cannot write to that folder ({error.strerror}).",
                              field="backup_folder") from None
    with desk.unit_of_work() as uow:
        _set(uow.session, FOLDER_KEY, str(path))
        _set(uow.session, KEEP_KEY, str(keep))
        uow.audit("backup_folder_set", "site")
        uow.changed("backup")
    return uow.changes


def run_backup(desk: DeskContext, folder: Path | None = None, *, automatic: bool = False) -> BackupInfo:
    """Write and verify a backup now. Automatic daily backups run whoever is signed in."""
    if not automatic:
        desk.require(Permission.DATA_RIGHTS, "make backups")
    if desk.store.read_only:
        # A copy of a damaged store is not a backup to restore from: say so, and keep the good ones.
        raise desk.store.damaged_error()
    settings = backup_settings(desk)
    target = folder or settings.folder
    if target is None:
        raise ValidationError("Choose a backup folder first (Admin → Backups).", field="backup_folder")
    now = desk.clock.now()
    info = write_backup(desk.store, desk.keyslots, desk.keys, target, now, staff_ids=_manager_ids(desk))
    anchored = _write_manifest(desk, info)
    prune_backups(target, settings.keep)
    # Kept beside the store too, so the damage message can name it when the store cannot be read.
    health.record_backup(desk.store.paths.data_dir, info.path, info.taken_at)
    with desk.unit_of_work() as uow:
        _set(uow.session, LAST_KEY, utc_text(now))
        uow.audit("backup_written", "site", detail=("automatic" if automatic else "manual")
                  + ("" if anchored else ";no_manifest"))
        uow.changed("backup")
    return info


def _store_id(desk: DeskContext) -> str | None:
    with desk.store.read() as session:
        row = session.get(Setting, STORE_ID_KEY)
        return row.value if row is not None else None


def _manager_ids(desk: DeskContext) -> set[str]:
    """Backups carry only the managers' and the recovery slots (DESIGN.md 5): a backup on a USB stick
    is not a second way in for every desk account."""
    with desk.store.read() as session:
        return set(session.scalars(select(Staff.id).where(Staff.role == Role.MANAGER.value,
                                                          Staff.active.is_(True))))


def _write_manifest(desk: DeskContext, info: BackupInfo) -> bool:
    """Record the audit chain's head as the backup holds it: an anchor outside the live store
    (services/audit.py checks the log against it). A backup whose manifest could not be written is
    still a good backup; it anchors nothing, and the audit entry says so."""
    try:
        head = audit_head_of(info.path, desk.master_key)
        if head is not None:
            write_manifest(info.path, BackupManifest(info.taken_at, *head, store_id=_store_id(desk)))
        return head is not None
    except (OSError, StoreError):
        return False


@dataclass(frozen=True)
class OldCopiesRemoved:
    backups: tuple[Path, ...]
    replaced: tuple[Path, ...]


def prune_old_copies(desk: DeskContext, *, automatic: bool = False) -> OldCopiesRemoved:
    """Remove the copies of the store past the backups' keep period: backups in the backup folder
    older than ``keep`` days (the newest always stays, however old, so a desk whose backups stopped
    still has one) and the ``replaced-<time>/`` folders restores left in the data folder. Each holds
    erased guests as they were; this is how long they can outlive an erasure (docs/decisions.md).
    Run by the daily purge; a manager can run it at once."""
    if not automatic:
        desk.require(Permission.DATA_RIGHTS, "remove old copies of the store")
    settings = backup_settings(desk)
    cutoff = desk.clock.now() - timedelta(days=settings.keep)
    gone_backups: list[Path] = []
    if settings.folder is not None and settings.folder.is_dir():
        gone_backups = remove_older_than(old_backups(settings.folder), cutoff, keep_newest=True)
    gone_replaced = remove_older_than(replaced_copies(desk.store.paths.data_dir), cutoff, keep_newest=False)
    if gone_backups or gone_replaced:
        desk.record("old_copies_removed", "site", detail=f"backups={len(gone_backups)};replaced={len(gone_replaced)}")
    return OldCopiesRemoved(tuple(gone_backups), tuple(gone_replaced))


def run_backup_if_due(desk: DeskContext) -> BackupInfo | None:
    if backup_settings(desk).due(desk.clock.now()):
        return run_backup(desk, automatic=True)
    return None


def backups_in(desk: DeskContext, folder: Path | None = None) -> list[BackupInfo]:
    desk.require_actor()
    target = folder or backup_settings(desk).folder
    return list_backups(target) if target else []


def closed_since(desk: DeskContext, infos: list[BackupInfo]) -> dict[Path, list[str]]:
    """For each backup, the accounts closed after it was taken (a manager's view of the list): a
    restore of it closes them again (services/restore.py), and the Backups page says so beforehand."""
    desk.require(Permission.DATA_RIGHTS, "see the backups")
    with desk.store.read() as session:
        closed = [(row.name, row.deactivated_at) for row in session.scalars(
            select(Staff).where(Staff.active.is_(False), Staff.deactivated_at.is_not(None)))]
    return {info.path: sorted(name for name, when in closed if when is not None and when > info.taken_at)
            for info in infos}


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value

