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
    ops = desk.store.raw_connection_sql("SELECT op, args, rows FROM outbox ORDER BY seq")
    # Every guest an imported visit points at was announced to sync first, in an earlier operation's
    # rows (what sync sends): Kez existed; Zoe is new.
    announced: set[str] = set()
    imported = 0
    for op, args, rows in ops:
        changes = json.loads(rows)
        if op == "visit.import":
            visits = [change for change in changes if change["t"] == "visit"]
            assert {change["v"]["guest_id"] for change in visits} <= announced
            imported += len(visits)
        if op == "guest.add":
            assert all(guest["card_code"] for guest in json.loads(args).get("guests", [json.loads(args)]))
        announced |= {change["k"] for change in changes if change["t"] == "guest" and change["a"] == "i"}
    assert imported == 2
