"""Issue 14, finding 1 (DESIGN.md 5): new passwords must be hard to guess (a zxcvbn score of 3 or
more) or the program offers a generated passphrase: on set-up, adding staff, resetting and changing
a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.passwords import GOOD_ENOUGH, strength
from safespace_desk.services import setup, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_PASSWORD

WEAK = ["password123", "qwertyuiop1", "Summer2026!", "iloveyou123", "aaaaaaaaaaaa"]


@pytest.mark.parametrize("password", WEAK)
def test_a_guessable_password_is_refused_with_a_reason(desk: DeskContext, password: str) -> None:
    with pytest.raises(ValidationError, match="too easy to guess") as refused:
        staff.add_staff(desk, name="Kim Keen", role="desk", password=password)
    assert refused.value.field == "password"


def test_a_password_made_of_ones_own_name_is_refused(desk: DeskContext) -> None:
    with pytest.raises(ValidationError, match="too easy to guess"):
        staff.add_staff(desk, name="Rowan Whitfield", role="desk", password="rowan whitfield 1")
    member, _ = staff.add_staff(desk, name="Kim Keen", role="desk", password="kim keeps the blue kettle")
    with pytest.raises(ValidationError, match="too easy to guess"):
        staff.reset_password(desk, member.id, "kimkeen1234")
    with pytest.raises(ValidationError, match="too easy to guess") as refused:
        staff.change_own_password(desk, MANAGER_PASSWORD, "mo manager 1")
    assert refused.value.field == "new_password"


def test_set_up_refuses_a_guessable_first_password(tmp_path: Path, clock: FixedClock) -> None:
    with pytest.raises(ValidationError, match="too easy to guess"):
        setup.initialise_store(tmp_path / "data", site_name="Harbour Hub", timezone="Europe/London",
                               manager_name="Mo Manager", manager_password="harbour hub 1", clock=clock)
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_the_suggested_passphrase_is_accepted_everywhere(desk: DeskContext) -> None:
    phrases = {staff.suggest_passphrase() for _ in range(20)}
    assert len(phrases) == 20  # random, not a fixed suggestion
    for phrase in phrases:
        assert strength(phrase)[0] >= GOOD_ENOUGH and len(phrase.split()) == 5
    staff.add_staff(desk, name="Kim Keen", role="desk", password=phrases.pop())
    staff.change_own_password(desk, MANAGER_PASSWORD, setup.suggest_passphrase())
