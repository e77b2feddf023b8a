"""Issue 14, finding 2: need-to-know lived only in the screens. Every slot wraps the key that opens
the store, so a desk user's password, used with any SQLCipher tool (the raw key, as ``key raw`` gives
it), read every triage note.

Now clinical text (a triage's presenting need and notes) is sealed with a clinical key that only the
paramedic's, managers' and the recovery slots hold. With a desk user's raw key the triage columns, and
the outbox's copies, hold no plaintext; the paramedic and managers still write and read them; reports
still count them; a store made before is migrated when a manager signs in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths, connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.domain.staff import login_key
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import auth, data_rights, guests, staff, triage
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.security.conftest import DESK_USER, LEAD, MEDIC, SignInAs, password_of
from tests.services.frontdesk_helpers import LONDON

NEED = "Plantedneed wheeze"
NOTES = "Plantednote: asthma, salbutamol given"


def _raw_key_of(data_dir: Path, name: str, password: str) -> bytes:
    """What ``key raw`` gives, but from this person's own slot: the key that opens the whole store."""
    master, _ = KeySlots.load(StorePaths(data_dir).keyslots).unlock_with_password(login_key(name), password)
    return master


def _what_the_raw_key_reads(data_dir: Path, master: bytes) -> str:
    conn = connect_raw(StorePaths(data_dir).db, master)
    try:
        rows = conn.execute("SELECT presenting_need, notes FROM triage").fetchall()
        outbox = conn.execute("SELECT args, rows FROM outbox WHERE op LIKE 'triage.%'").fetchall()
    finally:
        conn.close()
    assert rows and outbox
    return json.dumps([rows, outbox])


def test_a_desk_users_raw_key_reads_no_clinical_text(desk: DeskContext, data_dir: Path,
                                                      sign_in_as: SignInAs) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Pip Sealed"))
    medic = sign_in_as(MEDIC)
    triage.record_triage(medic, record.id, presenting_need=NEED, outcome="treated", notes=NOTES)
    desk.close()
    for name in (DESK_USER, LEAD):
        read = _what_the_raw_key_reads(data_dir, _raw_key_of(data_dir, name, password_of(name)))
        assert "Plantednote" not in read and "Plantedneed" not in read, f"{name}'s key reads clinical text"
    # The same store does hold the note (the manager's key reads it through the service).
    manager = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(desk.clock.now()))
    try:
        [view] = triage.list_triage(manager)
        assert (view.presenting_need, view.notes) == (NEED, NOTES)
    finally:
        manager.close()


def test_the_paramedic_and_managers_hold_the_clinical_key_and_no_one_else(data_dir: Path) -> None:
    slots = KeySlots.load(StorePaths(data_dir).keyslots)
    ids = {m: next(s.staff_id for s in slots.slots if s.login == login_key(m)) for m in (MEDIC, DESK_USER, LEAD)}
    holders = {s.staff_id for s in slots.slots if s.clinical}
    assert ids[MEDIC] in holders and ids[DESK_USER] not in holders and ids[LEAD] not in holders
    assert any(s.kind == "recovery" and s.clinical for s in slots.slots)


def test_the_paramedic_and_the_manager_read_and_write_and_reports_count(desk: DeskContext, clock: FixedClock,
                                                                        sign_in_as: SignInAs) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Pip Sealed"))
    medic = sign_in_as(MEDIC)
    triage_id, _ = triage.record_triage(medic, record.id, presenting_need=NEED, outcome="treated", notes=NOTES)
    assert triage.open_triage(medic, triage_id).notes == NOTES
    manager_view = triage.open_triage(desk, triage_id)
    assert (manager_view.presenting_need, manager_view.notes) == (NEED, NOTES)
    triage.record_triage(medic, record.id, presenting_need="Second check", outcome="advice", notes="Fine now")
    assert {v.notes for v in triage.list_triage(medic)} == {NOTES, "Fine now"}
    exported = json.dumps(data_rights.export_guest(desk, record.id))
    assert NOTES in exported  # a subject-access export gives the person their own notes, opened
    now = clock.now().astimezone(LONDON)
    figures = compute_figures(desk, month_range(now.year, now.month, LONDON))
    assert figures.triage_assessments == 2 and figures.guests_triaged == 1
    with pytest.raises(PermissionDenied):
        triage.open_triage(sign_in_as(DESK_USER), triage_id)


def test_a_new_paramedic_gets_the_key_and_a_former_one_loses_it(desk: DeskContext, data_dir: Path,
                                                                 sign_in_as: SignInAs) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Pip Sealed"))
    colleague = next(m for m in staff.list_staff(desk) if m.name == DESK_USER)
    staff.change_role(desk, colleague.id, "paramedic")
    promoted = sign_in_as(DESK_USER)
    triage_id, _ = triage.record_triage(promoted, record.id, presenting_need=NEED, outcome="treated", notes=NOTES)
    assert triage.open_triage(promoted, triage_id).notes == NOTES
    staff.change_role(desk, colleague.id, "desk")
    read = _what_the_raw_key_reads(data_dir, _raw_key_of(data_dir, DESK_USER, password_of(DESK_USER)))
    assert "Plantednote" not in read
    slots = KeySlots.load(StorePaths(data_dir).keyslots)
    assert not next(s for s in slots.slots if s.staff_id == colleague.id).clinical


def test_notes_written_before_are_sealed_when_a_manager_signs_in(desk: DeskContext, data_dir: Path,
                                                                   clock: FixedClock, sign_in_as: SignInAs) -> None:
    # A store from before: notes in plain in the table and in the outbox, and no slot holds a clinical key.
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Pip Sealed"))
    medic = sign_in_as(MEDIC)
    triage_id, _ = triage.record_triage(medic, record.id, presenting_need=NEED, outcome="treated", notes=NOTES)
    medic.close()
    master = desk.master_key
    desk.close()
    conn = connect_raw(StorePaths(data_dir).db, master)
    try:
        conn.execute("UPDATE triage SET presenting_need = ?, notes = ? WHERE id = ?", (NEED, NOTES, triage_id))
        conn.execute("UPDATE outbox SET args = ?, rows = NULL WHERE op = 'triage.record'",
                     (json.dumps({"triage_id": triage_id, "presenting_need": NEED, "notes": NOTES}),))
    finally:
        conn.close()
    slots = KeySlots.load(StorePaths(data_dir).keyslots)
    for slot in slots.slots:
        slot.clinical = ""
    slots._seal(slots._keys(master))  # the file's MAC, as the program before this wrote it
    slots.save(StorePaths(data_dir).keyslots)
    assert "Plantednote" in _what_the_raw_key_reads(data_dir, master)

    manager = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        assert triage.open_triage(manager, triage_id).notes == NOTES
    finally:
        manager.close()
    read = _what_the_raw_key_reads(data_dir, master)
    assert "Plantednote" not in read and "Plantedneed" not in read
    medic = auth.sign_in(data_dir, MEDIC, password_of(MEDIC), clock)
    try:
        assert triage.open_triage(medic, triage_id).presenting_need == NEED
    finally:
        medic.close()
