"""Sign-in sheets read as a stream: files bigger than one chunk, semicolons, oversized cells and
files, and a file that changes between its dry run and its import (issue 8 finding 14, issue 14
finding 12, issue 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.domain.errors import ValidationError
from safespace_desk.services import importer, search, sheet_files, visits
from safespace_desk.services.context import DeskContext

HEADER = "name,date,time_in,time_out,arrived_via\n"


def count(desk: DeskContext, table: str) -> int:
    return desk.store.raw_connection_sql(f"SELECT count(*) FROM {table}")[0][0]


def sheet(lines: int, *, repeat_first_at: int | None = None) -> str:
    """``lines`` visits of twenty guests over the autumn of 2026, each line a different moment."""
    out = [HEADER]
    for n in range(lines):
        day, minute = divmod(n, 600)
        out.append(f"Guest {n % 20},2026-{9 + day // 30:02d}-{1 + day % 30:02d},{8 + minute // 60:02d}:"
                   f"{minute % 60:02d},,self\n")
        if repeat_first_at is not None and n + 2 == repeat_first_at:
            out.append(out[1])
    return "".join(out)


def test_a_file_of_several_chunks_imports_every_line_once_with_progress(desk: DeskContext, tmp_path: Path) -> None:
    # A line repeated 1,500 lines further on is in another chunk than its first copy: still once.
    lines = importer.CHUNK_LINES * 2 + 500
    path = tmp_path / "big.csv"
    path.write_text(sheet(lines, repeat_first_at=1500), encoding="utf-8")
    outbox = count(desk, "outbox")
    dry = importer.import_visits(desk, path, dry_run=True)
    assert (dry.visits_added, dry.already_imported, len(dry.new_guests), dry.errors) == (lines, 1, 20, [])
    assert count(desk, "visit") == 0 and count(desk, "guest") == 0 and count(desk, "outbox") == outbox
    progress: list[tuple[int, int]] = []
    done = importer.import_visits(desk, path, progress=lambda d, t: progress.append((d, t)),
                                  expect_sha256=dry.sha256)
    assert done.written and (done.visits_added, done.already_imported) == (dry.visits_added, dry.already_imported)
    assert count(desk, "visit") == lines and count(desk, "imported_visit") == lines and count(desk, "guest") == 20
    assert len(progress) >= 3 and progress == sorted(progress) and progress[-1] == (lines + 2, lines + 2)
    # One sync operation per chunk, each carrying its own visits (sync's limit per operation holds).
    ops = [json.loads(rows) for (rows,) in
           desk.store.raw_connection_sql("SELECT rows FROM outbox WHERE op = 'visit.import' ORDER BY seq")]
    per_op = [sum(1 for change in changes if change["t"] == "visit") for changes in ops]
    assert per_op == [1000, 999, 501, 0]  # the repeated line is left out of the second thousand
    # The last moves each guest's last visit on (new guests included), after their visits.
    assert {(c["t"], c["a"], tuple(c["v"])) for c in ops[-1]} == {("guest", "u", ("last_seen_at",))}
    assert len(ops[-1]) == 20
    guest = search.find_guests(desk, "guest 3")[0]
    assert desk.store.raw_connection_sql(f"SELECT count(*) FROM visit WHERE guest_id = '{guest.guest_id}'") \
        == [(lines // 20,)]
    again = importer.import_visits(desk, path)
    assert (again.visits_added, again.already_imported, again.written) == (0, lines + 1, False)


def test_a_bad_line_after_the_first_chunks_means_nothing_is_written(desk: DeskContext, tmp_path: Path) -> None:
    text = sheet(importer.CHUNK_LINES * 2 + 10) + "Ann,2026-13-01,10:00,,self\n" + sheet(5)[len(HEADER):] \
        + "Bo,2026-10-01,25:00,,self\n"
    path = tmp_path / "late-problem.csv"
    path.write_text(text, encoding="utf-8")
    before = {table: count(desk, table) for table in ("visit", "guest", "imported_visit", "outbox", "duplicate_hint")}
    report = importer.import_visits(desk, path)
    last = importer.CHUNK_LINES * 2 + 10 + 1
    assert [e.line for e in report.errors] == [last + 1, last + 7]
    assert "not a date" in report.errors[0].message and "time in" in report.errors[1].message
    assert not report.written
    assert {table: count(desk, table) for table in before} == before
    assert desk.store.raw_connection_sql("SELECT count(*) FROM audit_log WHERE action = 'visits_imported'") == [(0,)]


def test_a_semicolon_sheet_as_excel_saves_it_imports_like_a_comma_one(desk: DeskContext) -> None:
    # Excel where the comma is the decimal mark (most of Europe) saves "CSV" with semicolons, a BOM,
    # CRLF, and quotes around a cell holding a semicolon.
    text = ("\ufeffname;date;time_in;time_out;arrived_via;bed;notes\r\n"
            "Kez;03/10/2026;21:15;07:30;police;Bed 2;\"from town; by car\"\r\n"
            "Zoë;2026-10-03;14:00;16:30;Outreach;;\r\n")
    report = importer.import_visits(desk, text.encode("utf-8"))
    assert report.errors == [] and report.written and sorted(report.new_guests) == ["Kez", "Zoë"]
    kez = search.find_guests(desk, "kez")[0]
    [visit] = visits.guest_visits(desk, kez.guest_id)
    assert visit.arrived_via.value == "police"
    assert desk.store.raw_connection_sql("SELECT notes FROM visit WHERE notes LIKE 'from%'") == [("from town; by car",)]
    tabs = "name\tdate\ttime_in\nMo\t2026-10-04\t10:00\n"
    assert importer.import_visits(desk, tabs.encode(), dry_run=True).visits_added == 1


def test_a_cell_over_the_csv_limit_is_a_line_problem_not_a_crash(desk: DeskContext) -> None:
    huge = "x" * (sheet_files.MAX_FILE_BYTES // 1024)  # 256 K characters: over the csv module's 128 K
    text = HEADER + "Kez,2026-10-03,10:00,11:00,self\n" + f"Mo,2026-10-03,10:00,11:00,\"{huge}\"\n" \
        + "Zoe,2026-10-03,10:00,11:00,self\n"
    report = importer.import_visits(desk, text.encode())
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "A cell is longer than 131,072 characters; no sign-in sheet's is.")]
    assert not report.written and count(desk, "visit") == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(desk: DeskContext, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: no disk used, and nothing of it is read
        handle.write(HEADER.encode())
        handle.truncate(sheet_files.MAX_FILE_BYTES + 1)
    with pytest.raises(ValidationError, match="the limit is 256 MB. Split it"):
        importer.import_visits(desk, path, dry_run=True)


def test_a_file_changed_since_its_dry_run_is_refused(desk: DeskContext, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(sheet(3), encoding="utf-8")
    dry = importer.import_visits(desk, path, dry_run=True)
    path.write_text(sheet(4), encoding="utf-8")
    with pytest.raises(ValidationError, match="changed since its dry run"):
        importer.import_visits(desk, path, expect_sha256=dry.sha256)
    assert count(desk, "visit") == 0


def test_windows_1252_found_past_the_first_block(desk: DeskContext) -> None:
    # The first megabyte is plain ASCII; a 1252 "é" comes after it: the whole file is read as 1252.
    text = sheet(30_000) + "José,2026-10-03,10:00,11:00,self\n"
    report = importer.import_visits(desk, text.encode("cp1252"), dry_run=True)
    assert report.errors == [] and "José" in report.new_guests


def test_what_sync_is_sent_is_every_row_as_stored(desk: DeskContext) -> None:
    # Visits and beds are written straight through the driver; the operations must still carry each
    # row whole, exactly as it is in the store, for another desk to write the same rows.
    text = HEADER.strip() + ",bed,notes\nKez,2026-10-03,21:15,07:30,police,Bed 2,from town\nMo,2026-10-04,10:00,,,,\n"
    importer.import_visits(desk, text.encode())
    sent = {}
    for (rows,) in desk.store.raw_connection_sql("SELECT rows FROM outbox WHERE op = 'visit.import'"):
        for change in json.loads(rows):
            if change["a"] == "i":
                sent[change["t"], change["k"]] = change["v"]
    for table in ("visit", "bed_assignment"):
        connection = desk.store.raw_connection_sql(f"SELECT * FROM {table}")
        columns = [c for (_, c, *_rest) in desk.store.raw_connection_sql(f"PRAGMA table_info({table})")]
        assert len(connection) == {"visit": 2, "bed_assignment": 1}[table]
        for row in connection:
            stored = dict(zip(columns, row, strict=True))
            assert sent[table, stored["id"]] == stored
