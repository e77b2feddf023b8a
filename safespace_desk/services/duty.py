"""Who is on duty, and the desk's at-a-glance status: period, places, staffing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import DutySpell, Staff
from safespace_desk.domain.capacity import CapacityStatus, next_window, staff_needed, staffing_warning
from safespace_desk.domain.errors import RuleViolation
from safespace_desk.domain.staff_care import lone_working_warning
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.frontdesk_common import DUTY, moment, open_visit_count


@dataclass(frozen=True)
class OnDuty:
    staff_id: str
    name: str
    since: datetime
    counts_in_ratio: bool = True  # a volunteer may be on duty without counting toward the ratio


@dataclass(frozen=True)
class DeskStatus:
    now: datetime
    site_name: str
    capacity: CapacityStatus
    on_duty: list[OnDuty]
    staff_needed: int
    staffing_warning: str | None
    next_period_name: str
    next_period_places: int
    next_period_starts: datetime
    # Exactly one person on duty (domain/staff_care.py); said even where the site's minimum is one.
    lone_working: str | None = None


def start_duty(desk: DeskContext) -> Changes:
    """Mark the signed-in staff member as on duty (counts towards the night ratio)."""
    actor = desk.require_actor()
    with desk.unit_of_work() as uow:
        if _open_spell(uow.session, actor.staff_id) is not None:
            raise RuleViolation("You are already marked on duty.")
        spell = DutySpell(id=new_id(), staff_id=actor.staff_id, started_at=uow.now)
        uow.session.add(spell)
        uow.audit("duty_started", "staff", actor.staff_id)
        uow.outbox("duty.start", spell_id=spell.id, staff_id=actor.staff_id, at=uow.now)
        uow.changed(DUTY, actor.staff_id)
    return uow.changes


def end_duty(desk: DeskContext, staff_id: str | None = None) -> Changes:
    """End a duty spell (one's own, or anyone's: a colleague who left without marking off)."""
    actor = desk.require_actor()
    staff_id = staff_id or actor.staff_id
    with desk.unit_of_work() as uow:
        spell = _open_spell(uow.session, staff_id)
        if spell is None:
            raise RuleViolation("That person is not marked on duty.")
        spell.ended_at = uow.now
        uow.audit("duty_ended", "staff", staff_id)
        uow.outbox("duty.end", spell_id=spell.id, at=uow.now)
        uow.changed(DUTY, staff_id)
    return uow.changes


def on_duty(desk: DeskContext) -> list[OnDuty]:
    desk.require_actor()
    with desk.store.read() as session:
        rows = session.execute(select(DutySpell.staff_id, Staff.name, DutySpell.started_at, Staff.counts_in_ratio)
                               .join(Staff, Staff.id == DutySpell.staff_id)
                               .where(DutySpell.ended_at.is_(None)).order_by(DutySpell.started_at)).all()
        return [OnDuty(r[0], r[1], r[2], bool(r[3])) for r in rows]


def is_on_duty(desk: DeskContext) -> bool:
    actor = desk.require_actor()
    return any(d.staff_id == actor.staff_id for d in on_duty(desk))


def desk_status(desk: DeskContext) -> DeskStatus:
    desk.require_actor()
    m = moment(desk)
    with desk.store.read() as session:
        used = open_visit_count(session)
    duty = on_duty(desk)
    capacity = CapacityStatus(m.window, used)
    settings = m.site.settings
    upcoming = next_window(settings, m.site.zone, m.window)
    return DeskStatus(
        now=m.now, site_name=m.site.name, capacity=capacity, on_duty=duty,
        staff_needed=staff_needed(settings, m.window.period, used),
        staffing_warning=staffing_warning(settings, m.window.period, used, sum(d.counts_in_ratio for d in duty)),
        next_period_name=upcoming.period.name, next_period_places=upcoming.period.places,
        next_period_starts=upcoming.starts_at, lone_working=lone_working_warning([d.name for d in duty]))


def _open_spell(session: Session, staff_id: str) -> DutySpell | None:
    return session.scalars(select(DutySpell).where(DutySpell.staff_id == staff_id,
                                                   DutySpell.ended_at.is_(None))).first()
