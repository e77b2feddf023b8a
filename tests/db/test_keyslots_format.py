"""Key slots as key pairs (DESIGN.md 5): a slot is added, and the key sealed to it, without anyone
else's password; the file is checked; a store made in the format before key pairs opens with every
password it had and is migrated slot by slot as people sign in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.db.errors import KeySlotsTampered, WrongPassword
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.staff import login_key
from safespace_desk.services import auth, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support.keyslots_v1 import write_v1


def _file(data_dir: Path) -> dict:
    return json.loads(StorePaths(data_dir).keyslots.read_text())


def test_each_slot_is_a_key_pair_with_the_master_key_sealed_to_it(desk: DeskContext, data_dir: Path) -> None:
    staff.add_staff(desk, name="Dee Desk", role="desk", password="dee's own password 1")
    data = _file(data_dir)
    assert data["version"] == 2 and data["current"] == 1 and data["pending"] is None
    for slot in data["slots"]:
        assert len(slot["public"]) == 44 and set(slot["sealed"]) == {"1"}
        # Nothing in the file is the key in plain (hex or base64).
    text = StorePaths(data_dir).keyslots.read_text()
    assert desk.master_key.hex() not in text and desk.master_key.hex().upper() not in text
    import base64
    assert base64.b64encode(desk.master_key).decode() not in text
    # A manager sealed the key to Dee's slot with Dee's password only: it opens with it.
    master, _ = KeySlots.load(StorePaths(data_dir).keyslots).unlock_with_password("dee desk", "dee's own password 1")
    assert master == desk.master_key


def test_a_sealed_key_moved_to_another_slot_does_not_open(desk: DeskContext, data_dir: Path) -> None:
    staff.add_staff(desk, name="Dee Desk", role="desk", password="dee's own password 1")
    path = StorePaths(data_dir).keyslots
    data = json.loads(path.read_text())
    by_kind = {s["login"]: s for s in data["slots"]}
    by_kind["dee desk"]["public"], by_kind[login_key(MANAGER_NAME)]["public"] = (
        by_kind[login_key(MANAGER_NAME)]["public"], by_kind["dee desk"]["public"])
    path.write_text(json.dumps(data))
    with pytest.raises((KeySlotsTampered, WrongPassword)):
        KeySlots.load(path).unlock_with_password("dee desk", "dee's own password 1")


def test_a_store_in_the_old_format_opens_and_migrates_as_people_sign_in(
        desk: DeskContext, data_dir: Path, clock: FixedClock, master_key: bytes, manager_id: str,
        recovery_key: str) -> None:
    dee, _ = staff.add_staff(desk, name="Dee Desk", role="desk", password="dee's own password 1")
    desk.close()
    write_v1(data_dir, master_key, [(manager_id, login_key(MANAGER_NAME), MANAGER_PASSWORD),
                                    (dee.id, "dee desk", "dee's own password 1")], recovery_key)
    assert _file(data_dir)["version"] == 1

    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()
    data = _file(data_dir)
    assert data["version"] == 2
    kinds = {(s["kind"], s["login"]): bool(s["public"]) for s in data["slots"]}
    # The manager's slot is a key pair now; Dee's and the recovery slot wait for their secrets.
    assert kinds == {("staff", login_key(MANAGER_NAME)): True, ("staff", "dee desk"): False,
                     ("recovery", None): False}

    auth.sign_in(data_dir, "Dee Desk", "dee's own password 1", clock).close()
    assert all(s["public"] for s in _file(data_dir)["slots"] if s["kind"] == "staff")
    with pytest.raises(WrongPassword):
        auth.sign_in(data_dir, "Dee Desk", "not dee's password", clock)
    assert auth.raw_key_hex(data_dir, recovery_key, clock) == master_key.hex()
    # Every slot opens with its secret of before, and the file's MAC holds.
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()


def test_an_old_format_file_that_was_edited_is_refused(
        desk: DeskContext, data_dir: Path, clock: FixedClock, master_key: bytes, manager_id: str,
        recovery_key: str) -> None:
    desk.close()
    write_v1(data_dir, master_key, [(manager_id, login_key(MANAGER_NAME), MANAGER_PASSWORD)], recovery_key)
    path = StorePaths(data_dir).keyslots
    data = json.loads(path.read_text())
    data["slots"].append(dict(data["slots"][1], login="intruder"))  # a second way in, added
    path.write_text(json.dumps(data))
    with pytest.raises(KeySlotsTampered):
        auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    assert json.loads(path.read_text()) == data  # not rewritten


def test_a_rotation_drops_slots_still_in_the_old_format_and_replaces_an_old_recovery_key(
        desk: DeskContext, data_dir: Path, clock: FixedClock, master_key: bytes, manager_id: str,
        recovery_key: str) -> None:
    from safespace_desk.db.errors import UnknownStaffName, WrongRecoveryKey
    from safespace_desk.services import keyrotation

    dee, _ = staff.add_staff(desk, name="Dee Desk", role="desk", password="dee's own password 1")
    desk.close()
    write_v1(data_dir, master_key, [(manager_id, login_key(MANAGER_NAME), MANAGER_PASSWORD),
                                    (dee.id, "dee desk", "dee's own password 1")], recovery_key)
    manager = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)  # the manager's slot migrates
    rotation = keyrotation.rotate_keys(manager)
    assert rotation.dropped == (dee.id,)  # nobody can seal the new key to a slot only Dee's password opens
    assert rotation.recovery_key and rotation.recovery_key != recovery_key
    detail = manager.store.raw_connection_sql("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0][0]
    assert detail == "version=2;reason=manager;old_slots_dropped=1;recovery_key_replaced"
    manager.close()
    with pytest.raises(UnknownStaffName):
        auth.sign_in(data_dir, "Dee Desk", "dee's own password 1", clock)
    with pytest.raises(WrongRecoveryKey):
        auth.raw_key_hex(data_dir, recovery_key, clock)
    assert auth.raw_key_hex(data_dir, rotation.recovery_key, clock) != master_key.hex()
    assert not [s for s in _file(data_dir)["slots"] if not s["public"]]
