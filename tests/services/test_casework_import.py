"""Importing referrals and contacts: line-numbered errors, all or nothing, dry run, twice is harmless,
and a repeat referral in a sheet re-opens the case (synthetic people only)."""

from __future__ import annotations

from pathlib import Path

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import casework_import, referrals
from safespace_desk.services.context import DeskContext
from safespace_desk.services.search import find_guests
from tests.conftest import MANAGER_PASSWORD
from tests.services.casework_helpers import make_service
from tests.services.frontdesk_helpers import add, at_local
from tests.test_cli import manager, run

REFERRALS = """name,date,time,source,reason,decision,decline_reason,closed,closure_reason,factors
Sam,2026-09-10,14:00,SPA,Money worries,,,28/09/2026,resolved,financial;isolation
Sam,2026-09-30,23:30,spa,Bereavement,,,,,
Sam,01/10/2026,09:00,crisis team,Rang again,,,,,
Jo,2026-10-05,11:00,GP,Anxiety,declined,Supported by the CMHT,,,
Kez,2026-10-06,12:00,self,Low mood,waiting,,,,
"""


def test_referrals_sheet_reopens_cases_and_is_all_or_nothing(desk: DeskContext, clock: FixedClock) -> None:
    crisis = make_service(desk, "crisis")
    at_local(clock, 2026, 11, 2, 12, 0)
    add(crisis, "Sam")  # already on the register: matched, not added again
    broken = REFERRALS + "Bo,2026-12-01,10:00,spa,Future,,,,,\nAl,2026-10-07,10:00,pigeon,?,,,,,\n" \
                         "Cy,2026-10-07,10:00,spa,Low,declined,,,,\n"
    report = casework_import.import_referrals(crisis, broken.encode())
    assert [e.line for e in report.errors] == [7, 8, 9] and not report.written
    assert "future" in report.errors[0].message and "pigeon" in report.errors[1].message
    assert crisis.store.raw_connection_sql("SELECT count(*) FROM referral") == [(0,)]

    dry = casework_import.import_referrals(crisis, REFERRALS.encode(), dry_run=True)
    assert "Would import 5 referrals" in dry.summary() and dry.guests_matched == 1 and len(dry.new_guests) == 2
    assert crisis.store.raw_connection_sql("SELECT count(*) FROM referral") == [(0,)]

    done = casework_import.import_referrals(crisis, REFERRALS.encode())
    assert done.written and done.kinds == {"new": 3, "repeat": 1, "duplicate": 1} and done.reopened == 1
    sam = find_guests(crisis, "sam")[0].guest_id
    summary = referrals.case_summary(crisis, sam)
    assert [e.number for e in summary.episodes] == [1, 2] and summary.open_episode is not None
    assert summary.episodes[0].closed_at is not None
    kez = find_guests(crisis, "kez")[0].guest_id
    assert referrals.case_summary(crisis, kez).status_text == "Referral waiting for a decision"
    again = casework_import.import_referrals(crisis, REFERRALS.encode())
    assert not again.written and "Nothing new to import: all 5 referrals" in again.summary()
    # One more line in a later sheet: Sam's case is open, so a new referral is a duplicate.
    later = REFERRALS + "Sam,2026-10-20,10:00,spa,Crisis line again,,,,,\n"
    assert casework_import.import_referrals(crisis, later.encode()).kinds == {"duplicate": 1}


def test_contacts_sheet(desk: DeskContext, clock: FixedClock) -> None:
    crisis = make_service(desk, "crisis")
    at_local(clock, 2026, 11, 2, 12, 0)
    sheet = ("Person,date,time,kind,minutes,outcome,notes\n"
             "Sam,2026-10-31,23:50,call out,40,supported,Ran past midnight\n"
             "Sam,2026-10-25,01:30,call_in,20,,\n"
             "Jo,2026-10-05,12:00,visit,,no answer,\n")
    report = casework_import.import_contacts(crisis, (sheet + "Jo,2026-10-05,12:00,carrier pigeon,5,,\n").encode(),
                                             mapping={"name": "Person"})
    assert [e.line for e in report.errors] == [5] and "carrier pigeon" in report.errors[0].message
    done = casework_import.import_contacts(crisis, sheet.encode(), mapping={"name": "Person"})
    assert done.written and done.added == 3
    assert crisis.store.raw_connection_sql("SELECT kind, minutes FROM contact ORDER BY at") == [
        ("visit", None), ("call_in", 20), ("call_out", 40)]
    assert not casework_import.import_contacts(crisis, sheet.encode(), mapping={"name": "Person"}).written


def test_import_referrals_from_the_command_line(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    sheet = tmp_path / "referrals.csv"
    sheet.write_text(REFERRALS, encoding="utf-8")
    dry = run(manager(data_dir, "import", "referrals", str(sheet), "--dry-run"), clock, stdin=MANAGER_PASSWORD + "\n")
    assert dry.code == 0 and "Would import 5 referrals" in dry.out, dry.err
    done = run(manager(data_dir, "import", "referrals", str(sheet)), clock, stdin=MANAGER_PASSWORD + "\n")
    assert done.code == 0 and "1 repeat (1 re-opened a case)" in done.out
    bad = tmp_path / "contacts.csv"
    bad.write_text("name,date,time,kind\nSam,2026-10-01,25:00,call_in\n", encoding="utf-8")
    failed = run(manager(data_dir, "import", "contacts", str(bad)), clock, stdin=MANAGER_PASSWORD + "\n")
    assert failed.code == 1 and "line 2:" in failed.out
