"""The diary of contacts: calls in and out, visits in person and virtual, per person, with their
duration and outcome; and the follow-ups they leave ("call back Tuesday after 6pm"), shown on the
desk when they fall due and carried in handovers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Staff
from safespace_desk.db.models_casework import CircleMember, Contact, FollowUp
from safespace_desk.domain.casework import CircleRole, ContactKind, ContactOutcome, check_minutes
from safespace_desk.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.roles import Permission, can
from safespace_desk.domain.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.casework_common import (
    CONTACT,
    FOLLOW_UP,
    RESTRICTED_NOTE,
    check_may_write_about,
    live_person,
    may_read_notes,
    require_casework,
    staff_names,
)
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.guests import GUEST, identity_ids
from safespace_desk.services.referrals import open_episode_id
from safespace_desk.services.view_audit import record_list_view

MAX_FOLLOW_UP_DAYS = 92


@dataclass(frozen=True)
class ContactLogged:
    contact_id: str
    follow_up_id: str | None
    changes: Changes


@dataclass(frozen=True)
class ContactView:
    id: str
    guest_id: str
    guest_name: str
    at: datetime
    kind: ContactKind
    minutes: int | None
    outcome: ContactOutcome | None
    notes: str | None  # None when the reader may not see it
    with_name: str | None  # a carer's name when the contact was with them
    staff_name: str | None
    voided: bool


@dataclass(frozen=True)
class FollowUpView:
    id: str
    guest_id: str
    guest_name: str
    due_at: datetime
    text: str
    assigned_to_name: str | None
    created_by_name: str | None

    def overdue(self, now: datetime) -> bool:
        return self.due_at <= now


def log_contact(desk: DeskContext, guest_id: str, kind: ContactKind | str, *, minutes: int | None = None,
                outcome: ContactOutcome | str | None = None, notes: str | None = None,
                at: datetime | None = None, with_circle_id: str | None = None,
                follow_up: str | None = None, follow_up_due: datetime | None = None,
                completes_follow_up: str | None = None) -> ContactLogged:
    """Log a call, visit or virtual visit in a few keys; optionally leave a follow-up for later and
    mark one that this contact answered as done, all in one step."""
    actor = require_casework(desk, "log contacts")
    contact_kind = ContactKind.parse(kind, field="kind")
    result = ContactOutcome.parse(outcome, field="outcome") if outcome else None
    minutes = check_minutes(minutes)
    text = clean_text(notes, field="notes", label="Notes", max_len=LONG_TEXT_MAX, multiline=True) or None
    now = desk.clock.now()
    when = at or now
    if when > now:
        raise ValidationError("A contact cannot be logged in the future.", field="at")
    follow_text = _follow_up_text(follow_up, follow_up_due)
    if follow_up_due is not None:
        _check_due(follow_up_due, now)
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "log a contact with them")
        ids = identity_ids(uow.session, guest.id)
        if with_circle_id is not None:
            _check_circle_contact(uow.session, with_circle_id, ids)
        contact = Contact(id=new_id(), guest_id=guest.id, at=when, kind=ContactKind(contact_kind).value,
                          minutes=minutes, outcome=result.value if result else None, notes=text,
                          with_circle_id=with_circle_id, episode_id=open_episode_id(uow.session, ids),
                          staff_id=uow.staff_id, created_at=now)
        uow.session.add(contact)
        uow.audit("contact_logged", CONTACT, contact.id, detail=f"kind={contact.kind}")
        uow.outbox("contact.log", contact_id=contact.id, guest_id=guest.id, at=when, kind=contact.kind,
                   minutes=minutes, outcome=contact.outcome, notes=text, with_circle_id=with_circle_id,
                   episode_id=contact.episode_id)
        uow.changed(CONTACT, contact.id)
        uow.changed(GUEST, guest.id)
        if completes_follow_up:
            _complete(uow, completes_follow_up, ids, contact.id)
        follow_id = _add_follow_up(uow, guest.id, follow_up_due, follow_text, contact.id) \
            if follow_up_due is not None and follow_text else None
    return ContactLogged(contact.id, follow_id, uow.changes)


def void_contact(desk: DeskContext, contact_id: str) -> Changes:
    """A contact logged by mistake is voided (kept, marked, left out of the figures)."""
    actor = require_casework(desk, "correct the diary")
    with desk.unit_of_work() as uow:
        contact = uow.session.get(Contact, contact_id)
        if contact is None or contact.voided_at is not None:
            raise NotFound("That contact does not exist or was already taken out.")
        if contact.staff_id != actor.staff_id and not can(actor.role, Permission.OVERRIDE):
            raise PermissionDenied("Only the person who logged it, a shift lead or a manager can take it out.")
        contact.voided_at = uow.now
        contact.voided_by = uow.staff_id
        uow.audit("contact_voided", CONTACT, contact.id)
        uow.outbox("contact.void", contact_id=contact.id, at=uow.now)
        uow.changed(CONTACT, contact.id)
        uow.changed(GUEST, contact.guest_id)
    return uow.changes


def contacts_of(desk: DeskContext, guest_id: str, limit: int = 200) -> list[ContactView]:
    """A person's diary, newest first (notes only for readers who may see them). Audited."""
    actor = require_casework(desk, "read the diary")
    with desk.store.read() as session:
        guest = live_person(session, guest_id)
        readable = may_read_notes(session, actor, guest)
        rows = session.scalars(select(Contact).where(Contact.guest_id.in_(identity_ids(session, guest.id)))
                               .order_by(Contact.at.desc()).limit(limit)).all()
        who = (guest.id, guest.preferred_name)
        views = _views(session, rows, lambda _gid: who, lambda _gid: readable)
    record_list_view(desk, "contacts", len(views), about=guest.id)
    return views


def contacts_between(desk: DeskContext, start: datetime, end: datetime) -> list[ContactView]:
    """Everyone's contacts from ``start`` to ``end`` (e.g. today's diary), oldest first. Audited."""
    actor = require_casework(desk, "read the diary")
    with desk.store.read() as session:
        rows = session.scalars(select(Contact).where(Contact.at >= start, Contact.at < end,
                                                     Contact.voided_at.is_(None)).order_by(Contact.at)).all()
        people = {gid: live_person(session, gid) for gid in {r.guest_id for r in rows}}
        readable = {gid: may_read_notes(session, actor, g) for gid, g in people.items()}
        views = _views(session, rows, lambda gid: (people[gid].id, people[gid].preferred_name),
                       readable.__getitem__)
    record_list_view(desk, "contact_diary", len({v.guest_id for v in views}))
    return views


# --- follow-ups -------------------------------------------------------------------------------


def add_follow_up(desk: DeskContext, guest_id: str, due_at: datetime, text: str,
                  assigned_to: str | None = None) -> tuple[str, Changes]:
    actor = require_casework(desk, "leave follow-ups")
    words = _follow_up_text(text, due_at)
    _check_due(due_at, desk.clock.now())
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "leave a follow-up about them")
        if assigned_to is not None:
            staff = uow.session.get(Staff, assigned_to)
            if staff is None or not staff.active:
                raise ValidationError("Choose an active member of staff.", field="assigned_to")
        follow_id = _add_follow_up(uow, guest.id, due_at, words, None, assigned_to)
    return follow_id, uow.changes


def complete_follow_up(desk: DeskContext, follow_up_id: str) -> Changes:
    require_casework(desk, "complete follow-ups")
    with desk.unit_of_work() as uow:
        row = uow.session.get(FollowUp, follow_up_id)
        if row is None:
            raise NotFound("That follow-up does not exist.")
        _complete(uow, follow_up_id, identity_ids(uow.session, row.guest_id), None)
    return uow.changes


def cancel_follow_up(desk: DeskContext, follow_up_id: str) -> Changes:
    require_casework(desk, "cancel follow-ups")
    with desk.unit_of_work() as uow:
        row = _open_follow_up(uow.session, follow_up_id)
        row.cancelled_at = uow.now
        row.cancelled_by = uow.staff_id
        uow.audit("follow_up_cancelled", FOLLOW_UP, row.id)
        uow.outbox("follow_up.cancel", follow_up_id=row.id, at=uow.now)
        uow.changed(FOLLOW_UP, row.id)
        uow.changed(GUEST, row.guest_id)
    return uow.changes


def due_follow_ups(desk: DeskContext, until: datetime | None = None) -> list[FollowUpView]:
    """Open follow-ups due by ``until`` (default: now), the most overdue first."""
    return _follow_ups(desk, until=until or desk.clock.now())


def open_follow_ups(desk: DeskContext, guest_id: str | None = None) -> list[FollowUpView]:
    """Every open follow-up (or one person's), soonest first."""
    return _follow_ups(desk, guest_id=guest_id)


def _follow_ups(desk: DeskContext, *, until: datetime | None = None,
                guest_id: str | None = None) -> list[FollowUpView]:
    actor = require_casework(desk, "see follow-ups")
    q = select(FollowUp).where(FollowUp.done_at.is_(None), FollowUp.cancelled_at.is_(None)).order_by(FollowUp.due_at)
    if until is not None:
        q = q.where(FollowUp.due_at <= until)
    with desk.store.read() as session:
        if guest_id is not None:
            q = q.where(FollowUp.guest_id.in_(identity_ids(session, live_person(session, guest_id).id)))
        rows = session.scalars(q).all()
        names = staff_names(session)
        out = []
        for row in rows:
            person = live_person(session, row.guest_id)
            text = row.text if may_read_notes(session, actor, person) or not person.restricted_staff_id \
                else RESTRICTED_NOTE
            out.append(FollowUpView(row.id, person.id, person.preferred_name, row.due_at, text,
                                    names.get(row.assigned_to) if row.assigned_to else None,
                                    names.get(row.created_by) if row.created_by else None))
        return out


# --- internals --------------------------------------------------------------------------------


def _follow_up_text(text: str | None, due: datetime | None) -> str:
    words = clean_text(text, field="follow_up", label="Follow-up", max_len=SHORT_TEXT_MAX)
    if due is not None and not words:
        raise ValidationError("Say what to follow up, e.g. “call back after 6pm”.", field="follow_up")
    return words


def _check_due(due: datetime, now: datetime) -> None:
    if due.tzinfo is None:
        raise ValidationError("A follow-up needs a time.", field="due")
    if (due - now).days > MAX_FOLLOW_UP_DAYS:
        raise ValidationError(f"A follow-up is due within {MAX_FOLLOW_UP_DAYS} days.", field="due")


def _add_follow_up(uow: UnitOfWork, guest_id: str, due_at: datetime | None, text: str, contact_id: str | None,
                   assigned_to: str | None = None) -> str:
    assert due_at is not None
    row = FollowUp(id=new_id(), guest_id=guest_id, due_at=due_at, text=text, contact_id=contact_id,
                   assigned_to=assigned_to, created_at=uow.now, created_by=uow.staff_id)
    uow.session.add(row)
    uow.audit("follow_up_added", FOLLOW_UP, row.id)
    uow.outbox("follow_up.add", follow_up_id=row.id, guest_id=guest_id, due_at=due_at, text=text,
               contact_id=contact_id, assigned_to=assigned_to)
    uow.changed(FOLLOW_UP, row.id)
    uow.changed(GUEST, guest_id)
    return row.id


def _open_follow_up(session: Session, follow_up_id: str) -> FollowUp:
    row = session.get(FollowUp, follow_up_id)
    if row is None:
        raise NotFound("That follow-up does not exist.")
    if row.done_at is not None or row.cancelled_at is not None:
        raise RuleViolation("That follow-up is already done or cancelled.")
    return row


def _complete(uow: UnitOfWork, follow_up_id: str, ids: list[str], contact_id: str | None) -> None:
    row = _open_follow_up(uow.session, follow_up_id)
    if row.guest_id not in ids:
        raise ValidationError("That follow-up is about someone else.", field="completes_follow_up")
    row.done_at = uow.now
    row.done_by = uow.staff_id
    row.done_contact_id = contact_id
    uow.audit("follow_up_done", FOLLOW_UP, row.id)
    uow.outbox("follow_up.done", follow_up_id=row.id, at=uow.now, contact_id=contact_id)
    uow.changed(FOLLOW_UP, row.id)


def _check_circle_contact(session: Session, member_id: str, ids: list[str]) -> None:
    member = session.get(CircleMember, member_id)
    if member is None or member.guest_id not in ids or member.removed_at is not None:
        raise ValidationError("That person is not among the people around them.", field="with_circle_id")
    if CircleRole(member.role).needs_consent and member.consent_at is None:
        raise RuleViolation(f"{member.name} can be logged as a contact only with the person's consent.")


def _views(session: Session, rows: Sequence[Contact], person: Callable[[str], tuple[str, str]],
           readable: Callable[[str], bool]) -> list[ContactView]:
    """``person`` gives the live (id, name) for a contact's guest id; ``readable`` whether notes show."""
    staff = staff_names(session)
    circle_ids = [r.with_circle_id for r in rows if r.with_circle_id]
    circle = {m.id: m.name for m in session.scalars(select(CircleMember).where(CircleMember.id.in_(circle_ids)))} \
        if circle_ids else {}
    out = []
    for r in rows:
        guest_id, name = person(r.guest_id)
        allowed = readable(r.guest_id)
        out.append(ContactView(r.id, guest_id, name, r.at, ContactKind(r.kind), r.minutes,
                               ContactOutcome(r.outcome) if r.outcome else None, r.notes if allowed else None,
                               circle.get(r.with_circle_id) if r.with_circle_id and allowed else None,
                               staff.get(r.staff_id) if r.staff_id else None, r.voided_at is not None))
    return out
