"""Copies of the store that outlive their use: old backups and the ``replaced-<time>/`` folders a
restore leaves behind. Each holds everyone who was in the store then, erased guests included, so
they are removed once older than the backups' keep period (see services/backups.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from safespace_desk.db.backup import list_backups

REPLACED_PREFIX = "replaced-"


@dataclass(frozen=True)
class OldCopy:
    path: Path
    taken_at: datetime


def replaced_copies(data_dir: Path) -> list[OldCopy]:
    """The live stores that restores moved aside, newest first."""
    out = []
    if data_dir.is_dir():
        for child in data_dir.iterdir():
            if child.is_dir() and child.name.startswith(REPLACED_PREFIX):
                try:
                    when = datetime.strptime(child.name[len(REPLACED_PREFIX):] + "+0000", "%Y-%m-%dT%H%M%SZ%z")
                except ValueError:
                    continue  # not one of ours
                out.append(OldCopy(child, when))
    return sorted(out, key=lambda c: c.taken_at, reverse=True)


def remove_older_than(copies: list[OldCopy], cutoff: datetime, *, keep_newest: bool) -> list[Path]:
    """Remove the copies taken before ``cutoff`` (never the newest one, if ``keep_newest``)."""
    removed = []
    for index, copy in enumerate(copies):
        if copy.taken_at < cutoff and not (keep_newest and index == 0):
            shutil.rmtree(copy.path, ignore_errors=True)
            if not copy.path.exists():
                removed.append(copy.path)
    return removed


def old_backups(folder: Path) -> list[OldCopy]:
    return [OldCopy(info.path, info.taken_at) for info in list_backups(folder)]


def cutoff_for(now: datetime, keep_days: int) -> datetime:
    return now - timedelta(days=keep_days)
