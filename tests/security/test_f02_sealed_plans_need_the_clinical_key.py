"""Issue 14, finding 2, carried to plans (issue 11, item 4): a staying-well or crisis plan the person
asked to keep private was "sealed" only by the service refusing to show it. Every slot opens the store,
so a desk user's password, used with any SQLCipher tool, read the plan's words in the plan_version
table, in the outbox (and so in what sync sends under the site key every desk holds) and in backups.

Now a sealed plan's words are sealed to the clinical key (services/clinical.py): a peer at the desk can
seal a plan with the person without holding the key, and only managers (who hold it) open it again.
With a desk user's raw key no plaintext of a sealed plan is in the store, the outbox or a backup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.db import slotcrypto
from safespace_desk.db.store import StorePaths, connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, backups, data_rights, guests, plans
from safespace_desk.services.clinical import PLAN_VERSION_TRIGGER
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.security.conftest import DESK_USER, SignInAs, password_of
from tests.security.test_f02_clinical_notes_need_the_clinical_key import _raw_key_of
from tests.services.casework_helpers import make_service
from tests.support.sqlcipher4 import decrypt_file
from tests.support.stores import contains_text

PEER_WORDS = "Plantedpeer: the canal path at dusk"
MANAGER_WORDS = "Plantedmanager: my sister Roz on 07700"
OPEN_WORDS = "Openplanted: a cup of tea"


def _rows_the_raw_key_reads(data_dir: Path, master: bytes) -> str:
    conn = connect_raw(StorePaths(data_dir).db, master)
    try:
        versions = conn.execute("SELECT sections FROM plan_version").fetchall()
        outbox = conn.execute("SELECT args, rows FROM outbox WHERE op = 'plan.write'").fetchall()
    finally:
        conn.close()
    assert versions and outbox
    return json.dumps([versions, outbox])


def test_a_desk_users_raw_key_reads_no_sealed_plan(desk: DeskContext, data_dir: Path, sign_in_as: SignInAs,
                                                   tmp_path: Path) -> None:
    make_service(desk, "haven")
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Robin Sealed"))
    peer = sign_in_as(DESK_USER)
    assert peer.clinical_key is None
    # A peer writes a crisis plan with Robin, who asks that it be kept private: the peer can seal it.
    written = plans.write_plan(peer, record.id, "crisis", {"safe_places": PEER_WORDS}, sealed=True)
    # An open staying-well plan beside it stays readable by the desk.
    plans.write_plan(peer, record.id, "staying_well", {"what_helps": OPEN_WORDS})
    # A manager adds a version, still sealed.
    plans.write_plan(desk, record.id, "crisis", {"safe_places": PEER_WORDS, "who_to_contact": MANAGER_WORDS},
                     sealed=True)

    # The peer sees that the sealed plan exists, but not its words, nor may they open it.
    summaries = {s.kind.value: s for s in plans.plans_of(peer, record.id)}
    assert summaries["crisis"].sealed and not summaries["crisis"].readable and summaries["crisis"].versions == 2
    assert summaries["staying_well"].readable
    for version in (None, 1):
        with pytest.raises(PermissionDenied, match="sealed"):
            plans.read_plan(peer, written.plan_id, version)
    # The manager reads every sealed version, and the person's own export opens them.
    assert plans.read_plan(desk, written.plan_id).sections["who_to_contact"] == MANAGER_WORDS
    assert plans.read_plan(desk, written.plan_id, 1).sections == {"safe_places": PEER_WORDS}
    exported = json.dumps(data_rights.export_guest(desk, record.id))
    assert MANAGER_WORDS in exported and PEER_WORDS in exported

    info = backups.run_backup(desk, tmp_path / "stick")
    peer.close()
    desk.close()
    master = _raw_key_of(data_dir, DESK_USER, password_of(DESK_USER))
    read = _rows_the_raw_key_reads(data_dir, master)
    assert "Openplanted" in read  # the check can see plain words: the open plan is there in plain
    assert "Plantedpeer" not in read and "Plantedmanager" not in read
    # Nor anywhere in the decrypted files: the store (free pages included) and the backup.
    for path in (data_dir / "store.db", info.path / "store.db"):
        plain = decrypt_file(path, master)
        assert contains_text(plain, "Openplanted"), path
        assert not contains_text(plain, "Plantedpeer") and not contains_text(plain, "Plantedmanager"), path


def test_plans_a_program_from_before_kept_in_plain_are_sealed_when_a_manager_signs_in(
        desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    make_service(desk, "haven")
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Robin Sealed"))
    written = plans.write_plan(desk, record.id, "crisis", {"safe_places": PEER_WORDS}, sealed=True)
    master = desk.master_key
    desk.close()
    # What the program before this wrote: the words in plain, in the table and the outbox's copy.
    conn = connect_raw(StorePaths(data_dir).db, master)
    try:
        plain = json.dumps({"safe_places": PEER_WORDS})
        conn.execute("DROP TRIGGER plan_version_no_update")
        conn.execute("UPDATE plan_version SET sections = ?", (plain,))
        conn.execute(PLAN_VERSION_TRIGGER)
        args, rows = conn.execute("SELECT args, rows FROM outbox WHERE op = 'plan.write'").fetchone()
        args = json.loads(args) | {"sections": {"safe_places": PEER_WORDS}}
        rows = json.loads(rows)
        for change in rows:
            if change["t"] == "plan_version":
                change["v"]["sections"] = plain
        conn.execute("UPDATE outbox SET args = ?, rows = ? WHERE op = 'plan.write'", (json.dumps(args),
                                                                                     json.dumps(rows)))
        conn.commit()
    finally:
        conn.close()
    assert "Plantedpeer" in _rows_the_raw_key_reads(data_dir, master)

    manager = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        assert plans.read_plan(manager, written.plan_id).sections == {"safe_places": PEER_WORDS}
        with pytest.raises(Exception, match="never changed"), manager.store.write() as session:
            session.connection().exec_driver_sql("UPDATE plan_version SET sections = '{}'")
    finally:
        manager.close()
    assert "Plantedpeer" not in _rows_the_raw_key_reads(data_dir, master)


def test_a_swapped_public_key_is_put_back_when_a_manager_signs_in(desk: DeskContext, data_dir: Path,
                                                                  clock: FixedClock, sign_in_as: SignInAs) -> None:
    # The limit written down in docs/decisions.md: someone who can write the store with the master key
    # could swap the published public half for their own; a manager's next sign-in puts the right one back.
    make_service(desk, "haven")
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Robin Sealed"))
    master = desk.master_key
    desk.close()
    conn = connect_raw(StorePaths(data_dir).db, master)
    try:
        conn.execute("UPDATE desk_setting SET value = ? WHERE key = 'clinical_public_key'",
                     (slotcrypto.b64(slotcrypto.new_key_pair()[1]),))
        conn.commit()
    finally:
        conn.close()
    swapped = plans.write_plan(sign_in_as(DESK_USER), record.id, "crisis", {"safe_places": PEER_WORDS}, sealed=True)
    manager = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        with pytest.raises(RuleViolation, match="does not hold"):
            plans.read_plan(manager, swapped.plan_id)
    finally:
        manager.close()
    again = plans.write_plan(sign_in_as(DESK_USER), record.id, "staying_well", {"what_helps": OPEN_WORDS},
                             sealed=True)
    manager = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        assert plans.read_plan(manager, again.plan_id).sections == {"what_helps": OPEN_WORDS}
    finally:
        manager.close()
