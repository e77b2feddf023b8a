"""Issue 14, finding 14: ``authorise_override`` skipped Argon2 for unknown names (so the time it took
told which names have accounts), and ``list_staff`` was open to every role.

Timing is never measured in the test suite: instead the test counts the expensive steps each attempt
takes (the key-slot derivation and the PIN hash check, the real ones, only counted) and requires the
same count for a name that exists and one that does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher

from safespace_desk.db.keyslots import KeySlots
from safespace_desk.domain.errors import AuthenticationFailed, PermissionDenied
from safespace_desk.services import duty, staff
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import OverrideAction, authorise_override
from tests.security.conftest import COLLEAGUE, DESK_USER, LEAD, MEDIC, SignInAs


@pytest.fixture
def expensive_steps(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    counts = {"slot": 0, "pin": 0}
    real_unlock, real_verify = KeySlots.unlock_with_password, PasswordHasher.verify

    def unlock(self: KeySlots, *args: Any, **kwargs: Any) -> Any:
        counts["slot"] += 1
        return real_unlock(self, *args, **kwargs)

    def verify(self: PasswordHasher, *args: Any, **kwargs: Any) -> Any:
        counts["pin"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(KeySlots, "unlock_with_password", unlock)
    monkeypatch.setattr(PasswordHasher, "verify", verify)
    yield counts


def _cost(desk: DeskContext, counts: dict[str, int], name: str, secret: str) -> tuple[int, int]:
    counts["slot"] = counts["pin"] = 0
    with pytest.raises(AuthenticationFailed):
        authorise_override(desk, name, secret, OverrideAction.SIGN_IN)
    return counts["slot"], counts["pin"]


def test_an_unknown_name_costs_the_same_as_a_known_one(sign_in_as: SignInAs, desk: DeskContext,
                                                       expensive_steps: dict[str, int]) -> None:
    dee = sign_in_as(DESK_USER)
    wrong_password = "not the password at all"
    known = _cost(dee, expensive_steps, LEAD, wrong_password)
    assert known == (1, 0)
    assert _cost(dee, expensive_steps, "No Such Person", wrong_password) == known
    # A deactivated lead's slot is gone: the attempt still costs a derivation.
    lead_id = next(m.id for m in staff.list_staff(desk) if m.name == LEAD)
    # A PIN-like secret: the PIN check and the derivation, for every name, PIN or not.
    digits = _cost(dee, expensive_steps, LEAD, "1111")
    assert digits == (1, 1)
    assert _cost(dee, expensive_steps, "No Such Person", "1111") == digits
    assert _cost(dee, expensive_steps, COLLEAGUE, "1111") == digits  # has no PIN at all
    staff.deactivate_staff(desk, lead_id)
    assert _cost(dee, expensive_steps, LEAD, wrong_password) == known


def test_only_managers_list_staff_accounts(sign_in_as: SignInAs, desk: DeskContext) -> None:
    assert {m.name for m in staff.list_staff(desk)} >= {LEAD, DESK_USER, MEDIC}
    for name in (DESK_USER, LEAD, MEDIC):
        with pytest.raises(PermissionDenied):
            staff.list_staff(sign_in_as(name))


def test_the_override_form_offers_only_the_names_of_leads_on_duty(sign_in_as: SignInAs, desk: DeskContext) -> None:
    dee = sign_in_as(DESK_USER)
    # Nobody marked on duty: every active lead and manager, so a lead who forgot is not shut out.
    assert staff.override_leads(dee) == ["Lee Lead", "Mo Manager"]
    lee = sign_in_as(LEAD)
    duty.start_duty(lee)
    duty.start_duty(dee)
    assert staff.override_leads(dee) == ["Lee Lead"]  # on duty, and never desk staff or the paramedic


def test_each_person_reads_their_own_account(sign_in_as: SignInAs) -> None:
    lee = sign_in_as(LEAD)
    mine = staff.my_account(lee)
    assert (mine.name, mine.has_pin) == (LEAD, True)
    assert staff.my_account(sign_in_as(MEDIC)).has_pin is False
