"""Practical support (food and clothing packs, gas and electric top-ups, bedding, ...) and onward
referrals (counselling, Citizens Advice, housing, ...) followed through offered, accepted, seen.

PFG Doncaster's counselling is offered "within 2 working days" of the referral; the time from
referral to offer is counted in working days (domain/working_days.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from safespace_desk.db.models_casework import OnwardReferral, SupportGiven
from safespace_desk.domain.casework import (
    ONWARD_ORDER,
    OnwardKind,
    OnwardStatus,
    SupportKind,
    parse_amount,
)
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.domain.working_days import working_days_between
from safespace_desk.ids import new_id
from safespace_desk.services.casework_common import (
    ONWARD,
    SUPPORT,
    check_may_write_about,
    live_person,
    require_casework,
    staff_names,
)
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST, identity_ids
from safespace_desk.services.site import get_site


@dataclass(frozen=True)
class SupportView:
    id: str
    at: datetime
    kind: SupportKind
    amount_pence: int | None
    note: str | None
    staff_name: str | None


@dataclass(frozen=True)
class OnwardView:
    id: str
    kind: OnwardKind
    organisation: str | None
    referred_at: datetime
    offered_at: datetime | None
    accepted_at: datetime | None
    seen_at: datetime | None
    declined_at: datetime | None
    working_days_to_offer: int | None

    @property
    def status(self) -> OnwardStatus:
        if self.declined_at:
            return OnwardStatus.DECLINED
        for status, at in ((OnwardStatus.SEEN, self.seen_at), (OnwardStatus.ACCEPTED, self.accepted_at),
                           (OnwardStatus.OFFERED, self.offered_at)):
            if at is not None:
                return status
        return OnwardStatus.REFERRED


def give_support(desk: DeskContext, guest_id: str, kind: SupportKind | str, *, amount: str | int | None = None,
                 note: str | None = None, at: datetime | None = None,
                 contact_id: str | None = None) -> tuple[str, Changes]:
    """Log practical support in a key or two; an amount where there is one (a £10 electric top-up)."""
    actor = require_casework(desk, "log practical support")
    support_kind = SupportKind.parse(kind, field="kind")
    pence = parse_amount(amount)
    text = clean_text(note, field="note", label="Note", max_len=SHORT_TEXT_MAX) or None
    when = _when(desk, at)
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "log support for them")
        row = SupportGiven(id=new_id(), guest_id=guest.id, at=when, kind=support_kind.value, amount_pence=pence,
                           note=text, contact_id=contact_id, staff_id=uow.staff_id)
        uow.session.add(row)
        uow.audit("support_given", SUPPORT, row.id, detail=f"kind={row.kind}")
        uow.outbox("support.give", support_id=row.id, guest_id=guest.id, at=when, kind=row.kind,
                   amount_pence=pence, note=text, contact_id=contact_id)
        uow.changed(SUPPORT, row.id)
        uow.changed(GUEST, guest.id)
    return row.id, uow.changes


def void_support(desk: DeskContext, support_id: str) -> Changes:
    require_casework(desk, "correct practical support")
    with desk.unit_of_work() as uow:
        row = uow.session.get(SupportGiven, support_id)
        if row is None or row.voided_at is not None:
            raise NotFound("That entry does not exist or was already taken out.")
        row.voided_at = uow.now
        row.voided_by = uow.staff_id
        uow.audit("support_voided", SUPPORT, row.id)
        uow.outbox("support.void", support_id=row.id, at=uow.now)
        uow.changed(SUPPORT, row.id)
        uow.changed(GUEST, row.guest_id)
    return uow.changes


def refer_onward(desk: DeskContext, guest_id: str, kind: OnwardKind | str, *, organisation: str | None = None,
                 note: str | None = None, at: datetime | None = None) -> tuple[str, Changes]:
    actor = require_casework(desk, "make onward referrals")
    onward_kind = OnwardKind.parse(kind, field="kind")
    org = clean_text(organisation, field="organisation", label="Organisation", max_len=SHORT_TEXT_MAX) or None
    text = clean_text(note, field="note", label="Note", max_len=SHORT_TEXT_MAX) or None
    when = _when(desk, at)
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "refer them on")
        row = OnwardReferral(id=new_id(), guest_id=guest.id, kind=onward_kind.value, organisation=org, note=text,
                             referred_at=when, staff_id=uow.staff_id)
        uow.session.add(row)
        uow.audit("onward_referred", ONWARD, row.id, detail=f"kind={row.kind}")
        uow.outbox("onward.refer", onward_id=row.id, guest_id=guest.id, at=when, kind=row.kind,
                   organisation=org, note=text)
        uow.changed(ONWARD, row.id)
        uow.changed(GUEST, guest.id)
    return row.id, uow.changes


def record_onward(desk: DeskContext, onward_id: str, status: OnwardStatus | str,
                  at: datetime | None = None) -> Changes:
    """Offered, accepted, seen (each once, never before the step it follows), or declined."""
    require_casework(desk, "update onward referrals")
    step = OnwardStatus.parse(status, field="status")
    if step is OnwardStatus.REFERRED:
        raise ValidationError("Choose offered, accepted, seen or declined.", field="status")
    when = _when(desk, at)
    with desk.unit_of_work() as uow:
        row = uow.session.get(OnwardReferral, onward_id)
        if row is None or row.voided_at is not None:
            raise NotFound("That onward referral does not exist.")
        if row.declined_at is not None:
            raise RuleViolation("This referral was declined; make a new one if they want it now.")
        column = f"{step.value}_at"
        if getattr(row, column) is not None:
            raise RuleViolation(f"This referral is already marked {step.label.lower()}.")
        earlier = [row.referred_at]
        if step in ONWARD_ORDER:  # seen is never before offered or accepted; declined may come at any time
            earlier += [getattr(row, f"{s.value}_at") for s in ONWARD_ORDER[1:ONWARD_ORDER.index(step)]]
        if any(t is not None and when < t for t in earlier):
            raise ValidationError("That is before an earlier step of this referral.", field="at")
        setattr(row, column, when)
        uow.audit(f"onward_{step.value}", ONWARD, row.id)
        uow.outbox("onward.update", onward_id=row.id, status=step.value, at=when)
        uow.changed(ONWARD, row.id)
        uow.changed(GUEST, row.guest_id)
    return uow.changes


def support_of(desk: DeskContext, guest_id: str, limit: int = 100) -> tuple[list[SupportView], list[OnwardView]]:
    """A person's practical support and onward referrals, newest first."""
    require_casework(desk, "see practical support")
    zone = get_site(desk).zone
    with desk.store.read() as session:
        ids = identity_ids(session, live_person(session, guest_id).id)
        names = staff_names(session)
        support = [SupportView(r.id, r.at, SupportKind(r.kind), r.amount_pence, r.note,
                               names.get(r.staff_id) if r.staff_id else None)
                   for r in session.scalars(select(SupportGiven).where(SupportGiven.guest_id.in_(ids),
                                                                       SupportGiven.voided_at.is_(None))
                                            .order_by(SupportGiven.at.desc()).limit(limit))]
        onward = [onward_view(r, zone) for r in session.scalars(
            select(OnwardReferral).where(OnwardReferral.guest_id.in_(ids), OnwardReferral.voided_at.is_(None))
            .order_by(OnwardReferral.referred_at.desc()).limit(limit))]
    return support, onward


def onward_view(row: OnwardReferral, zone: ZoneInfo) -> OnwardView:
    days = working_days_between(row.referred_at.astimezone(zone).date(), row.offered_at.astimezone(zone).date()) \
        if row.offered_at else None
    return OnwardView(row.id, OnwardKind(row.kind), row.organisation, row.referred_at, row.offered_at,
                      row.accepted_at, row.seen_at, row.declined_at, days)


def _when(desk: DeskContext, at: datetime | None) -> datetime:
    now = desk.clock.now()
    if at is not None and at > now:
        raise ValidationError("That time is in the future.", field="at")
    return at or now
