from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.messages import LogKind, MessageState, TriageOutcome
from safespace_desk.domain.wording import wording_prompts
from safespace_desk.services import handover, messages, search, shiftlog, triage, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.messages import BoardFilter
from tests.services.frontdesk_helpers import add, at_local, desk_as


def agency(desk: DeskContext, name: str) -> str:
    return next(a.id for a in messages.list_agencies(desk) if a.name == name)


def post(desk: DeskContext, guest_id: str | None = None, **kwargs: object) -> str:
    defaults: dict[str, object] = {"agency_id": agency(desk, "GP"), "body": "Appointment Thursday 10:30",
                                   "category": "appointment"}
    message_id, _ = messages.post_message(desk, guest_id=guest_id, **(defaults | kwargs))  # type: ignore[arg-type]
    return message_id


def test_default_agencies_are_the_managed_list(desk: DeskContext) -> None:
    names = [a.name for a in messages.list_agencies(desk)]
    assert {"GP", "Probation", "Housing", "Police", "DWP", "Mental health"} <= set(names)
    assert names[-1] == "Other"
    row, _ = messages.add_agency(desk, "Victim services")
    assert "Victim services" in [a.name for a in messages.list_agencies(desk)]
    with pytest.raises(ValidationError):
        messages.add_agency(desk, "victim SERVICES")
    messages.deactivate_agency(desk, row.id)
    assert "Victim services" not in [a.name for a in messages.list_agencies(desk)]


def test_life_cycle_waiting_delivered_and_never_back(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    message_id = post(desk, guest_id, urgent=True)
    assert [m.id for m in messages.waiting_for(desk, guest_id)] == [message_id]
    assert search.find_guests(desk, "kez")[0].messages_waiting == 1
    assert search.find_guests(desk, "kez")[0].urgent_messages == 1
    clock.advance(hours=5)
    messages.deliver(desk, message_id, note="Wrote the time on a card for them")
    view = messages.open_message(desk, message_id)
    assert view.state_at(clock.now()) is MessageState.DELIVERED and view.delivered_by_name == "Mo Manager"
    assert messages.waiting_for(desk, guest_id) == []
    for action in (lambda: messages.deliver(desk, message_id),
                   lambda: messages.not_passed_on(desk, message_id, "changed mind"),
                   lambda: messages.withdraw(desk, message_id, "oops")):
        with pytest.raises(RuleViolation):
            action()
    # Not even a raw UPDATE can make it undelivered: the store refuses.
    with pytest.raises(Exception, match="cannot become undelivered"), desk.store.write() as session:
        session.connection().exec_driver_sql(f"UPDATE message SET delivered_at = NULL WHERE id = '{message_id}'")
    assert "delivered on" in messages.describe_outcome(desk, message_id)


def test_not_passed_on_needs_a_reason_and_can_still_be_delivered_later(desk: DeskContext) -> None:
    guest_id = add(desk, "Kez")
    message_id = post(desk, guest_id)
    with pytest.raises(ValidationError):
        messages.not_passed_on(desk, message_id, "  ")
    messages.not_passed_on(desk, message_id, "Too unwell to take it in tonight")
    assert "not passed on because Too unwell" in messages.describe_outcome(desk, message_id)
    messages.deliver(desk, message_id)
    assert messages.open_message(desk, message_id).delivered_at is not None


def test_expiry_leaves_the_board_and_stays_in_history(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 12, 0)
    guest_id = add(desk, "Kez")
    message_id = post(desk, guest_id, relevant_until=date(2026, 11, 24))
    at_local(clock, 2026, 11, 24, 23, 59, 59)
    assert [m.id for m in messages.board(desk)] == [message_id]
    at_local(clock, 2026, 11, 25, 0, 0, 0)
    assert messages.board(desk) == []
    assert [m.id for m in messages.board(desk, BoardFilter.EXPIRED)] == [message_id]
    with pytest.raises(RuleViolation, match="expired"):
        messages.deliver(desk, message_id)
    assert "expired on" in messages.describe_outcome(desk, message_id)
    with pytest.raises(ValidationError, match="past"):
        post(desk, guest_id, relevant_until=date(2026, 11, 20))


def test_withdrawn_message(desk: DeskContext) -> None:
    message_id = post(desk, add(desk, "Kez"))
    messages.withdraw(desk, message_id, "Appointment moved; agency will phone")
    assert messages.board(desk) == []
    assert "withdrawn" in messages.describe_outcome(desk, message_id)


def test_message_for_a_name_not_yet_on_the_register_is_linked_later(desk: DeskContext) -> None:
    message_id = post(desk, for_name="Danny (tall, red cap)", agency_id=agency(desk, "Probation"))
    assert [m.id for m in messages.board(desk, BoardFilter.UNLINKED)] == [message_id]
    with pytest.raises(RuleViolation, match="Link"):
        messages.deliver(desk, message_id)
    guest_id = add(desk, "Danny")
    messages.link_message(desk, message_id, guest_id)
    assert [m.id for m in messages.waiting_for(desk, guest_id)] == [message_id]
    assert messages.board(desk, BoardFilter.UNLINKED) == []


def test_board_filters_urgent_first_in_now_agency_and_search(desk: DeskContext) -> None:
    inside = add(desk, "Inside Ian")
    outside = add(desk, "Outside Olu")
    visits.sign_in(desk, inside, "self")
    plain = post(desk, outside, body="Housing viewing Friday", agency_id=agency(desk, "Housing"))
    urgent = post(desk, inside, body="Collect methadone script", urgent=True, category="medication")
    assert [m.id for m in messages.board(desk)] == [urgent, plain]
    assert [m.id for m in messages.board(desk, BoardFilter.URGENT)] == [urgent]
    assert [m.id for m in messages.board(desk, BoardFilter.IN_NOW)] == [urgent]
    assert [m.id for m in messages.board(desk, agency_id=agency(desk, "Housing"))] == [plain]
    assert [m.id for m in messages.board(desk, text="methadone")] == [urgent]
    assert [m.id for m in messages.board(desk, text="olu")] == [plain]


def test_agency_outcomes_for_a_date_range(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 2, 10, 0)
    gp = agency(desk, "GP")
    first = post(desk, add(desk, "A"), agency_id=gp)
    at_local(clock, 2026, 11, 20, 10, 0)
    post(desk, add(desk, "B"), agency_id=gp)
    messages.deliver(desk, first)
    rows = messages.agency_outcomes(desk, gp, date(2026, 11, 1), date(2026, 11, 10))
    assert [v.id for v, _ in rows] == [first] and "delivered on 20 Nov 2026" in rows[0][1]
    with pytest.raises(ValidationError):
        messages.agency_outcomes(desk, gp, date(2026, 11, 10), date(2026, 11, 1))


def test_shift_log_entries_listed_for_the_shift_and_searchable(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    guest_id = add(desk, "Kez")
    shiftlog.add_entry(desk, LogKind.POLICE_CALLED, "Police called after a fight outside", guest_id=guest_id)
    shiftlog.add_entry(desk, "general", "Boiler engineer booked")
    with pytest.raises(ValidationError):
        shiftlog.add_entry(desk, "party", "x")
    with pytest.raises(ValidationError):
        shiftlog.add_entry(desk, "general", "   ")
    assert [e.kind for e in shiftlog.shift_entries(desk)] == [LogKind.POLICE_CALLED, LogKind.GENERAL]
    assert [e.text for e in shiftlog.shift_entries(desk, text="boiler")] == ["Boiler engineer booked"]
    assert shiftlog.shift_entries(desk, text="kez")[0].guest_name == "Kez"
    at_local(clock, 2026, 11, 25, 9, 0)  # the next (day) shift starts empty
    assert shiftlog.shift_entries(desk) == []


def test_handover_snapshot_banner_and_acknowledgement(desk: DeskContext, data_dir: Path,
                                                     clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    kez = add(desk, "Kez")
    visits.sign_in(desk, kez, "police")
    from safespace_desk.services import exclusions

    exclusions.issue_exclusion(desk, add(desk, "Robbie"), "Fighting", 24)
    post(desk, kez, urgent=True)
    shiftlog.add_entry(desk, LogKind.INCIDENT, "Argument in TV room, settled")
    at_local(clock, 2026, 11, 25, 7, 30)
    with pytest.raises(ValidationError):
        handover.write_handover(desk, "  ")
    handover_id, _ = handover.write_handover(desk, "Quiet night after 1am.", ["Ring housing about Kez"])
    [pending] = handover.pending(desk)
    assert pending.id == handover_id and pending.shift_name == "Night"
    snap = pending.snapshot
    assert [(g.name, g.bed) for g in snap.in_now] == [("Kez", "Bed 1")]
    assert [e.name for e in snap.exclusions] == ["Robbie"] and "h" in snap.exclusions[0].time_left
    assert [m.for_name for m in snap.urgent_messages] == ["Kez"]
    assert [entry.text for entry in snap.log] == ["Argument in TV room, settled"]
    assert pending.follow_ups == ["Ring housing about Kez"]
    with pytest.raises(RuleViolation, match="incoming shift"):
        handover.acknowledge(desk, handover_id)
    at_local(clock, 2026, 11, 25, 8, 5)
    day_lead = desk_as(desk, data_dir, clock, "Day Lead", "lead")
    try:
        handover.acknowledge(day_lead, handover_id)
        assert handover.pending(day_lead) == []
        [past] = handover.history(day_lead)
        assert past.acknowledged_by_name == "Day Lead"
        with pytest.raises(RuleViolation):
            handover.acknowledge(day_lead, handover_id)
    finally:
        day_lead.close()


def test_wording_prompts_suggest_respectful_language() -> None:
    prompts = wording_prompts("Kez kicked off and refused help, total junkie")
    assert [p.phrase.lower() for p in prompts] == ["junkie", "kicked off", "refused"]
    assert wording_prompts("Kez was upset; calmed after tea and a chat.") == []


def test_triage_notes_are_need_to_know(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    medic = desk_as(desk, data_dir, clock, "Pat Medic", "paramedic")
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        with pytest.raises(PermissionDenied):
            triage.record_triage(front, guest_id, presenting_need="Cough", outcome="advice")
        triage_id, _ = triage.record_triage(medic, guest_id, presenting_need="Infected leg wound",
                                            outcome=TriageOutcome.REFERRED_GP, notes="Cleaned, dressed; GP Thu")
        [own] = triage.list_triage(medic, mine_only=True)
        assert own.notes == "Cleaned, dressed; GP Thu" and own.outcome is TriageOutcome.REFERRED_GP
        [seen_by_desk] = triage.list_triage(front, guest_id=guest_id)
        assert seen_by_desk.restricted and seen_by_desk.notes is None and seen_by_desk.presenting_need is None
        with pytest.raises(PermissionDenied):
            triage.open_triage(front, triage_id)
        assert triage.open_triage(desk, triage_id).notes == "Cleaned, dressed; GP Thu"  # manager
        audit = desk.store.raw_connection_sql("SELECT detail FROM audit_log WHERE action = 'triage_recorded'")
        assert "Cleaned" not in audit[0][0]
        with pytest.raises(ValidationError):
            triage.record_triage(medic, guest_id, presenting_need="x", outcome="made-up")
        with pytest.raises(ValidationError):
            triage.record_triage(medic, guest_id, presenting_need="x", outcome="advice",
                                 at=clock.now() + timedelta(hours=1))
    finally:
        medic.close()
        front.close()


def test_paramedic_sees_board_and_people_in_but_cannot_sign_in(desk: DeskContext, data_dir: Path,
                                                               clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    visits.sign_in(desk, guest_id, "self")
    post(desk, guest_id)
    medic = desk_as(desk, data_dir, clock, "Pat Medic", "paramedic")
    try:
        assert len(messages.board(medic, BoardFilter.IN_NOW)) == 1
        assert [g.name for g in visits.present_now(medic)] == ["Kez"]  # who_is_in is the front desk's view
        with pytest.raises(PermissionDenied):
            visits.sign_in(medic, add(desk, "Other"), "self")
        with pytest.raises(PermissionDenied):
            shiftlog.add_entry(medic, "general", "hello")
    finally:
        medic.close()


def test_a_wrong_link_can_be_corrected_until_delivery(desk: DeskContext) -> None:
    first, second = add(desk, "Danny One"), add(desk, "Danny Two")
    message_id = post(desk, for_name="Danny")
    messages.link_message(desk, message_id, first)
    messages.link_message(desk, message_id, second)  # corrected before it was passed on
    detail = desk.store.raw_connection_sql("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0][0]
    assert f"was={first}" in detail
    messages.deliver(desk, message_id)
    with pytest.raises(RuleViolation, match="cannot be changed"):
        messages.link_message(desk, message_id, first)


def test_waiting_for_lists_urgent_first_then_soonest_to_expire(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    later = post(desk, guest_id, body="later", relevant_until=clock.now() + timedelta(days=5))
    sooner = post(desk, guest_id, body="sooner", relevant_until=clock.now() + timedelta(days=1))
    urgent = post(desk, guest_id, body="urgent", urgent=True)
    assert [m.id for m in messages.waiting_for(desk, guest_id)] == [urgent, sooner, later]
