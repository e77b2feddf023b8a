"""Keeping people apart (issue 13, item 2): a victim and a perpetrator of domestic abuse, or people
under bail conditions, may both use the hub. A shift lead links the two (the reason is theirs to
read); the desk warns at sign-in when the other is in, and when a bed is given while the other holds
one tonight, in both directions and across merges. Desk staff see the other's name, never the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Visit
from safespace_desk.db.models_hub_day import KeepApart
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.frontdesk_common import held_beds, moment, open_visit_for
from safespace_desk.services.guests import GUEST, identity_ids, resolve_live

KEEP_APART = "keep_apart"


@dataclass(frozen=True)
class ApartLink:
    """A link as a shift lead sees it (with its reason)."""

    id: str
    other_id: str
    other_name: str
    reason: str
    since: datetime


@dataclass(frozen=True)
class ApartOther:
    """Someone this guest is to be kept apart from, as the desk sees them (no reason)."""

    guest_id: str
    name: str
    in_now: bool
    bed: str | None  # the bed they hold tonight, if any


def link(desk: DeskContext, guest_id: str, other_id: str, reason: str) -> tuple[str, Changes]:
    """Keep two guests apart (shift leads and managers). The reason is sealed for sync and shown to
    leads only."""
    desk.require(Permission.OVERRIDE, "keep two guests apart")
    reason = clean_text(reason, field="reason", label="Reason", max_len=SHORT_TEXT_MAX, required=True)
    with desk.unit_of_work() as uow:
        a, b = resolve_live(uow.session, guest_id), resolve_live(uow.session, other_id)
        if a.id == b.id:
            raise ValidationError("Choose another guest: a person cannot be kept apart from themself.",
                                  field="other")
        if _active_between(uow.session, a.id, b.id) is not None:
            raise RuleViolation(f"{a.preferred_name} and {b.preferred_name} are already kept apart.")
        link_id = new_id()
        uow.session.add(KeepApart(id=link_id, guest_a=a.id, guest_b=b.id, reason=reason, created_at=uow.now,
                                  created_by=uow.staff_id))
        uow.audit("keep_apart_linked", KEEP_APART, link_id)
        uow.outbox("apart.link", link_id=link_id, guest_a=a.id, guest_b=b.id, reason=reason, at=uow.now)
        uow.changed(KEEP_APART, link_id)
        uow.changed(GUEST, a.id)
        uow.changed(GUEST, b.id)
    return link_id, uow.changes


def end_link(desk: DeskContext, link_id: str) -> Changes:
    """The link is no longer needed (bail ended, the risk is over); it stays in the history."""
    desk.require(Permission.OVERRIDE, "end a keep-apart link")
    with desk.unit_of_work() as uow:
        row = uow.session.get(KeepApart, link_id)
        if row is None or row.ended_at is not None:
            raise NotFound("That keep-apart link is not in force.")
        row.ended_at = uow.now
        row.ended_by = uow.staff_id
        uow.audit("keep_apart_ended", KEEP_APART, link_id)
        uow.outbox("apart.end", link_id=link_id, at=uow.now)
        uow.changed(KEEP_APART, link_id)
        uow.changed(GUEST, row.guest_a)
        uow.changed(GUEST, row.guest_b)
    return uow.changes


def links_of(desk: DeskContext, guest_id: str) -> list[ApartLink]:
    """The links in force for a guest, with their reasons (shift leads and managers; audited)."""
    desk.require(Permission.OVERRIDE, "read why guests are kept apart")
    with desk.store.read() as session:
        ids = identity_ids(session, resolve_live(session, guest_id).id)
        out = []
        for row in _active_rows(session, ids):
            other = row.guest_b if row.guest_a in ids else row.guest_a
            live = resolve_live(session, other)
            out.append(ApartLink(row.id, live.id, live.preferred_name, row.reason, row.created_at))
    desk.record("viewed", KEEP_APART, guest_id, detail=f"links={len(out)}")
    return out


def kept_apart_from(desk: DeskContext, guest_id: str) -> list[ApartOther]:
    """Who this guest is kept apart from, whether they are in now and their bed tonight (any front-desk
    role: names only, never the reason)."""
    desk.require(Permission.FRONT_DESK, "see who a guest is kept apart from")
    m = moment(desk)
    night_of = m.bed_window.night_of if m.bed_window else None
    with desk.store.read() as session:
        return others_of(session, guest_id, night_of)


def others_of(session: Session, guest_id: str, night_of: str | None, *,
              ids: list[str] | None = None) -> list[ApartOther]:
    """Internal (sign-in's own unit of work uses it): the other side of each link in force.

    ``ids``: the guest's identity ids when the caller has them already (a sign-in has): they are
    not read twice. Tonight's beds are read only for a guest with links (most have none)."""
    if ids is None:
        ids = identity_ids(session, resolve_live(session, guest_id).id)
    others: dict[str, ApartOther] = {}
    rows = _active_rows(session, ids)
    beds = held_beds(session, night_of) if night_of and rows else {}
    for row in rows:
        live = resolve_live(session, row.guest_b if row.guest_a in ids else row.guest_a)
        if live.id in others or live.id in ids:
            continue
        their_ids = identity_ids(session, live.id)
        visit = open_visit_for(session, their_ids)
        bed = next((label for label, a in beds.items() if a.guest_id in their_ids), None)
        others[live.id] = ApartOther(live.id, live.preferred_name, visit is not None, bed)
    return list(others.values())


def sign_in_warning(others: list[ApartOther]) -> str | None:
    """What the desk says at sign-in: the others who are in now (and their bed tonight)."""
    present = [o for o in others if o.in_now]
    if not present:
        return None
    names = ", ".join(o.name + (f" ({o.bed})" if o.bed else "") for o in present)
    return f"Keep apart: {names} {'is' if len(present) == 1 else 'are'} in now. A shift lead knows why."


def bed_warning(desk: DeskContext, visit_id: str, bed_label: str | None = None) -> str | None:
    """Before (or after) giving a bed: the others this guest is kept apart from who hold a bed tonight."""
    desk.require(Permission.FRONT_DESK, "give beds")
    m = moment(desk)
    night_of = m.bed_window.night_of if m.bed_window else None
    with desk.store.read() as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound("That visit does not exist.")
        others = [o for o in others_of(session, visit.guest_id, night_of) if o.bed or o.in_now]
    if not others:
        return None
    parts = [f"{o.name} ({o.bed})" if o.bed else f"{o.name} (in, no bed yet)" for o in others]
    where = f" before giving {bed_label}" if bed_label else ""
    return f"Keep apart{where}: {', '.join(parts)}. Choose a bed away from them."


def _active_rows(session: Session, ids: list[str]) -> list[KeepApart]:
    return list(session.scalars(select(KeepApart).where(
        KeepApart.ended_at.is_(None), or_(KeepApart.guest_a.in_(ids), KeepApart.guest_b.in_(ids)))
        .order_by(KeepApart.created_at)))


def _active_between(session: Session, a: str, b: str) -> KeepApart | None:
    ids_a, ids_b = identity_ids(session, a), identity_ids(session, b)
    return session.scalars(select(KeepApart).where(KeepApart.ended_at.is_(None), or_(
        (KeepApart.guest_a.in_(ids_a)) & (KeepApart.guest_b.in_(ids_b)),
        (KeepApart.guest_a.in_(ids_b)) & (KeepApart.guest_b.in_(ids_a))))).first()


__all__ = ["ApartLink", "ApartOther", "bed_warning", "end_link", "kept_apart_from",
           "link", "links_of", "others_of", "sign_in_warning"]
