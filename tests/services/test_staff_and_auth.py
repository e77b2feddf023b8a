from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.db.errors import KeySlotsTampered, WrongPassword, WrongRecoveryKey
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import (
    AuthenticationFailed,
    PermissionDenied,
    RuleViolation,
    ValidationError,
)
from safespace_desk.domain.pin_lock import PinAttempts
from safespace_desk.domain.roles import Role
from safespace_desk.services import audit, auth, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD


def _slots(data_dir: Path) -> KeySlots:
    return KeySlots.load(StorePaths(data_dir).keyslots)


def test_added_staff_member_can_sign_in_with_their_own_password(desk: DeskContext, data_dir: Path,
                                                                clock: FixedClock) -> None:
    member, changes = staff.add_staff(desk, name="Dana Desk", role="desk", password="dana's password")
    assert changes.touches("staff")
    desk.close()
    dana = auth.sign_in(data_dir, "  dana   DESK ", "dana's password", clock)
    assert dana.actor is not None and dana.actor.staff_id == member.id
    assert dana.actor.role is Role.DESK
    dana.close()


def test_wrong_password_and_unknown_name_read_the_same(data_dir: Path, clock: FixedClock) -> None:
    with pytest.raises(WrongPassword) as wrong:
        auth.sign_in(data_dir, MANAGER_NAME, "not the password", clock)
    with pytest.raises(AuthenticationFailed.__mro__[1]) as unknown:  # DeskError
        auth.sign_in(data_dir, "Nobody Here", "not the password", clock)
    assert str(wrong.value) == str(unknown.value)


def test_deactivating_removes_the_key_slot(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    member, _ = staff.add_staff(desk, name="Lee Lead", role=Role.LEAD, password="lead on the late shift")
    assert member.id in _slots(data_dir).staff_ids()
    staff.deactivate_staff(desk, member.id)
    assert member.id not in _slots(data_dir).staff_ids()
    with pytest.raises(Exception, match="do not match"):
        auth.sign_in(data_dir, "Lee Lead", "lead on the late shift", clock)
    listed = {m.id: m for m in staff.list_staff(desk)}
    assert listed[member.id].active is False


def test_password_reset_rewraps_and_old_password_stops_working(desk: DeskContext, data_dir: Path,
                                                               clock: FixedClock) -> None:
    member, _ = staff.add_staff(desk, name="Pat", role="paramedic", password="first of the april tulips")
    staff.reset_password(desk, member.id, "second of the april tulips")
    with pytest.raises(WrongPassword):
        _slots(data_dir).unlock_with_password("pat", "first of the april tulips")
    _, staff_id = _slots(data_dir).unlock_with_password("pat", "second of the april tulips")
    assert staff_id == member.id


def test_the_last_manager_cannot_be_removed_or_demoted(desk: DeskContext) -> None:
    other, _ = staff.add_staff(desk, name="Second Manager", role="manager", password="second manager walks the pier")
    staff.deactivate_staff(desk, other.id)
    assert desk.actor is not None
    with pytest.raises(RuleViolation):
        staff.deactivate_staff(desk, desk.actor.staff_id)
    with pytest.raises(RuleViolation):
        staff.change_role(desk, desk.actor.staff_id, Role.DESK)


def test_desk_role_cannot_manage_staff(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    staff.add_staff(desk, name="Dana", role="desk", password="dana walks the dog at six")
    desk.close()
    dana = auth.sign_in(data_dir, "Dana", "dana walks the dog at six", clock)
    with pytest.raises(PermissionDenied, match="cannot add staff"):
        staff.add_staff(dana, name="Eve", role="manager", password="eve sings at the harbour!")
    dana.close()


def test_duplicate_staff_name_is_refused_and_nothing_half_written(desk: DeskContext, data_dir: Path) -> None:
    before = StorePaths(data_dir).keyslots.read_bytes()
    with pytest.raises(ValidationError) as err:
        staff.add_staff(desk, name="mo manager", role="desk", password="another walk by the harbour")
    assert err.value.field == "name"
    assert StorePaths(data_dir).keyslots.read_bytes() == before
    assert len(staff.list_staff(desk)) == 1


@pytest.mark.parametrize("bad", ["", "short", " padded password "])
def test_weak_passwords_are_named(desk: DeskContext, bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        staff.add_staff(desk, name="Someone", role="desk", password=bad)
    assert err.value.field == "password"


def test_pin_unlock_allows_five_tries_then_needs_the_password(desk: DeskContext) -> None:
    staff.set_own_pin(desk, "2580")
    attempts = PinAttempts()
    for remaining in (4, 3, 2, 1):
        with pytest.raises(AuthenticationFailed, match=f"{remaining} tries left"):
            auth.quick_unlock(desk, "1111", attempts)
    with pytest.raises(AuthenticationFailed, match="password"):
        auth.quick_unlock(desk, "1111", attempts)
    # Even the right PIN no longer works: only the password.
    with pytest.raises(AuthenticationFailed, match="password"):
        auth.quick_unlock(desk, "2580", attempts)
    auth.check_password_again(desk, MANAGER_PASSWORD)


def test_pin_rules(desk: DeskContext) -> None:
    for bad in ("12", "abcd", "0000", "1234", "123456789"):
        with pytest.raises(ValidationError):
            staff.set_own_pin(desk, bad)


def test_recovery_key_adds_a_manager_when_all_passwords_are_forgotten(data_dir: Path, recovery_key: str,
                                                                      clock: FixedClock) -> None:
    with pytest.raises(WrongRecoveryKey):
        auth.recover_with_key(data_dir, "AAAA-BBBB", manager_name="New Boss",
                              password="brand new velvet lanterns", clock=clock)
    desk = auth.recover_with_key(data_dir, recovery_key.lower().replace("-", " "),
                                 manager_name="New Boss", password="brand new velvet lanterns", clock=clock)
    assert desk.actor is not None and desk.actor.role is Role.MANAGER
    desk.close()
    again = auth.sign_in(data_dir, "new boss", "brand new velvet lanterns", clock)
    assert audit.verify_chain(again).ok
    again.close()


def test_tampered_keyslot_file_is_detected(data_dir: Path, clock: FixedClock) -> None:
    path = StorePaths(data_dir).keyslots
    data = json.loads(path.read_bytes())
    # An attacker copies the manager's slot to a second login name they choose.
    forged = dict(data["slots"][-1])
    forged["login"] = "intruder"
    data["slots"].append(forged)
    path.write_text(json.dumps(data))
    with pytest.raises(KeySlotsTampered):
        auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)


def test_garbled_keyslot_file_is_reported_as_tampered(data_dir: Path, clock: FixedClock) -> None:
    StorePaths(data_dir).keyslots.write_text("{not json")
    with pytest.raises(KeySlotsTampered):
        auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)


def test_every_change_is_audited_and_the_chain_verifies(desk: DeskContext) -> None:
    member, _ = staff.add_staff(desk, name="Dana", role="desk", password="dana walks the dog at six")
    staff.deactivate_staff(desk, member.id)
    report = audit.verify_chain(desk)
    assert report.ok and report.entries >= 5
    rows = desk.store.raw_connection_sql("SELECT action FROM audit_log ORDER BY seq")
    actions = [r[0] for r in rows]
    assert "staff_added" in actions and "staff_deactivated" in actions
    ops = desk.store.raw_connection_sql("SELECT seq, op FROM outbox ORDER BY seq")
    assert [op for _, op in ops][-2:] == ["staff.add", "staff.deactivate"]
    assert [seq for seq, _ in ops] == list(range(1, len(ops) + 1))
