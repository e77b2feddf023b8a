"""Short exclusions: issued in hours by a lead, shown with time left, ending by themselves."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from safespace_desk.db.models import Exclusion, Guest
from safespace_desk.domain.errors import NotFound, RuleViolation
from safespace_desk.domain.exclusions import ExclusionView, check_hours, ends_at
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.frontdesk_common import (
    BED,
    EXCLUSION,
    VISIT,
    exclusion_view,
    open_visit_for,
    release_beds_of_visit,
)
from safespace_desk.services.guests import GUEST, identity_ids, resolve_live
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view


@dataclass(frozen=True)
class ActiveExclusion:
    exclusion: ExclusionView
    guest_name: str


def issue_exclusion(desk: DeskContext, guest_id: str, reason: str, hours: int | None = None, *,
                    sign_out: bool = True) -> tuple[ExclusionView, Changes]:
    """A lead excludes a guest for ``hours`` (site default if None). If they are in, they are
    signed out in the same step (departed to "Excluded")."""
    desk.require(Permission.OVERRIDE, "issue exclusions")
    reason = clean_text(reason, field="reason", label="Reason", max_len=SHORT_TEXT_MAX, required=True)
    hours = check_hours(hours if hours is not None else get_site(desk).settings.default_exclusion_hours)
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id)
        row = Exclusion(id=new_id(), guest_id=guest.id, starts_at=uow.now, ends_at=ends_at(uow.now, hours),
                        reason=reason, issued_by=uow.staff_id)
        uow.session.add(row)
        uow.audit("exclusion_issued", EXCLUSION, row.id, detail=f"guest={guest.id};hours={hours}")
        uow.outbox("exclusion.issue", exclusion_id=row.id, guest_id=guest.id, starts_at=row.starts_at,
                   ends_at=row.ends_at, reason=reason)
        visit = open_visit_for(uow.session, identity_ids(uow.session, guest.id)) if sign_out else None
        if visit is not None:
            visit.signed_out_at = uow.now
            visit.staff_out = uow.staff_id
            visit.departed_to = "Excluded"
            for label in release_beds_of_visit(uow.session, visit.id, uow.now):
                uow.changed(BED, label)
            uow.audit("signed_out", VISIT, visit.id, detail="excluded")
            uow.outbox("visit.sign_out", visit_id=visit.id, at=uow.now, departed_to="Excluded")
            uow.changed(VISIT, visit.id)
        uow.changed(EXCLUSION, row.id)
        uow.changed(GUEST, guest.id)
        view = exclusion_view(row)
    return view, uow.changes


def lift_exclusion(desk: DeskContext, exclusion_id: str, reason: str) -> Changes:
    """A lead ends an exclusion early, with a reason. The exclusion stays in the history."""
    desk.require(Permission.OVERRIDE, "lift exclusions")
    reason = clean_text(reason, field="lift_reason", label="Reason for lifting", max_len=SHORT_TEXT_MAX,
                        required=True)
    with desk.unit_of_work() as uow:
        row = uow.session.get(Exclusion, exclusion_id)
        if row is None:
            raise NotFound("That exclusion does not exist.")
        if row.lifted_at is not None:
            raise RuleViolation("That exclusion was already lifted.")
        if row.ends_at <= uow.now:
            raise RuleViolation("That exclusion has already ended.")
        row.lifted_at = uow.now
        row.lifted_by = uow.staff_id
        row.lift_reason = reason
        uow.audit("exclusion_lifted", EXCLUSION, row.id, detail=f"guest={row.guest_id}")
        uow.outbox("exclusion.lift", exclusion_id=row.id, at=uow.now, reason=reason)
        uow.changed(EXCLUSION, row.id)
        uow.changed(GUEST, row.guest_id)
    return uow.changes


def active_exclusions(desk: DeskContext) -> list[ActiveExclusion]:
    """Exclusions in force now, ending soonest first (a list of guests: audited)."""
    desk.require(Permission.READ_GUEST_RECORD, "see who is excluded")
    out = in_force(desk)
    record_list_view(desk, "active_exclusions", len(out))
    return out


def in_force(desk: DeskContext) -> list[ActiveExclusion]:
    """Internal: the exclusions in force, for services whose own action is audited (the handover)."""
    now = desk.clock.now()
    with desk.store.read() as session:
        rows = session.execute(
            select(Exclusion, Guest.preferred_name, Guest.merged_into).join(Guest, Guest.id == Exclusion.guest_id)
            .where(Exclusion.lifted_at.is_(None), Exclusion.starts_at <= now, Exclusion.ends_at > now)
            .order_by(Exclusion.ends_at)).all()
        out = []
        for row, name, merged_into in rows:
            view = exclusion_view(row)
            if merged_into:  # issued on a record since merged: show the guest it belongs to now
                live = resolve_live(session, row.guest_id)
                view, name = replace(view, guest_id=live.id), live.preferred_name
            out.append(ActiveExclusion(view, name))
        return out


def exclusion_history(desk: DeskContext, guest_id: str) -> list[ExclusionView]:
    """A guest's exclusions with their reasons (not for the paramedic), newest first; audited."""
    desk.require(Permission.READ_GUEST_RECORD, "see a guest's exclusions")
    with desk.store.read() as session:
        ids = identity_ids(session, guest_id)
        rows = session.scalars(select(Exclusion).where(Exclusion.guest_id.in_(ids))
                               .order_by(Exclusion.starts_at.desc()))
        views = [exclusion_view(r) for r in rows]
    record_list_view(desk, "exclusion_history", len(views), about=guest_id)
    return views
