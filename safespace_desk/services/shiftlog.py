"""The shift log: incidents, police and ambulance calls, PINs, safeguarding, health, general notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from safespace_desk.db.models import Guest, ShiftLogEntry, Staff
from safespace_desk.domain.capacity import PeriodWindow, window_at
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.messages import LogKind
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.staff_care import check_debrief_answer, is_hard_moment
from safespace_desk.domain.text import LONG_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import resolve_live
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view

SHIFT_LOG = "shift_log"


@dataclass(frozen=True)
class LogEntryView:
    id: str
    at: datetime
    kind: LogKind
    guest_id: str | None
    guest_name: str | None
    text: str
    staff_name: str | None
    debrief_offered: bool | None = None

    @property
    def asks_debrief(self) -> bool:
        return is_hard_moment(self.kind)


def current_shift(desk: DeskContext, at: datetime | None = None) -> PeriodWindow:
    """Shifts change with the site's capacity periods (e.g. 08:00 and 20:00)."""
    site = get_site(desk)
    when = require_aware(at, "The time of the shift", field="at") if at is not None else desk.clock.now()
    return window_at(site.settings, site.zone, when)


def add_entry(desk: DeskContext, kind: LogKind | str, text: str, *, guest_id: str | None = None,
              at: datetime | None = None, debrief_offered: bool | None = None) -> tuple[str, Changes]:
    """Add an entry. After an incident, police or ambulance call, ``debrief_offered`` says whether the
    staff involved were offered a debrief (yes/no, no details); it goes into the handover."""
    desk.require(Permission.SHIFT_LOG, "write in the shift log")
    try:
        kind = LogKind(kind)
    except ValueError:
        raise ValidationError("Choose what kind of entry this is.", field="kind") from None
    debrief_offered = check_debrief_answer(kind, debrief_offered)
    text = clean_text(text, field="text", label="Entry", max_len=LONG_TEXT_MAX, required=True, multiline=True)
    now = desk.clock.now()
    when = require_aware(at, "The time of the entry", field="at") if at is not None else now
    if when > now:
        raise ValidationError("The time of an entry cannot be in the future.", field="at")
    entry_id = new_id()
    with desk.unit_of_work() as uow:
        live_guest = resolve_live(uow.session, guest_id).id if guest_id else None
        uow.session.add(ShiftLogEntry(id=entry_id, at=when, kind=kind.value, guest_id=live_guest, text=text,
                                      staff_id=uow.staff_id, created_at=now, debrief_offered=debrief_offered))
        detail = f"kind={kind.value}" + ("" if debrief_offered is None else f";debrief={_yes_no(debrief_offered)}")
        uow.audit("log_entry_added", SHIFT_LOG, entry_id, detail=detail)
        uow.outbox("log.add", entry_id=entry_id, at=when, kind=kind.value, guest_id=live_guest, text=text,
                   debrief_offered=debrief_offered)
        uow.changed(SHIFT_LOG, entry_id)
    return entry_id, uow.changes


def answer_debrief(desk: DeskContext, entry_id: str, offered: bool) -> Changes:
    """Say (later) whether a debrief was offered after a hard moment logged without the answer, or
    correct it. Yes or no only."""
    desk.require(Permission.SHIFT_LOG, "write in the shift log")
    with desk.unit_of_work() as uow:
        entry = uow.session.get(ShiftLogEntry, entry_id)
        if entry is None:
            raise NotFound("That shift log entry does not exist.")
        if not is_hard_moment(LogKind(entry.kind)):
            raise RuleViolation("A debrief is asked about only after an incident, or a police or ambulance call.")
        entry.debrief_offered = bool(offered)
        uow.audit("debrief_answered", SHIFT_LOG, entry_id, detail=f"debrief={_yes_no(offered)}")
        uow.outbox("log.debrief", entry_id=entry_id, debrief_offered=bool(offered))
        uow.changed(SHIFT_LOG, entry_id)
    return uow.changes


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def entries(desk: DeskContext, start: datetime, end: datetime, *, text: str | None = None,
            kind: LogKind | None = None) -> list[LogEntryView]:
    """Entries from ``start`` (inclusive) to ``end`` (exclusive), oldest first, optionally searched
    (audited: how many entries were shown)."""
    desk.require(Permission.SHIFT_LOG, "read the shift log")
    rows = log_entries(desk, start, end, text=text, kind=kind)
    record_list_view(desk, "shift_log", len(rows))
    return rows


def log_entries(desk: DeskContext, start: datetime, end: datetime, *, text: str | None = None,
                kind: LogKind | None = None) -> list[LogEntryView]:
    """Internal: the entries, for services whose own action is audited (the handover)."""
    require_aware(start, "The start of the entries asked for", field="start")
    require_aware(end, "The end of the entries asked for", field="end")
    q = (select(ShiftLogEntry, Guest.preferred_name, Staff.name)
         .outerjoin(Guest, Guest.id == ShiftLogEntry.guest_id)
         .outerjoin(Staff, Staff.id == ShiftLogEntry.staff_id)
         .where(ShiftLogEntry.at >= start, ShiftLogEntry.at < end).order_by(ShiftLogEntry.at))
    if kind is not None:
        q = q.where(ShiftLogEntry.kind == kind.value)
    if text and text.strip():
        like = f"%{text.strip()}%"
        q = q.where(or_(ShiftLogEntry.text.ilike(like), Guest.preferred_name.ilike(like)))
    with desk.store.read() as session:
        return [LogEntryView(e.id, e.at, LogKind(e.kind), e.guest_id, g, e.text, s, e.debrief_offered)
                for e, g, s in session.execute(q)]


def shift_entries(desk: DeskContext, text: str | None = None) -> list[LogEntryView]:
    window = current_shift(desk)
    return entries(desk, window.starts_at, window.ends_at, text=text)


def this_shifts_entries(desk: DeskContext) -> list[LogEntryView]:
    """Internal: this shift's entries, for the handover snapshot (writing it is audited)."""
    window = current_shift(desk)
    return log_entries(desk, window.starts_at, window.ends_at)
