"""Expected arrivals (issue 13, item 3): told to expect someone, shown on the desk at the right time
and in the handover, linked to the visit they arrive on (at sign-in, or by hand for a description),
or marked as not arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest, Visit
from safespace_desk.db.models_hub_day import ExpectedArrival
from safespace_desk.domain.arrivals import ArrivalState, ExpectedView, arrival_state
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.guests import GUEST, resolve_live
from safespace_desk.services.view_audit import record_list_view

EXPECTED = "expected_arrival"
# An arrival can be recorded up to this long after the time given (the desk heard late), and ahead by up to a month.
PAST_LIMIT = timedelta(days=2)
FUTURE_LIMIT = timedelta(days=31)


@dataclass(frozen=True)
class ArrivalLink:
    """What sign-in tells the desk when it linked an expected arrival."""

    expected_id: str
    text: str


def expect_arrival(desk: DeskContext, *, from_whom: str, via: ArrivedVia | str, expected_at: datetime,
                   guest_id: str | None = None, description: str | None = None,
                   needs: str | None = None) -> tuple[str, Changes]:
    """Record that someone is expected: a guest on the register, or a description of them."""
    desk.require(Permission.FRONT_DESK, "record an expected arrival")
    from_whom = clean_text(from_whom, field="from_whom", label="From whom", max_len=SHORT_TEXT_MAX, required=True)
    description = clean_text(description, field="description", label="Description", max_len=SHORT_TEXT_MAX) or None
    needs = clean_text(needs, field="needs", label="What they need", max_len=LONG_TEXT_MAX, multiline=True) or None
    try:
        how = ArrivedVia(via)
    except ValueError:
        raise ValidationError("Choose how they will arrive (prison, hospital, hostel, ...).", field="via") from None
    when = require_aware(expected_at, "The expected time", field="expected_at")
    now = desk.clock.now()
    if when < now - PAST_LIMIT:
        raise ValidationError("The expected time is more than two days ago.", field="expected_at")
    if when > now + FUTURE_LIMIT:
        raise ValidationError("The expected time is more than a month ahead.", field="expected_at")
    if guest_id is None and description is None:
        raise ValidationError("Choose the guest, or describe who is expected.", field="description")
    expected_id = new_id()
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id) if guest_id else None
        uow.session.add(ExpectedArrival(
            id=expected_id, guest_id=guest.id if guest else None, description=description, from_whom=from_whom,
            via=how.value, expected_at=when, needs=needs, created_at=now, created_by=uow.staff_id))
        uow.audit("arrival_expected", EXPECTED, expected_id, detail=f"guest={guest.id}" if guest else "described")
        uow.outbox("arrival.expect", expected_id=expected_id, guest_id=guest.id if guest else None,
                   description=description, from_whom=from_whom, via=how.value, expected_at=when, needs=needs)
        uow.changed(EXPECTED, expected_id)
        if guest:
            uow.changed(GUEST, guest.id)
    return expected_id, uow.changes


def link_arrival(desk: DeskContext, expected_id: str, visit_id: str) -> Changes:
    """They came: link the expected arrival to their visit (a description is linked by hand)."""
    desk.require(Permission.FRONT_DESK, "link an expected arrival")
    with desk.unit_of_work() as uow:
        row = _open(uow.session, expected_id)
        visit = uow.session.get(Visit, visit_id)
        if visit is None or visit.voided_at is not None:
            raise NotFound("That visit does not exist.")
        if row.guest_id is not None and resolve_live(uow.session, row.guest_id).id != \
                resolve_live(uow.session, visit.guest_id).id:
            raise RuleViolation("That visit is another guest's: this arrival was expected for someone else.")
        _mark_arrived(uow, row, visit, uow.now)
    return uow.changes


def mark_not_arrived(desk: DeskContext, expected_id: str) -> Changes:
    """They did not come (counted; the arrival leaves the desk)."""
    desk.require(Permission.FRONT_DESK, "close an expected arrival")
    with desk.unit_of_work() as uow:
        row = _open(uow.session, expected_id)
        row.not_arrived_at = uow.now
        row.closed_by = uow.staff_id
        uow.audit("arrival_not_arrived", EXPECTED, expected_id)
        uow.outbox("arrival.not_arrived", expected_id=expected_id, at=uow.now)
        uow.changed(EXPECTED, expected_id)
    return uow.changes


def open_arrivals(desk: DeskContext) -> list[ExpectedView]:
    """Every arrival still expected, soonest first (a list of people: audited). ``due`` says which
    the desk shows now; the rest are later."""
    desk.require(Permission.READ_GUEST_RECORD, "see expected arrivals")
    views = open_arrival_rows(desk)
    record_list_view(desk, "expected_arrivals", len(views))
    return views


def open_arrival_rows(desk: DeskContext) -> list[ExpectedView]:
    """Internal: the open arrivals, for services whose own action is audited (the handover)."""
    with desk.store.read() as session:
        rows = session.execute(
            select(ExpectedArrival, Guest.preferred_name).outerjoin(Guest, Guest.id == ExpectedArrival.guest_id)
            .where(ExpectedArrival.arrived_at.is_(None), ExpectedArrival.not_arrived_at.is_(None))
            .order_by(ExpectedArrival.expected_at)).all()
        return [_view(session, row, name) for row, name in rows]


def link_on_sign_in(uow: UnitOfWork, guest_ids: list[str], visit: Visit) -> ArrivalLink | None:
    """Called by sign-in in its own unit of work: the guest's open expected arrival (the earliest) is
    linked to the new visit, as its own operation after the sign-in's."""
    row = uow.session.scalars(select(ExpectedArrival).where(
        ExpectedArrival.guest_id.in_(guest_ids), ExpectedArrival.arrived_at.is_(None),
        ExpectedArrival.not_arrived_at.is_(None)).order_by(ExpectedArrival.expected_at)).first()
    if row is None:
        return None
    _mark_arrived(uow, row, visit, uow.now)
    text = f"Expected from {row.from_whom}" + (f": {row.needs}" if row.needs else "")
    return ArrivalLink(row.id, text)


# --- internals --------------------------------------------------------------------------------


def _mark_arrived(uow: UnitOfWork, row: ExpectedArrival, visit: Visit, now: datetime) -> None:
    row.visit_id = visit.id
    row.arrived_at = now
    row.closed_by = uow.staff_id
    uow.audit("arrival_linked", EXPECTED, row.id, detail=f"visit={visit.id}")
    uow.outbox("arrival.arrived", expected_id=row.id, visit_id=visit.id, at=now)
    uow.changed(EXPECTED, row.id)


def _open(session: Session, expected_id: str) -> ExpectedArrival:
    row = session.get(ExpectedArrival, expected_id)
    if row is None:
        raise NotFound("That expected arrival does not exist.")
    state = arrival_state(row.arrived_at, row.not_arrived_at)
    if state is not ArrivalState.EXPECTED:
        raise RuleViolation(f"This arrival is already closed ({state.label.lower()}).")
    return row


def _view(session: Session, row: ExpectedArrival, name: str | None) -> ExpectedView:
    who = name
    guest_id = row.guest_id
    if guest_id is not None:
        live = resolve_live(session, guest_id)  # expected under a record since merged
        guest_id, who = live.id, live.preferred_name
    return ExpectedView(row.id, guest_id, who or row.description or "Someone", row.from_whom, ArrivedVia(row.via),
                        row.expected_at, row.needs, arrival_state(row.arrived_at, row.not_arrived_at), row.visit_id)


__all__ = ["ArrivalLink", "expect_arrival", "link_arrival", "link_on_sign_in",
           "mark_not_arrived", "open_arrival_rows", "open_arrivals"]
