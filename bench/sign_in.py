"""Signing a guest in, committed, against the same rows written by raw SQL, on the bench-scale store.

Figures (DESIGN.md section 7):
- sign_in_ms: services.visits.sign_in at night (rules: exclusion, capacity and keep-apart checks,
  the visit, a bed, the guest's last visit, the audit entry and the outbox operation with its row
  changes: one committed transaction). Median of the rounds.
- raw_sql_sign_in_ms: the same rows a sign-in writes (visit, bed, the guest's last visit, an audit
  entry chained to the last one, an outbox operation carrying the rows) by raw SQL in one
  transaction on the same store and connection settings (WAL, synchronous FULL), in the same run.
- sign_in_vs_raw_sql: the service's cost over what the operation must write. Budget 2x.
- bare_insert_ms: one row inserted and committed (the floor of any commit, for reference).

It works on a copy of the bench store (the original stays untouched), at 22:00 UTC tomorrow: night
in London all year, so each sign-in is given a bed. Each guest is signed out again (not timed).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report

from safespace_desk.db.migrate import schema_version
from safespace_desk.db.store import connect_raw
from safespace_desk.domain.audit_chain import AuditFields, entry_hash
from safespace_desk.domain.clock import FixedClock
from safespace_desk.ids import new_id
from safespace_desk.services import auth, search, visits
from safespace_desk.services.context import DeskContext

ROUNDS = 150


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        shutil.copytree(bench_store(), folder)
        night = (datetime.now(UTC) + timedelta(days=1)).replace(hour=22, minute=0, second=0, microsecond=0)
        clock = FixedClock(night)
        desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, clock)
        try:
            for guest in visits.who_is_in(desk):  # an empty house, so capacity never blocks
                visits.sign_out(desk, guest.visit_id)
            hits = [hit for letter in "abcdefghijklmnoprstw" for hit in search.find_guests(desk, letter)]
            guests = list(dict.fromkeys(h.guest_id for h in hits if h.excluded_until is None))[:ROUNDS + 1]
            note(f"{len(guests) - 1} guests to sign in")
            visits.sign_out(desk, visits.sign_in(desk, guests.pop(), "self").visit_id)  # warm-up
            sign_in_times = []
            beds = 0
            for guest_id in guests:
                clock.advance(seconds=1)
                t0 = time.perf_counter()
                result = visits.sign_in(desk, guest_id, "self")
                sign_in_times.append(time.perf_counter() - t0)
                beds += result.bed is not None
                visits.sign_out(desk, result.visit_id)  # not timed: keeps the house below capacity
            note(f"{beds} of {len(guests)} sign-ins were given a bed")
            raw_times = _raw_sql_sign_ins(desk, guests)
            bare_times = _bare_inserts(desk, len(guests))
        finally:
            desk.close()
    sign_in_ms = statistics.median(sign_in_times) * 1000
    raw_ms = statistics.median(raw_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    report("sign_in_ms", sign_in_ms, "ms", 50)
    report("raw_sql_sign_in_ms", raw_ms, "ms", 50)
    report("sign_in_vs_raw_sql", sign_in_ms / raw_ms, "x", 2)
    report("bare_insert_ms", bare_ms, "ms", 50)


def _raw_sql_sign_ins(desk: DeskContext, guests: list[str]) -> list[float]:
    """Each sign-in's rows by raw SQL: what the operation must write, with no service on top."""
    raw = connect_raw(desk.store.paths.db, desk.master_key)
    device, staff = desk.device_id, desk.require_actor().staff_id
    times = []
    try:
        for n, guest_id in enumerate(guests):
            at = (datetime.now(UTC) + timedelta(days=3, seconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            visit = {"id": new_id(), "guest_id": guest_id, "signed_in_at": at, "arrived_via": "self",
                     "staff_in": staff, "mode": "in_person"}
            bed = {"id": new_id(), "visit_id": visit["id"], "guest_id": guest_id, "bed_label": f"Raw {n}",
                   "night_of": "2099-01-01", "assigned_at": at, "assigned_by": staff}
            t0 = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            _insert(raw, "visit", visit)
            _insert(raw, "bed_assignment", bed)
            raw.execute("UPDATE guest SET last_seen_at = ? WHERE id = ?", (at, guest_id))
            seq, prev = raw.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            fields = AuditFields(seq + 1, at, staff, device, "signed_in", "visit", visit["id"], "via=self")
            raw.execute("INSERT INTO audit_log (seq, at, staff_id, device_id, action, entity_kind, entity_id, detail, "
                        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (seq + 1, at, staff, device, "signed_in", "visit", visit["id"], "via=self", prev,
                         entry_hash(prev, fields)))
            rows = [{"t": "visit", "k": visit["id"], "a": "i", "v": visit},
                    {"t": "bed_assignment", "k": bed["id"], "a": "i", "v": bed},
                    {"t": "guest", "k": guest_id, "a": "u", "v": {"last_seen_at": at}}]
            last = raw.execute("SELECT max(seq) FROM outbox").fetchone()[0] or 0
            raw.execute("INSERT INTO outbox (seq, device_id, op, args, staff_id, at, schema_version, op_id, rows) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (last + 1, device, "visit.sign_in", json.dumps({"visit_id": visit["id"], "guest_id": guest_id}),
                         staff, at, schema_version(), new_id(), json.dumps(rows, separators=(",", ":"))))
            raw.execute("COMMIT")
            times.append(time.perf_counter() - t0)
    finally:
        raw.close()
    return times


def _insert(raw: object, table: str, row: dict[str, object]) -> None:
    raw.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",  # type: ignore[attr-defined]
                tuple(row.values()))


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
