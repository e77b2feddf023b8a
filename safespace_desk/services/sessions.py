"""Group peer-support sessions (in person or online) with who attended, how often each person comes
(the havens' non-dependency principle), and the closing step at the end of opening hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models_casework import Closing, Contact, Escalation, GroupSession, SessionAttendance
from safespace_desk.domain.casework import VisitMode
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.opening import OpeningWindow
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services import diary, visits
from safespace_desk.services.casework_common import (
    CLOSING,
    SESSION,
    live_person,
    require_casework,
    staff_names,
)
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST, identity_ids
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view

# How often someone comes is counted over the last four weeks, so staff can see who may be coming
# to depend on the sessions (the havens' "non-dependency" principle) and talk about it with them.
FREQUENCY_DAYS = 28
CLOSING_TIME = "Closing time"


@dataclass(frozen=True)
class Attendee:
    guest_id: str
    name: str
    recent_sessions: int  # sessions attended in the FREQUENCY_DAYS up to this one (this one included)


@dataclass(frozen=True)
class SessionView:
    id: str
    title: str
    starts_at: datetime
    minutes: int
    mode: VisitMode
    facilitator_name: str | None
    cancelled: bool
    attendees: list[Attendee] = field(default_factory=list)


@dataclass(frozen=True)
class ClosingSummary:
    window: OpeningWindow | None  # the opening in progress or just ended (None for a 24/7 site)
    still_here: list[visits.InNow]  # in the building
    online_now: list[visits.InNow]
    follow_ups_ahead: list[diary.FollowUpView]  # due before the end of the next opening
    contacts_today: int
    escalations_today: int


def plan_session(desk: DeskContext, title: str, starts_at: datetime, minutes: int, mode: VisitMode | str,
                 facilitator_id: str | None = None) -> tuple[str, Changes]:
    require_casework(desk, "plan group sessions")
    name = clean_text(title, field="title", label="Title", max_len=SHORT_TEXT_MAX, required=True)
    session_mode = VisitMode.parse(mode, field="mode")
    if session_mode is VisitMode.PHONE:
        raise ValidationError("A group session is in person or online.", field="mode")
    if not 5 <= minutes <= 480:
        raise ValidationError("A session lasts between 5 minutes and 8 hours.", field="minutes")
    with desk.unit_of_work() as uow:
        row = GroupSession(id=new_id(), title=name, starts_at=starts_at, minutes=minutes, mode=session_mode.value,
                           facilitator_id=facilitator_id, created_at=uow.now, created_by=uow.staff_id)
        uow.session.add(row)
        uow.audit("session_planned", SESSION, row.id)
        uow.outbox("session.plan", session_id=row.id, title=name, starts_at=starts_at, minutes=minutes,
                   mode=row.mode, facilitator_id=facilitator_id)
        uow.changed(SESSION, row.id)
    return row.id, uow.changes


def cancel_session(desk: DeskContext, session_id: str) -> Changes:
    require_casework(desk, "cancel group sessions")
    with desk.unit_of_work() as uow:
        row = _session(uow.session, session_id)
        row.cancelled_at = uow.now
        uow.audit("session_cancelled", SESSION, row.id)
        uow.outbox("session.cancel", session_id=row.id, at=uow.now)
        uow.changed(SESSION, row.id)
    return uow.changes


def add_attendee(desk: DeskContext, session_id: str, guest_id: str) -> tuple[Attendee, Changes]:
    require_casework(desk, "record who came")
    with desk.unit_of_work() as uow:
        row = _session(uow.session, session_id)
        guest = live_person(uow.session, guest_id)
        ids = identity_ids(uow.session, guest.id)
        if uow.session.scalar(select(func.count()).select_from(SessionAttendance).where(
                SessionAttendance.session_id == row.id, SessionAttendance.guest_id.in_(ids))):
            raise RuleViolation(f"{guest.preferred_name} is already on this session's list.")
        uow.session.add(SessionAttendance(session_id=row.id, guest_id=guest.id, added_at=uow.now,
                                          added_by=uow.staff_id))
        uow.session.flush()
        count = _recent_count(uow.session, ids, row.starts_at)
        uow.audit("session_attended", SESSION, row.id, detail=f"guest={guest.id}")
        uow.outbox("session.attend", session_id=row.id, guest_id=guest.id)
        uow.changed(SESSION, row.id)
        uow.changed(GUEST, guest.id)
    return Attendee(guest.id, guest.preferred_name, count), uow.changes


def remove_attendee(desk: DeskContext, session_id: str, guest_id: str) -> Changes:
    require_casework(desk, "change who came")
    with desk.unit_of_work() as uow:
        ids = identity_ids(uow.session, live_person(uow.session, guest_id).id)
        rows = uow.session.scalars(select(SessionAttendance).where(SessionAttendance.session_id == session_id,
                                                                   SessionAttendance.guest_id.in_(ids))).all()
        if not rows:
            raise NotFound("They are not on this session's list.")
        for row in rows:
            uow.session.delete(row)
        uow.audit("session_unattended", SESSION, session_id, detail=f"guest={guest_id}")
        uow.outbox("session.unattend", session_id=session_id, guest_id=guest_id)
        uow.changed(SESSION, session_id)
    return uow.changes


def sessions_between(desk: DeskContext, start: datetime, end: datetime) -> list[SessionView]:
    """Sessions starting in [start, end), with their attendees and how often each comes."""
    require_casework(desk, "see group sessions")
    with desk.store.read() as session:
        names = staff_names(session)
        rows = session.scalars(select(GroupSession).where(GroupSession.starts_at >= start,
                                                          GroupSession.starts_at < end)
                               .order_by(GroupSession.starts_at)).all()
        out = []
        for row in rows:
            attendees = []
            for att in session.scalars(select(SessionAttendance).where(SessionAttendance.session_id == row.id)
                                       .order_by(SessionAttendance.added_at)):
                person = live_person(session, att.guest_id)
                attendees.append(Attendee(person.id, person.preferred_name,
                                          _recent_count(session, identity_ids(session, person.id), row.starts_at)))
            out.append(SessionView(row.id, row.title, row.starts_at, row.minutes, VisitMode(row.mode),
                                   names.get(row.facilitator_id) if row.facilitator_id else None,
                                   row.cancelled_at is not None, attendees))
    record_list_view(desk, "session_attendance", len({a.guest_id for s in out for a in s.attendees}))
    return out


def _recent_count(session: Session, ids: list[str], at: datetime) -> int:
    return session.scalar(select(func.count()).select_from(SessionAttendance)
                          .join(GroupSession, GroupSession.id == SessionAttendance.session_id)
                          .where(SessionAttendance.guest_id.in_(ids), GroupSession.cancelled_at.is_(None),
                                 GroupSession.starts_at > at - timedelta(days=FREQUENCY_DAYS),
                                 GroupSession.starts_at <= at)) or 0


def _session(session: Session, session_id: str) -> GroupSession:
    row = session.get(GroupSession, session_id)
    if row is None or row.cancelled_at is not None:
        raise NotFound("That session does not exist or was cancelled.")
    return row


# --- the closing step -------------------------------------------------------------------------


def closing_summary(desk: DeskContext) -> ClosingSummary:
    """At the end of opening hours: who is still here, follow-ups for tomorrow, today's contacts."""
    require_casework(desk, "close for the day")
    site = get_site(desk)
    now = desk.clock.now()
    hours = site.settings.profile.hours
    window = hours.latest_window(now, site.zone)
    upcoming = hours.next_window(now, site.zone)
    ahead = upcoming.closes_at if upcoming else now + timedelta(days=1)
    since = window.opens_at if window else now - timedelta(hours=24)
    everyone = visits.who_is_in(desk)
    with desk.store.read() as session:
        contacts = session.scalar(select(func.count()).select_from(Contact).where(
            Contact.at >= since, Contact.at <= now, Contact.voided_at.is_(None))) or 0
        escalations = session.scalar(select(func.count()).select_from(Escalation).where(
            Escalation.at >= since, Escalation.at <= now)) or 0
    return ClosingSummary(window, [g for g in everyone if g.mode.in_building],
                          [g for g in everyone if not g.mode.in_building],
                          diary.due_follow_ups(desk, until=ahead), contacts, escalations)


CLOSING_NOTICE = timedelta(minutes=15)
CLOSING_LATE = timedelta(hours=3)


@dataclass(frozen=True)
class ClosingReminder:
    closes_at: datetime
    still_here: int


def closing_reminder(desk: DeskContext) -> ClosingReminder | None:
    """From 15 minutes before closing until 3 hours after, while the closing step has not been done
    for this opening: when it closes and how many are still in the building."""
    require_casework(desk, "close for the day")
    site = get_site(desk)
    now = desk.clock.now()
    window = site.settings.profile.hours.latest_window(now, site.zone)
    if window is None or not window.closes_at - CLOSING_NOTICE <= now <= window.closes_at + CLOSING_LATE:
        return None
    with desk.store.read() as session:
        if session.scalar(select(func.count()).select_from(Closing).where(
                Closing.opening_date == window.local_date.isoformat())):
            return None
    here = sum(1 for g in visits.who_is_in(desk) if g.mode.in_building)
    return ClosingReminder(window.closes_at, here)


def close_opening(desk: DeskContext, *, sign_out: list[str], note: str | None = None) -> Changes:
    """Sign out who is still here (each an ordinary sign-out, "Closing time") and record the closing."""
    require_casework(desk, "close for the day")
    text = clean_text(note, field="note", label="Note", max_len=SHORT_TEXT_MAX) or None
    summary = closing_summary(desk)
    changes = Changes()
    for visit_id in sign_out:
        changes |= visits.sign_out(desk, visit_id, CLOSING_TIME)
    site = get_site(desk)
    opening_date = (summary.window.local_date if summary.window
                    else desk.clock.now().astimezone(site.zone).date()).isoformat()
    with desk.unit_of_work() as uow:
        row = Closing(id=new_id(), at=uow.now, opening_date=opening_date, signed_out=len(sign_out),
                      follow_ups_ahead=len(summary.follow_ups_ahead), note=text, staff_id=uow.staff_id)
        uow.session.add(row)
        uow.audit("closed_for_the_day", CLOSING, row.id, detail=f"signed_out={len(sign_out)}")
        uow.outbox("site.closing", closing_id=row.id, at=uow.now, opening_date=opening_date,
                   signed_out=len(sign_out), note=text)
        uow.changed(CLOSING, row.id)
    return changes | uow.changes
