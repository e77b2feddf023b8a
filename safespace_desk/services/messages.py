"""The message board: agencies' messages for guests, passed on when the person comes in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from safespace_desk.db.models import Agency, Guest, Message, Staff, Visit
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.messages import (
    MessageCategory,
    MessageState,
    MessageView,
    check_can_deliver,
    message_state,
    outcome_line,
)
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import NAME_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.enquiries import shares_with
from safespace_desk.services.guests import GUEST, identity_ids, merged_owners, resolve_live
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view

MESSAGE = "message"
BODY_MAX = 2000


class BoardFilter(StrEnum):
    WAITING = "waiting"
    URGENT = "urgent"
    IN_NOW = "in_now"
    UNLINKED = "unlinked"
    DELIVERED = "delivered"
    NOT_PASSED_ON = "not_passed_on"
    EXPIRED = "expired"
    ALL = "all"

    @property
    def label(self) -> str:
        return {"waiting": "Waiting", "urgent": "Urgent", "in_now": "For guests in now",
                "unlinked": "Not yet linked to a guest", "delivered": "Delivered",
                "not_passed_on": "Not passed on", "expired": "Expired", "all": "All"}[self.value]


@dataclass(frozen=True)
class AgencyRow:
    id: str
    name: str
    active: bool


def list_agencies(desk: DeskContext, *, include_inactive: bool = False) -> list[AgencyRow]:
    desk.require(Permission.MESSAGES, "see agencies")
    with desk.store.read() as session:
        q = select(Agency).order_by(Agency.name == "Other", func.lower(Agency.name))
        if not include_inactive:
            q = q.where(Agency.active.is_(True))
        return [AgencyRow(a.id, a.name, a.active) for a in session.scalars(q)]


def add_agency(desk: DeskContext, name: str) -> tuple[AgencyRow, Changes]:
    desk.require(Permission.MANAGE_SITE, "add agencies")
    name = clean_text(name, field="agency", label="Agency name", max_len=100, required=True)
    with desk.unit_of_work() as uow:
        existing = uow.session.scalars(select(Agency).where(func.lower(Agency.name) == name.lower())).first()
        if existing is not None:
            if existing.active:
                raise ValidationError(f"“{name}” is already on the list.", field="agency")
            existing.active = True
            row = existing
        else:
            row = Agency(id=new_id(), name=name, active=True)
            uow.session.add(row)
        uow.audit("agency_added", "agency", row.id)
        uow.outbox("agency.add", agency_id=row.id, name=name)
        uow.changed("agency", row.id)
    return AgencyRow(row.id, row.name, True), uow.changes


def deactivate_agency(desk: DeskContext, agency_id: str) -> Changes:
    desk.require(Permission.MANAGE_SITE, "change the agency list")
    with desk.unit_of_work() as uow:
        row = uow.session.get(Agency, agency_id)
        if row is None:
            raise NotFound("That agency is not on the list.")
        row.active = False
        uow.audit("agency_deactivated", "agency", agency_id)
        uow.outbox("agency.deactivate", agency_id=agency_id)
        uow.changed("agency", agency_id)
    return uow.changes


def post_message(desk: DeskContext, *, agency_id: str, body: str, guest_id: str | None = None,
                 for_name: str | None = None, contact: str | None = None,
                 category: MessageCategory | str = MessageCategory.GENERAL, urgent: bool = False,
                 relevant_until: datetime | date | None = None, discreet: bool = False) -> tuple[str, Changes]:
    """Record a message for a guest, or for a name not yet on the register (linked later).

    A discreet message (for a victim, say) is never on the board's lists, the handover or a printout:
    the desk shows it only at that guest's own sign-in (``waiting_for``)."""
    desk.require(Permission.MESSAGES, "record messages")
    body = clean_text(body, field="body", label="Message", max_len=BODY_MAX, required=True, multiline=True)
    contact = clean_text(contact, field="contact", label="Contact", max_len=SHORT_TEXT_MAX) or None
    for_name = clean_text(for_name, field="for_name", label="Name", max_len=NAME_MAX) or None
    try:
        category = MessageCategory(category)
    except ValueError:
        raise ValidationError("Choose a category.", field="category") from None
    now = desk.clock.now()
    until = _until(desk, relevant_until)
    if until is not None and until <= now:
        raise ValidationError("“Relevant until” is already in the past.", field="relevant_until")
    if guest_id is None and for_name is None:
        raise ValidationError("Choose the guest, or type the name the agency gave.", field="for_name")
    message_id = new_id()
    with desk.unit_of_work() as uow:
        agency = uow.session.get(Agency, agency_id)
        if agency is None or not agency.active:
            raise ValidationError("Choose an agency from the list.", field="agency")
        guest = resolve_live(uow.session, guest_id) if guest_id else None
        uow.session.add(Message(
            id=message_id, guest_id=guest.id if guest else None,
            for_name=for_name or (guest.preferred_name if guest else ""), agency_id=agency_id,
            contact=contact, body=body, category=category.value, urgent=urgent, relevant_until=until,
            created_at=now, created_by=uow.staff_id, linked_at=now if guest else None, discreet=bool(discreet)))
        uow.audit("message_posted", MESSAGE, message_id,
                  detail=f"guest={guest.id}" if guest else "unlinked")
        uow.outbox("message.post", message_id=message_id, guest_id=guest.id if guest else None,
                   for_name=for_name, agency_id=agency_id, contact=contact, body=body,
                   category=category.value, urgent=urgent, relevant_until=until, at=now, discreet=bool(discreet))
        uow.changed(MESSAGE, message_id)
        if guest:
            uow.changed(GUEST, guest.id)
    return message_id, uow.changes


def link_message(desk: DeskContext, message_id: str, guest_id: str) -> Changes:
    """Attach a message left for a name to the guest it was meant for (or correct a wrong link,
    as long as it has not been delivered: who received it is history)."""
    desk.require(Permission.MESSAGES, "link messages")
    with desk.unit_of_work() as uow:
        row = _get(uow.session, message_id)
        if row.delivered_at is not None:
            raise RuleViolation("This message was delivered; who received it cannot be changed.")
        guest = resolve_live(uow.session, guest_id)
        previous = row.guest_id
        row.guest_id = guest.id
        row.linked_at = uow.now
        uow.audit("message_linked", MESSAGE, message_id,
                  detail=f"guest={guest.id}" + (f";was={previous}" if previous and previous != guest.id else ""))
        uow.outbox("message.link", message_id=message_id, guest_id=guest.id)
        uow.changed(MESSAGE, message_id)
        uow.changed(GUEST, guest.id)
    return uow.changes


def deliver(desk: DeskContext, message_id: str, note: str | None = None) -> Changes:
    """Mark a message passed on to the guest (who and when are recorded)."""
    desk.require(Permission.MESSAGES, "pass on messages")
    note = clean_text(note, field="note", label="Note", max_len=SHORT_TEXT_MAX) or None
    with desk.unit_of_work() as uow:
        row = _get(uow.session, message_id)
        check_can_deliver(_state(row, uow.now))
        if row.relevant_until is not None and row.relevant_until <= uow.now:
            # Not passed on stays deliverable only while the message is still relevant.
            raise RuleViolation("This message has expired (past its relevant-until time).")
        if row.guest_id is None:
            raise RuleViolation("Link this message to a guest before marking it delivered.")
        row.delivered_at = uow.now
        row.delivered_by = uow.staff_id
        row.delivery_note = note
        uow.audit("message_delivered", MESSAGE, message_id)
        uow.outbox("message.deliver", message_id=message_id, at=uow.now, note=note)
        uow.changed(MESSAGE, message_id)
        uow.changed(GUEST, row.guest_id)
    return uow.changes


def not_passed_on(desk: DeskContext, message_id: str, reason: str) -> Changes:
    desk.require(Permission.MESSAGES, "record why a message was not passed on")
    reason = clean_text(reason, field="reason", label="Why", max_len=SHORT_TEXT_MAX, required=True)
    with desk.unit_of_work() as uow:
        row = _get(uow.session, message_id)
        state = _state(row, uow.now)
        if state is not MessageState.WAITING:
            raise RuleViolation(f"This message is {state.label.lower()}; it cannot be marked not passed on.")
        row.not_passed_at = uow.now
        row.not_passed_by = uow.staff_id
        row.not_passed_reason = reason
        uow.audit("message_not_passed_on", MESSAGE, message_id)
        uow.outbox("message.not_passed_on", message_id=message_id, at=uow.now, reason=reason)
        uow.changed(MESSAGE, message_id)
        if row.guest_id:
            uow.changed(GUEST, row.guest_id)
    return uow.changes


def withdraw(desk: DeskContext, message_id: str, reason: str) -> Changes:
    """The agency no longer needs the message passed on."""
    desk.require(Permission.MESSAGES, "withdraw messages")
    reason = clean_text(reason, field="reason", label="Why", max_len=SHORT_TEXT_MAX, required=True)
    with desk.unit_of_work() as uow:
        row = _get(uow.session, message_id)
        state = _state(row, uow.now)
        if state in (MessageState.DELIVERED, MessageState.WITHDRAWN):
            raise RuleViolation(f"This message is already {state.label.lower()}.")
        row.withdrawn_at = uow.now
        row.withdrawn_by = uow.staff_id
        row.withdraw_reason = reason
        uow.audit("message_withdrawn", MESSAGE, message_id)
        uow.outbox("message.withdraw", message_id=message_id, at=uow.now, reason=reason)
        uow.changed(MESSAGE, message_id)
    return uow.changes


def open_message(desk: DeskContext, message_id: str) -> MessageView:
    """One message in full. Opening it is audited like any view of a guest's record."""
    desk.require(Permission.MESSAGES, "read messages")
    with desk.store.read() as session:
        views = _views(session, _base().where(Message.id == message_id))
    if not views:
        raise NotFound("That message does not exist.")
    desk.record("viewed", MESSAGE, message_id)
    return views[0]


def waiting_for(desk: DeskContext, guest_id: str) -> list[MessageView]:
    """Messages waiting for this guest (and records merged into them), urgent first."""
    desk.require(Permission.MESSAGES, "read messages")
    now = desk.clock.now()
    with desk.store.read() as session:
        ids = identity_ids(session, guest_id)
        views = _views(session, _open_q(_base(), now).where(Message.guest_id.in_(ids))
                       .order_by(Message.urgent.desc(), Message.relevant_until.is_(None), Message.relevant_until,
                                 Message.created_at))
    record_list_view(desk, "messages_waiting", len(views), about=guest_id)
    return views


def note_waiting_shown(desk: DeskContext, guest_id: str, waiting: int) -> None:
    """Staff were shown how many messages wait for this guest, from counts a search already read
    (the search panel's banner for the highlighted guest): recorded as ``waiting_for`` records its
    list, without reading the messages again on every keystroke."""
    desk.require(Permission.MESSAGES, "read messages")
    record_list_view(desk, "messages_waiting", waiting, about=guest_id)


def waiting_counts(desk: DeskContext, guest_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(waiting, urgent) per guest id, for search results and the who-is-in list."""
    if not guest_ids or desk.actor is None:
        return {}
    now = desk.clock.now()
    with desk.store.read() as session:
        owner = merged_owners(session, guest_ids)
        rows = session.execute(
            _open_q(select(Message.guest_id, func.count(), func.sum(case((Message.urgent.is_(True), 1), else_=0)))
                    .where(Message.guest_id.in_(list(owner))), now).group_by(Message.guest_id))
        out: dict[str, tuple[int, int]] = {}
        for gid, count, urgent in rows:
            n, u = out.get(owner[gid], (0, 0))
            out[owner[gid]] = (n + count, u + int(urgent or 0))
        return out


def board(desk: DeskContext, which: BoardFilter = BoardFilter.WAITING, *, agency_id: str | None = None,
          text: str | None = None, limit: int = 500) -> list[MessageView]:
    """The board. Waiting messages come urgent first, then soonest to expire, then oldest (audited:
    which board, how many messages)."""
    desk.require(Permission.MESSAGES, "read messages")
    views = board_rows(desk, which, agency_id=agency_id, text=text, limit=limit)
    record_list_view(desk, f"message_board:{BoardFilter(which).value}", len(views))
    return views


def board_rows(desk: DeskContext, which: BoardFilter = BoardFilter.WAITING, *, agency_id: str | None = None,
               text: str | None = None, limit: int = 500) -> list[MessageView]:
    """Internal: the board's rows, for services whose own action is audited (the handover)."""
    now = desk.clock.now()
    q = _base().where(Message.discreet.is_(False))  # discreet ones: only at the guest's own sign-in
    if which in (BoardFilter.WAITING, BoardFilter.URGENT, BoardFilter.IN_NOW, BoardFilter.UNLINKED):
        q = _open_q(q, now)
        if which is BoardFilter.URGENT:
            q = q.where(Message.urgent.is_(True))
        elif which is BoardFilter.UNLINKED:
            q = q.where(Message.guest_id.is_(None))
        elif which is BoardFilter.IN_NOW:
            with desk.store.read() as session:
                q = q.where(Message.guest_id.in_(_in_now_identities(session)))
        q = q.order_by(Message.urgent.desc(), Message.relevant_until.is_(None), Message.relevant_until,
                       Message.created_at)
    else:
        if which is BoardFilter.DELIVERED:
            q = q.where(Message.delivered_at.is_not(None))
        elif which is BoardFilter.NOT_PASSED_ON:
            q = q.where(Message.delivered_at.is_(None), Message.not_passed_at.is_not(None))
        elif which is BoardFilter.EXPIRED:
            q = q.where(Message.delivered_at.is_(None), Message.not_passed_at.is_(None),
                        Message.withdrawn_at.is_(None), Message.relevant_until <= now)
        q = q.order_by(Message.created_at.desc())
    if agency_id:
        q = q.where(Message.agency_id == agency_id)
    if text and text.strip():
        like = f"%{text.strip()}%"
        q = q.where(or_(Message.body.ilike(like), Message.for_name.ilike(like), Guest.preferred_name.ilike(like),
                        Agency.name.ilike(like), Message.contact.ilike(like)))
    with desk.store.read() as session:
        return _views(session, q.limit(limit))


def describe_outcome(desk: DeskContext, message_id: str) -> str:
    """The line to tell (or copy to) the agency about what happened to their message."""
    view = open_message(desk, message_id)
    return outcome_line(view, get_site(desk).zone, desk.clock.now(), withheld=_withheld(desk, message_id))


def agency_outcomes(desk: DeskContext, agency_id: str | None, start: date, end: date) -> list[tuple[MessageView, str]]:
    """Outcomes of messages received between two local dates (inclusive), for telling agencies."""
    desk.require(Permission.MESSAGES, "report message outcomes")
    if end < start:
        raise ValidationError("The end date is before the start date.", field="end")
    site = get_site(desk)
    lo = datetime.combine(start, time(0), tzinfo=site.zone).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), tzinfo=site.zone).astimezone(UTC)
    q = _base().where(Message.created_at >= lo, Message.created_at < hi).order_by(Message.created_at)
    if agency_id:
        q = q.where(Message.agency_id == agency_id)
    now = desk.clock.now()
    with desk.store.read() as session:
        views = _views(session, q)
    with desk.unit_of_work() as uow:
        uow.audit("message_outcomes_listed", "agency", agency_id, detail=f"{start}..{end};shown={len(views)}")
    return [(v, outcome_line(v, site.zone, now, withheld=_withheld(desk, v.id))) for v in views]


def _withheld(desk: DeskContext, message_id: str) -> bool:
    """The guest said no to sharing with the message's agency (their sharing choices, issue 13)."""
    with desk.store.read() as session:
        row = session.get(Message, message_id)
        if row is None or row.guest_id is None:
            return False
        return shares_with(session, row.guest_id, row.agency_id) is False


# --- internals --------------------------------------------------------------------------------

_delivered_by = aliased(Staff)
_created_by = aliased(Staff)


def _base() -> Select:  # type: ignore[type-arg]
    return (select(Message, Agency.name, Guest.preferred_name, _created_by.name, _delivered_by.name)
            .join(Agency, Agency.id == Message.agency_id)
            .outerjoin(Guest, Guest.id == Message.guest_id)
            .outerjoin(_created_by, _created_by.id == Message.created_by)
            .outerjoin(_delivered_by, _delivered_by.id == Message.delivered_by))


def _open_q(q: Select, now: datetime) -> Select:  # type: ignore[type-arg]
    return q.where(Message.delivered_at.is_(None), Message.not_passed_at.is_(None),
                   Message.withdrawn_at.is_(None),
                   or_(Message.relevant_until.is_(None), and_(Message.relevant_until > now)))


def _in_now_identities(session: Session) -> list[str]:
    """Every record of the guests in now: a visit or a message may sit on a record merged away
    (before or after the merge), so go up to the live record and then down to all merged into it."""
    in_now = session.scalars(select(Visit.guest_id).where(Visit.signed_out_at.is_(None),
                                                          Visit.voided_at.is_(None))).all()
    live = {resolve_live(session, guest_id).id for guest_id in set(in_now)}
    return list(merged_owners(session, list(live)))


def _views(session: Session, q: Select) -> list[MessageView]:  # type: ignore[type-arg]
    out = []
    for row, agency, guest_name, created_by, delivered_by in session.execute(q):
        out.append(MessageView(
            id=row.id, guest_id=row.guest_id, guest_name=guest_name or row.for_name, linked=row.guest_id is not None,
            agency=agency, contact=row.contact, body=row.body, category=MessageCategory(row.category),
            urgent=row.urgent, relevant_until=row.relevant_until, created_at=row.created_at,
            created_by_name=created_by, delivered_at=row.delivered_at, delivered_by_name=delivered_by,
            delivery_note=row.delivery_note, not_passed_at=row.not_passed_at,
            not_passed_reason=row.not_passed_reason, withdrawn_at=row.withdrawn_at,
            withdraw_reason=row.withdraw_reason, discreet=bool(row.discreet)))
    return out


def _get(session: Session, message_id: str) -> Message:
    row = session.get(Message, message_id)
    if row is None:
        raise NotFound("That message does not exist.")
    return row


def _state(row: Message, now: datetime) -> MessageState:
    return message_state(row.delivered_at, row.not_passed_at, row.withdrawn_at, row.relevant_until, now)


def _until(desk: DeskContext, value: datetime | date | None) -> datetime | None:
    """A date means "until the end of that day" in the site's time zone."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return require_aware(value, "“Relevant until”", field="relevant_until")
    zone = get_site(desk).zone
    return datetime.combine(value + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
