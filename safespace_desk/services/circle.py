"""People around the person: their named worker (a peer or keyworker on the staff), agencies'
contacts (CPN, probation, housing, ...), and carers or family, who are added and logged as contacts
only with the person's consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from safespace_desk.db.models import Staff
from safespace_desk.db.models_casework import CircleMember
from safespace_desk.domain.casework import CircleRole
from safespace_desk.domain.errors import NotFound, ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import NAME_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.casework_common import (
    CIRCLE,
    check_may_write_about,
    live_person,
    may_read_notes,
    require_casework,
    staff_names,
)
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST, identity_ids


@dataclass(frozen=True)
class CircleView:
    id: str
    role: CircleRole
    name: str
    organisation: str | None
    phone: str | None
    consent_at: datetime | None


@dataclass(frozen=True)
class PeopleAround:
    named_worker_id: str | None
    named_worker: str | None
    members: list[CircleView]


def add_to_circle(desk: DeskContext, guest_id: str, role: CircleRole | str, name: str, *,
                  organisation: str | None = None, phone: str | None = None, consent: bool = False,
                  consent_note: str | None = None) -> tuple[str, Changes]:
    actor = require_casework(desk, "add people around a person")
    circle_role = CircleRole.parse(role, field="role")
    who = clean_text(name, field="name", label="Name", max_len=NAME_MAX, required=True)
    org = clean_text(organisation, field="organisation", label="Organisation", max_len=SHORT_TEXT_MAX) or None
    number = clean_text(phone, field="phone", label="Phone", max_len=40) or None
    note = clean_text(consent_note, field="consent_note", label="Consent note", max_len=SHORT_TEXT_MAX) or None
    if CircleRole(circle_role).needs_consent and not consent:
        raise ValidationError(f"A {circle_role.label.lower()} is added only with the person's consent: ask "
                              "them first, then tick consent.", field="consent")
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "add people around them")
        row = CircleMember(id=new_id(), guest_id=guest.id, role=circle_role.value, name=who, organisation=org,
                           phone=number, consent_at=uow.now if consent else None, consent_note=note,
                           added_at=uow.now, added_by=uow.staff_id)
        uow.session.add(row)
        uow.audit("circle_added", CIRCLE, row.id, detail=f"role={row.role}")
        uow.outbox("circle.add", member_id=row.id, guest_id=guest.id, role=row.role, name=who, organisation=org,
                   phone=number, consent=consent, consent_note=note)
        uow.changed(CIRCLE, row.id)
        uow.changed(GUEST, guest.id)
    return row.id, uow.changes


def remove_from_circle(desk: DeskContext, member_id: str) -> Changes:
    """Taken off the list (consent withdrawn, a worker moved on); history stays."""
    actor = require_casework(desk, "change the people around a person")
    with desk.unit_of_work() as uow:
        row = uow.session.get(CircleMember, member_id)
        if row is None or row.removed_at is not None:
            raise NotFound("That person is not on the list.")
        check_may_write_about(uow.session, actor, live_person(uow.session, row.guest_id), "change this")
        row.removed_at = uow.now
        row.removed_by = uow.staff_id
        uow.audit("circle_removed", CIRCLE, row.id)
        uow.outbox("circle.remove", member_id=row.id, at=uow.now)
        uow.changed(CIRCLE, row.id)
        uow.changed(GUEST, row.guest_id)
    return uow.changes


def people_around(desk: DeskContext, guest_id: str) -> PeopleAround:
    """The named worker and the people around the person. Carers' and family's details are personal
    data of third parties: only readers who may see notes get them."""
    actor = require_casework(desk, "see the people around a person")
    with desk.store.read() as session:
        guest = live_person(session, guest_id)
        readable = may_read_notes(session, actor, guest)
        names = staff_names(session)
        members = []
        for row in session.scalars(select(CircleMember).where(
                CircleMember.guest_id.in_(identity_ids(session, guest.id)), CircleMember.removed_at.is_(None))
                .order_by(CircleMember.added_at)):
            role = CircleRole(row.role)
            if role.needs_consent and not readable:
                continue
            members.append(CircleView(row.id, role, row.name, row.organisation, row.phone, row.consent_at))
        worker = guest.named_worker_id
        return PeopleAround(worker, names.get(worker) if worker else None, members)


def set_named_worker(desk: DeskContext, guest_id: str, staff_id: str | None) -> Changes:
    actor = desk.require(Permission.DECIDE_CASES, "name a worker")
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "name their worker")
        if staff_id is not None:
            staff = uow.session.get(Staff, staff_id)
            if staff is None or not staff.active:
                raise ValidationError("Choose an active member of staff.", field="named_worker")
        guest.named_worker_id = staff_id
        uow.audit("named_worker_set", GUEST, guest.id)
        uow.outbox("guest.named_worker", guest_id=guest.id, staff_id=staff_id)
        uow.changed(GUEST, guest.id)
    return uow.changes


def named_workers(desk: DeskContext) -> list[tuple[str, str]]:
    """Active staff who can be someone's named worker: (id, name)."""
    require_casework(desk, "see staff")
    with desk.store.read() as session:
        return [(sid, name) for sid, name in session.execute(
            select(Staff.id, Staff.name).where(Staff.active.is_(True)).order_by(Staff.name))]
