"""Sync figures (DESIGN.md section 7), each beside a bare bulk insert of the same rows in the same run.

- sync_push_10k_s: 10,000 operations sealed, pushed over loopback HTTPS and applied by a real server
  process on PostgreSQL (fsync on); beside it, the same 10,000 operations inserted into PostgreSQL
  with one executemany and one commit.
- sync_pull_10k_s: those 10,000 operations pulled, checked and applied into a second desk's store;
  beside it, the same rows inserted into that SQLCipher store with one executemany per table.
- sync_join_bench_site_s: a new desk joins the bench-scale site (demo --years 10 --scale 20, enrolled
  first: not timed) and is usable (signed in, caught up); beside it, the same rows bulk-inserted into
  a new store.
- sync_offline_week_catch_up_s: a desk offline for a week at Derby's volume (two desks of the hub
  work and sync meanwhile, the third works on its own: tests/support/offline_week.py) comes back: its
  first sync, pushing its week then reading the hub's; beside it, a new desk joining the same site at
  that moment from a snapshot (the other way to bring a desk up to date), measured in the same run.

It starts its own throwaway PostgreSQL (tests/support/postgres.py) and stops it at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from common import BENCH_YEARS, MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report  # noqa: E402

from safespace_desk.clock import SystemClock  # noqa: E402
from safespace_desk.db.models import Base, Guest, Visit  # noqa: E402
from safespace_desk.db.store import Store, connect_raw  # noqa: E402
from safespace_desk.ids import new_id  # noqa: E402
from safespace_desk.services import auth, setup  # noqa: E402
from safespace_desk.services.context import DeskContext  # noqa: E402
from safespace_desk.services.row_capture import wire_value  # noqa: E402
from safespace_desk.sync import enrol, registry  # noqa: E402
from safespace_desk.sync.engine import DeskSync  # noqa: E402
from tests.support.postgres import create_database, throwaway_cluster, wait_ready  # noqa: E402
from tests.support.sync_server import LiveServer, process_server  # noqa: E402

OPS = 10_000
PASSWORD = "bench synthetic manager passphrase"


def _fresh_desk(folder: Path) -> DeskContext:
    result = setup.initialise_store(folder, site_name="Bench Hub", timezone="Europe/London",
                                    manager_name="Bench Manager", manager_password=PASSWORD, clock=SystemClock())
    return result.desk


def _make_operations(desk: DeskContext, count: int) -> None:
    """``count`` operations as the services would write them: guests added, then signed in."""
    now = desk.clock.now()
    guests = count // 2
    with desk.unit_of_work() as uow:
        ids = [new_id() for _ in range(guests)]
        for n, guest_id in enumerate(ids):
            uow.session.add(Guest(id=guest_id, preferred_name=f"Synthetic Bench {n}", card_code=f"B{n:09d}",
                                  flags="[]", support_notes="synthetic note for the bench", created_at=now,
                                  updated_at=now))
            uow.outbox("guest.add", guest_id=guest_id)
        for guest_id in ids:
            uow.session.add(Visit(id=new_id(), guest_id=guest_id, signed_in_at=now, arrived_via="self",
                                  staff_in=uow.staff_id))
            uow.outbox("visit.sign_in", guest_id=guest_id)


def _bare_insert_postgres(url: str, desk: DeskContext) -> float:
    """The same operations' rows into PostgreSQL: one executemany, one commit."""
    import psycopg

    rows = desk.store.raw_connection_sql("SELECT op_id, op, rows FROM outbox WHERE rows IS NOT NULL")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE bare_ops (id text PRIMARY KEY, kind text, body text)")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bare_ops VALUES (%s, %s, %s)", rows)
        conn.commit()
        return time.perf_counter() - started


def _bare_insert_sqlite(path: Path, desk: DeskContext) -> float:
    """The same operations' rows into an SQLite file as the embedded server keeps it (WAL,
    synchronous FULL): one executemany, one commit."""
    import sqlite3

    rows = desk.store.raw_connection_sql("SELECT op_id, op, rows FROM outbox WHERE rows IS NOT NULL")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE bare_ops (id text PRIMARY KEY, kind text, body text)")
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO bare_ops VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def _synced_rows(store: Store) -> dict[str, list[dict[str, object]]]:
    from sqlalchemy import select

    out: dict[str, list[dict[str, object]]] = {}
    with store.read() as session:
        for name in registry.TABLES:
            table = Base.metadata.tables[name]
            out[name] = [dict(row) for row in session.execute(select(table)).mappings()]
    return out


def _bare_insert_sqlcipher(folder: Path, master: bytes, rows: dict[str, list[dict[str, object]]]) -> float:
    """The same rows into fresh bare tables of an SQLCipher store: one executemany per table, one commit."""
    store = Store.create(folder, master)
    store.close()
    raw = connect_raw(folder / "store.db", master)
    try:
        for name in rows:
            columns = list(Base.metadata.tables[name].c.keys())
            raw.execute(f"CREATE TABLE bare_{name} ({', '.join(columns)})")
        started = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        for name, table_rows in rows.items():
            if not table_rows:
                continue
            columns = list(table_rows[0])
            raw.executemany(f"INSERT INTO bare_{name} VALUES ({', '.join('?' for _ in columns)})",
                            [tuple(wire_value(r[c]) for c in columns) for r in table_rows])
        raw.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        raw.close()


def push_and_pull(server: LiveServer, pg_url: str | None, work: Path, ops: int = OPS) -> None:
    """Push ``ops`` operations from one desk and pull them into another. ``pg_url``: where the bare
    insert goes (None: an SQLite file, for a server on SQLite)."""
    first = _fresh_desk(work / "first")
    enrol.enrol(first, server.first_code("Bench Hub"))
    second = enrol.join(work / "second", enrol.make_join_code(first), "Bench Manager", PASSWORD, SystemClock())
    try:
        _make_operations(first, ops)
        note(f"Pushing {ops:,} operations ...")
        started = time.perf_counter()
        outcome = DeskSync(first).sync_now()
        push_s = time.perf_counter() - started
        assert outcome.caught_up and outcome.pushed == ops, outcome.describe()
        note(f"Pulling {ops:,} operations into the second desk ...")
        started = time.perf_counter()
        outcome = DeskSync(second).sync_now()
        pull_s = time.perf_counter() - started
        assert outcome.caught_up and outcome.pulled == ops, outcome.describe()
        bare_pg = (_bare_insert_postgres(pg_url, first) if pg_url is not None
                   else _bare_insert_sqlite(work / "bare-push.sqlite", first))
        pulled_rows = {"guest": _synced_rows(second.store)["guest"], "visit": _synced_rows(second.store)["visit"]}
        bare_desk = _bare_insert_sqlcipher(work / "bare-pull", second.master_key, pulled_rows)
    finally:
        second.close()
        first.close()
    size, scale = _size_name(ops), ops / OPS  # a --ops run's budgets scale with its size
    backend = "" if pg_url is not None else "_sqlite"
    report(f"sync_push_{size}{backend}_s", push_s, "s", 3 * scale)
    report(f"sync_push_{size}{backend}_bare_insert_s", bare_pg, "s", 3 * scale)
    report(f"sync_pull_{size}_s", pull_s, "s", 5 * scale)
    report(f"sync_pull_{size}_bare_insert_s", bare_desk, "s", 5 * scale)
    note(f"  ratios to the bare insert of the same rows: push {push_s / bare_pg:.1f}x, "
         f"pull {pull_s / bare_desk:.1f}x")


def _size_name(ops: int) -> str:
    return f"{ops // 1000}k" if ops % 1000 == 0 else str(ops)


def join_bench_site(server: LiveServer, work: Path, years: int = BENCH_YEARS) -> None:
    source = bench_store(years)
    copy = work / "bench-first"
    shutil.copytree(source, copy)
    first = auth.sign_in(copy, MANAGER_NAME, MANAGER_PASSWORD, SystemClock())
    try:
        note("Enrolling the bench-scale store (its records go to the server; not timed) ...")
        started = time.perf_counter()
        enrol.enrol(first, server.first_code("Bench Scale Hub"), progress=_progress)
        note(f"  enrolled in {time.perf_counter() - started:.0f} s")
        code = enrol.make_join_code(first)
        rows = _synced_rows(first.store)
        master = first.master_key
    finally:
        first.close()
    note("A new desk joins ...")
    started = time.perf_counter()
    joined = enrol.join(work / "bench-joined", code, MANAGER_NAME, MANAGER_PASSWORD, SystemClock(), progress=_progress)
    try:
        outcome = DeskSync(joined).sync_now()
        join_s = time.perf_counter() - started
        assert outcome.caught_up, outcome.describe()
    finally:
        joined.close()
    bare_s = _bare_insert_sqlcipher(work / "bench-bare", master, rows)
    count = sum(len(r) for r in rows.values())
    note(f"  {count:,} records")
    name, budget = ("bench_site", 60) if years == BENCH_YEARS else (f"{years}y_site", 60 * years / BENCH_YEARS)
    report(f"sync_join_{name}_s", join_s, "s", budget)
    report(f"sync_join_{name}_bare_insert_s", bare_s, "s", budget)
    note(f"  ratio to the bare insert of the same rows: {join_s / bare_s:.1f}x")


# About a day of Derby's Safe Space across its desks (DOMAIN.md: c13 people a day in and out, 8 beds a
# night, messages passed on, the odd exclusion, merge or erasure): staff actions of the chaos run's mix.
DERBY_ACTIONS_PER_DAY = 60


def offline_week(server_database: str | None, work: Path, scale: int = 1) -> None:
    from datetime import UTC, datetime

    from tests.support.offline_week import OfflineWeek

    template = work / "week-template"
    _fresh_desk(template).close()
    note(f"A week at {scale}x Derby's volume: two desks work and sync, the third works offline ...")
    week = OfflineWeek(work / "week", template, server_database, ("Bench Manager", PASSWORD), seed=11,
                       start=datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0),
                       per_day=DERBY_ACTIONS_PER_DAY * scale)
    try:
        week.week()
        online = week.online[0].context
        code = enrol.make_join_code(online)
        started = time.perf_counter()
        joined = enrol.join(work / "week-joined", code, "Bench Manager", PASSWORD, SystemClock())
        try:
            assert DeskSync(joined).sync_now().caught_up
            join_s = time.perf_counter() - started
        finally:
            joined.close()
        outcome = week.come_back()
        assert outcome.caught_up, outcome.describe()
        divergences = week.settle_and_check()
        assert divergences == [], divergences
    finally:
        week.close()
    figures = week.figures
    note(f"  {figures.actions_online:,} actions at the online desks, {figures.actions_away:,} at the offline one; "
         f"on its return it sent {figures.pushed:,} and read {figures.pulled:,} operations; "
         f"{figures.conflicts} of its operations refused, changed or flagged (all on its Needs attention)")
    suffix = "" if scale == 1 else f"_x{scale}"
    report(f"sync_offline_week{suffix}_catch_up_s", figures.catch_up_s, "s", 60 * scale)
    report(f"sync_offline_week{suffix}_join_instead_s", join_s, "s", 60 * scale)
    note(f"  ratio of catching up to joining afresh: {figures.catch_up_s / join_s:.2f}x")


def _progress(step: str, done: int, total: int) -> None:
    if done == total or done % 200_000 < 5000:
        note(f"  {step}: {done:,} of {total:,}")


def main(argv: list[str]) -> None:
    """``python bench/sync.py`` runs every figure; ``push``, ``join`` or ``week`` runs one part; ``--ops N`` pushes
    and pulls N operations instead of 10,000 (quicker to iterate with; budgets scale); ``--sqlite`` runs
    the server on its embedded SQLite file instead of PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", help="push, join, week (default: all)")
    parser.add_argument("--ops", type=int, default=OPS)
    parser.add_argument("--sqlite", action="store_true", help="the server on SQLite, not PostgreSQL")
    parser.add_argument("--site-years", type=int, default=BENCH_YEARS,
                        help="join a site with this many years of history (quicker; the budget scales)")
    parser.add_argument("--week-scale", type=int, default=1, help="the offline week at N times Derby's volume")
    args = parser.parse_args(argv)
    known = {"push", "join", "week"}
    parts = set(args.parts) or known
    if parts - known:
        parser.error(f"unknown part(s): {', '.join(sorted(parts - known))} (push, join, week)")
    note(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    work = Path(tempfile.mkdtemp(prefix="safespace-bench-sync-"))
    try:
        with throwaway_cluster() as cluster:
            wait_ready(cluster.url())
            if "push" in parts:
                pg_url = None if args.sqlite else create_database(cluster.url(), "bench_sync")
                bare_url = None if args.sqlite else create_database(cluster.url(), "bench_bare")
                with process_server(work / "server", pg_url) as server:
                    push_and_pull(server, bare_url, work, args.ops)
            if "join" in parts:
                join_url = None if args.sqlite else create_database(cluster.url(), "bench_join")
                with process_server(work / "server-join", join_url) as server:
                    join_bench_site(server, work, args.site_years)
            if "week" in parts:
                offline_week(None if args.sqlite else create_database(cluster.url(), "bench_week"), work,
                             args.week_scale)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    note(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
