"""Issue 14, finding 8: unlimited password tries, none audited, on sign-in, switch user, the lock
screen after PINs and the override form.

Each name gets three free tries, then waits that double (5 s, 10 s, ... up to 5 minutes). The counts
live in a file beside the store, so they survive a restart (sign-in happens before the store can be
opened); a name that must wait is refused at once with "Wait N seconds". Every wrong password is
audited: at once when the store is open, and at the next sign-in for those given before.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from safespace_desk.db.password_tries_file import path_in
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import DeskError
from safespace_desk.services import auth, staff
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import OverrideAction, authorise_override
from safespace_desk.services.password_guard import MustWait
from tests.conftest import MANAGER_PASSWORD
from tests.security.conftest import COLLEAGUE, DESK_USER, LEAD, LEAD_PIN, SignInAs, password_of


def _wrong_sign_ins(data_dir: Path, clock: FixedClock, name: str, times: int) -> list[Exception]:
    errors = []
    for _ in range(times):
        with pytest.raises(DeskError) as caught:
            auth.sign_in(data_dir, name, "not my password at all", clock)
        errors.append(caught.value)
    return errors


def _failed(desk: DeskContext) -> list[tuple[str | None, str | None, str]]:
    return [(staff_id, entity, detail) for staff_id, entity, detail in desk.store.raw_connection_sql(
        "SELECT staff_id, entity_id, detail FROM audit_log WHERE action = 'password_failed' ORDER BY seq")]


def test_sign_in_waits_after_three_wrong_passwords_and_the_wait_doubles(data_dir: Path, clock: FixedClock) -> None:
    errors = _wrong_sign_ins(data_dir, clock, DESK_USER, 3)
    assert [getattr(e, "wait_seconds", 0) for e in errors] == [0, 0, 5]
    assert "Wait 5 seconds" in errors[2].message
    # Even the right password is refused while the name waits, at once (no key derivation).
    with pytest.raises(MustWait, match="Wait 5 seconds") as waiting:
        auth.sign_in(data_dir, DESK_USER, password_of(DESK_USER), clock)
    assert waiting.value.wait_seconds == 5
    clock.advance(seconds=3)
    with pytest.raises(MustWait, match="Wait 2 seconds"):
        auth.sign_in(data_dir, DESK_USER, password_of(DESK_USER), clock)
    clock.advance(seconds=2)
    (fourth,) = _wrong_sign_ins(data_dir, clock, DESK_USER, 1)
    assert isinstance(fourth, MustWait) and fourth.wait_seconds == 10
    # Other names are not held up.
    auth.sign_in(data_dir, COLLEAGUE, password_of(COLLEAGUE), clock).close()


def test_the_count_survives_a_restart_and_is_not_kept_in_plain(data_dir: Path, clock: FixedClock) -> None:
    _wrong_sign_ins(data_dir, clock, DESK_USER, 3)
    # Nothing is held in memory between these calls: a new process reads the same file.
    with pytest.raises(MustWait):
        auth.sign_in(data_dir, DESK_USER, password_of(DESK_USER), clock)
    tries_file = path_in(data_dir)
    assert stat.S_IMODE(tries_file.stat().st_mode) == 0o600
    raw = tries_file.read_bytes()
    assert b"dee" not in raw.lower() and b"not my password" not in raw


def test_unknown_names_wait_the_same_so_the_wait_tells_nothing(data_dir: Path, clock: FixedClock) -> None:
    known = _wrong_sign_ins(data_dir, clock, DESK_USER, 4)
    unknown = _wrong_sign_ins(data_dir, clock, "Nobody Here", 4)
    assert [str(e) for e in known] == [str(e) for e in unknown]  # one message for both, as before
    assert [getattr(e, "wait_seconds", 0) for e in known] == [getattr(e, "wait_seconds", 0) for e in unknown]


def test_wrong_sign_ins_are_audited_at_the_next_sign_in(data_dir: Path, clock: FixedClock,
                                                        sign_in_as: SignInAs) -> None:
    _wrong_sign_ins(data_dir, clock, DESK_USER, 2)
    _wrong_sign_ins(data_dir, clock, "Nobody Here", 1)
    clock.advance(minutes=1)
    dee = sign_in_as(DESK_USER)
    dee_id = dee.require_actor().staff_id
    failed = _failed(dee)
    assert [(entity, detail.split(";")[0]) for _, entity, detail in failed] == [
        (dee_id, "path=sign_in"), (dee_id, "path=sign_in"), (None, "path=sign_in")]
    assert all("at=2026-11-24T12:00:00" in detail for _, _, detail in failed)  # when it happened
    # Written once: a later sign-in does not write them again, and Dee's count starts afresh.
    sign_in_as(DESK_USER)
    assert len(_failed(dee)) == 3
    _wrong_sign_ins(data_dir, clock, DESK_USER, 2)  # two more are free again after the right one


def test_switch_user_and_the_lock_screen_are_limited_and_audited_at_once(sign_in_as: SignInAs,
                                                                         clock: FixedClock) -> None:
    dee = sign_in_as(DESK_USER)
    for _ in range(3):
        with pytest.raises(DeskError):
            auth.check_password_again(dee, "wrong password here")
    with pytest.raises(MustWait):
        auth.check_password_again(dee, password_of(DESK_USER))
    for _ in range(3):
        with pytest.raises(DeskError):
            auth.switch_user(dee, COLLEAGUE, "wrong password here")
    with pytest.raises(MustWait):
        auth.switch_user(dee, COLLEAGUE, password_of(COLLEAGUE))
    paths = [detail for _, _, detail in _failed(dee)]
    assert paths == ["path=lock_screen"] * 3 + ["path=switch_user"] * 3
    clock.advance(seconds=5)
    auth.check_password_again(dee, password_of(DESK_USER))
    assert auth.switch_user(dee, COLLEAGUE, password_of(COLLEAGUE)).name == COLLEAGUE


def test_the_override_form_and_changing_ones_password_are_limited(sign_in_as: SignInAs, clock: FixedClock,
                                                                  desk: DeskContext) -> None:
    dee = sign_in_as(DESK_USER)
    for _ in range(3):
        with pytest.raises(DeskError):
            authorise_override(dee, LEAD, "wrong password here", OverrideAction.SIGN_IN)
    with pytest.raises(MustWait, match="Wait"):
        authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    clock.advance(seconds=5)
    assert authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN).lead_name == LEAD
    for _ in range(3):
        with pytest.raises(DeskError):
            staff.change_own_password(desk, "wrong password here", "a new long passphrase 42")
    with pytest.raises(MustWait):
        staff.change_own_password(desk, MANAGER_PASSWORD, "a new long passphrase 42")
    assert [d for _, _, d in _failed(desk)] == ["path=change_password"] * 3
