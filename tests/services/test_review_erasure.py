"""Review: erasure must remove every free text about the guest, not only the guest row."""

from __future__ import annotations

from pathlib import Path

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import data_rights, exclusions, importer, messages, triage, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import Override, OverrideAction, own_override
from tests.services.frontdesk_helpers import add, desk_as

SECRET = "Quentavious"


def _texts(desk: DeskContext) -> str:
    rows = []
    for table in ("guest", "guest_alias", "visit", "exclusion", "message", "triage", "duplicate_hint"):
        rows.extend(desk.store.raw_connection_sql(f"SELECT * FROM {table}"))
    return repr(rows)


def test_erasure_leaves_no_free_text_about_the_guest(desk: DeskContext, data_dir: Path,
                                                      clock: FixedClock) -> None:
    guest_id = add(desk, f"{SECRET} Jones")
    exclusions.issue_exclusion(desk, guest_id, f"Hit {SECRET}'s brother", 2)
    clock.advance(hours=1)
    manager = Override(f"{SECRET} asked to stay", own_override(desk, OverrideAction.SIGN_IN))
    v = visits.sign_in(desk, guest_id, "police", override=manager)
    clock.advance(hours=1)
    visits.sign_out(desk, v.visit_id, f"{SECRET}'s sister's flat")
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    m1, _ = messages.post_message(desk, agency_id=gp, guest_id=guest_id, body="Appointment")
    messages.not_passed_on(desk, m1, f"{SECRET} was asleep")
    m2, _ = messages.post_message(desk, agency_id=gp, guest_id=guest_id, body="Other")
    messages.withdraw(desk, m2, f"GP saw {SECRET} already")
    medic = desk_as(desk, data_dir, clock, "Pat Medic", "paramedic")
    try:
        triage.record_triage(medic, guest_id, presenting_need=f"{SECRET}: leg wound", outcome="treated",
                             notes=f"{SECRET} has diabetes")
    finally:
        medic.close()
    assert SECRET in _texts(desk)
    data_rights.erase_guest(desk, guest_id, "Subject's request")
    assert SECRET not in _texts(desk)
    # The facts stay, so past figures do not change.
    assert desk.store.raw_connection_sql("SELECT count(*) FROM triage")[0][0] == 1
    assert desk.store.raw_connection_sql("SELECT count(*) FROM exclusion")[0][0] == 1
    assert len(visits.guest_visits(desk, guest_id)) == 1


def test_erasure_removes_import_notes_and_duplicate_hints(desk: DeskContext) -> None:
    add(desk, f"{SECRET} Smith")
    sheet = f"name,date,time_in,time_out,arrived_via,notes\n{SECRET} Smyth,2026-10-03,10:00,12:00,self,{SECRET} limping\n"
    report = importer.import_visits(desk, sheet.encode())
    assert report.written and report.uncertain
    imported = desk.store.raw_connection_sql("SELECT guest_id FROM visit")[0][0]
    original = desk.store.raw_connection_sql(
        f"SELECT id FROM guest WHERE id != '{imported}'")[0][0]
    data_rights.erase_guest(desk, imported, "Subject's request")
    data_rights.erase_guest(desk, original, "Subject's request")
    assert SECRET not in _texts(desk)
