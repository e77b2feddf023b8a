"""Issue 14, finding 6: the paramedic read full guest records.

``get_guest``, ``find_guests``, ``exclusion_history`` and visits returned support notes, the legal
name and exclusion reasons to the paramedic. The paramedic's view is what a health check needs (the
names a guest goes by, flags, messages, triage), enforced in every service that reads guest data,
with a view type of its own rather than fields blanked here and there.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QTableWidget

from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.services import (
    beds,
    data_rights,
    exclusions,
    guests,
    messages,
    search,
    triage,
    visits,
)
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import Override, OverrideAction, own_override
from safespace_desk.ui.messages.paramedic_page import ParamedicPage
from tests.security.conftest import MEDIC, SignInAs

LEGAL = "Philippa Quarrington"
NOTES = "Plantednote: sofa-surfing with ex"
EXCLUSION_REASON = "Plantedreason: threatened a volunteer"
OVERRIDE_REASON = "Plantedoverride: police drop-off"
NEVER_FOR_THE_MEDIC = (LEGAL, "Quarrington", NOTES, EXCLUSION_REASON, OVERRIDE_REASON, "1984")


def _pip(desk: DeskContext) -> str:
    record, _ = guests.add_guest(desk, GuestDetails(
        preferred_name="Pip", aliases=("Pipster",), legal_name=LEGAL, birth_year=1984, gender="Female",
        flags=frozenset({GuestFlag.DA_RISK}), support_notes=NOTES))
    view, _ = exclusions.issue_exclusion(desk, record.id, EXCLUSION_REASON, hours=2)
    exclusions.lift_exclusion(desk, view.id, "Apologised")
    for n in range(16):  # a full house, so Pip comes in on a lead's override with its reason
        visits.sign_in(desk, guests.add_guest(desk, GuestDetails(preferred_name=f"Guest {n}"))[0].id, "self")
    visits.sign_in(desk, record.id, "police",
                   override=Override(OVERRIDE_REASON, own_override(desk, OverrideAction.SIGN_IN)))
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    messages.post_message(desk, agency_id=gp, guest_id=record.id, body="Appointment Thursday 10:30")
    return record.id


def _text_of(value: Any) -> str:
    return repr(dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value)


def test_the_paramedic_cannot_open_what_a_health_check_does_not_need(desk: DeskContext,
                                                                     sign_in_as: SignInAs) -> None:
    pip = _pip(desk)
    medic = sign_in_as(MEDIC)
    for refused in (lambda: guests.get_guest(medic, pip),
                    lambda: search.find_guests(medic, "Pip"),
                    lambda: exclusions.exclusion_history(medic, pip),
                    lambda: exclusions.active_exclusions(medic),
                    lambda: visits.guest_visits(medic, pip),
                    lambda: visits.who_is_in(medic),
                    lambda: beds.bed_board(medic),
                    lambda: data_rights.export_guest(medic, pip)):
        with pytest.raises(PermissionDenied):
            refused()


def test_the_paramedic_reads_names_flags_messages_and_triage(desk: DeskContext, sign_in_as: SignInAs) -> None:
    pip = _pip(desk)
    medic = sign_in_as(MEDIC)
    record = guests.health_check_record(medic, pip)
    assert (record.preferred_name, record.aliases, record.flags) == ("Pip", ("Pipster",),
                                                                     frozenset({GuestFlag.DA_RISK}))
    assert not {"legal_name", "support_notes", "birth_year", "birth_date", "gender"} & {
        f.name for f in dataclasses.fields(record)}
    present = [p for p in visits.present_now(medic) if p.guest_id == pip]
    assert len(present) == 1 and present[0].flags == frozenset({GuestFlag.DA_RISK})
    assert not {"arrived_via", "no_bed_reason"} & {f.name for f in dataclasses.fields(present[0])}
    picked = search.pick_guests(medic, "Pipst")
    assert [(p.guest_id, p.also_known_as) for p in picked] == [(pip, "Pipster")]
    assert not {"excluded_until", "exclusion_reason", "exclusion_id"} & {f.name for f in dataclasses.fields(picked[0])}
    assert [m.body for m in messages.waiting_for(medic, pip)] == ["Appointment Thursday 10:30"]
    triage.record_triage(medic, pip, presenting_need="Cough", outcome="treated")
    assert [t.presenting_need for t in triage.list_triage(medic, guest_id=pip)] == ["Cough"]
    seen = " ".join(_text_of(v) for v in (record, present, picked, messages.waiting_for(medic, pip),
                                           triage.list_triage(medic, guest_id=pip)))
    for secret in NEVER_FOR_THE_MEDIC:
        assert secret not in seen


def test_a_legal_name_finds_nobody_for_the_paramedic(desk: DeskContext, sign_in_as: SignInAs) -> None:
    pip = _pip(desk)
    assert [h.guest_id for h in search.find_guests(desk, "Quarrington")] == [pip]  # the desk finds her
    assert [h.guest_id for h in search.pick_guests(desk, "Quarrington")] == [pip]
    medic = sign_in_as(MEDIC)
    assert search.pick_guests(medic, "Quarrington") == []  # the legal name cannot be confirmed
    assert search.pick_guests(medic, "Philippa Q") == []
    assert [p.guest_id for p in search.pick_guests(medic, "Pip")] == [pip]


def test_the_paramedic_page_shows_names_and_flags_and_nothing_else(qtbot: Any, desk: DeskContext,
                                                                   sign_in_as: SignInAs) -> None:
    pip = _pip(desk)
    medic = sign_in_as(MEDIC)
    page = ParamedicPage(medic)
    qtbot.addWidget(page)
    page.show()
    row = next(i for i, p in enumerate(page.in_now) if p.guest_id == pip)
    page.people.setCurrentCell(row, 0)
    assert page.person_facts.text() == "Pip · also known as Pipster · flags: Domestic abuse risk"
    assert page.people.item(row, 0).text() == "Pip (DA risk)"
    assert "Messages waiting for Pip (1)" in page.messages_title.text()
    shown = [label.text() for label in page.findChildren(QLabel)]
    for table in page.findChildren(QTableWidget):
        shown += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
                  if table.item(r, c) is not None]
    shown += [page.waiting.item(i).text() for i in range(page.waiting.count())]
    for secret in NEVER_FOR_THE_MEDIC:
        assert not any(secret in text for text in shown), secret
