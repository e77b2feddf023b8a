"""Escalation: the site's escalation contacts (the crisis team's duty manager, 999) one key away from
the diary. Using one is logged with the time and carried into the handover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from safespace_desk.db.models import Guest
from safespace_desk.db.models_casework import Escalation
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.profile import EscalationContact
from safespace_desk.domain.text import LONG_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.casework_common import ESCALATION, live_person, require_casework, staff_names
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST
from safespace_desk.services.site import get_site


@dataclass(frozen=True)
class EscalationView:
    id: str
    at: datetime
    contact_name: str
    number: str | None
    guest_id: str | None
    guest_name: str | None
    note: str | None
    staff_name: str | None


def escalation_contacts(desk: DeskContext) -> tuple[EscalationContact, ...]:
    desk.require_actor()
    return get_site(desk).settings.profile.escalation


def use_escalation(desk: DeskContext, contact_name: str, *, guest_id: str | None = None,
                   note: str | None = None) -> tuple[str, Changes]:
    """Record that an escalation contact was called (now), for whom, and a few words."""
    require_casework(desk, "escalate")
    contact = next((c for c in escalation_contacts(desk) if c.name == contact_name), None)
    if contact is None:
        raise ValidationError(f"“{contact_name[:60]}” is not one of this site's escalation contacts.",
                              field="contact")
    text = clean_text(note, field="note", label="Note", max_len=LONG_TEXT_MAX, multiline=True) or None
    with desk.unit_of_work() as uow:
        live = live_person(uow.session, guest_id).id if guest_id else None
        row = Escalation(id=new_id(), at=uow.now, contact_name=contact.name, number=contact.number or None,
                         guest_id=live, note=text, staff_id=uow.staff_id)
        uow.session.add(row)
        uow.audit("escalated", ESCALATION, row.id)
        uow.outbox("escalation.use", escalation_id=row.id, at=uow.now, contact_name=contact.name,
                   number=row.number, guest_id=live, note=text)
        uow.changed(ESCALATION, row.id)
        if live:
            uow.changed(GUEST, live)
    return row.id, uow.changes


def escalations_between(desk: DeskContext, start: datetime, end: datetime) -> list[EscalationView]:
    require_casework(desk, "see escalations")
    with desk.store.read() as session:
        names = staff_names(session)
        rows = session.execute(select(Escalation, Guest.preferred_name).outerjoin(Guest, Guest.id == Escalation.guest_id)
                               .where(Escalation.at >= start, Escalation.at < end).order_by(Escalation.at)).all()
        return [EscalationView(e.id, e.at, e.contact_name, e.number, e.guest_id, name, e.note,
                               names.get(e.staff_id) if e.staff_id else None) for e, name in rows]
