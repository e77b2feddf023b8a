"""The by-name list for the partnership's fortnightly meeting: reading it (audited: which list, how
many, never a name), printing or saving it (audited the same way), people joining and leaving it by
the meeting's agreement, and the "action agreed" line kept with the meeting's date.

Managers only (Permission.PARTNERSHIP): the list names people with counts beside them, so a desk or
paramedic account cannot read it, and it never holds notes, reasons, message text or triage content.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest
from safespace_desk.db.models_partnership import PartnershipAction, PartnershipMeeting, PartnershipMember
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.partnership import (
    ActionInput,
    AgreedAction,
    ByNameList,
    ListFilter,
    apply_filters,
    check_meeting_day,
    check_period,
    clean_action,
    default_meeting_day,
    default_period,
    previous_meeting,
    sort_rows,
)
from safespace_desk.domain.roles import Permission
from safespace_desk.ids import new_id
from safespace_desk.reports.by_name_list import action_of, meeting_days, read_list
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.guests import GUEST, identity_ids, resolve_live
from safespace_desk.services.site import get_site

PARTNERSHIP = "partnership"
ERASED_TEXT = "[erased at the guest's request]"
LIST_NAME = "by_name_list"
OUTPUT_KINDS = ("print", "pdf", "csv")


@dataclass(frozen=True)
class MeetingPlan:
    """What the page opens on: the meeting being prepared, the last one, and the period between."""

    meeting_day: date
    previous: date | None
    first_day: date
    last_day: date
    recorded: tuple[date, ...]


def meeting_plan(desk: DeskContext, meeting_day: date | None = None) -> MeetingPlan:
    desk.require(Permission.PARTNERSHIP, "prepare the partnership's by-name list")
    today = desk.clock.now().astimezone(get_site(desk).zone).date()
    with desk.store.read() as session:
        recorded = meeting_days(session)
    day = meeting_day or default_meeting_day(today, recorded)
    previous = previous_meeting(day, recorded)
    first, last = default_period(day, previous)
    return MeetingPlan(day, previous, first, last, tuple(recorded))


def by_name_list(desk: DeskContext, meeting_day: date, first_day: date | None = None, last_day: date | None = None,
                 filters: Iterable[ListFilter] = ()) -> ByNameList:
    """The list for the meeting on ``meeting_day`` over the period (default: since the last meeting).
    Audited as a view of a list: which list, for which meeting, how many shown and left off."""
    desk.require(Permission.PARTNERSHIP, "see the partnership's by-name list")
    site = get_site(desk)
    now = desk.clock.now()
    check_meeting_day(meeting_day, now.astimezone(site.zone).date())
    chosen = frozenset(filters)
    with desk.store.read() as session:
        if first_day is None or last_day is None:
            first_day, last_day = default_period(meeting_day, previous_meeting(meeting_day, meeting_days(session)))
        check_period(first_day, last_day)
        read = read_list(session, site, meeting_day, ReportRange(first_day, last_day, site.zone), now)
    rows = sort_rows(read.rows)
    shown = apply_filters(rows, chosen, read.as_of)
    listing = ByNameList(meeting_day=meeting_day, previous_meeting=read.previous_meeting, first_day=first_day,
                         last_day=last_day, as_of=read.as_of, rows=shown, left_off=read.left_off,
                         filters=chosen, before_filters=len(rows))
    with desk.unit_of_work() as uow:
        uow.audit("viewed_list", detail=_list_detail(listing))
    return listing


def record_output(desk: DeskContext, listing: ByNameList, kind: str) -> Changes:
    """The list was printed or saved: audited (which list, how many, never a name), and the meeting it
    was prepared for is recorded, so the next list starts from it."""
    desk.require(Permission.PARTNERSHIP, "print the partnership's by-name list")
    if kind not in OUTPUT_KINDS:
        raise ValidationError(f"Unknown way to give out the list: {kind}.", field="kind")
    with desk.unit_of_work() as uow:
        _ensure_meeting(uow, listing.meeting_day)
        uow.audit("list_printed" if kind == "print" else "list_exported",
                  detail=f"{_list_detail(listing)};format={kind}")
    return uow.changes


def join_list(desk: DeskContext, guest_id: str, meeting_day: date) -> Changes:
    """The meeting agreed to add this person (a record with no visits is fine: outreach knows them)."""
    desk.require(Permission.PARTNERSHIP, "change who is on the by-name list")
    _check_day(desk, meeting_day)
    with desk.unit_of_work() as uow:
        guest = _live_guest(uow.session, guest_id)
        if GuestFlag.NOT_DISCUSSED.value in json.loads(guest.flags or "[]"):
            raise RuleViolation(f"{guest.preferred_name} asked not to be discussed at partnership meetings. If they "
                                "have changed their mind, take that off their record first.")
        if _open_membership(uow.session, identity_ids(uow.session, guest.id)) is not None:
            raise RuleViolation(f"{guest.preferred_name} is already on the by-name list.")
        _ensure_meeting(uow, meeting_day)
        member = PartnershipMember(id=new_id(), guest_id=guest.id, joined_on=meeting_day.isoformat(), joined_at=uow.now,
                                   joined_by=uow.staff_id)
        uow.session.add(member)
        uow.audit("list_joined", GUEST, guest.id, detail=f"meeting={meeting_day.isoformat()}")
        uow.outbox("partnership.join", member_id=member.id, guest_id=guest.id, meeting_day=meeting_day.isoformat())
        uow.changed(PARTNERSHIP, guest.id)
    return uow.changes


def leave_list(desk: DeskContext, guest_id: str, meeting_day: date) -> Changes:
    """The meeting agreed to take this person off. They stay on that meeting's list, marked so."""
    desk.require(Permission.PARTNERSHIP, "change who is on the by-name list")
    _check_day(desk, meeting_day)
    with desk.unit_of_work() as uow:
        guest = _live_guest(uow.session, guest_id)
        member = _open_membership(uow.session, identity_ids(uow.session, guest.id))
        if member is None:
            raise RuleViolation(f"{guest.preferred_name} is not on the by-name list.")
        if member.joined_on > meeting_day.isoformat():
            raise ValidationError(f"{guest.preferred_name} joined the list at the meeting on "
                                  f"{date.fromisoformat(member.joined_on):%-d %b %Y}; choose that day or later.",
                                  field="meeting_day")
        _ensure_meeting(uow, meeting_day)
        member.left_on, member.left_at, member.left_by = meeting_day.isoformat(), uow.now, uow.staff_id
        uow.audit("list_left", GUEST, guest.id, detail=f"meeting={meeting_day.isoformat()}")
        uow.outbox("partnership.leave", member_id=member.id, meeting_day=meeting_day.isoformat())
        uow.changed(PARTNERSHIP, guest.id)
    return uow.changes


def agree_action(desk: DeskContext, guest_id: str, meeting_day: date, entry: ActionInput) -> tuple[AgreedAction, Changes]:
    """Record what the meeting agreed for this person, who does it and by when. One line per person per
    meeting: saving again that day replaces it (the audit says which parts changed, never the words)."""
    desk.require(Permission.PARTNERSHIP, "record the action agreed")
    _check_day(desk, meeting_day)
    entry = clean_action(entry, meeting_day)
    assert entry.due_on is not None  # clean_action refuses a missing due date
    with desk.unit_of_work() as uow:
        guest = _live_guest(uow.session, guest_id)
        day = meeting_day.isoformat()
        ids = identity_ids(uow.session, guest.id)
        row = uow.session.scalars(select(PartnershipAction).where(
            PartnershipAction.guest_id.in_(ids), PartnershipAction.meeting_day == day)).first()
        fields = {"text": entry.text, "owner": entry.owner, "due_on": entry.due_on.isoformat()}
        _ensure_meeting(uow, meeting_day)
        if row is None:
            row = PartnershipAction(id=new_id(), guest_id=guest.id, meeting_day=day, recorded_at=uow.now,
                                    recorded_by=uow.staff_id, updated_at=uow.now, updated_by=uow.staff_id, **fields)
            uow.session.add(row)
            changed = list(fields)
        else:
            changed = [name for name, value in fields.items() if getattr(row, name) != value]
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_at, row.updated_by = uow.now, uow.staff_id
        uow.audit("action_agreed", GUEST, guest.id, detail=f"meeting={day};changed={','.join(changed) or 'none'}")
        uow.outbox("partnership.action", action_id=row.id, guest_id=guest.id, meeting_day=day)
        uow.changed(PARTNERSHIP, guest.id)
        uow.session.flush()
        agreed = action_of(row)
    return agreed, uow.changes


def mark_action_done(desk: DeskContext, action_id: str, meeting_day: date, done: bool = True) -> Changes:
    """The meeting heard the action was done (or, set back, that it was not after all)."""
    desk.require(Permission.PARTNERSHIP, "record the action agreed")
    _check_day(desk, meeting_day)
    with desk.unit_of_work() as uow:
        row = uow.session.get(PartnershipAction, action_id)
        if row is None:
            raise NotFound("That action is no longer on record.")
        if done and meeting_day.isoformat() < row.meeting_day:
            raise ValidationError("An action cannot be done before the meeting that agreed it.", field="meeting_day")
        _ensure_meeting(uow, meeting_day)
        row.done_on = meeting_day.isoformat() if done else None
        row.updated_at, row.updated_by = uow.now, uow.staff_id
        uow.audit("action_done" if done else "action_not_done", GUEST, row.guest_id,
                  detail=f"meeting={meeting_day.isoformat()}")
        uow.outbox("partnership.action_done", action_id=row.id, done_on=row.done_on)
        uow.changed(PARTNERSHIP, row.guest_id)
    return uow.changes


def with_filters(listing: ByNameList, filters: Iterable[ListFilter]) -> ByNameList:
    """For tests and exports: the same list narrowed further (no new read, so no new audit entry)."""
    chosen = frozenset(filters) | listing.filters
    return replace(listing, rows=apply_filters(listing.rows, chosen, listing.as_of), filters=chosen)


# --- data rights: the list's records go with the person ------------------------------------------


def export_partnership(session: Session, ids: list[str], row: Any) -> dict[str, list[dict[str, Any]]]:
    members = session.scalars(select(PartnershipMember).where(PartnershipMember.guest_id.in_(ids))).all()
    actions = session.scalars(select(PartnershipAction).where(PartnershipAction.guest_id.in_(ids))).all()
    return {"partnership_list": [row(m) for m in members], "partnership_actions": [row(a) for a in actions]}


def forget_partnership(session: Session, ids: list[str]) -> None:
    """Erasure (and the retention purge of a guest) keeps that the list held them and when actions
    were agreed, as every erased record does, but not the actions' words or owners: free text about a
    named person. (An erased guest is never on a list again.) Rows are changed, not deleted, so the
    erasure's sweep of the outbox still finds the operations that carried the words."""
    for action in session.scalars(select(PartnershipAction).where(PartnershipAction.guest_id.in_(ids))):
        action.text = ERASED_TEXT
        action.owner = ERASED_TEXT


def scrub_other_actions(session: Session, redact: Callable[[str], str], ids: list[str]) -> None:
    """Other people's actions that name the erased guest ("ask Kez's friend Jo")."""
    for action in session.scalars(select(PartnershipAction).where(PartnershipAction.guest_id.not_in(ids))):
        text, owner = redact(action.text), redact(action.owner)
        if (text, owner) != (action.text, action.owner):
            action.text, action.owner = text, owner


# --- internals --------------------------------------------------------------------------------


def _list_detail(listing: ByNameList) -> str:
    filters = ",".join(sorted(f.value for f in listing.filters)) or "none"
    return (f"list={LIST_NAME};meeting={listing.meeting_day.isoformat()};shown={len(listing.rows)};"
            f"left_off={listing.left_off};filters={filters}")


def _check_day(desk: DeskContext, day: date) -> None:
    check_meeting_day(day, desk.clock.now().astimezone(get_site(desk).zone).date())


def _ensure_meeting(uow: UnitOfWork, day: date) -> None:
    """Record the meeting (with its own operation) before the change made at it: each operation
    carries the rows changed since the one before."""
    if uow.session.get(PartnershipMeeting, day.isoformat()) is None:
        uow.session.add(PartnershipMeeting(day=day.isoformat(), recorded_at=uow.now, recorded_by=uow.staff_id))
        uow.outbox("partnership.meeting", day=day.isoformat())


def _live_guest(session: Session, guest_id: str) -> Guest:
    guest = resolve_live(session, guest_id)
    if guest.erased_at is not None:
        raise NotFound("That guest's record was erased.")
    return guest


def _open_membership(session: Session, ids: list[str]) -> PartnershipMember | None:
    return session.scalars(select(PartnershipMember).where(PartnershipMember.guest_id.in_(ids),
                                                           PartnershipMember.left_on.is_(None))).first()
