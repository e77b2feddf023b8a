"""Re-encrypting the store under a new master key version (SQLCipher's ``PRAGMA rekey``).

SQLCipher rewrites every page under the new key in one transaction. It is done in rollback-journal
mode, never in WAL mode: the journal keeps each page as it was (under the old key), so a rekey cut off
at any point (power cut, kill -9) is rolled back by the next open with the OLD key, and a rekey that
committed opens with the new one. The caller (services/keyrotation.py) records the new key as pending
in keyslots.json before it starts, and the store is opened with the current key, then the pending one.

``PRAGMA rekey`` says nothing while it works; the journal it writes grows by one page as each page is
taken, so its size is the progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from safespace_desk.db.store import PAGE_SIZE, connect_raw

Progress = Callable[[int, int], None]  # (pages done, pages in all)
_JOURNAL_HEADER = 512  # one sector
_JOURNAL_RECORD = PAGE_SIZE + 8  # page number + page + checksum


def rekey_file(db: Path, old: bytes, new: bytes, progress: Progress | None = None,
               *, poll_seconds: float = 0.1) -> int:
    """Re-encrypt ``db`` (nobody else may have it open) from ``old`` to ``new``; returns its pages.

    Raises the driver's error if it cannot (another connection holds it open: nothing changed)."""
    conn = connect_raw(db, old)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() != "delete":
            raise RuntimeError("the store could not leave write-ahead logging to be re-keyed")
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        done = threading.Event()
        watcher = None
        if progress is not None:
            progress(0, pages)
            watcher = threading.Thread(target=_watch_journal, args=(db, pages, progress, done, poll_seconds),
                                       name="rekey-progress", daemon=True)
            watcher.start()
        try:
            conn.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")
        finally:
            done.set()
            if watcher is not None:
                watcher.join()
        # The connection holds the new key now; back to write-ahead logging (DESIGN.md 5).
        conn.execute("PRAGMA journal_mode = WAL")
        if progress is not None:
            progress(pages, pages)
        return pages
    finally:
        conn.close()


def key_opens(db: Path, master: bytes) -> bool:
    """Whether ``master`` opens ``db`` (reading its schema; a hot journal left by a cut-off rekey is
    rolled back by this open, with the key it was written under)."""
    try:
        connect_raw(db, master).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: not this key (or not now)
        return False


def key_reads_no_page(db: Path, master: bytes) -> bool:
    """True if not one page of ``db`` passes its HMAC under ``master``: the key is not this file's
    (damage spoils some pages, a wrong key every one)."""
    import sqlcipher3.dbapi2 as sqlcipher

    pages = db.stat().st_size // PAGE_SIZE if db.exists() else 0
    if pages == 0:
        return False
    conn = sqlcipher.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{master.hex()}'\"")
        bad = {str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")}
        return len(bad) >= pages
    except sqlcipher.Error:
        return False
    finally:
        conn.close()


def _watch_journal(db: Path, pages: int, progress: Progress, done: threading.Event, every: float) -> None:
    journal = db.with_name(db.name + "-journal")
    last = -1
    while not done.wait(every):
        try:
            size = journal.stat().st_size
        except OSError:
            continue
        taken = min(pages, max(0, (size - _JOURNAL_HEADER) // _JOURNAL_RECORD))
        if taken != last:
            last = taken
            progress(taken, pages)
