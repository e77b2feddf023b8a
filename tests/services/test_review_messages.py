"""Review: the message life cycle."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import RuleViolation
from safespace_desk.services import messages
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add


def test_not_passed_on_cannot_be_delivered_once_past_relevant_until(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    until = clock.now() + timedelta(hours=5)
    message_id, _ = messages.post_message(desk, agency_id=gp, guest_id=guest_id, body="Appointment 3pm",
                                          relevant_until=until)
    messages.not_passed_on(desk, message_id, "Asleep when I looked")
    clock.advance(hours=6)
    with pytest.raises(RuleViolation):
        messages.deliver(desk, message_id)


def test_not_passed_on_can_still_be_delivered_while_relevant(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    message_id, _ = messages.post_message(desk, agency_id=gp, guest_id=guest_id, body="Appointment 3pm",
                                          relevant_until=clock.now() + timedelta(hours=5))
    messages.not_passed_on(desk, message_id, "Asleep when I looked")
    clock.advance(hours=1)
    messages.deliver(desk, message_id)
