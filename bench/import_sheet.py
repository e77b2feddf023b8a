"""Importing a sign-in sheet of a million lines into a copy of the bench-scale store (issue 9).

The sheet is made once (bench/.data/, git-ignored) from the demo generator: the ten years *before*
the bench store's history at the same scale (about a million visits), written as a hub's paper
sheets are typed up (a first name or nickname, sometimes with an initial; DD/MM/YYYY or ISO dates;
times out past midnight; a bed at night). Its people are new to the desk; their names are the
names the desk's twenty thousand guests have, so every name is matched against the real index.

Figures (DESIGN.md section 7):
- import_dry_run_lines_per_s: services.importer.import_visits(dry_run=True) over the whole sheet.
- import_lines_per_s: the import itself (committed). Budget: at least 10,000 lines a second, both.
- bare_insert_lines_per_s: the rows an import must write (a visit and its line's key, a bed for a
  third of them) for the same number of lines, into the same tables by raw SQL in one transaction
  (rolled back), in the same run: the floor, which a noisy machine moves alike.
- import_lines_per_cpu_s / import_dry_run_lines_per_cpu_s: the same over the processor time the
  process used (a shared machine's wall clock counts other work too).
- import_vs_bare_insert: the import's time over that floor (no budget of its own).
- import_memory_growth_mb: the process's resident memory at the end of the import less what it was
  half way: a sheet read as a stream does not grow with the file; the import's page cache is
  capped (importer.IMPORT_CACHE_KIB) and full by then at this size (budget 32 MB).
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from common import BENCH_SCALE, BENCH_YEARS, DATA, MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report

from safespace_desk.clock import SystemClock
from safespace_desk.db.store import connect_raw
from safespace_desk.demo.generate import DEMO_TIMEZONE, _bed_period, scaled_settings
from safespace_desk.demo.history import VIAS, simulate
from safespace_desk.demo.names import SURNAMES, profile
from safespace_desk.demo.timeline import Timeline
from safespace_desk.demo.volumes import DemoVolumes
from safespace_desk.ids import new_id
from safespace_desk.services import auth, importer
from safespace_desk.services.guests import guest_index

SHEET_SEED = 2
CHUNK = importer.CHUNK_LINES


def sheet_path() -> Path:
    """The million-line sheet, made once (about a minute) and reused."""
    path = DATA / f"sheet-y{BENCH_YEARS}-s{BENCH_SCALE}-seed{SHEET_SEED}.csv"
    if path.exists():
        return path
    note(f"Making the sign-in sheet {path.name} from the demo generator (once) ...")
    zone = ZoneInfo(DEMO_TIMEZONE)
    night = _bed_period(scaled_settings(BENCH_SCALE))
    # Ending a day before the bench store's history begins: the years of paper before the desk.
    end = datetime.now(UTC) - timedelta(days=round(BENCH_YEARS * 365.25) + 1)
    timeline = Timeline.build(zone, end, BENCH_YEARS, day_starts=night.ends, night_starts=night.starts)
    rng = random.Random(SHEET_SEED)
    history = simulate(timeline, DemoVolumes(BENCH_SCALE), rng)
    names = []
    for _ in history.people:
        person = profile(rng, timeline.date_of(timeline.days - 1).year)
        initial = f" {rng.choice(SURNAMES)[0]}" if rng.random() < 0.5 else ""
        names.append(person.preferred_name + initial)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        out.write("name,date,time_in,time_out,arrived_via,bed\r\n")
        for i in range(history.visit_count):
            start = datetime.fromtimestamp(history.signed_in[i], zone)
            out_at = history.signed_out[i]
            time_out = datetime.fromtimestamp(out_at, zone).strftime("%H:%M") if out_at >= 0 else ""
            day = start.strftime("%d/%m/%Y" if i % 2 else "%Y-%m-%d")
            bed = f"Bed {history.bed[i] + 1}" if history.bed[i] >= 0 else ""
            out.write(f"{names[history.person[i]]},{day},{start:%H:%M},{time_out},{VIAS[history.via[i]]},{bed}\r\n")
    partial.rename(path)
    return path


def _resident_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0  # not Linux: the memory figure is left out
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 1_048_576


def main() -> None:
    sheet = sheet_path()
    lines = sum(1 for _ in sheet.open("rb")) - 1
    note(f"sheet: {lines:,} lines, {sheet.stat().st_size / 1_048_576:.0f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        shutil.copytree(bench_store(), folder)
        desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, SystemClock())
        try:
            guest_index(desk)  # built once per unlocked desk, as on the desk before an import
            t0, c0 = time.perf_counter(), time.process_time()
            dry = importer.import_visits(desk, sheet, dry_run=True)
            dry_s, dry_cpu = time.perf_counter() - t0, time.process_time() - c0
            note(f"dry run: {dry.summary()} ({dry_s:.1f} s)")
            memory: dict[str, float] = {}

            def progress(done: int, total: int) -> None:
                if done >= total // 2 and "half" not in memory:
                    memory["half"] = _resident_mb()
                memory["last"] = max(memory.get("last", 0.0), _resident_mb())

            t0, c0 = time.perf_counter(), time.process_time()
            done = importer.import_visits(desk, sheet, progress=progress, expect_sha256=dry.sha256)
            real_s, real_cpu = time.perf_counter() - t0, time.process_time() - c0
            note(f"import: {done.summary()} ({real_s:.1f} s)")
            if done.errors:
                for error in done.errors[:5]:
                    note(f"  line {error.line}: {error.message}")
                sys.exit("the bench sheet has problems: delete it to make it again")
            bare_s = _bare_insert(desk.store.paths.db, desk.master_key, lines)
        finally:
            desk.close()
    report("import_dry_run_lines_per_s", lines / dry_s, "lines/s", 10_000, higher_is_better=True)
    report("import_lines_per_s", lines / real_s, "lines/s", 10_000, higher_is_better=True)
    # On a shared machine the wall clock counts other people's work too: the processor time this
    # process used is the figure a quiet machine's wall clock would come near.
    report("import_dry_run_lines_per_cpu_s", lines / dry_cpu, "lines/s", 10_000, higher_is_better=True)
    report("import_lines_per_cpu_s", lines / real_cpu, "lines/s", 10_000, higher_is_better=True)
    report("bare_insert_lines_per_s", lines / bare_s, "lines/s", 10_000, higher_is_better=True)
    report("import_vs_bare_insert", real_s / bare_s, "x", 100)
    if memory.get("half"):
        report("import_memory_growth_mb", memory["last"] - memory["half"], "MB", 32)


def _bare_insert(db: Path, master: bytes, lines: int) -> float:
    """The rows an import of ``lines`` lines writes at the least (a visit and its line's key, a bed
    for a third of them), into the same tables by raw SQL in one transaction, then rolled back."""
    raw = connect_raw(db, master)
    try:
        guests = [row[0] for row in raw.execute("SELECT id FROM guest LIMIT 1000")]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        t0 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        for start in range(0, lines, CHUNK):
            visits, keys, beds = [], [], []
            for n in range(start, min(start + CHUNK, lines)):
                visit_id, guest_id = new_id(), guests[n % len(guests)]
                visits.append((visit_id, guest_id, now, now, "self", None, None, "in_person"))
                keys.append((hashlib.sha256(str(n).encode()).hexdigest(), visit_id, now))
                if n % 3 == 0:
                    beds.append((new_id(), visit_id, guest_id, "Bed 1", "2020-01-01", now, None, now))
            raw.executemany("INSERT INTO visit (id, guest_id, signed_in_at, signed_out_at, arrived_via, "
                            "staff_in, notes, mode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", visits)
            raw.executemany("INSERT INTO imported_visit (key, visit_id, imported_at) VALUES (?, ?, ?)", keys)
            raw.executemany("INSERT INTO bed_assignment (id, visit_id, guest_id, bed_label, night_of, assigned_at, "
                            "assigned_by, released_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", beds)
        elapsed = time.perf_counter() - t0
        raw.execute("ROLLBACK")
        return elapsed
    finally:
        raw.close()


if __name__ == "__main__":
    main()
