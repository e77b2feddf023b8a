"""Issue 13 item 7: after a hard moment the shift log asks whether a debrief was offered (yes/no,
no details) and the handover carries the answer; one person alone on duty is lone working."""

from __future__ import annotations

import json

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import RuleViolation, ValidationError
from safespace_desk.domain.messages import LogKind
from safespace_desk.services import duty, handover, shiftlog
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import at_local


def test_a_hard_moment_carries_its_debrief_answer_into_the_handover(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 22, 0)
    shiftlog.add_entry(desk, LogKind.POLICE_CALLED, "Police called to the door", debrief_offered=True)
    shiftlog.add_entry(desk, LogKind.AMBULANCE_CALLED, "Ambulance for chest pain", debrief_offered=False)
    later, _ = shiftlog.add_entry(desk, LogKind.INCIDENT, "Argument in the TV room")
    shiftlog.add_entry(desk, LogKind.GENERAL, "Boiler engineer booked")
    snap = handover.build_snapshot(desk)
    assert [e.debrief for e in snap.log] == ["Debrief offered", "Debrief not offered", "Debrief: not yet asked",
                                             None]
    shiftlog.answer_debrief(desk, later, True)
    assert handover.build_snapshot(desk).log[2].debrief == "Debrief offered"
    # Audit and outbox say yes or no, never more.
    detail, = desk.store.raw_connection_sql("SELECT detail FROM audit_log WHERE action = 'debrief_answered'")
    assert detail == ("debrief=yes",)
    args, = desk.store.raw_connection_sql("SELECT args FROM outbox WHERE op = 'log.debrief'")
    assert json.loads(args[0]) == {"entry_id": later, "debrief_offered": True}


def test_only_hard_moments_are_asked_about_a_debrief(desk: DeskContext) -> None:
    with pytest.raises(ValidationError) as err:
        shiftlog.add_entry(desk, LogKind.GENERAL, "Quiet", debrief_offered=True)
    assert err.value.field == "debrief_offered"
    entry, _ = shiftlog.add_entry(desk, LogKind.HEALTH, "Plasters restocked")
    with pytest.raises(RuleViolation):
        shiftlog.answer_debrief(desk, entry, False)


def test_old_snapshots_without_a_debrief_still_read(desk: DeskContext) -> None:
    old = {"taken_at": "2026-11-01T08:00:00.000000Z",
           "log": [{"at": "2026-11-01T07:00:00.000000Z", "kind": "Incident", "guest": None, "text": "x"}]}
    assert handover.HandoverSnapshot.from_json(json.dumps(old)).log[0].debrief is None


def test_lone_working_is_said_when_one_person_is_on_duty(desk: DeskContext) -> None:
    assert duty.desk_status(desk).lone_working is None  # nobody on duty: the staffing warning says so
    duty.start_duty(desk)
    status = duty.desk_status(desk)
    assert status.lone_working is not None and "Mo Manager" in status.lone_working
    assert status.staffing_warning is not None  # the site minimum (two) is said as well
