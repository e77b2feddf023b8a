"""A realistic synthetic store for screenshots: a year of demo history (safespace_desk.demo) plus
October's messages, shift log and triage recorded through the services. Not collected by pytest."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from safespace_desk.demo import DEMO_MANAGER, DemoOptions, generate_demo
from safespace_desk.demo.generate import DEMO_STAFF
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.services import auth, messages, search, shiftlog, triage
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import at_local

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
AGENCY_WEIGHTS = {"GP": 6, "Housing": 5, "Probation": 3, "Drug and alcohol treatment": 3, "DWP": 2, "Police": 1}


def build_demo_store(folder: Path, clock: FixedClock) -> DeskContext:
    """Make the store in ``folder`` and return it opened by the demo manager."""
    clock.set(NOW)
    generate_demo(folder, DemoOptions(years=1, scale=1, seed=5), clock)
    desk = auth.sign_in(folder, *DEMO_MANAGER, clock)
    rng = random.Random(11)
    guest_ids = _some_guests(desk)
    _october_messages(desk, clock, rng, guest_ids)
    _october_log(desk, clock, rng)
    medic_name, _, medic_password = next(s for s in DEMO_STAFF if s[1] == Role.PARAMEDIC)
    medic = auth.sign_in(folder, medic_name, medic_password, clock)
    try:
        for _ in range(60):
            day = date(2026, 10, 1) + timedelta(days=rng.randrange(31))
            if day.weekday() < 5:
                at_local(clock, day.year, day.month, day.day, 10 + rng.randrange(6), rng.randrange(60))
                triage.record_triage(medic, rng.choice(guest_ids[:30]), presenting_need="Wound check",
                                     outcome=rng.choice(["treated", "advice", "referred_gp"]))
    finally:
        medic.close()
    clock.set(NOW)
    return desk


def _some_guests(desk: DeskContext) -> list[str]:
    found: dict[str, None] = {}
    for letters in ("a", "e", "i", "o", "u", "ma", "da", "ja", "sa", "ke"):
        for hit in search.find_guests(desk, letters):
            found[hit.guest_id] = None
    return list(found)


def _october_messages(desk: DeskContext, clock: FixedClock, rng: random.Random, guest_ids: list[str]) -> None:
    agencies = {a.name: a.id for a in messages.list_agencies(desk)}
    names = [name for name, weight in AGENCY_WEIGHTS.items() for _ in range(weight)]
    for _ in range(48):
        day = 1 + rng.randrange(27)
        at_local(clock, 2026, 10, day, 9 + rng.randrange(9), rng.randrange(60))
        until = date(2026, 10, min(31, day + 2 + rng.randrange(5)))
        message_id, _ = messages.post_message(desk, agency_id=agencies[rng.choice(names)],
                                              guest_id=rng.choice(guest_ids), body="Please call about an appointment",
                                              relevant_until=until)
        outcome = rng.random()
        at_local(clock, 2026, 10, min(31, day + rng.randrange(3)), 19, 30)
        if outcome < 0.7:
            messages.deliver(desk, message_id)
        elif outcome < 0.8:
            messages.not_passed_on(desk, message_id, "Guest asked us not to pass it on")


def _october_log(desk: DeskContext, clock: FixedClock, rng: random.Random) -> None:
    kinds = ["general"] * 12 + ["incident"] * 5 + ["police_called"] * 3 + ["pin_submitted"] * 4 \
        + ["ambulance_called"] * 2 + ["safeguarding_referral"] * 2 + ["health"] * 3
    for kind in kinds:
        day = 1 + rng.randrange(31)
        at_local(clock, 2026, 10, day, 8 + rng.randrange(14), rng.randrange(60))
        shiftlog.add_entry(desk, kind, "Entry for the demo month")
