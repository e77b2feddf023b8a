from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import beds, duty, exclusions, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.frontdesk_common import SignInBlocked
from safespace_desk.services.overrides import Override, OverrideAction, authorise_override, own_override
from tests.services.frontdesk_helpers import add, at_local, desk_as


def fill(desk: DeskContext, count: int, prefix: str = "Guest") -> list[str]:
    ids = [add(desk, f"{prefix} {n}") for n in range(count)]
    for guest_id in ids:
        visits.sign_in(desk, guest_id, ArrivedVia.SELF)
    return ids


def lead_override(desk: DeskContext, reason: str = "Police drop-off, nowhere safe",
                  action: OverrideAction = OverrideAction.SIGN_IN) -> Override:
    """The lead (or manager) signed in at ``desk`` overrides in their own name."""
    return Override(reason, own_override(desk, action))


def test_sign_in_records_arrival_audit_and_outbox_in_one_step(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    result = visits.sign_in(desk, guest_id, "police")
    assert result.changes.touches("visit")
    inside = visits.who_is_in(desk)
    assert [(g.name, g.arrived_via) for g in inside] == [("Kez", ArrivedVia.POLICE)]
    ops = [r[0] for r in desk.store.raw_connection_sql("SELECT op FROM outbox ORDER BY seq")]
    assert ops[-1] == "visit.sign_in"
    actions = [r[0] for r in desk.store.raw_connection_sql("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[-1] == "signed_in"


def test_a_guest_cannot_be_signed_in_twice(desk: DeskContext) -> None:
    guest_id = add(desk, "Kez")
    visits.sign_in(desk, guest_id, "self")
    with pytest.raises(RuleViolation, match="already signed in"):
        visits.sign_in(desk, guest_id, "self")


def test_unknown_arrival_route_names_the_field(desk: DeskContext) -> None:
    with pytest.raises(ValidationError) as err:
        visits.sign_in(desk, add(desk, "Kez"), "teleport")
    assert err.value.field == "arrived_via"


def test_capacity_switches_from_sixteen_to_eight_at_twenty_hundred(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 19, 0)
    fill(desk, 10)
    extra = add(desk, "Late arrival")
    at_local(clock, 2026, 11, 24, 19, 59, 59)
    assert duty.desk_status(desk).capacity.free == 6
    at_local(clock, 2026, 11, 24, 20, 0, 0)
    status = duty.desk_status(desk).capacity
    assert (status.places, status.used, status.full, status.over_by) == (8, 10, True, 2)
    with pytest.raises(SignInBlocked) as blocked:
        visits.sign_in(desk, extra, "self")
    assert blocked.value.kind == "full"


def test_capacity_back_to_day_at_eight(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 25, 7, 59, 59)
    assert duty.desk_status(desk).capacity.places == 8
    at_local(clock, 2026, 11, 25, 8, 0, 0)
    assert duty.desk_status(desk).capacity.places == 16


@pytest.mark.parametrize(("date", "utc_hour_night_ends"), [((2026, 3, 29), 7), ((2026, 10, 25), 8)])
def test_capacity_on_clock_change_mornings(desk: DeskContext, clock: FixedClock, date: tuple[int, int, int],
                                            utc_hour_night_ends: int) -> None:
    from datetime import UTC, datetime

    clock.set(datetime(*date, utc_hour_night_ends, 0, tzinfo=UTC) - timedelta(seconds=1))
    assert duty.desk_status(desk).capacity.places == 8
    clock.set(datetime(*date, utc_hour_night_ends, 0, tzinfo=UTC))
    assert duty.desk_status(desk).capacity.places == 16


def test_full_house_needs_a_lead_override_with_reason(desk: DeskContext, data_dir: Path,
                                                      clock: FixedClock) -> None:
    fill(desk, 16)
    extra = add(desk, "Seventeenth")
    desk_user = desk_as(desk, data_dir, clock, "Dee", "desk")
    try:
        with pytest.raises(SignInBlocked, match="16 of 16"):
            visits.sign_in(desk_user, extra, "police")
        assert desk_user.actor is not None
        with pytest.raises(PermissionDenied, match="override"):  # a desk account cannot grant itself one
            lead_override(desk_user, "cold")
        with pytest.raises(RuleViolation, match="reason"):
            visits.sign_in(desk, extra, "police", override=lead_override(desk, "  "))
        result = visits.sign_in(desk, extra, "police", override=lead_override(desk))
        assert result.overridden
        row = desk.store.raw_connection_sql(
            f"SELECT override_reason, override_by FROM visit WHERE id = '{result.visit_id}'")[0]
        assert row == ("Police drop-off, nowhere safe", desk.actor.staff_id if desk.actor else None)
        detail = desk.store.raw_connection_sql("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0][0]
        assert "override=full" in detail
    finally:
        desk_user.close()


def test_exclusion_blocks_until_the_second_it_ends(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Robbie")
    issued, _ = exclusions.issue_exclusion(desk, guest_id, "Aggressive behaviour towards staff", 24)
    assert issued.ends_at == clock.now() + timedelta(hours=24)
    clock.advance(hours=23, minutes=59, seconds=59)
    with pytest.raises(SignInBlocked, match="excluded until") as blocked:
        visits.sign_in(desk, guest_id, "self")
    assert blocked.value.kind == "excluded" and "1s left" in str(blocked.value)
    assert "Aggressive behaviour" in str(blocked.value)
    clock.advance(seconds=1)
    visits.sign_in(desk, guest_id, "self")  # expired by itself
    assert exclusions.active_exclusions(desk) == []


def test_exclusion_across_the_clock_change_is_24_real_hours(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Robbie")
    start = at_local(clock, 2026, 3, 28, 12, 0)  # GMT; clocks go forward that night
    view, _ = exclusions.issue_exclusion(desk, guest_id, "Breaking house rules after warning", 24)
    assert view.ends_at - start == timedelta(hours=24)


def test_issuing_an_exclusion_signs_the_guest_out(desk: DeskContext) -> None:
    guest_id = add(desk, "Robbie")
    visits.sign_in(desk, guest_id, "self")
    exclusions.issue_exclusion(desk, guest_id, "Fighting", 12)
    assert visits.who_is_in(desk) == []


def test_lead_lifts_an_exclusion_early_and_history_is_kept(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Robbie")
    view, _ = exclusions.issue_exclusion(desk, guest_id, "Fighting")
    clock.advance(hours=2)
    with pytest.raises(ValidationError):
        exclusions.lift_exclusion(desk, view.id, " ")
    exclusions.lift_exclusion(desk, view.id, "Apologised; calm now")
    visits.sign_in(desk, guest_id, "self")
    history = exclusions.exclusion_history(desk, guest_id)
    assert len(history) == 1 and history[0].state_at(clock.now()) == "lifted"
    assert history[0].lift_reason == "Apologised; calm now"


def test_desk_staff_cannot_exclude_but_lead_can_override_an_exclusion(desk: DeskContext, data_dir: Path,
                                                                      clock: FixedClock) -> None:
    guest_id = add(desk, "Robbie")
    dee = desk_as(desk, data_dir, clock, "Dee", "desk")
    try:
        with pytest.raises(PermissionDenied):
            exclusions.issue_exclusion(dee, guest_id, "Fighting")
        exclusions.issue_exclusion(desk, guest_id, "Fighting")
        with pytest.raises(SignInBlocked):
            visits.sign_in(dee, guest_id, "self")
        lead = authorise_override(dee, "Mo Manager", "correct horse battery", OverrideAction.SIGN_IN)
        result = visits.sign_in(dee, guest_id, "paramedic", override=Override("Medical need", lead))
        assert result.overridden
        with pytest.raises(Exception, match="do not match"):
            authorise_override(dee, "Mo Manager", "wrong", OverrideAction.SIGN_IN)
    finally:
        dee.close()


def test_night_sign_in_gives_a_bed_and_full_beds_need_override(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    ids = fill(desk, 8)
    board = beds.bed_board(desk)
    assert board.in_force and board.free == []
    assert {b.guest_id for b in board.beds} == set(ids)
    extra = add(desk, "Ninth")
    with pytest.raises(SignInBlocked):
        visits.sign_in(desk, extra, "police")
    result = visits.sign_in(desk, extra, "police", override=lead_override(desk, "Freezing; chair in lounge"))
    assert result.bed is None
    ninth = next(g for g in visits.who_is_in(desk) if g.guest_id == extra)
    assert ninth.no_bed_reason == "Freezing; chair in lounge"


def test_bed_board_give_move_free_and_sign_out_releases(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 15, 0)
    a, b = fill(desk, 2)
    visit_a = visits.open_visit_of(desk, a)
    visit_b = visits.open_visit_of(desk, b)
    assert visit_a and visit_b
    beds.give_bed(desk, visit_a, "Bed 3")  # allocated by day for tonight
    with pytest.raises(RuleViolation, match="already taken"):
        beds.give_bed(desk, visit_b, "Bed 3")
    beds.give_bed(desk, visit_a, "Bed 5")  # move
    board = {r.label: r.guest_id for r in beds.bed_board(desk).beds}
    assert board["Bed 3"] is None and board["Bed 5"] == a
    beds.give_bed(desk, visit_b, "Bed 3")
    beds.free_bed(desk, visit_b)
    visits.sign_out(desk, visit_a, "Hostel")
    assert beds.bed_board(desk).free == [f"Bed {n}" for n in range(1, 9)]


def test_night_check_lists_guests_beyond_night_capacity(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 18, 0)
    fill(desk, 10)
    at_local(clock, 2026, 11, 24, 19, 59)
    assert beds.night_check(desk) is None
    at_local(clock, 2026, 11, 24, 20, 0)
    check = beds.night_check(desk)
    assert check is not None and len(check.without_bed) == 10 and len(check.free_beds) == 8
    for guest, label in zip(check.without_bed[:8], check.free_beds, strict=True):
        beds.give_bed(desk, guest.visit_id, label)
    leftover = beds.night_check(desk)
    assert leftover is not None and len(leftover.without_bed) == 2
    visits.sign_out(desk, leftover.without_bed[0].visit_id, "Friend's sofa")
    beds.keep_without_bed(desk, leftover.without_bed[1].visit_id, lead_override(desk, "Waiting for ambulance", OverrideAction.NO_BED))
    final = beds.night_check(desk)
    assert final is not None and not final.needs_decision


def test_beds_carry_over_to_the_next_night(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    (guest,) = fill(desk, 1)
    first_bed = next(g.bed for g in visits.who_is_in(desk))
    at_local(clock, 2026, 11, 25, 20, 0)
    assert beds.night_check(desk).without_bed  # type: ignore[union-attr]
    beds.carry_over_beds(desk)
    assert next(g.bed for g in visits.who_is_in(desk)) == first_bed
    del guest


def test_undo_sign_in_voids_and_undo_sign_out_restores(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    guest_id = add(desk, "Mistake")
    result = visits.sign_in(desk, guest_id, "self")
    visits.undo_sign_in(desk, result.visit_id)
    assert visits.who_is_in(desk) == []
    assert visits.guest_visits(desk, guest_id)[0].voided
    again = visits.sign_in(desk, guest_id, "self")
    bed = again.bed
    visits.sign_out(desk, again.visit_id)
    visits.undo_sign_out(desk, again.visit_id)
    inside = visits.who_is_in(desk)
    assert [(g.guest_id, g.bed) for g in inside] == [(guest_id, bed)]
    actions = [r[0] for r in desk.store.raw_connection_sql("SELECT action FROM audit_log ORDER BY seq")]
    assert "sign_in_undone" in actions and "sign_out_undone" in actions


def test_staffing_warning_follows_duty(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    fill(desk, 7)
    duty.start_duty(desk)
    status = duty.desk_status(desk)
    assert status.staff_needed == 3 and status.staffing_warning is not None
    other = desk_as(desk, data_dir, clock, "Dee", "desk")
    third = desk_as(desk, data_dir, clock, "Sam", "lead")
    try:
        duty.start_duty(other)
        duty.start_duty(third)
        assert duty.desk_status(desk).staffing_warning is None
        duty.end_duty(desk, third.actor.staff_id if third.actor else None)
        assert duty.desk_status(desk).staffing_warning is not None
    finally:
        other.close()
        third.close()


def test_undo_sign_out_does_not_get_round_an_exclusion_or_a_full_house(desk: DeskContext,
                                                                       clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 15, 0)
    robbie = add(desk, "Robbie")
    visit = visits.sign_in(desk, robbie, "self")
    exclusions.issue_exclusion(desk, robbie, "Fighting", 24)  # signs Robbie out
    with pytest.raises(RuleViolation, match="excluded now"):
        visits.undo_sign_out(desk, visit.visit_id)
    kez = add(desk, "Kez")
    kez_visit = visits.sign_in(desk, kez, "self")
    visits.sign_out(desk, kez_visit.visit_id)
    fill(desk, 16)
    with pytest.raises(RuleViolation, match="full now"):
        visits.undo_sign_out(desk, kez_visit.visit_id)
