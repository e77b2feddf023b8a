"""The import page: columns guessed from the header, a dry run that lists line errors, then import."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from safespace_desk.services import search, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.data_rights.import_page import ImportPage
from safespace_desk.ui.shell import MainShell
from tests.services.frontdesk_helpers import add

GOOD = """Guest,Day,In,Out,Came via,Bed
Kez,2026-10-03,21:15,07:30,police,Bed 2
Kez,04/10/2026,10:00,12:00,self,
Zoë,2026-10-03,14:00,16:30,Outreach,
Big Mo,2026-10-05,09:00,,,
"""
BROKEN = GOOD + "Ann,2026-13-01,10:00,11:00,self,\n,2026-10-01,10:00,,self,\nCy,2026-10-01,10:00,,teleport,\n"


def _page(qtbot: QtBot, shell: MainShell, desk: DeskContext, sheet: Path, text: str) -> ImportPage:
    page = ImportPage(desk, shell)
    shell.add_page("import", "Import", page)
    shell.show()
    qtbot.waitExposed(shell)
    sheet.write_text(text, encoding="utf-8")
    assert page.load_file(sheet)
    return page


def test_columns_are_guessed_from_the_header(qtbot: QtBot, shell: MainShell, desk: DeskContext, tmp_path: Path) -> None:
    page = _page(qtbot, shell, desk, tmp_path / "sheet.csv", GOOD)
    boxes = page.mapping.boxes
    assert [boxes[c].currentText() for c in ("name", "date", "time_in", "time_out", "arrived_via", "bed")] == \
        ["Guest", "Day", "In", "Out", "Came via", "Bed"]
    assert boxes["notes"].currentText() == "(not in this file)"
    assert not page.import_button.isEnabled()  # not before a clean dry run
    page.mapping.choose("name", None)
    page.dry_run()
    assert "Choose the file's column for Name" in page.banner.text()


def test_a_dry_run_lists_broken_lines_and_writes_nothing(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                                         tmp_path: Path) -> None:
    page = _page(qtbot, shell, desk, tmp_path / "sheet.csv", BROKEN)
    page.dry_run()
    lines = [page.problems.item(r, 0).text() for r in range(page.problems.rowCount())]
    assert lines == ["6", "7", "8"]
    assert "not a date" in page.problems.item(0, 1).text() and "teleport" in page.problems.item(2, 1).text()
    assert "nothing was imported" in page.summary.text()
    assert not page.import_button.isEnabled()
    assert search.find_guests(desk, "kez") == []


def test_a_good_file_imports_with_progress_to_100(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                                  tmp_path: Path) -> None:
    add(desk, "Zoe")  # "Zoë" in the file is the same name once accents are set aside
    add(desk, "Big Moe")
    page = _page(qtbot, shell, desk, tmp_path / "sheet.csv", GOOD)
    page.dry_run()
    assert page.problems.rowCount() == 0
    assert page.summary.text().startswith("Would import 4 visits")
    assert [page.uncertain.item(r, 0).text() for r in range(page.uncertain.rowCount())] == ["Big Mo"]
    assert page.import_button.isEnabled()
    with qtbot.waitSignal(shell.changes_applied):
        page.import_button.click()
    assert page.progress.value() == 100
    assert page.summary.text().startswith("Imported 4 visits")
    kez = search.find_guests(desk, "kez")[0]
    assert len(visits.guest_visits(desk, kez.guest_id)) == 2
    # The same file again: the dry run says nothing new would be added, and offers no Import
    # (issue 8, finding 11: it said "ready to import" with Import on).
    page.dry_run()
    assert page.summary.text().startswith("Nothing new to import: all 4 visits")
    assert "imported already" in page.banner.text() and "ready to import" not in page.banner.text()
    assert not page.import_button.isEnabled()


def test_changing_a_column_needs_a_new_dry_run(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                               tmp_path: Path) -> None:
    page = _page(qtbot, shell, desk, tmp_path / "sheet.csv", GOOD)
    page.dry_run()
    assert page.import_button.isEnabled()
    page.mapping.choose("bed", None)
    assert not page.import_button.isEnabled()


def test_a_file_that_is_not_a_sheet_is_refused_in_plain_words(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                                              tmp_path: Path) -> None:
    page = ImportPage(desk, shell)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert not page.load_file(empty)
    assert "empty" in page.banner.text()
    assert not page.load_file(tmp_path / "missing.csv")
    assert "could not be read" in page.banner.text()



def test_a_semicolon_sheet_from_european_excel_is_read_and_imported(qtbot: QtBot, shell: MainShell,
                                                                     desk: DeskContext, tmp_path: Path) -> None:
    # Issue 8, finding 14: it was refused with "The header has no column for name, date, time_in".
    page = ImportPage(desk, shell)
    shell.add_page("import", "Import", page)
    shell.show()
    qtbot.waitExposed(shell)
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(GOOD.replace(",", ";").replace("\n", "\r\n").encode("utf-8-sig"))
    assert page.load_file(sheet)
    assert "separated by semicolons" in page.file_label.text()
    assert [page.mapping.boxes[c].currentText() for c in ("name", "date", "time_in", "bed")] == \
        ["Guest", "Day", "In", "Bed"]
    page.dry_run()
    assert page.problems.rowCount() == 0 and page.summary.text().startswith("Would import 4 visits")
    with qtbot.waitSignal(shell.changes_applied):
        page.import_button.click()
    assert page.progress.value() == 100 and page.summary.text().startswith("Imported 4 visits")
    assert len(visits.guest_visits(desk, search.find_guests(desk, "kez")[0].guest_id)) == 2


def test_a_file_changed_after_its_dry_run_is_not_imported(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                                          tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    page = _page(qtbot, shell, desk, sheet, GOOD)
    page.dry_run()
    assert page.import_button.isEnabled()
    sheet.write_text(GOOD + "Ann,2026-10-05,09:00,,,\n", encoding="utf-8")  # saved again from the spreadsheet
    page.run_import()
    assert "changed since its dry run" in page.banner.text() and "Nothing was imported" in page.summary.text()
    assert search.find_guests(desk, "kez") == []


def test_a_file_over_the_size_limit_is_refused_when_chosen(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                                           tmp_path: Path) -> None:
    from safespace_desk.services.sheet_files import MAX_FILE_BYTES

    page = ImportPage(desk, shell)
    huge = tmp_path / "ten-years.csv"
    with huge.open("wb") as handle:  # sparse: takes no disk
        handle.write(b"name,date,time_in\n")
        handle.truncate(MAX_FILE_BYTES + 1)
    assert not page.load_file(huge)
    assert "the limit is 256 MB" in page.banner.text() and not page.dry_run_button.isEnabled()
