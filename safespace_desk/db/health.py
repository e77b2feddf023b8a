"""The store's health, kept beside it in ``store-health.json``: damage seen, the last full check,
and the newest verified backup.

It lives outside the encrypted database on purpose: once the store is damaged nothing more may be
written into it, yet every later open (the desk, any command, another process) must know at once
that it is damaged and where the newest good backup is, even when the page that would tell it can
no longer be read. It holds no personal data: times, page counts and folder paths only.

Damage is sticky: it stays recorded until a restore replaces the store or a full check of every
page passes again (a disk error that was only the USB stick being pulled out, say).
"""

from __future__ import annotations

import json
import os
import shlex
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safespace_desk.db.fileio import atomic_write_bytes

HEALTH_NAME = "store-health.json"
FORMAT = "safespace-desk-store-health"
_lock = threading.Lock()  # one writer at a time in this process (the check runs on a worker thread)


@dataclass(frozen=True)
class CheckResult:
    """One full check of the store: every page's HMAC and the B-tree structure."""

    at: datetime
    ok: bool
    pages: int
    bad_pages: tuple[int, ...] = ()
    detail: str = ""  # what was wrong, in plain words ("" when ok)
    seconds: float = 0.0

    def describe(self) -> str:
        if self.ok:
            return f"all {self.pages:,} pages sound"
        return f"damage found: {self.detail}"


@dataclass(frozen=True)
class DamageRecord:
    at: datetime
    detail: str


@dataclass(frozen=True)
class BackupRecord:
    path: str
    taken_at: datetime


@dataclass(frozen=True)
class StoreHealth:
    damage: DamageRecord | None = None
    last_check: CheckResult | None = None
    newest_backup: BackupRecord | None = None


def health_path(data_dir: Path) -> Path:
    return data_dir / HEALTH_NAME


def load(data_dir: Path) -> StoreHealth:
    """What is recorded; nothing recorded (or a file that cannot be read) is an empty record."""
    try:
        raw = json.loads(health_path(data_dir).read_bytes())
    except (OSError, ValueError):
        return StoreHealth()
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return StoreHealth()
    try:
        return StoreHealth(damage=_damage(raw.get("damage")), last_check=_check(raw.get("last_check")),
                           newest_backup=_backup(raw.get("newest_backup")))
    except (KeyError, TypeError, ValueError):
        return StoreHealth()


def record_damage(data_dir: Path, detail: str, when: datetime | None = None) -> DamageRecord:
    """Record damage (the first sighting is kept: it is the one that says when it began)."""
    with _lock:
        health = load(data_dir)
        if health.damage is None:
            health = replace(health, damage=DamageRecord(when or now_utc(), detail))
            _save(data_dir, health)
        assert health.damage is not None
        return health.damage


def record_check(data_dir: Path, result: CheckResult) -> StoreHealth:
    """Keep the result; a clean full check clears damage recorded earlier, a bad one records it."""
    with _lock:
        health = replace(load(data_dir), last_check=result)
        if result.ok:
            health = replace(health, damage=None)
        elif health.damage is None:
            health = replace(health, damage=DamageRecord(result.at, result.detail))
        _save(data_dir, health)
        return health


def record_backup(data_dir: Path, path: Path, taken_at: datetime) -> None:
    with _lock:
        health = load(data_dir)
        newest = health.newest_backup
        if newest is None or taken_at >= newest.taken_at or not Path(newest.path).is_dir():
            _save(data_dir, replace(health, newest_backup=BackupRecord(str(path), taken_at)))


def forget_damage(data_dir: Path) -> None:
    """After a restore: the damaged store was moved aside, and its check results with it."""
    with _lock:
        health = load(data_dir)
        if health.damage is not None or health.last_check is not None:
            _save(data_dir, replace(health, damage=None, last_check=None))


@dataclass(frozen=True)
class RestoreSteps:
    """What to do after damage, in parts, so a screen can set the command on a line of its own."""

    lead: str  # which backup, and that the desk must be closed
    command: str  # the exact command
    note: str  # whose password, and the recovery key

    def sentence(self) -> str:
        return f"{self.lead} with: {self.command} ({self.note})."


def restore_steps(data_dir: Path, health: StoreHealth | None = None) -> RestoreSteps:
    """The newest verified backup and the exact command that restores it over ``data_dir``."""
    health = health if health is not None else load(data_dir)
    folder = shlex.quote(str(data_dir))
    newest = health.newest_backup
    note = ("a manager's password as it was when the backup was taken; if no manager can sign in, use "
            "--recovery-key-stdin and the recovery key instead of --as")
    if newest is not None and Path(newest.path).is_dir():
        taken = newest.taken_at.astimezone().strftime("%a %d %b %Y %H:%M")
        return RestoreSteps(f"Close SafeSpace Desk and restore the newest verified backup (taken {taken})",
                            f"safespace-desk restore {shlex.quote(newest.path)} --data-dir {folder} "
                            "--as 'MANAGER NAME'", note)
    return RestoreSteps("No verified backup is recorded on this computer; find the newest backup folder (e.g. on "
                        "the backup USB stick), close SafeSpace Desk and restore it",
                        f"safespace-desk restore BACKUP_FOLDER --data-dir {folder} --as 'MANAGER NAME'", note)


def restore_advice(data_dir: Path, health: StoreHealth | None = None) -> str:
    """The next step after damage, as one sentence (the end of the damage message)."""
    return restore_steps(data_dir, health).sentence()


def damage_message(data_dir: Path) -> str | None:
    """The one damage message for damage recorded here (None if none is)."""
    from safespace_desk.db.errors import StoreDamaged

    recorded = load(data_dir)
    if recorded.damage is None:
        return None
    return StoreDamaged(recorded.damage.detail, restore_advice(data_dir, recorded)).message


def accept_log_advice(data_dir: Path) -> str:
    return (" Or keep everything saved before that point: a manager runs safespace-desk check "
            f"--accept-lost-log --data-dir {shlex.quote(str(data_dir))} --as 'MANAGER NAME' (the log is "
            "copied aside first).")


def _save(data_dir: Path, health: StoreHealth) -> None:
    body: dict[str, Any] = {"format": FORMAT, "version": 1}
    if health.damage is not None:
        body["damage"] = {"at": _iso(health.damage.at), "detail": health.damage.detail}
    if health.last_check is not None:
        c = health.last_check
        body["last_check"] = {"at": _iso(c.at), "ok": c.ok, "pages": c.pages, "bad_pages": list(c.bad_pages),
                              "detail": c.detail, "seconds": round(c.seconds, 3)}
    if health.newest_backup is not None:
        body["newest_backup"] = {"path": health.newest_backup.path, "taken_at": _iso(health.newest_backup.taken_at)}
    atomic_write_bytes(health_path(data_dir), json.dumps(body, indent=1).encode())


def _damage(raw: Any) -> DamageRecord | None:
    return DamageRecord(_parse(raw["at"]), str(raw["detail"])) if raw else None


def _check(raw: Any) -> CheckResult | None:
    if not raw:
        return None
    return CheckResult(at=_parse(raw["at"]), ok=bool(raw["ok"]), pages=int(raw["pages"]),
                       bad_pages=tuple(int(p) for p in raw.get("bad_pages", [])),
                       detail=str(raw.get("detail", "")), seconds=float(raw.get("seconds", 0.0)))


def _backup(raw: Any) -> BackupRecord | None:
    return BackupRecord(str(raw["path"]), _parse(raw["taken_at"])) if raw else None


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def now_utc() -> datetime:
    # The db layer has no injected clock; a damage record's time is only shown to people.
    return datetime.now(UTC)


def file_stamp(data_dir: Path) -> tuple[int, int] | None:
    """A cheap fingerprint of the health file (mtime, size), to notice another process's update."""
    try:
        stat = os.stat(health_path(data_dir))
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
