from __future__ import annotations

from datetime import UTC, datetime

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import ValidationError
from safespace_desk.services import guests, importer, search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add

GOOD = """name,date,time_in,time_out,arrived_via,bed,notes
Kez,2026-10-03,21:15,07:30,police,Bed 2,brought from town centre
Kez,04/10/2026,10:00,12:00,self,,
Zoë,2026-10-03,14:00,16:30,Outreach,,
Big Mo,2026-10-05,09:00,,,,
"""


def count(desk: DeskContext, table: str) -> int:
    return desk.store.raw_connection_sql(f"SELECT count(*) FROM {table}")[0][0]


def test_a_good_file_imports_visits_guests_and_beds(desk: DeskContext, clock: FixedClock) -> None:
    progress: list[tuple[int, int]] = []
    report = importer.import_visits(desk, GOOD.encode(), progress=lambda d, t: progress.append((d, t)))
    assert report.errors == [] and report.written
    assert (report.visits_added, len(report.new_guests), report.guests_matched) == (4, 3, 0)
    assert progress[-1] == (5, 5)  # the lines of the file (header included), all read
    kez = search.find_guests(desk, "kez")[0]
    history = visits.guest_visits(desk, kez.guest_id)
    overnight = history[-1]
    # 21:15 BST on 3 Oct to 07:30 the next morning (earlier time out = next day).
    assert overnight.signed_in_at == datetime(2026, 10, 3, 20, 15, tzinfo=UTC)
    assert overnight.signed_out_at == datetime(2026, 10, 4, 6, 30, tzinfo=UTC)
    assert overnight.arrived_via.value == "police"
    assert desk.store.raw_connection_sql("SELECT bed_label, night_of FROM bed_assignment") == [("Bed 2", "2026-10-03")]
    mo = search.find_guests(desk, "big mo")[0]
    [mo_visit] = visits.guest_visits(desk, mo.guest_id)
    assert mo_visit.signed_out_at == datetime(2026, 10, 5, 19, 0, tzinfo=UTC)  # end of the day period
    assert visits.who_is_in(desk) == []


def test_the_same_file_twice_adds_nothing(desk: DeskContext) -> None:
    importer.import_visits(desk, GOOD.encode())
    again = importer.import_visits(desk, GOOD.encode())
    assert (again.visits_added, again.already_imported, again.new_guests) == (0, 4, [])
    assert count(desk, "visit") == 4 and count(desk, "guest") == 3


def test_broken_lines_are_listed_and_nothing_is_written(desk: DeskContext) -> None:
    bad = GOOD + "Ann,2026-13-01,10:00,11:00,self,,\n,2026-10-01,10:00,,self,,\nBo,2026-10-01,25:99,,self,,\n" \
                 "Cy,2026-10-01,10:00,,teleport,,\n"
    report = importer.import_visits(desk, bad.encode())
    assert [e.line for e in report.errors] == [6, 7, 8, 9]
    assert "not a date" in report.errors[0].message and "empty" in report.errors[1].message
    assert "time in" in report.errors[2].message and "teleport" in report.errors[3].message
    assert not report.written and count(desk, "visit") == 0 and count(desk, "guest") == 0
    assert "nothing was imported" in report.summary()


def test_dry_run_writes_nothing(desk: DeskContext) -> None:
    report = importer.import_visits(desk, GOOD.encode(), dry_run=True)
    assert report.visits_added == 4 and not report.written and count(desk, "visit") == 0
    assert report.summary().startswith("Would import 4 visits")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_odd_encodings(desk: DeskContext, encoding: str) -> None:
    text = "name,date,time_in,time_out,arrived_via\r\nJosé,2026-10-03,10:00,11:00,self\r\nZoë,2026-10-03,10:00,11:00,self\r\n"
    report = importer.import_visits(desk, text.encode(encoding))
    assert report.errors == [] and sorted(report.new_guests) == ["José", "Zoë"]


def test_other_headers_with_a_mapping_and_missing_columns(desk: DeskContext) -> None:
    text = "Guest,Day,In,Out\nKez,2026-10-03,10:00,11:00\n"
    with pytest.raises(ValidationError, match="no column for name"):
        importer.import_visits(desk, text.encode())
    report = importer.import_visits(desk, text.encode(), mapping={"name": "Guest", "date": "Day", "time_in": "In",
                                                                  "time_out": "Out"})
    assert report.visits_added == 1
    with pytest.raises(ValidationError, match="empty"):
        importer.import_visits(desk, b"")


def test_names_match_existing_guests_and_uncertain_ones_go_to_review(desk: DeskContext) -> None:
    kez = add(desk, "Kez", aliases=("Kerry",))
    add(desk, "Jonny")
    text = "name,date,time_in,time_out\nkerry,2026-10-03,10:00,11:00\nJonnie,2026-10-03,10:00,11:00\n"
    report = importer.import_visits(desk, text.encode())
    assert report.guests_matched == 1 and report.new_guests == ["Jonnie"]
    assert [u.candidates for u in report.uncertain] == [["Jonny"]]
    assert len(visits.guest_visits(desk, kez)) == 1
    review = guests.duplicate_review(desk)
    assert [(p.first_name, p.second_name) in (("Jonny", "Jonnie"), ("Jonnie", "Jonny")) for p in review] == [True]


def test_future_visits_are_refused(desk: DeskContext, clock: FixedClock) -> None:
    text = "name,date,time_in\nKez,2027-01-01,10:00\n"
    report = importer.import_visits(desk, text.encode())
    assert report.errors and "future" in report.errors[0].message
