"""Small file helpers that never leave a half-written file behind."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from safespace_desk.db.errors import DiskFull
from safespace_desk.private_files import PRIVATE_FILE, make_private, make_private_tree


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync, then rename over it."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull() from None
        raise


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# What the program keeps in a data folder (the store, its log, key slots, tries, health, the desk lock)
# and the folders it leaves there (a replaced store, a lost log): tightened each time the store opens.
_DATA_FILES = ("store.db", "keyslots.json", "password-tries.json", "store-health.json", ".desk.lock")
_DATA_FOLDERS = ("replaced-", "lost-log-", ".restore-incoming")


def copy_private(source: Path, target: Path) -> None:
    """Copy a file into a new 0600 file, synced to disk (``shutil.copy2`` would keep the source's mode)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())


def tighten_data_folder(data_dir: Path) -> None:
    """The data folder 0700, the program's files in it 0600, the folders it leaves there 0700 all through."""
    make_private(data_dir)
    try:
        children = list(data_dir.iterdir())
    except OSError:
        return
    for child in children:
        if child.is_dir() and child.name.startswith(_DATA_FOLDERS):
            make_private_tree(child)
        elif child.is_file() and child.name.startswith(_DATA_FILES):
            make_private(child)
