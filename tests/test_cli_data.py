"""safespace-desk report, import visits, backup and restore, run in-process like tests/test_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.db.desk_lock import desk_lock
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth, search
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support import pdf as pdf_reader
from tests.test_cli import assert_one_plain_line, manager, run

SHEET = "name,date,time_in,time_out,arrived_via\nKez,2026-10-03,21:15,07:30,police\nZoë,03/10/2026,10:00,12:00,self\n"


def _import(data_dir: Path, clock: FixedClock, tmp_path: Path, text: str, *extra: str):  # type: ignore[no-untyped-def]
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text, encoding="utf-8")
    return run(manager(data_dir, "import", "visits", str(sheet), *extra), clock, stdin=MANAGER_PASSWORD + "\n")


def test_import_dry_run_then_import_then_again(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    dry = _import(data_dir, clock, tmp_path, SHEET, "--dry-run")
    assert dry.code == 0 and "Would import 2 visits" in dry.out
    done = _import(data_dir, clock, tmp_path, SHEET)
    assert done.code == 0 and "Imported 2 visits" in done.out
    again = _import(data_dir, clock, tmp_path, SHEET)
    assert "Nothing new to import: all 2 visits" in again.out
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        assert [h.name for h in search.find_guests(desk, "zoe")] == ["Zoë"]
    finally:
        desk.close()


def test_import_lists_bad_lines_and_fails(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    result = _import(data_dir, clock, tmp_path, SHEET + "Bo,2026-02-30,10:00,,self\n")
    assert result.code == 1
    assert "line 4:" in result.out and "nothing was imported" in result.out


def test_a_cell_over_128_kib_is_a_listed_line_not_a_crash(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    # Issue 14, finding 12: the csv module's own error escaped as an internal error (exit 70).
    result = _import(data_dir, clock, tmp_path, SHEET + "Bo,2026-10-03,10:00,,\"" + "x" * 200_000 + "\"\n")
    assert result.code == 1, result.err
    assert "line 4: A cell is longer than 131,072 characters" in result.out and "nothing was imported" in result.out
    sheet = tmp_path / "contacts.csv"
    sheet.write_text("name,date,time,kind,minutes,outcome,notes\nKez,2026-10-03,10:00,call,5,,\"" + "x" * 200_000
                     + "\"\n", encoding="utf-8")
    contacts = run(manager(data_dir, "import", "contacts", str(sheet), "--dry-run"), clock,
                   stdin=MANAGER_PASSWORD + "\n")
    assert contacts.code == 1 and "line 2: A cell is longer" in contacts.out


def test_import_with_a_header_mapping(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    text = "Guest,Day,In\nKez,2026-10-03,10:00\n"
    result = _import(data_dir, clock, tmp_path, text, "--map", "name=Guest", "--map", "date=Day",
                     "--map", "time_in=In")
    assert result.code == 0, result.out + result.err
    bad = _import(data_dir, clock, tmp_path, text, "--map", "nonsense")
    assert bad.code == 1 and "--map takes OURS=THEIRS" in bad.err


def test_report_json_csv_and_pdf(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    _import(data_dir, clock, tmp_path, SHEET)
    as_json = run(manager(data_dir, "report", "--from", "2026-10-01", "--to", "31/10/2026", "--format", "json"),
                  clock, stdin=MANAGER_PASSWORD + "\n")
    assert as_json.code == 0, as_json.err
    data = json.loads(as_json.out)
    assert (data["unique_guests"], data["visits"], data["arrivals_by_source"]["police"]) == (2, 2, 1)
    as_csv = run(manager(data_dir, "report", "--from", "2026-10-01", "--to", "2026-10-31"), clock,
                 stdin=MANAGER_PASSWORD + "\n")
    assert as_csv.out.splitlines()[0] == "section,key,value" and ",visits,2" in as_csv.out
    pdf = tmp_path / "october.pdf"
    made = run(manager(data_dir, "report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "pdf",
                       "--out", str(pdf)), clock, stdin=MANAGER_PASSWORD + "\n")
    assert made.code == 0, made.err
    assert pdf_reader.page_count(pdf) == 2
    no_out = run(manager(data_dir, "report", "--format", "pdf"), clock, stdin=MANAGER_PASSWORD + "\n")
    assert no_out.code == 1 and "--out" in no_out.err
    half = run(manager(data_dir, "report", "--from", "2026-10-01"), clock, stdin=MANAGER_PASSWORD + "\n")
    assert half.code == 1
    assert_one_plain_line(half.err)


def test_report_impact_json_csv_and_pdf(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    _import(data_dir, clock, tmp_path, SHEET)  # Kez brought by the police (a sheet without beds: no bed nights)
    october = ("--from", "2026-10-01", "--to", "2026-10-31")
    as_json = run(manager(data_dir, "report", "--impact", *october, "--format", "json"), clock,
                  stdin=MANAGER_PASSWORD + "\n")
    assert as_json.code == 0, as_json.err
    data = json.loads(as_json.out)
    lines = {line["line"]: line for line in data["lines"]}
    assert lines["officer_time"]["arithmetic"] == "1 × £121.52 = £121.52"
    assert lines["nights_indoors"]["count"] == 0 and lines["officer_time"]["source_date"] == "2021"
    assert data["totals"]["savings"] == "121.52" and "indicative only" in data["estimate"]["indicative"]
    as_csv = run(manager(data_dir, "report", "--impact", *october), clock, stdin=MANAGER_PASSWORD + "\n")
    assert as_csv.out.splitlines()[0] == "section,key,value" and "line,officer_time.count,1" in as_csv.out
    pdf = tmp_path / "impact.pdf"
    made = run(manager(data_dir, "report", "--impact", *october, "--format", "pdf", "--out", str(pdf)), clock,
               stdin=MANAGER_PASSWORD + "\n")
    assert made.code == 0, made.err
    assert "1 × £121.52 = £121.52" in " ".join(pdf_reader.text(pdf).split())


def test_backup_and_restore_round_trip(data_dir: Path, clock: FixedClock, tmp_path: Path,
                                       recovery_key: str) -> None:
    usb = tmp_path / "usb"
    made = run(manager(data_dir, "backup", "--to", str(usb)), clock, stdin=MANAGER_PASSWORD + "\n")
    assert made.code == 0, made.err
    [backup] = [p for p in usb.iterdir() if p.is_dir()]
    _import(data_dir, clock, tmp_path, SHEET)  # changes after the backup
    with desk_lock(data_dir, exclusive=False):  # the desk window is open: restore must refuse
        refused = run(["--data-dir", str(data_dir), "restore", str(backup), "--recovery-key-stdin"], clock,
                      stdin=recovery_key + "\n")
    assert refused.code == 1 and "desk window is open" in refused.err
    clock.advance(minutes=1)
    restored = run(["--data-dir", str(data_dir), "restore", str(backup), "--recovery-key-stdin"], clock,
                   stdin=recovery_key + "\n")
    assert restored.code == 0, restored.err
    assert "kept in" in restored.out
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        assert search.find_guests(desk, "kez") == []  # the import after the backup is gone
    finally:
        desk.close()


def test_restore_needs_a_credential_and_a_real_folder(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    missing = run(["--data-dir", str(data_dir), "restore", str(tmp_path / "nope")], clock)
    assert missing.code == 1 and "no backup folder" in missing.err
    (tmp_path / "b").mkdir()
    nobody = run(["--data-dir", str(data_dir), "restore", str(tmp_path / "b")], clock)
    assert nobody.code == 1 and "--as" in nobody.err


@pytest.mark.parametrize("command", [["report"], ["backup"], ["import", "visits", "SHEET"]])
def test_data_commands_are_for_managers(data_dir: Path, clock: FixedClock, tmp_path: Path,
                                        command: list[str]) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    command = [str(sheet) if part == "SHEET" else part for part in command]
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    from safespace_desk.services import staff

    staff.add_staff(desk, name="Dee Desk", role="desk", password="dee keeps the blue kettle")
    desk.close()
    result = run(["--data-dir", str(data_dir), *command, "--as", "Dee Desk", "--password-stdin"], clock,
                 stdin="dee keeps the blue kettle\n")
    assert result.code == 1 and "Desk staff accounts cannot" in result.err
    assert_one_plain_line(result.err)


def test_report_cohort_csv_and_json(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    _import(data_dir, clock, tmp_path, SHEET)  # Kez and Zoë first seen on 3 October, nothing recorded since
    october = ("--from", "2026-10-01", "--to", "2026-10-31")
    as_csv = run(manager(data_dir, "report", "--cohort", *october), clock, stdin=MANAGER_PASSWORD + "\n")
    assert as_csv.code == 0, as_csv.err
    lines = as_csv.out.splitlines()
    assert lines[0] == "section,key,value" and "cohort,people,2" in lines and "cohort_now,no_status,2" in lines
    assert "cohort,in_accommodation_now,0" in lines and "cohort_now,died,0" in lines
    out = tmp_path / "cohort.json"
    as_json = run(manager(data_dir, "report", "--cohort", *october, "--format", "json", "--out", str(out)), clock,
                  stdin=MANAGER_PASSWORD + "\n")
    assert as_json.code == 0 and "first seen 1 Oct 2026 to 31 Oct 2026" in as_json.out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["people"], data["now"]["no_status"], data["first_day"]) == (2, 2, "2026-10-01")
    september = run(manager(data_dir, "report", "--cohort", "--from", "2026-09-01", "--to", "2026-09-30"), clock,
                    stdin=MANAGER_PASSWORD + "\n")
    assert "cohort,people,0" in september.out.splitlines()
    for refused, words in ((("--format", "pdf", "--out", str(tmp_path / "c.pdf")), "CSV or JSON"),
                           (("--impact",), "not both")):
        result = run(manager(data_dir, "report", "--cohort", *october, *refused), clock, stdin=MANAGER_PASSWORD + "\n")
        assert result.code == 1 and words in result.err
        assert_one_plain_line(result.err)
