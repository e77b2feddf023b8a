"""Signing a guest in, committed, against a bare SQLCipher insert+commit, on the bench-scale store.

Figures (DESIGN.md section 7):
- sign_in_ms: services.visits.sign_in (rules: exclusion and capacity checks, the visit, the bed at
  night, the audit entry and the outbox operation, one committed transaction).
- bare_insert_ms: one row inserted and committed on the same store, the same connection settings
  (WAL, synchronous FULL), measured in the same run.
- sign_in_vs_bare_insert: the ratio. Budget 1.5x.

It works on a copy of the bench store (the original stays untouched) at a fixed daytime moment.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report

from safespace_desk.db.store import connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.ids import new_id
from safespace_desk.services import auth, search, visits
from safespace_desk.services.context import DeskContext

ROUNDS = 150


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        shutil.copytree(bench_store(), folder)
        # Midday tomorrow (UTC noon is daytime in London all year): the day period is in force.
        noon = (datetime.now(UTC) + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
        clock = FixedClock(noon)
        desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, clock)
        try:
            for guest in visits.who_is_in(desk):  # an empty house, so capacity never blocks
                visits.sign_out(desk, guest.visit_id)
            hits = [hit for letter in "abcdefghijklmnoprstw" for hit in search.find_guests(desk, letter)]
            guests = list(dict.fromkeys(h.guest_id for h in hits if h.excluded_until is None))[:ROUNDS]
            note(f"{len(guests)} guests to sign in")
            sign_in_times = []
            for guest_id in guests:
                clock.advance(seconds=1)
                t0 = time.perf_counter()
                result = visits.sign_in(desk, guest_id, "self")
                sign_in_times.append(time.perf_counter() - t0)
                visits.sign_out(desk, result.visit_id)  # not timed: keeps the house below capacity
            bare_times = _bare_inserts(desk, len(guests))
        finally:
            desk.close()
    sign_in_ms = statistics.median(sign_in_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    report("sign_in_ms", sign_in_ms, "ms", 50)
    report("bare_insert_ms", bare_ms, "ms", 50)
    report("sign_in_vs_bare_insert", sign_in_ms / bare_ms, "x", 1.5)


def _bare_inserts(desk: DeskContext, rounds: int) -> list[float]:
    store = desk.store
    times = []
    with store.write() as session:
        session.connection().exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS bench_bare (id TEXT PRIMARY KEY, guest_id TEXT, at TEXT, via TEXT)")
    # The same connection settings the store uses (key, WAL, synchronous FULL), with no service on top.
    raw = connect_raw(store.paths.db, desk.master_key)
    try:
        for _ in range(rounds):
            t0 = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO bench_bare VALUES (?, ?, ?, ?)",
                        (new_id(), new_id(), datetime.now(UTC).isoformat(), "self"))
            raw.execute("COMMIT")
            times.append(time.perf_counter() - t0)
    finally:
        raw.close()
    return times


if __name__ == "__main__":
    main()
