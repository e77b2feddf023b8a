"""Issue 13 item 1: enquiries about a person. The default answer needs nobody; anything more needs a legal
basis and a shift lead's approval proven on this desk, or nothing is recorded as disclosed. Sharing
choices decide what an agency's message outcome may say. Counted in the figures, never their content."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.enquiries import DEFAULT_ANSWER, EnquiryAnswer, LegalBasis
from safespace_desk.domain.errors import PermissionDenied, RuleViolation, ValidationError
from safespace_desk.reports.export import figures_to_csv
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import enquiries, messages
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import Override, OverrideAction, authorise_override, own_override
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.services.frontdesk_helpers import LONDON, add, at_local, desk_as


def agency(desk: DeskContext, name: str) -> str:
    return next(a.id for a in messages.list_agencies(desk) if a.name == name)


def count(desk: DeskContext, where: str = "1") -> int:
    return desk.store.raw_connection_sql(f"SELECT count(*) FROM enquiry WHERE {where}")[0][0]


def test_the_default_answer_is_logged_without_approval(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        kez = add(desk, "Kez")
        enquiries.log_enquiry(front, agency_id=agency(desk, "Police"), asker="PC Jones", reference="4521",
                              guest_id=kez, purpose="Checking whereabouts", legal_basis="crime")
        [row] = desk.store.raw_connection_sql("SELECT answer, said, approved_by, legal_basis FROM enquiry")
        assert row == ("default", DEFAULT_ANSWER, None, "crime")
    finally:
        front.close()


def test_an_enquiry_without_approval_never_records_a_disclosure(desk: DeskContext, data_dir: Path,
                                                               clock: FixedClock) -> None:
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        base = {"agency_id": agency(desk, "Police"), "asker": "PC Jones", "about_name": "Kez",
                "purpose": "Tell us when he shows up", "legal_basis": "crime", "answer": "disclosed",
                "said": "He was in last night"}
        with pytest.raises(RuleViolation, match="shift lead must approve"):
            enquiries.log_enquiry(front, **base)  # type: ignore[arg-type]
        # A made-up grant is refused as well: a caller cannot assert an approval.
        from safespace_desk.services.overrides import OverrideGrant

        forged = Override("PC asked", OverrideGrant("x", "Lee Lead", OverrideAction.DISCLOSE, "secret"))
        with pytest.raises(PermissionDenied):
            enquiries.log_enquiry(front, override=forged, **base)  # type: ignore[arg-type]
        # An approval given for something else does not count.
        staff_id = desk.require_actor().staff_id
        sign_in_grant = authorise_override(front, MANAGER_NAME, MANAGER_PASSWORD, OverrideAction.SIGN_IN)
        with pytest.raises(PermissionDenied, match="not to tell"):
            enquiries.log_enquiry(front, override=Override("asked", sign_in_grant), **base)  # type: ignore[arg-type]
        with pytest.raises(ValidationError) as err:
            enquiries.log_enquiry(front, **(base | {"legal_basis": "none"}))  # type: ignore[arg-type]
        assert err.value.field == "legal_basis"
        assert count(desk) == 0
        # With the lead's approval proven on this desk, it is recorded with who approved.
        grant = authorise_override(front, MANAGER_NAME, MANAGER_PASSWORD, OverrideAction.DISCLOSE)
        enquiry_id, _ = enquiries.log_enquiry(front, override=Override("Warrant shown", grant), **base)  # type: ignore[arg-type]
        assert count(desk, f"approved_by = '{staff_id}' AND answer = 'disclosed'") == 1
        detail = desk.store.raw_connection_sql(
            f"SELECT detail FROM audit_log WHERE action = 'enquiry_logged' AND entity_id = '{enquiry_id}'")[0][0]
        assert f"override_by={staff_id}" in detail and "Warrant" not in detail
    finally:
        front.close()


def test_the_store_itself_refuses_a_disclosure_without_an_approver(desk: DeskContext) -> None:
    import sqlite3

    enquiries.log_enquiry(desk, agency_id=agency(desk, "Police"), asker="PC", about_name="Kez", purpose="x")
    with pytest.raises(Exception) as err:  # noqa: PT011 (the driver's own IntegrityError)
        desk.store.raw_connection_sql("UPDATE enquiry SET answer = 'disclosed'")
    assert "enquiry_disclosure_approved" in str(err.value) or isinstance(err.value, sqlite3.IntegrityError)


def test_the_log_is_for_leads_and_the_figures_count_without_content(desk: DeskContext, data_dir: Path,
                                                                     clock: FixedClock) -> None:
    at_local(clock, 2026, 10, 6, 11, 0)
    police, probation = agency(desk, "Police"), agency(desk, "Probation")
    enquiries.log_enquiry(desk, agency_id=police, asker="PC Jones", about_name="Kez", purpose="Whereabouts",
                          legal_basis="crime")
    grant = own_override(desk, OverrideAction.DISCLOSE)
    enquiries.log_enquiry(desk, agency_id=probation, asker="Officer Patel", about_name="Jo", purpose="Licence check",
                          legal_basis="consent", answer="disclosed", said="Jo was in on Monday",
                          override=Override("Jo agreed to share with probation", grant))
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        with pytest.raises(PermissionDenied):
            enquiries.enquiries(front, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    finally:
        front.close()
    rows = enquiries.enquiries(desk, clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    assert [(r.agency, r.answer, r.legal_basis) for r in rows] == [
        ("Probation", EnquiryAnswer.DISCLOSED, LegalBasis.CONSENT), ("Police", EnquiryAnswer.DEFAULT, LegalBasis.CRIME)]
    figures = compute_figures(desk, month_range(2026, 10, LONDON))
    assert figures.hub_day is not None
    assert figures.hub_day.enquiries_by_basis["crime"] == 1 and figures.hub_day.enquiries_beyond_default == 1
    csv = figures_to_csv(figures)
    assert "enquiries_by_basis,consent,1" in csv and "Kez" not in csv and "Whereabouts" not in csv


def test_sharing_choices_decide_what_an_agency_is_told(desk: DeskContext) -> None:
    kez = add(desk, "Kez")
    probation, gp = agency(desk, "Probation"), agency(desk, "GP")
    to_probation, _ = messages.post_message(desk, guest_id=kez, agency_id=probation, body="Ring your officer")
    to_gp, _ = messages.post_message(desk, guest_id=kez, agency_id=gp, body="Prescription ready")
    messages.deliver(desk, to_probation)
    messages.deliver(desk, to_gp)
    assert "delivered" in messages.describe_outcome(desk, to_probation)  # no choice recorded: as before
    enquiries.set_sharing(desk, kez, probation, False)
    line = messages.describe_outcome(desk, to_probation)
    assert "delivered" not in line and "Kez" not in line and "not agreed" in line
    assert "delivered" in messages.describe_outcome(desk, to_gp)
    enquiries.set_sharing(desk, kez, probation, True)  # "yes, tell probation I've been in"
    assert "delivered" in messages.describe_outcome(desk, to_probation)
    assert [(c.agency, c.share) for c in enquiries.sharing_choices(desk, kez)] == [("Probation", True)]
