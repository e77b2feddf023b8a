"""Opening the store: app start to an unlocked desk, and what SQLCipher costs over plain SQLite.

Figures (DESIGN.md section 7):
- open_unlocked_store: a fresh process imports the services and signs the demo manager in
  (services.auth.sign_in: key slot, SQLCipher open, schema check, audit entry) on the bench-scale
  store, less the Argon2id key derivation (measured on its own in the same process). Budget 1.5 s.
- open_unlocked_store_with_argon2: the same including Argon2id. DESIGN.md sets no budget for it;
  3 s is ours (1.5 s plus the 256 MiB derivation, about a second on a slow desk PC).
- sqlcipher_vs_sqlite: one small desk-like workload (a bulk load, then from a cold page cache
  single-row sign-in commits and indexed lookups) on a SQLCipher store opened exactly as the app
  opens it, divided by the same workload on plain SQLite (the same library with no key, same
  pragmas), measured in the same run. Budget 1.3x.
- sqlcipher_memory_security_on_vs_sqlite: the same with cipher_memory_security ON, which the app no
  longer sets (DESIGN.md section 5): what that decision saves. No budget of its own (reported so the
  reason stays visible).

The workload's timed part is mostly fsyncs and page reads, so a machine shared with other work moves
it a lot: the modes are interleaved, each in a fresh process, and the medians of several runs compared.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from common import MANAGER_NAME, MANAGER_PASSWORD, ROOT, bench_store, note, report

from safespace_desk.db.keyslots import new_master_key
from safespace_desk.db.store import CACHE_KIB, connect_raw

OPEN_RUNS = 3
WORKLOAD_RUNS = 7

# Runs in a fresh interpreter, so imports and a cold engine count as they do at app start.
_OPEN_PROBE = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from safespace_desk.clock import SystemClock
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.staff import login_key
from safespace_desk.services import auth
imported = time.perf_counter()
folder, name, password = Path(sys.argv[1]), sys.argv[2], sys.stdin.readline().rstrip("\\n")
desk = auth.sign_in(folder, name, password, SystemClock())
unlocked = time.perf_counter()
desk.close()
slots = KeySlots.load(StorePaths(folder).keyslots)
t0 = time.perf_counter()
slots.unlock_with_password(login_key(name), password)
argon2 = time.perf_counter() - t0
print(json.dumps({"total": unlocked - started, "imports": imported - started, "argon2": argon2}))
"""


def open_times(folder: Path) -> tuple[float, float]:
    totals, without = [], []
    for _ in range(OPEN_RUNS):
        done = subprocess.run([sys.executable, "-c", _OPEN_PROBE, str(folder), MANAGER_NAME],
                              input=MANAGER_PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT,
                              check=True)
        probe = json.loads(done.stdout)
        note(f"  open: total {probe['total']:.3f} s (imports {probe['imports']:.3f} s, "
             f"Argon2id {probe['argon2']:.3f} s)")
        totals.append(probe["total"])
        without.append(probe["total"] - probe["argon2"])
    return statistics.median(totals), statistics.median(without)


_SCHEMA = (
    "CREATE TABLE visit (id TEXT PRIMARY KEY, guest_id TEXT NOT NULL, signed_in_at TEXT NOT NULL, "
    "signed_out_at TEXT, arrived_via TEXT NOT NULL, staff_in TEXT)",
    "CREATE INDEX visit_guest_time ON visit (guest_id, signed_in_at)",
    "CREATE INDEX visit_time ON visit (signed_in_at)",
)
BULK_ROWS, SIGN_INS, LOOKUPS = 50_000, 100, 3_000


def _row(i: int) -> tuple[str, str, str, str, str, str]:
    t = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00.{i % 1000000:06d}Z"
    return (f"{i:08d}-0000-7000-8000-000000000000", f"guest-{(i * 7919) % 5000:05d}", t, t, "self", "staff-1")


def _plain(path: Path) -> sqlcipher.Connection:
    """Plain SQLite (the same library, no key) with the app's pragmas."""
    conn = sqlcipher.connect(str(path), isolation_level=None)
    for pragma in ("temp_store = MEMORY", "foreign_keys = ON", "busy_timeout = 10000", "journal_mode = WAL",
                   "synchronous = FULL", f"cache_size = -{CACHE_KIB}"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def workload(path: Path, mode: str) -> tuple[float, float]:
    """Seconds for the timed part of the workload (the bulk load that sets it up is not timed):
    (the sign-in commits, the lookups and the count), so the note can say which part costs.

    mode: "sqlcipher" opens exactly as the app does (connect_raw); "plain" is SQLite with the same
    pragmas; "sqlcipher_memsec" is the app's way plus cipher_memory_security ON."""
    key = new_master_key()

    def connect(create: bool = False) -> sqlcipher.Connection:
        if mode == "plain":
            return _plain(path)
        conn = connect_raw(path, key, create=create)
        if mode == "sqlcipher_memsec":
            conn.execute("PRAGMA cipher_memory_security = ON")
        return conn

    conn = connect(create=True)
    for statement in _SCHEMA:
        conn.execute(statement)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?)", (_row(i) for i in range(BULK_ROWS)))
    conn.execute("COMMIT")
    conn.close()

    started = time.perf_counter()
    conn = connect()  # a cold page cache, as after opening the desk
    for i in range(BULK_ROWS, BULK_ROWS + SIGN_INS):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?)", _row(i))
        conn.execute("COMMIT")
    committed = time.perf_counter()
    for i in range(LOOKUPS):
        conn.execute("SELECT id, signed_in_at FROM visit WHERE guest_id = ? ORDER BY signed_in_at DESC LIMIT 5",
                     (f"guest-{(i * 31) % 5000:05d}",)).fetchall()
    conn.execute("SELECT count(*), count(DISTINCT guest_id) FROM visit WHERE signed_in_at >= '2026-03' "
                 "AND signed_in_at < '2026-04'").fetchall()
    conn.close()
    return committed - started, time.perf_counter() - committed


# Each mode runs in its own process: cipher_memory_security, once on, stays on for the whole
# process and would slow the other runs too.
_WORKLOAD_PROBE = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import open_store
with tempfile.TemporaryDirectory(prefix="safespace-bench-") as tmp:
    print(*open_store.workload(Path(tmp) / "w.db", sys.argv[1]))
"""


def _workload_in_process(mode: str) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", _WORKLOAD_PROBE, mode, str(ROOT / "bench")],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    commits, reads = done.stdout.strip().splitlines()[-1].split()
    return float(commits), float(reads)


def cipher_ratios() -> tuple[float, float]:
    times: dict[str, list[tuple[float, float]]] = {"sqlcipher": [], "plain": [], "sqlcipher_memsec": []}
    for _ in range(WORKLOAD_RUNS):  # interleaved, so drift in the machine hits all alike
        for mode in times:
            times[mode].append(_workload_in_process(mode))
    med = {mode: statistics.median(c + r for c, r in values) for mode, values in times.items()}
    commits = {mode: statistics.median(c for c, _ in values) for mode, values in times.items()}
    reads = {mode: statistics.median(r for _, r in values) for mode, values in times.items()}
    note(f"  workload: SQLCipher {med['sqlcipher']:.3f} s, with memory security on "
         f"{med['sqlcipher_memsec']:.3f} s, plain SQLite {med['plain']:.3f} s")
    # The commits are mostly the disk's flush (the same for both); the reads from a cold cache
    # decrypt and check each page once: that part is what encryption itself costs.
    note(f"  of which {SIGN_INS} commits: SQLCipher {commits['sqlcipher']:.3f} s, plain {commits['plain']:.3f} s "
         f"({commits['sqlcipher'] / commits['plain']:.2f}x); reads from a cold cache: SQLCipher "
         f"{reads['sqlcipher']:.3f} s, plain {reads['plain']:.3f} s ({reads['sqlcipher'] / reads['plain']:.2f}x)")
    return med["sqlcipher"] / med["plain"], med["sqlcipher_memsec"] / med["plain"]


def main() -> int:
    folder = bench_store()
    with_argon2, without_argon2 = open_times(folder)
    report("open_unlocked_store", without_argon2, "s", 1.5)
    report("open_unlocked_store_with_argon2", with_argon2, "s", 3)
    ratio, with_memsec = cipher_ratios()
    report("sqlcipher_vs_sqlite", ratio, "x", 1.3)
    # Not a budget of its own: what turning cipher_memory_security off saved (DESIGN.md 5).
    report("sqlcipher_memory_security_on_vs_sqlite", with_memsec, "x", 100)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a bench never fails the run; say what went wrong and move on
        note(f"bench/open_store.py could not finish: {type(error).__name__}: {error}")
    sys.exit(0)
