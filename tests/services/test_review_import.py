"""Review: importing sign-in sheets."""

from __future__ import annotations

from safespace_desk.services import importer
from safespace_desk.services.context import DeskContext

REPEATED = """name,date,time_in,time_out,arrived_via
Kez,2026-10-03,10:00,12:00,self
Kez,2026-10-03,10:00,12:00,self
Zoe,2026-10-03,14:00,16:30,self
"""


def test_a_line_repeated_in_the_same_file_is_imported_once(desk: DeskContext) -> None:
    report = importer.import_visits(desk, REPEATED.encode(), dry_run=True)
    assert (report.visits_added, report.already_imported) == (2, 1)
    report = importer.import_visits(desk, REPEATED.encode())
    assert report.written and (report.visits_added, report.already_imported) == (2, 1)
    assert desk.store.raw_connection_sql("SELECT count(*) FROM visit")[0][0] == 2
