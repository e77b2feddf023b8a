"""Files only the desk's own OS account may read: copies of the store, guests' exports, reports.

A file is 0600 and a folder 0700 before anything is written in it (a library such as SQLite or Qt's
PDF writer would otherwise make it 0644 under the usual umask). Used by db/ (backups, restores, the
data folder), reports/ and ui/ (exports), so it lives beside ids.py rather than in any one layer.
On a file system without POSIX bits (a FAT USB stick, Windows) the calls change nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def make_private(path: Path) -> None:
    """Take group and other access away (a file 0600, a folder 0700 at most). A file system without
    POSIX bits or a file owned by someone else is left as it is."""
    try:
        current = path.stat().st_mode & 0o777
        if current & 0o077:
            os.chmod(path, current & 0o700)
    except OSError:
        pass


def make_private_tree(folder: Path) -> None:
    make_private(folder)
    for child in folder.rglob("*"):
        make_private(child)


def private_folder(folder: Path) -> Path:
    """``folder``, made (with any missing parents) 0700 if it was not there; an existing one is left as
    it is (a user's USB stick is theirs)."""
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    for made in missing:
        make_private(made)
    return folder


def private_file(path: Path) -> Path:
    """Make ``path`` exist as a 0600 file (kept if it was there, tightened) before a library writes into
    it, so it is never readable by others, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)
    make_private(path)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a 0600 temporary file, synced, then renamed over it."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        make_private(tmp)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
