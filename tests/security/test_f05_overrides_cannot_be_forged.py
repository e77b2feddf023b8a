"""Issue 14, finding 5: a desk user could forge a lead's override.

``Override(by=Actor(...))`` made up by a caller was accepted, even with a staff id that does not exist,
and "no bed" had no permission check at all. An override now comes only from a grant issued on this
desk moments before (``authorise_override`` or, for a lead signed in here, ``own_override``): single
use, short-lived, bound to the lead, this desk's session, the staff member at the desk and one action.
"""

from __future__ import annotations

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import DeskError, PermissionDenied
from safespace_desk.domain.roles import Role
from safespace_desk.services import auth, beds, staff, visits
from safespace_desk.services.context import Actor, DeskContext
from safespace_desk.services.frontdesk_common import SignInBlocked
from safespace_desk.services.overrides import (
    Override,
    OverrideAction,
    OverrideGrant,
    authorise_override,
    own_override,
)
from tests.security.conftest import COLLEAGUE, DESK_USER, LEAD, LEAD_PIN, MEDIC, SignInAs, password_of
from tests.services.frontdesk_helpers import add, at_local


def _full_house(desk: DeskContext) -> str:
    for n in range(16):
        visits.sign_in(desk, add(desk, f"Guest {n}"), "self")
    return add(desk, "One Too Many")


def _counts(desk: DeskContext) -> tuple[int, int]:
    visits_n = desk.store.raw_connection_sql("SELECT count(*) FROM visit")[0][0]
    outbox_n = desk.store.raw_connection_sql("SELECT count(*) FROM outbox WHERE op = 'visit.sign_in'")[0][0]
    return visits_n, outbox_n


@pytest.fixture
def dee(sign_in_as: SignInAs) -> DeskContext:
    return sign_in_as(DESK_USER)


def test_an_override_made_up_by_the_caller_is_refused(desk: DeskContext, dee: DeskContext) -> None:
    extra = _full_house(desk)
    before = _counts(desk)
    lead_id = next(m.id for m in staff.list_staff(desk) if m.name == LEAD)
    for forged in (Override("cold", Actor(lead_id, LEAD, Role.LEAD)),  # type: ignore[arg-type]
                   Override("cold", Actor("0190-no-such-staff", "Nobody", Role.LEAD)),  # type: ignore[arg-type]
                   Override("cold", OverrideGrant("made-up", LEAD, OverrideAction.SIGN_IN, "guess"))):
        with pytest.raises(PermissionDenied):
            visits.sign_in(dee, extra, "police", override=forged)
    assert _counts(desk) == before


def test_a_grant_is_single_use(desk: DeskContext, dee: DeskContext) -> None:
    extra, second = _full_house(desk), add(desk, "Two Too Many")
    grant = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    assert visits.sign_in(dee, extra, "police", override=Override("Freezing", grant)).overridden
    with pytest.raises(PermissionDenied, match="already used"):
        visits.sign_in(dee, second, "police", override=Override("Freezing", grant))


def test_a_grant_expires_after_two_minutes(desk: DeskContext, dee: DeskContext, clock: FixedClock) -> None:
    extra = _full_house(desk)
    grant = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    clock.advance(minutes=2, seconds=1)
    with pytest.raises(PermissionDenied, match="expired"):
        visits.sign_in(dee, extra, "police", override=Override("Freezing", grant))


def test_a_grant_is_bound_to_its_action_desk_and_person(desk: DeskContext, dee: DeskContext,
                                                        sign_in_as: SignInAs) -> None:
    extra = _full_house(desk)
    for_no_bed = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.NO_BED)
    with pytest.raises(PermissionDenied, match="without a bed"):
        visits.sign_in(dee, extra, "police", override=Override("Freezing", for_no_bed))
    # Issued on Dee's desk: another desk (another session) does not know it.
    other = sign_in_as(DESK_USER)
    on_dees_desk = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    with pytest.raises(PermissionDenied, match="not authorised on this desk"):
        visits.sign_in(other, extra, "police", override=Override("Freezing", on_dees_desk))
    # Asked for Dee: after a colleague takes over the desk it is no longer valid.
    for_dee = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    auth.switch_user(dee, COLLEAGUE, password_of(COLLEAGUE))
    with pytest.raises(PermissionDenied, match="someone else"):
        visits.sign_in(dee, extra, "police", override=Override("Freezing", for_dee))


def test_a_lead_deactivated_since_cannot_be_used(desk: DeskContext, dee: DeskContext) -> None:
    extra = _full_house(desk)
    grant = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    lead_id = next(m.id for m in staff.list_staff(desk) if m.name == LEAD)
    staff.deactivate_staff(desk, lead_id)
    with pytest.raises(PermissionDenied, match="can no longer"):
        visits.sign_in(dee, extra, "police", override=Override("Freezing", grant))


def test_a_refused_action_keeps_the_grant_for_a_second_try(desk: DeskContext, dee: DeskContext) -> None:
    extra = _full_house(desk)
    grant = authorise_override(dee, LEAD, LEAD_PIN, OverrideAction.SIGN_IN)
    with pytest.raises(DeskError):
        visits.sign_in(dee, extra, "teleport", override=Override("Freezing", grant))
    assert visits.sign_in(dee, extra, "police", override=Override("Freezing", grant)).overridden


def test_the_grant_and_the_lead_are_in_the_audit(desk: DeskContext, dee: DeskContext) -> None:
    extra = _full_house(desk)
    grant = authorise_override(dee, LEAD, password_of(LEAD), OverrideAction.SIGN_IN)
    result = visits.sign_in(dee, extra, "police", override=Override("Freezing", grant))
    lead_id = next(m.id for m in staff.list_staff(desk) if m.name == LEAD)
    rows = desk.store.raw_connection_sql(
        "SELECT action, entity_id, detail FROM audit_log WHERE detail LIKE '%grant=" + grant.grant_id + "%'")
    assert [(a, e) for a, e, _ in rows] == [("override_authorised", lead_id), ("signed_in", result.visit_id)]
    assert f"override_by={lead_id}" in rows[1][2] and "Freezing" not in rows[1][2]


def test_a_lead_signed_in_at_the_desk_overrides_without_retyping(desk: DeskContext) -> None:
    extra = _full_house(desk)
    with pytest.raises(SignInBlocked):
        visits.sign_in(desk, extra, "police")
    grant = own_override(desk, OverrideAction.SIGN_IN)
    assert visits.sign_in(desk, extra, "police", override=Override("Police drop-off", grant)).overridden
    detail = desk.store.raw_connection_sql(
        f"SELECT detail FROM audit_log WHERE action = 'override_authorised' AND detail LIKE '%{grant.grant_id}%'")
    assert detail and "session" in detail[0][0]


def test_no_bed_needs_a_front_desk_role_and_a_grant(desk: DeskContext, sign_in_as: SignInAs,
                                                    clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    guest = add(desk, "Chair Sleeper")
    visit = visits.sign_in(desk, guest, "self").visit_id
    medic = sign_in_as(MEDIC)
    grant = authorise_override(medic, LEAD, LEAD_PIN, OverrideAction.NO_BED)
    with pytest.raises(PermissionDenied):
        beds.keep_without_bed(medic, visit, Override("On the sofa", grant))
    with pytest.raises(PermissionDenied):
        beds.keep_without_bed(desk, visit, Override("On the sofa", OverrideGrant("x", LEAD, OverrideAction.NO_BED,
                                                                               "guess")))
    beds.keep_without_bed(desk, visit, Override("On the sofa", own_override(desk, OverrideAction.NO_BED)))
    row = desk.store.raw_connection_sql(f"SELECT no_bed_reason FROM visit WHERE id = '{visit}'")[0]
    assert row == ("On the sofa",)
