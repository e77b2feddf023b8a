"""Queries shared by the front-desk services: the period in force, who is in, beds, exclusions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import BedAssignment, Exclusion, Visit
from safespace_desk.domain.capacity import PeriodWindow, tonight, window_at
from safespace_desk.domain.errors import RuleViolation
from safespace_desk.domain.exclusions import ExclusionView
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import SiteInfo, get_site

VISIT = "visit"
BED = "bed"
EXCLUSION = "exclusion"
DUTY = "duty"


class SignInBlocked(RuleViolation):
    """Sign-in stopped by a rule that a shift lead may override with a reason."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "excluded" or "full"


@dataclass(frozen=True)
class Moment:
    """Everything time-dependent a front-desk call needs, computed once per call."""

    now: datetime
    site: SiteInfo
    window: PeriodWindow
    bed_window: PeriodWindow | None  # tonight's bed period (now, or the next one to start)


def moment(desk: DeskContext, session: Session | None = None) -> Moment:
    """``session``: the caller's unit of work, to read the site in (no transaction of its own)."""
    site = get_site(desk, session)
    now = desk.clock.now()
    return Moment(now, site, window_at(site.settings, site.zone, now), tonight(site.settings, site.zone, now))


def open_visit_count(session: Session) -> int:
    """Places in use in the building: online and phone visits never count toward occupancy."""
    return session.scalar(select(func.count()).select_from(Visit).where(
        Visit.signed_out_at.is_(None), Visit.voided_at.is_(None), Visit.mode == "in_person")) or 0


def open_visit_for(session: Session, guest_ids: list[str]) -> Visit | None:
    return session.scalars(select(Visit).where(Visit.guest_id.in_(guest_ids), Visit.signed_out_at.is_(None),
                                               Visit.voided_at.is_(None))).first()


def active_exclusion(session: Session, guest_ids: list[str], now: datetime) -> ExclusionView | None:
    row = session.scalars(
        select(Exclusion).where(Exclusion.guest_id.in_(guest_ids), Exclusion.lifted_at.is_(None),
                                Exclusion.starts_at <= now, Exclusion.ends_at > now)
        .order_by(Exclusion.ends_at.desc())).first()
    return exclusion_view(row) if row else None


def exclusion_view(row: Exclusion) -> ExclusionView:
    return ExclusionView(row.id, row.guest_id, row.starts_at, row.ends_at, row.reason, row.issued_by,
                         row.lifted_at, row.lift_reason)


def held_beds(session: Session, night_of: str) -> dict[str, BedAssignment]:
    """Beds held on a night: bed label -> assignment."""
    rows = session.scalars(select(BedAssignment).where(BedAssignment.night_of == night_of,
                                                       BedAssignment.released_at.is_(None)))
    return {row.bed_label: row for row in rows}


def bed_of_visit(session: Session, visit_id: str, night_of: str) -> BedAssignment | None:
    return session.scalars(select(BedAssignment).where(BedAssignment.visit_id == visit_id,
                                                       BedAssignment.night_of == night_of,
                                                       BedAssignment.released_at.is_(None))).first()


def release_beds_of_visit(session: Session, visit_id: str, now: datetime) -> list[str]:
    released = []
    for row in session.scalars(select(BedAssignment).where(BedAssignment.visit_id == visit_id,
                                                           BedAssignment.released_at.is_(None))):
        row.released_at = now
        released.append(row.bed_label)
    return released


def local_time_text(when: datetime, site: SiteInfo, now: datetime | None = None) -> str:
    """'14:05' today, 'Tue 14:05' within a week, '3 Mar 14:05' otherwise (site time zone)."""
    local = when.astimezone(site.zone)
    if now is not None:
        today = now.astimezone(site.zone).date()
        if local.date() == today:
            return local.strftime("%H:%M")
        if abs((local.date() - today).days) < 6:
            return local.strftime("%a %H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"
