"""The shift log: incidents, police and ambulance calls, PINs, safeguarding, health, general notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from safespace_desk.db.models import Guest, ShiftLogEntry, Staff
from safespace_desk.domain.capacity import PeriodWindow, window_at
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.messages import LogKind
from safespace_desk.domain.roles import Permission
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


def current_shift(desk: DeskContext, at: datetime | None = None) -> PeriodWindow:
    """Shifts change with the site's capacity periods (e.g. 08:00 and 20:00)."""
    site = get_site(desk)
    when = require_aware(at, "The time of the shift", field="at") if at is not None else desk.clock.now()
    return window_at(site.settings, site.zone, when)


def add_entry(desk: DeskContext, kind: LogKind | str, text: str, *, guest_id: str | None = None,
              at: datetime | None = None) -> tuple[str, Changes]:
    desk.require(Permission.SHIFT_LOG, "write in the shift log")
    try:
        kind = LogKind(kind)
    except ValueError:
        raise ValidationError("Choose what kind of entry this is.", field="kind") from None
    text = clean_text(text, field="text", label="Entry", max_len=LONG_TEXT_MAX, required=True, multiline=True)
    now = desk.clock.now()
    when = require_aware(at, "The time of the entry", field="at") if at is not None else now
    if when > now:
        raise ValidationError("The time of an entry cannot be in the future.", field="at")
    entry_id = new_id()
    with desk.unit_of_work() as uow:
        live_guest = resolve_live(uow.session, guest_id).id if guest_id else None
        uow.session.add(ShiftLogEntry(id=entry_id, at=when, kind=kind.value, guest_id=live_guest, text=text,
                                      staff_id=uow.staff_id, created_at=now))
        uow.audit("log_entry_added", SHIFT_LOG, entry_id, detail=f"kind={kind.value}")
        uow.outbox("log.add", entry_id=entry_id, at=when, kind=kind.value, guest_id=live_guest, text=text)
        uow.changed(SHIFT_LOG, entry_id)
    return entry_id, uow.changes


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
        return [LogEntryView(e.id, e.at, LogKind(e.kind), e.guest_id, g, e.text, s)
                for e, g, s in session.execute(q)]


def shift_entries(desk: DeskContext, text: str | None = None) -> list[LogEntryView]:
    window = current_shift(desk)
    return entries(desk, window.starts_at, window.ends_at, text=text)


def this_shifts_entries(desk: DeskContext) -> list[LogEntryView]:
    """Internal: this shift's entries, for the handover snapshot (writing it is audited)."""
    window = current_shift(desk)
    return log_entries(desk, window.starts_at, window.ends_at)
