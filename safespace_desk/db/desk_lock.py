"""A lock file in the data folder: the open desk holds it shared; a restore needs it alone.

Restoring moves the live store aside. Doing that under a running desk would leave the desk writing
into the moved file, and whatever it wrote would be lost; the lock makes the restore refuse instead.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from safespace_desk.db.errors import StoreError

LOCK_NAME = ".desk.lock"

try:  # POSIX; on Windows the lock is not available and restore relies on the warning alone
    import fcntl
except ImportError:  # pragma: no cover - not on the Linux desks we test
    fcntl = None  # type: ignore[assignment]


class DeskInUse(StoreError):
    def __init__(self) -> None:
        super().__init__("The desk window is open on this store. Close SafeSpace Desk on this computer, "
                         "then run the restore again.")


@contextmanager
def desk_lock(data_dir: Path, *, exclusive: bool, remove_when_last: bool = False) -> Iterator[None]:
    """Hold the data folder's lock for the duration: shared (the desk) or exclusive (a restore).

    With ``remove_when_last`` the lock file is deleted on the way out if no other process holds it
    (checked by taking it exclusively first), so a closed desk leaves nothing behind.
    """
    if fcntl is None or not data_dir.is_dir():
        yield
        return
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise DeskInUse() from None
            raise
        yield
        if remove_when_last:
            _remove_if_last(fd, path)
    finally:
        os.close(fd)  # closing releases the lock


def _remove_if_last(fd: int, path: Path) -> None:
    assert fcntl is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another desk window or a restore holds it: theirs to remove
    path.unlink(missing_ok=True)
