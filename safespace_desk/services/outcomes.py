"""Outcomes over time (issue 13, item 6): each person's accommodation status with its history (from where
they went, and by hand), and a respectful record that a person has died, which closes their waiting
messages (not delivered) and takes them off the desk's search and lists; their record stays for the
figures and the retention rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Message, Staff
from safespace_desk.db.models_hub_day import AccommodationStatus, ExpectedArrival, GuestDeath
from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.frontdesk_common import open_visit_for
from safespace_desk.services.guests import GUEST, identity_ids, resolve_live
from safespace_desk.services.site import get_site

STATUS = "accommodation_status"
DEATH = "guest_death"
DIED_REASON = "Closed: the person has died."


@dataclass(frozen=True)
class StatusRow:
    kind: DestinationKind
    since: datetime
    by_hand: bool
    recorded_by_name: str | None


def note_departure(uow: UnitOfWork, guest_id: str, kind: DestinationKind, visit_id: str) -> None:
    """Called by sign-out in its unit of work: leaving for a place of another kind than their status now
    is a new status (leaving for the street each morning is one status, not one a day)."""
    ids = identity_ids(uow.session, resolve_live(uow.session, guest_id).id)
    latest = _latest(uow.session, ids)
    if latest is not None and latest.kind == kind.value:
        return
    _add(uow, guest_id, kind, uow.now, "departure", visit_id)


def set_status(desk: DeskContext, guest_id: str, kind: DestinationKind | str, since: date | None = None) -> Changes:
    """Record where a person lives now, by hand (a worker heard they got a flat), from ``since`` (a local
    date; today if not given)."""
    desk.require(Permission.FRONT_DESK, "record where a guest lives now")
    try:
        status = DestinationKind(kind)
    except ValueError:
        raise ValidationError("Choose where they live now.", field="kind") from None
    now = desk.clock.now()
    if since is not None:
        if since > now.astimezone(get_site(desk).zone).date():
            raise ValidationError("“Since” is in the future.", field="since")
        when = datetime.combine(since, time(12, 0), tzinfo=get_site(desk).zone).astimezone(UTC)
        when = min(when, now)
    else:
        when = now
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id)
        _add(uow, guest.id, status, when, "by_hand", None)
        uow.changed(GUEST, guest.id)
    return uow.changes


def status_history(desk: DeskContext, guest_id: str) -> list[StatusRow]:
    """A person's statuses, newest first (audited as a view of their record)."""
    desk.require(Permission.READ_GUEST_RECORD, "see where a guest has lived")
    with desk.store.read() as session:
        ids = identity_ids(session, resolve_live(session, guest_id).id)
        staff = {s.id: s.name for s in session.scalars(select(Staff))}
        rows = session.scalars(select(AccommodationStatus).where(AccommodationStatus.guest_id.in_(ids))
                               .order_by(AccommodationStatus.since.desc(), AccommodationStatus.recorded_at.desc()))
        out = [StatusRow(DestinationKind(r.kind), r.since, r.source == "by_hand", staff.get(r.recorded_by or ""))
               for r in rows if r.kind in DestinationKind._value2member_map_]
    desk.record("viewed", STATUS, guest_id, detail=f"rows={len(out)}")
    return out


def record_death(desk: DeskContext, guest_id: str, died_on: date | None = None) -> Changes:
    """Record that a person has died (shift leads and managers). In one step: their waiting messages are
    closed, not delivered; an arrival expected for them is closed; they leave the desk's search and lists.
    Their record stays for the figures and the retention rules."""
    desk.require(Permission.OVERRIDE, "record that a person has died")
    now = desk.clock.now()
    if died_on is not None and died_on > now.astimezone(get_site(desk).zone).date():
        raise ValidationError("The date is in the future.", field="died_on")
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id)
        ids = identity_ids(uow.session, guest.id)
        if uow.session.get(GuestDeath, guest.id) is not None:
            raise RuleViolation("This has already been recorded.")
        if open_visit_for(uow.session, ids) is not None:
            raise RuleViolation("They are signed in on the desk: sign the visit out first.")
        uow.session.add(GuestDeath(guest_id=guest.id, died_on=died_on.isoformat() if died_on else None,
                                   recorded_at=now, recorded_by=uow.staff_id))
        closed = 0
        for message in uow.session.scalars(select(Message).where(
                Message.guest_id.in_(ids), Message.delivered_at.is_(None), Message.not_passed_at.is_(None),
                Message.withdrawn_at.is_(None))):
            if message.relevant_until is not None and message.relevant_until <= now:
                continue  # expired already: history as it is
            message.not_passed_at = now
            message.not_passed_by = uow.staff_id
            message.not_passed_reason = DIED_REASON
            closed += 1
        for arrival in uow.session.scalars(select(ExpectedArrival).where(
                ExpectedArrival.guest_id.in_(ids), ExpectedArrival.arrived_at.is_(None),
                ExpectedArrival.not_arrived_at.is_(None))):
            arrival.not_arrived_at = now
            arrival.closed_by = uow.staff_id
        uow.audit("guest_died_recorded", GUEST, guest.id, detail=f"messages_closed={closed}")
        uow.outbox("guest.died", guest_id=guest.id, died_on=died_on.isoformat() if died_on else None, at=now)
        uow.changed(GUEST, guest.id)
        uow.changed("message")
        uow.changed("expected_arrival")
    _forget_in_search(desk, guest.id)
    return uow.changes


def correct_death(desk: DeskContext, guest_id: str) -> Changes:
    """A death recorded by mistake (the wrong record): managers take it back. Closed messages stay closed."""
    desk.require(Permission.MANAGE_STAFF, "correct a death recorded by mistake")
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id)
        if uow.session.get(GuestDeath, guest.id) is None:
            raise NotFound("No death is recorded for this person.")
        uow.session.execute(delete(GuestDeath).where(GuestDeath.guest_id == guest.id))
        uow.audit("guest_died_corrected", GUEST, guest.id)
        uow.outbox("guest.died_corrected", guest_id=guest.id)
        uow.changed(GUEST, guest.id)
    _forget_in_search(desk, guest.id)
    return uow.changes


def has_died(session: Session, guest_ids: list[str]) -> bool:
    """Internal: is any of these records (one person with merged records) recorded as having died?"""
    return session.scalars(select(GuestDeath.guest_id).where(GuestDeath.guest_id.in_(guest_ids))).first() is not None


def died_ids(session: Session) -> set[str]:
    """Internal: every guest id recorded as having died (few: read whole)."""
    return set(session.scalars(select(GuestDeath.guest_id)))


def _latest(session: Session, ids: list[str]) -> AccommodationStatus | None:
    return session.scalars(select(AccommodationStatus).where(AccommodationStatus.guest_id.in_(ids))
                           .order_by(AccommodationStatus.since.desc(), AccommodationStatus.recorded_at.desc())).first()


def _add(uow: UnitOfWork, guest_id: str, kind: DestinationKind, since: datetime, source: str,
         visit_id: str | None) -> None:
    row_id = new_id()
    uow.session.add(AccommodationStatus(id=row_id, guest_id=guest_id, kind=kind.value, since=since, source=source,
                                        visit_id=visit_id, recorded_at=uow.now, recorded_by=uow.staff_id))
    uow.audit("status_recorded", STATUS, row_id, detail=f"source={source}")
    uow.outbox("status.record", status_id=row_id, guest_id=guest_id, kind=kind.value, since=since, source=source,
               visit_id=visit_id)
    uow.changed(STATUS, row_id)


def _forget_in_search(desk: DeskContext, guest_id: str) -> None:
    from safespace_desk.services.guests import refresh_index

    with desk.store.read() as session:
        ids = set(identity_ids(session, guest_id))
    refresh_index(desk, ids)
