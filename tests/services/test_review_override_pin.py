"""Review: a lead's PIN typed into a colleague's override form must not be guessable without limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import AuthenticationFailed
from safespace_desk.services import auth, staff
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import OverrideAction, authorise_override
from tests.services.frontdesk_helpers import desk_as


def test_override_pin_stops_after_five_misses(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    staff.add_staff(desk, name="Lee Lead", role="lead", password="Lee Lead lantern quartz meadow 7", pin="2468")
    dee = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        for guess in ("1111", "1212", "1313", "1414", "1515"):
            with pytest.raises(AuthenticationFailed):
                authorise_override(dee, "Lee Lead", guess, OverrideAction.SIGN_IN)
            clock.advance(minutes=5)  # the wait after each wrong try (password_guard), which a guesser sits out
        # The right PIN no longer works: only the lead's password does, as at the lock screen.
        with pytest.raises(AuthenticationFailed, match="PIN"):
            authorise_override(dee, "Lee Lead", "2468", OverrideAction.SIGN_IN)
        clock.advance(minutes=5)
        assert authorise_override(dee, "Lee Lead", "Lee Lead lantern quartz meadow 7", OverrideAction.SIGN_IN).lead_name == "Lee Lead"
        # After the password, the PIN is trusted again.
        assert authorise_override(dee, "Lee Lead", "2468", OverrideAction.SIGN_IN).lead_name == "Lee Lead"
    finally:
        dee.close()


def test_override_pin_misses_are_counted_across_desks(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    staff.add_staff(desk, name="Lee Lead", role="lead", password="Lee Lead lantern quartz meadow 7", pin="2468")
    dee = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        for guess in ("1111", "1212", "1313", "1414", "1515"):
            with pytest.raises(AuthenticationFailed):
                authorise_override(dee, "Lee Lead", guess, OverrideAction.SIGN_IN)
            clock.advance(minutes=5)
    finally:
        dee.close()
    again = auth.sign_in(data_dir, "Dee Desk", "Dee Desk lantern quartz meadow 7", clock)
    try:
        with pytest.raises(AuthenticationFailed, match="PIN"):
            authorise_override(again, "Lee Lead", "2468", OverrideAction.SIGN_IN)
    finally:
        again.close()
