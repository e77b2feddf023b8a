"""A store for the screen audit: a night at a busy hub, built in seconds through the services.

Everything the screens can show at once: guests in now with and without beds, more people in than
beds at 20:10, an exclusion, urgent and ordinary messages, people who share a name, long names,
a handover waiting to be acknowledged, shift log entries and triage. Synthetic names only.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.messages import TriageOutcome
from safespace_desk.domain.roles import Role
from safespace_desk.services import auth, beds, handover, staff, triage, visits
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.services.frontdesk_helpers import add, at_local
from tests.ui.messages.sample_hub import fill_hub, post

STAFF_PASSWORD = "audit password for staff"
# Full names, as a hub would set them up: the status bar and handovers show them in full.
# One account for every role there is, so a role added later is audited without a change here.
ROLE_ACCOUNTS = {role: f"Demo {role.value.capitalize()}" for role in Role if role is not Role.MANAGER}


@dataclass(frozen=True)
class AuditHub:
    data_dir: Path
    night: tuple[int, int, int, int, int]  # local time the audit runs at (Wed 20:10)

    def account(self, role: Role) -> tuple[str, str]:
        if role is Role.MANAGER:
            return MANAGER_NAME, MANAGER_PASSWORD
        return ROLE_ACCOUNTS[role], STAFF_PASSWORD


def build_hub(template: Path, folder: Path, clock: FixedClock) -> AuditHub:
    shutil.copytree(template, folder)
    desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        for role, name in ROLE_ACCOUNTS.items():
            staff.add_staff(desk, name=name, role=role, password=STAFF_PASSWORD, pin="2468")
        hub = fill_hub(desk, clock)  # Tue 10:00 .. Wed 07:40
        g = hub.guests
        at_local(clock, 2026, 11, 24, 7, 45)
        handover.write_handover(desk, "Calm night after the 22:35 incident. Jojo felt faint at 01:30 and "
                                "recovered; paramedic to check her this morning.",
                                ["Ring Jo at housing about Kez before 5pm", "Marty: probation call"])
        # People who share a name, and a name that does not fit a narrow column.
        for key, name, kwargs in (
                ("Şükrü 1", "Şükrü", {"aliases": ("Shukru",), "birth_year": 1979}),
                ("Şükrü 2", "Şükrü", {"aliases": ("Big Sue",), "birth_year": 1994}),
                ("Andrés 1", "Andrés", {"birth_year": 1988}),
                ("Andrés 2", "Andrés", {"aliases": ("Andy",)}),
                ("Andrés 3", "Andrés", {}),
                ("Małgorzata", "Małgorzata Wiśniewska-Kowalczyk", {"aliases": ("Gosia",)}),
                ("Old Bill", "Old Bill", {})):
            g[key] = add(desk, name, **kwargs)
        at_local(clock, 2026, 11, 24, 9, 30)
        post(desk, g["Małgorzata"], "Housing", "Appointment at the council's housing "
             "options desk on Friday at 11:00; bring any letters you have.", contact="Housing options",
             category="appointment", urgent=True, relevant_until=date(2026, 11, 28))
        paramedic = auth.sign_in(folder, ROLE_ACCOUNTS[Role.PARAMEDIC], STAFF_PASSWORD, clock)
        try:
            triage.record_triage(paramedic, g["Jojo"], presenting_need="Felt faint overnight",
                                 outcome=TriageOutcome.ADVICE, notes="Obs normal. Advised fluids and food.")
        finally:
            paramedic.close()
        at_local(clock, 2026, 11, 24, 19, 50)
        for key in ("Old Bill", "Andrés 1", "Małgorzata", "Şükrü 1", "Rosie"):
            visits.sign_in(desk, g[key], "self")
        at_local(clock, 2026, 11, 24, 20, 10)
        # Eleven in, eight beds: four given, the rest wait for the night check.
        for guest, bed in zip(visits.who_is_in(desk)[:4], beds.bed_board(desk).free, strict=False):
            beds.give_bed(desk, guest.visit_id, bed)
    finally:
        desk.close()
    return AuditHub(folder, (2026, 11, 24, 20, 10))
