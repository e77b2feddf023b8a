"""Rotating the key of the bench-scale store (issue 14, finding 1): what a manager waits for.

A copy of the bench-scale store (never the shared one) is signed into and its key rotated by the
service a manager's "Rotate keys" calls (services/keyrotation.rotate_keys: key slots, PRAGMA rekey in
rollback-journal mode, back to WAL), with its progress bar drawn on stderr.

Figures:
- rekey_bench_store: seconds for the whole rotation. DESIGN.md sets no budget; ours is 60 s (a manager
  watches a progress bar; the bench store is ten years of a large hub).
- rekey_vs_export: the rotation divided by a baseline measured in the same run on the same copy:
  sqlcipher_export of the whole store into a new file under a new key (every row read, decrypted,
  re-encrypted and written once, with no journal). Budget 3x: the rekey also journals every page
  (for crash safety) and syncs twice.
- rekey_vs_copy: the rotation divided by a plain copy of the store file (the disk's own floor).
  Budget 30x.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from common import DATA, MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report

from safespace_desk.clock import SystemClock
from safespace_desk.db.keyslots import new_master_key
from safespace_desk.db.store import KEYSLOTS_NAME, StorePaths, connect_raw
from safespace_desk.services import auth, keyrotation

BAR = 40


def _copy_of_bench_store() -> Path:
    source = StorePaths(bench_store())
    target = DATA / "rekey-copy"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(mode=0o700)
    for path in (source.db, source.wal, source.keyslots):
        if path.exists():
            shutil.copy(path, target / path.name)
    return target


class ProgressBar:
    def __init__(self) -> None:
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(share * BAR)
        if filled != self.last:
            self.last = filled
            sys.stderr.write(f"\r  rekey [{'#' * filled}{'.' * (BAR - filled)}] {share:4.0%} {done:,}/{total:,} pages")
            sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")


def _export_seconds(folder: Path, master: bytes) -> float:
    """The baseline: every row into a new file under a new key (SQLCipher's sqlcipher_export)."""
    out = folder / "exported.db"
    out.unlink(missing_ok=True)
    conn = connect_raw(StorePaths(folder).db, master)
    try:
        started = time.perf_counter()
        conn.execute(f"ATTACH DATABASE '{out}' AS exported KEY \"x'{new_master_key().hex()}'\"")
        conn.execute("SELECT sqlcipher_export('exported')")
        conn.execute("DETACH DATABASE exported")
        return time.perf_counter() - started
    finally:
        conn.close()
        out.unlink(missing_ok=True)


def _copy_seconds(folder: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(StorePaths(folder).db, folder / "copied.db")
    with open(folder / "copied.db", "rb+") as copied:
        os.fsync(copied.fileno())
    seconds = time.perf_counter() - started
    (folder / "copied.db").unlink()
    return seconds


def main() -> None:
    folder = _copy_of_bench_store()
    try:
        desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, SystemClock())
        try:
            pages = StorePaths(folder).db.stat().st_size // 4096
            note(f"rekey: the bench-scale store, {pages:,} pages ({pages * 4096 / 2**20:.0f} MiB)")
            baseline = _export_seconds(folder, desk.master_key)
            note(f"  baseline (sqlcipher_export into a new file): {baseline:.2f} s")
            copy = _copy_seconds(folder)
            note(f"  baseline (a copy of the file): {copy:.2f} s")
            started = time.perf_counter()
            rotation = keyrotation.rotate_keys(desk, ProgressBar())
            seconds = time.perf_counter() - started
            note(f"  rotation to key version {rotation.version}: {seconds:.2f} s")
        finally:
            desk.close()
        # The rotated copy opens with the manager's password under the new key.
        auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, SystemClock()).close()
        assert (folder / KEYSLOTS_NAME).exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report("rekey_bench_store", seconds, "s", 60)
    report("rekey_vs_export", seconds / baseline, "x", 3)
    report("rekey_vs_copy", seconds / copy, "x", 30)


if __name__ == "__main__":
    main()
