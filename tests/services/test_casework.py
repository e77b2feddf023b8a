"""Referrals that re-open a case, closing, the diary and its follow-ups, escalation, and who may see
what (synthetic people only)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safespace_desk.domain.casework import ReferralKind, ReferralStatus
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.domain.roles import Role
from safespace_desk.services import circle, diary, escalation, guests, handover, referrals
from safespace_desk.services.context import DeskContext
from tests.services.casework_helpers import acting_as, audit_actions, colleague, make_service, outbox_ops
from tests.services.frontdesk_helpers import add, at_local


@pytest.fixture
def crisis(desk: DeskContext) -> DeskContext:
    return make_service(desk, "crisis")


def test_a_repeat_referral_reopens_the_same_case_and_a_second_one_while_open_is_a_duplicate(
        crisis: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 2, 13, 0)
    sam = add(crisis, "Sam")
    first = referrals.receive_referral(crisis, sam, source="spa", reason="Low mood, money worries",
                                       factors=["financial", "isolation"])
    assert (first.kind, first.status) == (ReferralKind.NEW, ReferralStatus.WAITING)
    assert referrals.case_summary(crisis, sam).status_text == "Referral waiting for a decision"
    clock.advance(hours=3)
    [waiting] = referrals.waiting_referrals(crisis)
    assert waiting.name == "Sam" and waiting.waiting_for(clock.now()) == timedelta(hours=3)

    decision = referrals.accept_referral(crisis, first.referral_id)
    assert (decision.episode_number, decision.reopened) == (1, False)
    with pytest.raises(RuleViolation, match="already accepted"):
        referrals.accept_referral(crisis, first.referral_id)
    # Rung in again at the same point of crisis: a duplicate, not a repeat, and no second case.
    again = referrals.receive_referral(crisis, sam, source="crisis_team", reason="Rang the crisis line again")
    assert (again.kind, again.status) == (ReferralKind.DUPLICATE, ReferralStatus.DUPLICATE)
    with pytest.raises(RuleViolation, match="already duplicate"):
        referrals.accept_referral(crisis, again.referral_id)

    # Still waiting for a first contact until someone speaks with Sam.
    assert [w.referral_id for w in referrals.waiting_referrals(crisis)] == [first.referral_id]
    diary.log_contact(crisis, sam, "call_out", minutes=40, outcome="supported")
    assert referrals.waiting_referrals(crisis) == []

    with pytest.raises(ValidationError) as missing:
        referrals.close_case(crisis, sam, "other")
    assert missing.value.field == "closure_note"
    with pytest.raises(ValidationError):
        referrals.close_case(crisis, sam, "not a reason")
    referrals.close_case(crisis, sam, "resolved")
    assert referrals.case_summary(crisis, sam).status_text == "Case closed"
    with pytest.raises(RuleViolation, match="no open case"):
        referrals.close_case(crisis, sam, "resolved")

    # A second crisis a month later re-opens the same case: a new episode, never a second person.
    clock.advance(days=30)
    repeat = referrals.receive_referral(crisis, sam, source="spa", reason="Bereavement")
    assert repeat.kind is ReferralKind.REPEAT
    reopened = referrals.accept_referral(crisis, repeat.referral_id)
    assert (reopened.episode_number, reopened.reopened) == (2, True)
    summary = referrals.case_summary(crisis, sam)
    assert [e.number for e in summary.episodes] == [1, 2] and summary.open_episode is not None
    assert summary.status_text == "Case open (episode 2, re-opened)"
    assert crisis.store.raw_connection_sql("SELECT count(*) FROM guest") == [(1,)]
    assert "case_reopened" in audit_actions(crisis)
    assert {"referral.receive", "referral.accept", "case.close", "contact.log"} <= set(outbox_ops(crisis))

    # Declining needs a reason; a declined person's next referral is a repeat.
    jo = add(crisis, "Jo")
    declined = referrals.receive_referral(crisis, jo, source="gp", reason="Anxiety")
    with pytest.raises(ValidationError):
        referrals.decline_referral(crisis, declined.referral_id, " ")
    referrals.decline_referral(crisis, declined.referral_id, "Already supported by the CMHT; signposted")
    assert referrals.receive_referral(crisis, jo, source="spa", reason="Anxiety").kind is ReferralKind.REPEAT


def test_open_cases_quiet_cases_and_roles(crisis: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 2, 13, 0)
    ids = {name: add(crisis, name) for name in ("Ash", "Bo", "Cy")}
    for name, guest_id in ids.items():
        receipt = referrals.receive_referral(crisis, guest_id, source="spa", reason=f"Referral for {name}")
        referrals.accept_referral(crisis, receipt.referral_id)
    clock.advance(days=3)
    diary.log_contact(crisis, ids["Bo"], "call_in", minutes=15)
    clock.advance(days=5)
    open_now = referrals.open_cases(crisis)
    assert [r.name for r in open_now][-1] == "Bo"  # the longest without contact first
    # The site's "no contact in N days" (7 by default): Bo was spoken to 5 days ago.
    assert sorted(r.name for r in referrals.quiet_cases(crisis)) == ["Ash", "Cy"]
    assert sorted(r.name for r in referrals.quiet_cases(crisis, days=4)) == ["Ash", "Bo", "Cy"]
    assert referrals.open_cases(crisis)[0].days_quiet(clock.now()) == 8

    volunteer = colleague(crisis, "Vic Volunteer", Role.VOLUNTEER)
    medic = colleague(crisis, "Pat Medic", Role.PARAMEDIC)
    with acting_as(crisis, volunteer):
        receipt = referrals.receive_referral(crisis, ids["Ash"], source="spa", reason="Again")  # may record
        with pytest.raises(PermissionDenied):
            referrals.close_case(crisis, ids["Cy"], "resolved")
        with pytest.raises(PermissionDenied):
            circle.set_named_worker(crisis, ids["Cy"], volunteer.staff_id)
        # Reads less: the reason of a referral is not shown to a volunteer who was not allowed notes.
        assert all(r.reason is None for r in referrals.case_summary(crisis, ids["Ash"]).referrals)
    assert receipt.kind is ReferralKind.DUPLICATE
    with acting_as(crisis, medic), pytest.raises(PermissionDenied):
        referrals.open_cases(crisis)


def test_follow_ups_fall_due_at_their_time_and_are_carried_in_the_handover(crisis: DeskContext,
                                                                          clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 17, 0)  # a Tuesday
    ray = add(crisis, "Ray")
    logged = diary.log_contact(crisis, ray, "call_in", minutes=25, outcome="supported",
                               notes="Worried about the gas bill; talked it through",
                               follow_up="Call back after 6pm", follow_up_due=at_local(clock, 2026, 11, 26, 18, 0))
    at_local(clock, 2026, 11, 24, 17, 5)
    assert logged.follow_up_id is not None and diary.due_follow_ups(crisis) == []
    [pending] = diary.open_follow_ups(crisis, ray)
    assert pending.text == "Call back after 6pm"
    # Carried in a handover written before it falls due (it is due before the next shift ends).
    at_local(clock, 2026, 11, 26, 5, 0)
    handover_id, _ = handover.write_handover(crisis, "Quiet night. Ray to call back this evening.")
    snapshot = handover.get_handover(crisis, handover_id).snapshot
    assert [(f.name, f.text) for f in snapshot.follow_ups] == [("Ray", "Call back after 6pm")]
    at_local(clock, 2026, 11, 26, 18, 1)
    [due] = diary.due_follow_ups(crisis)
    assert due.guest_name == "Ray" and due.overdue(clock.now())
    # The call back answers it in the same step.
    diary.log_contact(crisis, ray, "call_out", minutes=10, completes_follow_up=due.id)
    assert diary.due_follow_ups(crisis) == [] and diary.open_follow_ups(crisis, ray) == []
    with pytest.raises(ValidationError):  # a follow-up needs words
        diary.add_follow_up(crisis, ray, clock.now() + timedelta(days=1), "  ")

    # Escalation is logged with its time and carried into the handover of that shift.
    [duty_manager, emergency] = escalation.escalation_contacts(crisis)
    assert emergency.number == "999"
    escalation.use_escalation(crisis, duty_manager.name, guest_id=ray, note="Talked of ending his life")
    with pytest.raises(ValidationError):
        escalation.use_escalation(crisis, "Someone made up")
    handover_id, _ = handover.write_handover(crisis, "Escalated Ray to the duty manager at 18:05.")
    snap = handover.get_handover(crisis, handover_id).snapshot
    assert [(e.contact, e.guest) for e in snap.escalations] == [("Crisis team duty manager", "Ray")]
    assert "escalation.use" in outbox_ops(crisis)


def test_contacts_with_carers_need_consent_and_mistakes_are_voided_not_deleted(crisis: DeskContext) -> None:
    lee = add(crisis, "Lee")
    with pytest.raises(ValidationError) as no_consent:
        circle.add_to_circle(crisis, lee, "carer", "Mum")
    assert no_consent.value.field == "consent"
    mum, _ = circle.add_to_circle(crisis, lee, "carer", "Mum", phone="07700 900123", consent=True)
    cpn, _ = circle.add_to_circle(crisis, lee, "cpn", "Alex (CPN)", organisation="Community MH team")
    circle.set_named_worker(crisis, lee, crisis.require_actor().staff_id)
    around = circle.people_around(crisis, lee)
    assert around.named_worker == "Mo Manager" and [m.name for m in around.members] == ["Mum", "Alex (CPN)"]
    logged = diary.log_contact(crisis, lee, "call_in", minutes=20, with_circle_id=mum)
    assert diary.contacts_of(crisis, lee)[0].with_name == "Mum"
    volunteer = colleague(crisis, "Vi", Role.VOLUNTEER)
    with acting_as(crisis, volunteer):
        # A carer's details are a third party's data: not for a volunteer without the allowance.
        assert [m.name for m in circle.people_around(crisis, lee).members] == ["Alex (CPN)"]
        with pytest.raises(PermissionDenied):
            diary.void_contact(crisis, logged.contact_id)
    diary.void_contact(crisis, logged.contact_id)
    assert diary.contacts_of(crisis, lee)[0].voided
    circle.remove_from_circle(crisis, cpn)
    with pytest.raises(ValidationError):
        diary.log_contact(crisis, lee, "call_in", with_circle_id=cpn)


def test_restricted_record_of_a_peer_now_on_the_staff(crisis: DeskContext) -> None:
    peer = colleague(crisis, "Pip Peer", Role.DESK)
    record, _ = guests.add_guest(crisis, GuestDetails(preferred_name="Pip", support_notes="Used the service in 2024"))
    guests.mark_restricted(crisis, record.id, peer.staff_id)
    desk_colleague = colleague(crisis, "Dee Desk", Role.DESK)
    with acting_as(crisis, desk_colleague):
        seen = guests.get_guest(crisis, record.id)
        assert seen.support_notes is None and seen.notes_hidden and seen.restricted
        # Editing the name from the desk form must not blank notes the form never showed.
        guests.update_guest(crisis, record.id, GuestDetails(preferred_name="Pip R"))
        with pytest.raises(PermissionDenied, match="restricted"):
            diary.log_contact(crisis, record.id, "call_in")
    assert guests.get_guest(crisis, record.id).support_notes == "Used the service in 2024"
    with acting_as(crisis, peer):
        with pytest.raises(PermissionDenied, match="your own record"):
            guests.update_guest(crisis, record.id, GuestDetails(preferred_name="Pip"))
        assert guests.get_guest(crisis, record.id).support_notes is None
    diary.log_contact(crisis, record.id, "visit", minutes=30)  # a manager may
