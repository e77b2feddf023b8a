"""A hand-built fortnight for the partnership's tests: the meeting on Thu 26 Nov 2026 and the next
on Thu 10 Dec 2026, with people whose rows are known (synthetic names only)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.domain.messages import LogKind
from safespace_desk.domain.partnership import ActionInput
from safespace_desk.services import (
    auth,
    data_rights,
    exclusions,
    guests,
    messages,
    partnership,
    shiftlog,
    staff,
    triage,
    visits,
)
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.services.frontdesk_helpers import add, at_local, desk_as

LAST_MEETING = date(2026, 11, 26)
MEETING = date(2026, 12, 10)
MEDIC_NAME, DESK_NAME = "Pat Medic", "Dana Desk"
STAFF_PASSWORD = "Dana Desk lantern quartz meadow 7"
CLINICAL_WORDS = "SYNTHETIC-CLINICAL-NOTE"
NEED_WORDS = "SYNTHETIC-PRESENTING-NEED"


@dataclass
class Fortnight:
    g: dict[str, str] = field(default_factory=dict)  # name -> guest id
    actions: dict[str, str] = field(default_factory=dict)  # label -> action id


def agency(desk: DeskContext, name: str) -> str:
    return next(a.id for a in messages.list_agencies(desk) if a.name == name)


def visit(desk: DeskContext, clock: FixedClock, guest_id: str, via: str, start: tuple[int, ...],
          end: tuple[int, ...] | None) -> str:
    at_local(clock, *start)
    visit_id = visits.sign_in(desk, guest_id, via).visit_id
    if end is not None:
        at_local(clock, *end)
        visits.sign_out(desk, visit_id)
    return visit_id


def build_fortnight(desk: DeskContext, data_dir: Path, clock: FixedClock) -> Fortnight:
    """Ends at Thu 10 Dec 2026 09:00 (the meeting's morning)."""
    f = Fortnight()
    g = f.g
    at_local(clock, 2026, 10, 1, 9, 0)
    for name in ("Ann", "Ben", "Cal", "Dee", "Eve", "Finn", "Finny", "Gus", "Hal"):
        g[name] = add(desk, name)
    guests.update_guest(desk, g["Dee"], GuestDetails(preferred_name="Dee", flags=frozenset({GuestFlag.NOT_DISCUSSED})))
    guests.update_guest(desk, g["Ann"], GuestDetails(preferred_name="Ann", aliases=("Annie",),
                                                     flags=frozenset({GuestFlag.MENTAL_HEALTH})))
    visit(desk, clock, g["Ben"], "self", (2026, 10, 3, 10, 0), (2026, 10, 3, 12, 0))
    visit(desk, clock, g["Hal"], "outreach", (2026, 11, 20, 10, 0), (2026, 11, 20, 11, 0))

    # The last meeting: Cal (outreach knows him; never comes in) and Hal join; an action for Cal.
    at_local(clock, 2026, 11, 26, 10, 0)
    partnership.join_list(desk, g["Cal"], LAST_MEETING)
    partnership.join_list(desk, g["Hal"], LAST_MEETING)
    action, _ = partnership.agree_action(desk, g["Cal"], LAST_MEETING, ActionInput(
        "Outreach to look for Cal at the usual spot", "Outreach (Jo)", date(2026, 12, 3)))
    f.actions["cal"] = action.id
    action, _ = partnership.agree_action(desk, g["Hal"], LAST_MEETING, ActionInput(
        "Housing to offer a viewing", "Housing (Sam)", date(2026, 12, 17)))
    f.actions["hal"] = action.id

    # Ben comes back; an exclusion that ended, and one in force on the meeting's morning.
    visit(desk, clock, g["Ben"], "self", (2026, 11, 30, 14, 0), (2026, 11, 30, 16, 0))
    at_local(clock, 2026, 12, 2, 11, 0)
    exclusions.issue_exclusion(desk, g["Ben"], "Shouting at staff", 24)
    # Ann: new, brought by the police, then a night in a bed; a GP message waiting, housing's delivered.
    visit(desk, clock, g["Ann"], "police", (2026, 12, 1, 2, 0), (2026, 12, 1, 9, 0))
    at_local(clock, 2026, 12, 2, 9, 0)
    messages.post_message(desk, agency_id=agency(desk, "GP"), guest_id=g["Ann"], body="Appointment on Friday")
    housing_msg, _ = messages.post_message(desk, agency_id=agency(desk, "Housing"), guest_id=g["Ann"],
                                           body="Viewing next week")
    visit(desk, clock, g["Ann"], "self", (2026, 12, 8, 21, 0), (2026, 12, 9, 8, 30))
    at_local(clock, 2026, 12, 8, 21, 30)
    messages.deliver(desk, housing_msg)
    staff.add_staff(desk, name=DESK_NAME, role="desk", password=STAFF_PASSWORD)
    medic = desk_as(desk, data_dir, clock, MEDIC_NAME, "paramedic")
    try:
        triage.record_triage(medic, g["Ann"], presenting_need=NEED_WORDS, outcome="advice", notes=CLINICAL_WORDS)
        triage.record_triage(medic, g["Ann"], presenting_need="Review", outcome="referred_gp")
        triage.record_triage(medic, g["Finn"], presenting_need="Chest pain", outcome="ambulance")
    finally:
        medic.close()
    # Dee asked not to be discussed; Eve's record is erased at her request.
    visit(desk, clock, g["Dee"], "self", (2026, 12, 3, 10, 0), (2026, 12, 3, 11, 0))
    visit(desk, clock, g["Eve"], "self", (2026, 12, 4, 10, 0), (2026, 12, 4, 11, 0))
    # Finn and "Finny" are one man: two police drop-offs on two records, merged.
    visit(desk, clock, g["Finn"], "police", (2026, 12, 2, 15, 0), (2026, 12, 2, 17, 0))
    visit(desk, clock, g["Finny"], "police", (2026, 12, 5, 15, 0), (2026, 12, 5, 17, 0))
    at_local(clock, 2026, 12, 6, 9, 0)
    guests.merge_guests(desk, g["Finn"], g["Finny"])
    # Gus: a police sign-in made by mistake and undone, then made again: one drop-off.
    at_local(clock, 2026, 12, 7, 13, 0)
    mistaken = visits.sign_in(desk, g["Gus"], "police").visit_id
    visits.undo_sign_in(desk, mistaken)
    visit(desk, clock, g["Gus"], "police", (2026, 12, 7, 13, 5), (2026, 12, 7, 15, 0))
    at_local(clock, 2026, 12, 7, 16, 0)
    shiftlog.add_entry(desk, LogKind.SAFEGUARDING, "Safeguarding referral made for a guest")
    shiftlog.add_entry(desk, LogKind.AMBULANCE_CALLED, "Ambulance called for a guest with chest pain")
    at_local(clock, 2026, 12, 9, 20, 0)
    exclusions.issue_exclusion(desk, g["Ben"], "Damage to the door", 24)
    at_local(clock, 2026, 12, 9, 22, 0)
    data_rights.erase_guest(desk, g["Eve"], "Asked for her record to be erased")
    at_local(clock, 2026, 12, 10, 9, 0)
    return f


def built_fortnight(template: Path, folder: Path) -> Fortnight:
    """The fortnight built once into ``folder`` (a copy of the template store), for a module's tests."""
    shutil.copytree(template, folder)
    clock = FixedClock(START)
    desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        return build_fortnight(desk, folder, clock)
    finally:
        desk.close()


def open_copy(built: Path, folder: Path) -> tuple[DeskContext, FixedClock]:
    """A manager's desk on a copy of the built fortnight, at the meeting's morning."""
    shutil.copytree(built, folder)
    clock = FixedClock(START)
    at_local(clock, 2026, 12, 10, 9, 0)
    return auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, clock), clock
