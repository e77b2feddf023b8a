"""Enquiries about a person (issue 13, item 1) and each guest's sharing choices per agency.

Every enquiry is logged: who asked (agency, name, badge or reference), about whom, why, the legal basis
claimed and what was said. The default answer needs nobody's approval; anything beyond it needs a legal
basis and a shift lead's approval on this desk (the override mechanism: a caller cannot assert one), or
nothing is recorded as disclosed. A guest's sharing choices ("yes, tell probation I've been in") also
decide what an agency may be told about its messages (services/messages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Agency, Guest
from safespace_desk.db.models_hub_day import Enquiry, SharingChoice
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.enquiries import DEFAULT_ANSWER, EnquiryAnswer, LegalBasis
from safespace_desk.domain.errors import RuleViolation, ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import LONG_TEXT_MAX, NAME_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST, identity_ids, resolve_live
from safespace_desk.services.overrides import Override, OverrideAction, override_detail, use_override
from safespace_desk.services.view_audit import record_list_view

ENQUIRY = "enquiry"
SHARING = "sharing_choice"


@dataclass(frozen=True)
class EnquiryView:
    id: str
    at: datetime
    agency: str
    asker: str
    reference: str | None
    guest_id: str | None
    about: str
    purpose: str
    legal_basis: LegalBasis
    answer: EnquiryAnswer
    said: str
    approved_by_name: str | None


@dataclass(frozen=True)
class SharingView:
    agency_id: str
    agency: str
    share: bool
    recorded_at: datetime


def log_enquiry(desk: DeskContext, *, agency_id: str, asker: str, purpose: str,
                guest_id: str | None = None, about_name: str | None = None, reference: str | None = None,
                legal_basis: LegalBasis | str = LegalBasis.NONE, answer: EnquiryAnswer | str = EnquiryAnswer.DEFAULT,
                said: str | None = None, override: Override | None = None,
                at: datetime | None = None) -> tuple[str, Changes]:
    """Log an enquiry. ``answer`` DISCLOSED needs a legal basis and a lead's ``override`` for
    OverrideAction.DISCLOSE; without them nothing is recorded and the call says why."""
    desk.require(Permission.FRONT_DESK, "log enquiries about a person")
    asker = clean_text(asker, field="asker", label="Who asked", max_len=SHORT_TEXT_MAX, required=True)
    reference = clean_text(reference, field="reference", label="Badge or reference", max_len=SHORT_TEXT_MAX) or None
    about_name = clean_text(about_name, field="about_name", label="About whom", max_len=NAME_MAX) or None
    purpose = clean_text(purpose, field="purpose", label="Why they asked", max_len=LONG_TEXT_MAX, required=True,
                         multiline=True)
    try:
        basis = LegalBasis(legal_basis)
    except ValueError:
        raise ValidationError("Choose the legal basis they claimed (or none).", field="legal_basis") from None
    try:
        reply = EnquiryAnswer(answer)
    except ValueError:
        raise ValidationError("Choose what was answered.", field="answer") from None
    said = clean_text(said, field="said", label="What was said", max_len=LONG_TEXT_MAX, multiline=True)
    if reply is EnquiryAnswer.DEFAULT:
        said = said or DEFAULT_ANSWER
    else:
        if basis is LegalBasis.NONE:
            raise ValidationError("Anything beyond the default answer needs a legal basis.", field="legal_basis")
        if not said:
            raise ValidationError("Write what was said beyond the default answer.", field="said")
        if override is None:
            raise RuleViolation("A shift lead must approve telling them more than the default answer.")
    if guest_id is None and about_name is None:
        raise ValidationError("Choose the guest, or write the name they asked about.", field="about_name")
    now = desk.clock.now()
    when = require_aware(at, "The time of the enquiry", field="at") if at is not None else now
    if when > now:
        raise ValidationError("The time of an enquiry cannot be in the future.", field="at")
    enquiry_id = new_id()
    with use_override(desk, override if reply is EnquiryAnswer.DISCLOSED else None,
                      OverrideAction.DISCLOSE) as lead, desk.unit_of_work() as uow:
        agency = uow.session.get(Agency, agency_id)
        if agency is None:
            raise ValidationError("Choose the agency from the list.", field="agency")
        guest = resolve_live(uow.session, guest_id) if guest_id else None
        uow.session.add(Enquiry(
            id=enquiry_id, at=when, agency_id=agency.id, asker=asker, reference=reference,
            guest_id=guest.id if guest else None, about_name=about_name or (guest.preferred_name if guest else ""),
            purpose=purpose, legal_basis=basis.value, answer=reply.value, said=said,
            approved_by=lead.staff_id if lead else None, created_by=uow.staff_id))
        detail = f"basis={basis.value};answer={reply.value}"
        if lead is not None and override is not None:
            detail += ";" + override_detail(lead, override)
        uow.audit("enquiry_logged", ENQUIRY, enquiry_id, detail=detail)
        uow.outbox("enquiry.log", enquiry_id=enquiry_id, at=when, agency_id=agency.id, asker=asker,
                   reference=reference, guest_id=guest.id if guest else None, about_name=about_name,
                   purpose=purpose, legal_basis=basis.value, answer=reply.value, said=said,
                   approved_by=lead.staff_id if lead else None)
        uow.changed(ENQUIRY, enquiry_id)
    return enquiry_id, uow.changes


def enquiries(desk: DeskContext, start: datetime, end: datetime) -> list[EnquiryView]:
    """The enquiry log between two times, newest first (shift leads and managers; audited)."""
    desk.require(Permission.OVERRIDE, "read the enquiry log")
    require_aware(start, "The start", field="start")
    require_aware(end, "The end", field="end")
    with desk.store.read() as session:
        agencies = {a.id: a.name for a in session.scalars(select(Agency))}
        names = {g_id: name for g_id, name in session.execute(
            select(Guest.id, Guest.preferred_name).join(Enquiry, Enquiry.guest_id == Guest.id)
            .where(Enquiry.at >= start, Enquiry.at < end))}
        from safespace_desk.db.models import Staff

        staff = {s.id: s.name for s in session.scalars(select(Staff))}
        rows = session.scalars(select(Enquiry).where(Enquiry.at >= start, Enquiry.at < end)
                               .order_by(Enquiry.at.desc())).all()
        out = [EnquiryView(e.id, e.at, agencies.get(e.agency_id, "Unknown"), e.asker, e.reference, e.guest_id,
                           names.get(e.guest_id or "", e.about_name), e.purpose, LegalBasis(e.legal_basis),
                           EnquiryAnswer(e.answer), e.said, staff.get(e.approved_by or ""))
               for e in rows]
    record_list_view(desk, "enquiries", len(out))
    return out


def set_sharing(desk: DeskContext, guest_id: str, agency_id: str, share: bool) -> Changes:
    """Record the guest's own choice about an agency (the latest choice counts; history is kept)."""
    desk.require(Permission.FRONT_DESK, "record a guest's sharing choices")
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id)
        if uow.session.get(Agency, agency_id) is None:
            raise ValidationError("Choose the agency from the list.", field="agency")
        choice_id = new_id()
        uow.session.add(SharingChoice(id=choice_id, guest_id=guest.id, agency_id=agency_id, share=bool(share),
                                      recorded_at=uow.now, recorded_by=uow.staff_id))
        uow.audit("sharing_choice", GUEST, guest.id, detail=f"agency={agency_id};share={'yes' if share else 'no'}")
        uow.outbox("sharing.set", choice_id=choice_id, guest_id=guest.id, agency_id=agency_id, share=bool(share))
        uow.changed(SHARING, choice_id)
        uow.changed(GUEST, guest.id)
    return uow.changes


def sharing_choices(desk: DeskContext, guest_id: str) -> list[SharingView]:
    """The guest's current choice per agency (only agencies they have chosen about)."""
    desk.require(Permission.READ_GUEST_RECORD, "see a guest's sharing choices")
    with desk.store.read() as session:
        ids = identity_ids(session, resolve_live(session, guest_id).id)
        agencies = {a.id: a.name for a in session.scalars(select(Agency))}
        latest: dict[str, SharingChoice] = {}
        for row in session.scalars(select(SharingChoice).where(SharingChoice.guest_id.in_(ids))
                                   .order_by(SharingChoice.recorded_at)):
            latest[row.agency_id] = row
    return sorted((SharingView(a, agencies.get(a, "Unknown"), r.share, r.recorded_at) for a, r in latest.items()),
                  key=lambda v: v.agency.lower())


def shares_with(session: Session, guest_id: str, agency_id: str) -> bool | None:
    """Internal: the guest's latest choice about this agency (None: never asked)."""
    ids = identity_ids(session, resolve_live(session, guest_id).id)
    row = session.scalars(select(SharingChoice).where(SharingChoice.guest_id.in_(ids),
                                                      SharingChoice.agency_id == agency_id)
                          .order_by(SharingChoice.recorded_at.desc())).first()
    return None if row is None else bool(row.share)
