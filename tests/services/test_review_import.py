"""Review: importing sign-in sheets."""

from __future__ import annotations

import json

from safespace_desk.services import importer
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add

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


def test_guests_created_by_an_import_are_in_the_outbox(desk: DeskContext) -> None:
    add(desk, "Kez")
    importer.import_visits(desk, REPEATED.encode())
    ops = desk.store.raw_connection_sql("SELECT op, args FROM outbox ORDER BY seq")
    added = {json.loads(args)["guest_id"]: json.loads(args) for op, args in ops if op == "guest.add"}
    visit_guests = {json.loads(args)["guest_id"] for op, args in ops if op == "visit.import"}
    # Every guest an imported visit points at was announced to sync first (Kez existed; Zoe is new).
    assert visit_guests <= set(added)
    zoe = next(a for a in added.values() if a["preferred_name"] == "Zoe")
    assert zoe["card_code"]
