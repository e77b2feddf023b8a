"""A lock file in the data folder: the open desk holds it shared; a restore needs it alone.

Restoring moves the live store aside. Doing that under a running desk would leave the desk writing
into the moved file, and whatever it wrote would be lost; the lock makes the restore refuse instead.

The lock is an OS lock (flock), which the OS lets go of when the process ends however it ends, so
a desk that crashed or was killed never blocks the next start. The file also says which process
opened the desk and when; a desk that closes normally empties it. Finding it not empty with nobody
holding the lock means the last desk did not close properly: the next start says so (and checks
the store early) instead of carrying on as if nothing happened.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class StaleLock:
    """What a desk that ended without closing left in the lock file."""

    pid: int
    started: datetime | None
    process_gone: bool

    def describe(self) -> str:
        when = (f" (opened {self.started.astimezone().strftime('%a %d %b at %H:%M')})"
                if self.started else "")
        how = "its program is no longer running" if self.process_gone else "it no longer holds the store"
        return (f"SafeSpace Desk did not close properly last time{when}: {how}, as after a crash, a "
                "forced stop or a power cut. Everything it had saved is kept, and the store is checked "
                "after you sign in.")


@contextmanager
def desk_lock(data_dir: Path, *, exclusive: bool, remove_when_last: bool = False) -> Iterator[StaleLock | None]:
    """Hold the data folder's lock for the duration: shared (the desk) or exclusive (a restore).

    Yields what a desk that did not close properly left behind (None if the last one closed). With
    ``remove_when_last`` the last desk to close deletes the file (checked by taking it exclusively
    first), so a closed desk leaves nothing behind; otherwise it only empties it."""
    if fcntl is None or not data_dir.is_dir():
        yield None
        return
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        alone = _try_lock(fd, fcntl.LOCK_EX)
        if exclusive and not alone:
            raise DeskInUse()
        stale = _read_stale(fd) if alone else None
        if not exclusive:
            if alone:
                _write(fd, f"pid={os.getpid()} started={datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
            fcntl.flock(fd, fcntl.LOCK_SH)  # from alone to shared: a second window may open too
        yield stale
        if not exclusive and _try_lock(fd, fcntl.LOCK_EX):  # the last desk window closes properly
            if remove_when_last:
                path.unlink(missing_ok=True)
            else:
                _write(fd, "")
    finally:
        os.close(fd)  # closing releases the lock


def _try_lock(fd: int, kind: int) -> bool:
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _read_stale(fd: int) -> StaleLock | None:
    os.lseek(fd, 0, os.SEEK_SET)
    fields = dict(part.split("=", 1) for part in os.read(fd, 200).decode(errors="replace").split() if "=" in part)
    try:
        pid = int(fields["pid"])
    except (KeyError, ValueError):
        return None
    try:
        started: datetime | None = datetime.strptime(fields.get("started", ""), "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC)
    except ValueError:
        started = None
    return StaleLock(pid, started, not _alive(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, text.encode(), 0)
