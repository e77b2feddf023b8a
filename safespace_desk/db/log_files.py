"""Checks of the write-ahead log (``store.db-wal``) and its index (``store.db-shm``) before opening.

SQLite's own recovery is silent: it replays the log up to the first frame whose checksum fails and
ignores the rest, and it rebuilds a missing log as an empty one. Either way, work that was saved
(committed, and reported to staff as saved) would vanish without a word, and the next write would
overwrite what was left of it. So the first process to open the store reads both files itself:

* a frame that fails its checksum, with a committed frame of the same log after it, is damage;
* a log that is missing while its index says it held frames not yet copied into store.db is
  saved work that is not here (a crash, then a copy that left the log behind, or a clean-up tool).

A torn last transaction after a power cut (its frames never all reached the disk, so it was never
reported as saved) is normal crash recovery and passes. The layout follows SQLite's documented
file format (https://www.sqlite.org/fileformat2.html#walformat); checksums cover the encrypted
pages as written, so no key is needed. Nothing here writes to either file.
"""

from __future__ import annotations

import os
import shutil
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from safespace_desk.db.errors import StoreError
from safespace_desk.db.fileio import fsync_dir

WAL_HEADER = 32
FRAME_HEADER = 24
WAL_MAGIC = (0x377F0682, 0x377F0683)  # the low bit says the checksums read big-endian words
SHM_HEADER = 48  # one copy of the WAL index header; two copies sit back to back
MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class LogProblem:
    """What the log check found: ``kind`` is "damaged" or "missing"."""

    kind: str
    frames: int  # "damaged": committed frames that would be dropped; "missing": frames not in store.db
    first_bad_frame: int = 0

    def detail(self) -> str:
        if self.kind == "damaged":
            return (f"its write-ahead log store.db-wal fails its checksum at frame {self.first_bad_frame + 1}, "
                    f"and {self.frames} saved frame{'s' if self.frames != 1 else ''} after it could not be read")
        return f"its write-ahead log store.db-wal is missing while {self.frames} saved pages were only in it"


def check_log_files(db: Path) -> LogProblem | None:
    """Read ``db``'s log and index (never write them); None when opening loses nothing saved."""
    wal, shm = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    index = _read_index(shm)
    try:
        log = wal.read_bytes()
    except FileNotFoundError:
        log = b""
    if len(log) < WAL_HEADER:
        if index is not None and index.max_frame > index.backfilled:
            return LogProblem("missing", index.max_frame - index.backfilled)
        return None
    problem = _scan(log, index)
    if problem is not None and wal.read_bytes() != log:
        # Another process was appending while we read: judge a settled file, not a moving one.
        return _scan(wal.read_bytes(), _read_index(shm))
    return problem


def accept_lost_log(db: Path, when: datetime) -> Path:
    """A manager's decision to go on without what a damaged or missing log held.

    The log and its index are first copied, as they are, into ``lost-log-<time>/`` beside the store
    (a specialist may still recover something from them). Then the log is cut where SQLite's own
    recovery would stop reading it, and the stale index is moved aside, so the store opens with
    everything saved before that point. Returns the folder the files were kept in."""
    problem = check_log_files(db)
    if problem is None:
        raise StoreError("The store's log is whole: there is no lost log to accept. Nothing was changed.")
    wal, shm = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    aside = db.parent / ("lost-log-" + when.strftime("%Y-%m-%dT%H%M%SZ"))
    aside.mkdir(mode=0o700)
    for path in (wal, shm):
        if path.exists():
            shutil.copy2(path, aside / path.name)
    fsync_dir(aside)
    if problem.kind == "damaged":
        page_size = int.from_bytes(wal.read_bytes()[8:12], "big")
        os.truncate(wal, WAL_HEADER + problem.first_bad_frame * (FRAME_HEADER + page_size))
    if shm.exists():
        shm.unlink()  # its copy is kept; SQLite rebuilds the index from the log
    fsync_dir(db.parent)
    return aside


@dataclass(frozen=True)
class _Index:
    max_frame: int  # frames of the log that were committed
    backfilled: int  # frames already copied into the database file
    salt: bytes


def _read_index(shm: Path) -> _Index | None:
    """The WAL index header, if the file holds a valid one (both copies agree and it was set up)."""
    try:
        with open(shm, "rb") as fh:
            head = fh.read(SHM_HEADER * 2 + 4)
    except OSError:
        return None
    if len(head) < SHM_HEADER * 2 + 4 or head[:SHM_HEADER] != head[SHM_HEADER:SHM_HEADER * 2] or head[12] != 1:
        return None
    # Native byte order (the index is memory, shared between processes on this machine).
    max_frame = struct.unpack_from("=I", head, 16)[0]
    backfilled = struct.unpack_from("=I", head, SHM_HEADER * 2)[0]
    return _Index(max_frame, min(backfilled, max_frame), head[32:40])


def _scan(log: bytes, index: _Index | None) -> LogProblem | None:
    magic, _version, page_size, _seq = struct.unpack_from(">4I", log, 0)
    if magic not in WAL_MAGIC or page_size & (page_size - 1) or not 512 <= page_size <= 65536:
        return None  # not a log SQLite would replay either (e.g. only zeros after a crash at creation)
    big_endian = bool(magic & 1)
    salt = log[16:24]
    if _checksum(log[:24], (0, 0), big_endian) != struct.unpack_from(">2I", log, 24):
        return None  # a header that fails is an unused log: SQLite ignores every frame in it
    frame_size = FRAME_HEADER + page_size
    running = struct.unpack_from(">2I", log, 24)
    first_bad = None
    last_commit_after = None  # the last commit frame after the break whose own checksum holds
    for n in range((len(log) - WAL_HEADER) // frame_size):
        start = WAL_HEADER + n * frame_size
        header = log[start:start + FRAME_HEADER]
        if header[8:16] != salt:
            break  # a frame of an older generation of the log: the end of this one
        stored = struct.unpack_from(">2I", header, 16)
        good = _checksum(log[start + FRAME_HEADER:start + frame_size],
                         _checksum(header[:8], running, big_endian), big_endian) == stored
        if first_bad is None:
            if not good:
                first_bad = n
        elif not good:
            break  # a second break: what follows cannot be trusted to be this log at all
        elif struct.unpack_from(">I", header, 4)[0]:  # "database size after commit": a commit frame
            last_commit_after = n
        running = stored  # chain from what was written, so one bad frame does not hide the rest
    if first_bad is None:
        return None
    if index is not None and index.salt == salt:
        # The index (intact after a crash of the program) says how far the log was committed.
        lost = index.max_frame - first_bad
    else:
        # No index to ask (e.g. after a power cut): a committed frame after the break means the broken
        # transaction had been flushed and reported as saved; a torn last transaction had not.
        lost = 0 if last_commit_after is None else last_commit_after - first_bad + 1
    return LogProblem("damaged", lost, first_bad) if lost > 0 else None


def _checksum(data: bytes, start: tuple[int, int], big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum: over pairs of 32-bit words, s1 += x0 + s2; s2 += x1 + s1 (mod 2**32).
    About 0.1 ms a frame, so even a full log (1,000 frames) is read in a tenth of a second."""
    words = iter(struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data))
    s1, s2 = start
    for x0, x1 in zip(words, words, strict=False):
        s1 = (s1 + x0 + s2) & MASK
        s2 = (s2 + x1 + s1) & MASK
    return s1, s2
