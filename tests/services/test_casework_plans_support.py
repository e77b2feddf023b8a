"""Plans and their versions, practical support and onward referrals, sessions, online visits and the
closing step (synthetic people only)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safespace_desk.domain.casework import OnwardStatus, VisitMode
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.roles import Role
from safespace_desk.services import duty, plans, sessions, staff, support, visits
from safespace_desk.services.context import DeskContext
from tests.services.casework_helpers import acting_as, colleague, make_service, outbox_ops
from tests.services.frontdesk_helpers import add, at_local


def test_plans_keep_every_version_and_seal_when_the_person_asks(desk: DeskContext) -> None:
    haven = make_service(desk, "haven")
    kim = add(haven, "Kim")
    first = plans.write_plan(haven, kim, "staying_well", {"keeps_me_well": "Walking the dog",
                                                          "warning_signs": "Not sleeping"})
    second = plans.write_plan(haven, kim, "staying_well", {"keeps_me_well": "Walking the dog, swimming",
                                                           "warning_signs": "Not sleeping",
                                                           "who_to_contact": "My sister"})
    assert (first.plan_id, first.version, second.version) == (second.plan_id, 1, 2)
    history = plans.plan_history(haven, first.plan_id)
    assert [(v.version, v.changed) for v in history] == [(2, ("keeps_me_well", "who_to_contact")),
                                                         (1, ("keeps_me_well", "warning_signs"))]
    assert plans.read_plan(haven, first.plan_id, version=1).sections["keeps_me_well"] == "Walking the dog"
    latest = plans.read_plan(haven, first.plan_id)
    assert latest.version == latest.latest_version == 2 and "NHS 111" in latest.helpline
    with pytest.raises(ValidationError):
        plans.write_plan(haven, kim, "crisis", {"what_helps": "   "})
    with pytest.raises(NotFound):
        plans.read_plan(haven, first.plan_id, version=9)
    # Versions are history: not even the program can rewrite one.
    with pytest.raises(Exception, match="never changed"), haven.store.write() as session:
        session.connection().exec_driver_sql("UPDATE plan_version SET sections = '{}'")

    # Kim asks for the plan to be sealed: after that only clinical readers (and managers) open it.
    plans.write_plan(haven, kim, "staying_well", {"keeps_me_well": "Swimming"}, sealed=True)
    peer = colleague(haven, "Pam Peer", Role.DESK)
    with acting_as(haven, peer):
        [summary] = plans.plans_of(haven, kim)
        assert summary.sealed and not summary.readable and summary.versions == 3
        with pytest.raises(PermissionDenied, match="sealed"):
            plans.read_plan(haven, first.plan_id)
        with pytest.raises(PermissionDenied, match="sealed"):
            plans.write_plan(haven, kim, "staying_well", {"keeps_me_well": "Overwritten"})
        # Once the person asked, no version of that plan opens for them (an older one says much the same).
        with pytest.raises(PermissionDenied, match="sealed"):
            plans.read_plan(haven, first.plan_id, version=2)
        assert [v.changed for v in plans.plan_history(haven, first.plan_id)][0] == ()  # not even which sections
    assert plans.read_plan(haven, first.plan_id).sections == {"keeps_me_well": "Swimming"}
    assert plans.plan_history(haven, first.plan_id)[0].changed == ("keeps_me_well", "warning_signs", "who_to_contact")
    # A volunteer reads no plans unless a manager allowed it for that volunteer.
    open_plan = plans.write_plan(haven, kim, "crisis", {"what_helps": "A cup of tea"})
    with acting_as(haven, colleague(haven, "Val", Role.VOLUNTEER)), pytest.raises(PermissionDenied):
        plans.read_plan(haven, open_plan.plan_id)
    trusted = colleague(haven, "Tam", Role.VOLUNTEER, may_read_notes=True)
    with acting_as(haven, trusted):
        assert plans.read_plan(haven, open_plan.plan_id).version == 1
    assert outbox_ops(haven).count("plan.write") == 4


def test_practical_support_and_onward_referrals_in_working_days(desk: DeskContext, clock: FixedClock) -> None:
    crisis = make_service(desk, "crisis")
    at_local(clock, 2026, 12, 24, 19, 0)  # Thursday before Christmas
    nat = add(crisis, "Nat")
    support.give_support(crisis, nat, "electric_topup", amount="£10")
    support.give_support(crisis, nat, "food pack")
    with pytest.raises(ValidationError):
        support.give_support(crisis, nat, "electric_topup", amount="ten pounds")
    onward_id, _ = support.refer_onward(crisis, nat, "counselling", organisation="Prevention to Intervention")
    with pytest.raises(ValidationError):  # before the referral was made
        support.record_onward(crisis, onward_id, "offered", at=clock.now() - timedelta(days=1))
    # Offered on Tuesday 29th: the 25th and 28th are bank holidays (Boxing Day moves to Monday).
    at_local(clock, 2026, 12, 29, 10, 0)
    support.record_onward(crisis, onward_id, "offered")
    with pytest.raises(RuleViolation, match="already marked offered"):
        support.record_onward(crisis, onward_id, "offered")
    support.record_onward(crisis, onward_id, OnwardStatus.SEEN)
    given, onward = support.support_of(crisis, nat)
    assert sorted((g.kind.value, g.amount_pence) for g in given) == [("electric_topup", 1000), ("food_pack", None)]
    assert onward[0].working_days_to_offer == 1 and onward[0].status is OnwardStatus.SEEN
    with pytest.raises(RuleViolation):
        support.record_onward(crisis, onward_id, "seen")


def test_online_visits_take_no_place_and_the_closing_step_signs_out_who_is_left(desk: DeskContext,
                                                                               clock: FixedClock) -> None:
    haven = make_service(desk, "haven")
    at_local(clock, 2026, 11, 24, 18, 30)
    people = [add(haven, f"Person {n}") for n in range(16)]
    for guest_id in people[:15]:
        visits.sign_in(haven, guest_id, ArrivedVia.SELF)
    # The building's 15 places are full, but an online visit takes none.
    online = visits.sign_in(haven, people[15], ArrivedVia.SELF, mode="online")
    assert online.mode is VisitMode.ONLINE and online.bed is None
    assert sum(1 for g in visits.who_is_in(haven) if g.mode is VisitMode.ONLINE) == 1
    young = add(haven, "Ziggy", birth_year=2010)
    warned = visits.sign_in(haven, young, ArrivedVia.SELF, mode="online")
    assert warned.age_warning is not None and "18 and over" in warned.age_warning
    assert "NHS 111" in warned.age_warning  # where else to go

    session_id, _ = sessions.plan_session(haven, "Peer support circle", clock.now(), 60, "in_person")
    for week in range(3):
        clock.advance(days=7 * (week > 0))
        weekly, _ = sessions.plan_session(haven, "Peer support circle", clock.now(), 60, "online")
        attendee, _ = sessions.add_attendee(haven, weekly, people[0])
    assert attendee.recent_sessions == 3  # how often they come, for the non-dependency principle
    with pytest.raises(RuleViolation, match="already on"):
        sessions.add_attendee(haven, weekly, people[0])

    at_local(clock, 2026, 12, 8, 22, 40)
    assert sessions.closing_reminder(haven) is None  # not yet: from a quarter of an hour before
    at_local(clock, 2026, 12, 8, 23, 0)  # closing time on a Tuesday
    assert sessions.closing_reminder(haven) == sessions.ClosingReminder(clock.now(), 15)
    summary = sessions.closing_summary(haven)
    assert summary.window is not None and summary.window.closes_at == clock.now()
    assert len(summary.still_here) == 15 and len(summary.online_now) == 2
    sessions.close_opening(haven, sign_out=[g.visit_id for g in summary.still_here], note="Quiet evening")
    assert all(g.mode is not VisitMode.IN_PERSON for g in visits.who_is_in(haven))
    assert sessions.closing_reminder(haven) is None  # done for this opening
    assert "site.closing" in outbox_ops(haven)


def test_volunteers_count_toward_the_ratio_only_when_set(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 22, 0)  # a hub's night: two staff needed at least
    volunteer = colleague(desk, "Vera", Role.VOLUNTEER)
    duty.start_duty(desk)
    with acting_as(desk, volunteer):
        duty.start_duty(desk)
    status = duty.desk_status(desk)
    assert len(status.on_duty) == 2 and status.staffing_warning is not None
    staff.set_staff_options(desk, volunteer.staff_id, counts_in_ratio=True)
    assert duty.desk_status(desk).staffing_warning is None
    with pytest.raises(ValidationError):
        staff.set_staff_options(desk, desk.require_actor().staff_id, may_read_notes=True)


def test_export_erasure_and_retention_reach_casework(desk: DeskContext, clock: FixedClock) -> None:
    from safespace_desk.domain.retention import RetentionPolicy
    from safespace_desk.services import circle, data_rights, diary, referrals

    crisis = make_service(desk, "crisis")
    at_local(clock, 2020, 1, 6, 14, 0)
    old = add(crisis, "Olly")
    receipt = referrals.receive_referral(crisis, old, source="spa", reason="Old referral words")
    referrals.accept_referral(crisis, receipt.referral_id)
    diary.log_contact(crisis, old, "call_in", notes="Old contact words")
    referrals.close_case(crisis, old, "resolved")
    at_local(clock, 2026, 11, 2, 14, 0)
    uma = add(crisis, "Uma")
    receipt = referrals.receive_referral(crisis, uma, source="spa", reason="Planted referral reason")
    referrals.accept_referral(crisis, receipt.referral_id)
    diary.log_contact(crisis, uma, "call_in", notes="Planted contact note", follow_up="Planted follow-up",
                      follow_up_due=clock.now() + timedelta(days=1))
    plans.write_plan(crisis, uma, "crisis", {"what_helps": "Planted plan words"})
    circle.add_to_circle(crisis, uma, "carer", "Planted Carer", phone="07700 900456", consent=True)
    support.give_support(crisis, uma, "food_pack", note="Planted support note")

    export = data_rights.export_guest(crisis, uma)
    assert export["referrals"][0]["reason"] == "Planted referral reason"
    assert export["plan_versions"][0]["sections"] and export["people_around"][0]["name"] == "Planted Carer"
    assert any(entry["record"] == "contact" for entry in export["access_log"])

    data_rights.erase_guest(crisis, uma, "Asked to be forgotten")
    dump = str(crisis.store.raw_connection_sql(
        "SELECT r.reason, c.notes, f.text, s.note FROM referral r, contact c, follow_up f, support_given s"))
    dump += str(crisis.store.raw_connection_sql("SELECT * FROM circle_member"))
    dump += str(crisis.store.raw_connection_sql("SELECT * FROM plan_version"))
    assert "Planted" not in dump
    # The contacts are still counted, without their words.
    assert crisis.store.raw_connection_sql("SELECT count(*) FROM contact") == [(2,)]

    data_rights.set_retention_policy(crisis, RetentionPolicy())
    results = {r.kind: r.removed for r in data_rights.purge_expired(crisis)}
    assert results["casework"] == 3  # Olly's contact, closed episode and its referral (over six years old)
    assert crisis.store.raw_connection_sql("SELECT count(*) FROM referral") == [(1,)]
