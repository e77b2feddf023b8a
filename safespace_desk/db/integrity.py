"""Checking every page of a store: SQLCipher's HMAC on each page, then SQLite's structure check.

``cipher_integrity_check`` reads each page of the file and checks its HMAC: it finds a flipped byte
anywhere, a free page included, without decrypting. ``quick_check`` walks every B-tree through the
log: it finds a broken structure that still authenticates. Both run on a connection of their own,
so the desk's connections (and the person at the desk) never wait for them; on the desk they run
on a worker thread, and SQLite lets go of Python's lock while it works.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from safespace_desk.db.health import CheckResult
from safespace_desk.db.store import connect_raw, translate

_PAGE_NUMBER = re.compile(r"page (\d+)", re.IGNORECASE)
_STRUCTURE_ROWS_KEPT = 20


def check_pages(db: Path, master: bytes, now: Callable[[], datetime], *, structure: bool = True) -> CheckResult:
    """Check ``db`` (HMACs always; the structure too unless ``structure`` is False, for the quick
    check before a command writes). Never raises for damage: the result says what was found."""
    started = time.perf_counter()
    conn = connect_raw(db, master)
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        bad = _bad_pages(conn)
        if bad:
            # The check reads the file directly: a page being written by another process's checkpoint
            # at that moment can read torn. Damage is still there a moment later; a torn read is not.
            time.sleep(0.05)
            bad = sorted(set(bad) & set(_bad_pages(conn)))
        problems = _structure(conn) if structure and not bad else []
    finally:
        conn.close()
    if bad:
        shown = ", ".join(str(p) for p in bad[:10]) + (", ..." if len(bad) > 10 else "")
        detail = (f"{len(bad)} of {pages:,} pages {'fails its' if len(bad) == 1 else 'fail their'} checksum: "
                  f"page{'s' if len(bad) > 1 else ''} {shown}")
    elif problems:
        detail = f"the structure check found {len(problems)} problem{'s' if len(problems) != 1 else ''}"
    else:
        detail = ""
    return CheckResult(at=now(), ok=not bad and not problems, pages=pages, bad_pages=tuple(bad),
                       detail=detail, seconds=time.perf_counter() - started)


def _bad_pages(conn: object) -> list[int]:
    rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()  # type: ignore[attr-defined]
    bad = set()
    for (text,) in rows:
        match = _PAGE_NUMBER.search(str(text))
        bad.add(int(match.group(1)) if match else 0)
    return sorted(bad)


def _structure(conn: object) -> list[str]:
    try:
        rows = conn.execute(f"PRAGMA quick_check({_STRUCTURE_ROWS_KEPT})").fetchall()  # type: ignore[attr-defined]
    except Exception as error:  # a page that fails while walking the trees is a structure failure too
        typed = translate(error)
        if typed is None:
            raise
        return [typed.message]
    return [] if rows == [("ok",)] else [str(row[0]) for row in rows]
