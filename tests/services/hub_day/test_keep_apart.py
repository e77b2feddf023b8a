"""Issue 13 item 2: keep-apart links (reason for leads only) warn at sign-in and at bed allocation,
both ways and across a merge; discreet messages stay off the board, the handover and printouts and
are shown at the guest's own sign-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.services import beds, guests, handover, keep_apart, messages, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.messages import BoardFilter
from tests.services.frontdesk_helpers import add, at_local, desk_as


def test_sign_in_warns_both_ways_without_the_reason(desk: DeskContext) -> None:
    ann, bob = add(desk, "Ann"), add(desk, "Bob")
    keep_apart.link(desk, ann, bob, "Bail condition: no contact with Ann")
    visits.sign_in(desk, ann, "self")
    warned = visits.sign_in(desk, bob, "self").keep_apart
    assert warned is not None and "Ann" in warned and "Bail" not in warned
    visits.sign_out(desk, visits.open_visit_of(desk, ann) or "")
    back = visits.sign_in(desk, ann, "self").keep_apart  # the other way round
    assert back is not None and "Bob" in back
    other = add(desk, "Cat")
    assert visits.sign_in(desk, other, "self").keep_apart is None
    actions = [r[0] for r in desk.store.raw_connection_sql("SELECT action FROM audit_log")]
    assert actions.count("keep_apart_warned") == 2 and "keep_apart_linked" in actions
    args = json.loads(desk.store.raw_connection_sql("SELECT args FROM outbox WHERE op = 'apart.link'")[0][0])
    assert set(args) == {"link_id", "guest_a", "guest_b", "reason", "at"}


def test_the_link_holds_across_a_merge_either_side(desk: DeskContext) -> None:
    ann, ann_dup, bob, bob_dup = add(desk, "Ann"), add(desk, "Annie"), add(desk, "Bob"), add(desk, "Bobby")
    keep_apart.link(desk, ann_dup, bob, "Domestic abuse: Annie is the victim")
    guests.merge_guests(desk, keep_id=ann, merge_id=ann_dup)  # the link was made on the record merged away
    guests.merge_guests(desk, keep_id=bob_dup, merge_id=bob)  # and the other side merged into a new record
    visits.sign_in(desk, bob_dup, "self")
    warned = visits.sign_in(desk, ann, "self").keep_apart
    assert warned is not None and "Bobby" in warned
    assert [o.name for o in keep_apart.kept_apart_from(desk, bob_dup)] == ["Ann"]
    with pytest.raises(RuleViolation, match="already kept apart"):
        keep_apart.link(desk, bob_dup, ann, "again")
    with pytest.raises(ValidationError):
        keep_apart.link(desk, ann, ann_dup, "the same person")


def test_bed_allocation_warns_both_ways(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)  # night: sign-in gives a bed
    ann, bob = add(desk, "Ann"), add(desk, "Bob")
    keep_apart.link(desk, ann, bob, "Bail")
    first = visits.sign_in(desk, ann, "self", bed="Bed 1")
    second = visits.sign_in(desk, bob, "self", bed="Bed 2")
    assert second.keep_apart is not None and "Bed 1" in second.keep_apart
    warning = keep_apart.bed_warning(desk, second.visit_id, "Bed 3")
    assert warning is not None and "Ann (Bed 1)" in warning and "Bed 3" in warning
    warning = keep_apart.bed_warning(desk, first.visit_id, "Bed 4")
    assert warning is not None and "Bob (Bed 2)" in warning
    beds.give_bed(desk, first.visit_id, "Bed 8")
    assert "Bob (Bed 2)" in (keep_apart.bed_warning(desk, first.visit_id) or "")


def test_only_leads_make_links_or_read_reasons(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    ann, bob = add(desk, "Ann"), add(desk, "Bob")
    link_id, _ = keep_apart.link(desk, ann, bob, "Non-molestation order")
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    lead = desk_as(desk, data_dir, clock, "Lee Lead", "lead")
    try:
        with pytest.raises(PermissionDenied):
            keep_apart.link(front, ann, add(desk, "Cat"), "x")
        with pytest.raises(PermissionDenied):
            keep_apart.links_of(front, ann)
        with pytest.raises(PermissionDenied):
            keep_apart.end_link(front, link_id)
        assert [o.name for o in keep_apart.kept_apart_from(front, ann)] == ["Bob"]  # the name, not why
        [seen] = keep_apart.links_of(lead, bob)
        assert (seen.other_name, seen.reason) == ("Ann", "Non-molestation order")
        keep_apart.end_link(lead, link_id)
        assert keep_apart.links_of(lead, bob) == []
        assert visits.sign_in(desk, ann, "self").keep_apart is None
    finally:
        front.close()
        lead.close()


def test_a_discreet_message_is_only_shown_at_the_guests_own_sign_in(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    ann = add(desk, "Ann")
    victim_services = next(a.id for a in messages.list_agencies(desk) if a.name == "Other")
    discreet, _ = messages.post_message(desk, guest_id=ann, agency_id=victim_services, urgent=True, discreet=True,
                                        body="Your IDVA can meet you Thursday; ring when safe")
    plain, _ = messages.post_message(desk, guest_id=ann, agency_id=victim_services, body="GP letter to collect")
    for which in BoardFilter:
        assert discreet not in [m.id for m in messages.board(desk, which)]
    assert plain in [m.id for m in messages.board(desk, BoardFilter.WAITING)]
    visits.sign_in(desk, ann, "self")
    assert discreet not in [m.id for m in messages.board(desk, BoardFilter.IN_NOW)]
    assert handover.build_snapshot(desk).urgent_messages == []
    waiting = messages.waiting_for(desk, ann)
    assert [(m.id, m.discreet) for m in waiting] == [(discreet, True), (plain, False)]
    messages.deliver(desk, discreet)
    assert messages.waiting_for(desk, ann)[0].id == plain
