"""The bed board: who holds each bed tonight; give, move and free beds; the day-to-night check."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from safespace_desk.db.models import BedAssignment, Guest, Visit
from safespace_desk.domain.capacity import PeriodWindow
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.frontdesk_common import (
    BED,
    VISIT,
    bed_of_visit,
    held_beds,
    moment,
)
from safespace_desk.services.overrides import Override, OverrideAction, override_detail, use_override
from safespace_desk.services.view_audit import record_list_view
from safespace_desk.services.visits import InNow, in_now


@dataclass(frozen=True)
class BedRow:
    label: str
    guest_id: str | None
    guest_name: str | None
    visit_id: str | None


@dataclass(frozen=True)
class BedBoard:
    window: PeriodWindow  # tonight's bed period (in force now or next to start)
    in_force: bool  # True once the night has begun
    beds: list[BedRow]

    @property
    def free(self) -> list[str]:
        return [b.label for b in self.beds if b.guest_id is None]


@dataclass(frozen=True)
class NightCheck:
    """At the change to a bed period: guests in with no bed, and what is free."""

    window: PeriodWindow
    without_bed: list[InNow]
    free_beds: list[str]

    @property
    def needs_decision(self) -> bool:
        return bool(self.without_bed)


def bed_board(desk: DeskContext) -> BedBoard:
    """Who holds each bed tonight (a list of guests: audited)."""
    desk.require(Permission.READ_GUEST_RECORD, "see the bed board")
    board = _board(desk)
    record_list_view(desk, "bed_board", sum(1 for b in board.beds if b.guest_id))
    return board


def _board(desk: DeskContext) -> BedBoard:
    m = moment(desk)
    if m.bed_window is None or m.bed_window.night_of is None:
        raise RuleViolation("This site has no bed period set up.")
    night_of = m.bed_window.night_of
    with desk.store.read() as session:
        held = held_beds(session, night_of)
        names = {gid: name for gid, name in session.execute(select(Guest.id, Guest.preferred_name).where(
            Guest.id.in_([a.guest_id for a in held.values()])))}
        rows = []
        for label in m.site.settings.bed_labels:
            a = held.get(label)
            rows.append(BedRow(label, a.guest_id if a else None, names.get(a.guest_id) if a else None,
                               a.visit_id if a else None))
    return BedBoard(m.bed_window, m.window.period.beds, rows)


def give_bed(desk: DeskContext, visit_id: str, bed_label: str) -> Changes:
    """Give (or move to) ``bed_label`` for tonight. Moving frees the old bed in the same step."""
    desk.require(Permission.FRONT_DESK, "give beds")
    m = moment(desk)
    if m.bed_window is None or m.bed_window.night_of is None:
        raise RuleViolation("This site has no bed period set up.")
    night_of = m.bed_window.night_of
    if bed_label not in m.site.settings.bed_labels:
        raise ValidationError(f"There is no bed called “{bed_label}”.", field="bed")
    with desk.unit_of_work() as uow:
        visit = uow.session.get(Visit, visit_id)
        if visit is None or visit.voided_at is not None or visit.signed_out_at is not None:
            raise NotFound("That guest is not signed in.")
        if visit.mode != "in_person":
            raise RuleViolation("This visit is online or by phone: it takes no bed.")
        held = held_beds(uow.session, night_of)
        holder = held.get(bed_label)
        if holder is not None and holder.visit_id != visit_id:
            raise RuleViolation(f"{bed_label} is already taken tonight.")
        if holder is not None:
            return uow.changes  # already theirs
        current = bed_of_visit(uow.session, visit_id, night_of)
        if current is not None:
            current.released_at = uow.now
            uow.changed(BED, current.bed_label)
            uow.session.flush()  # free the old bed before the unique index sees the new one
        uow.session.add(BedAssignment(id=new_id(), visit_id=visit_id, guest_id=visit.guest_id,
                                      bed_label=bed_label, night_of=night_of, assigned_at=uow.now,
                                      assigned_by=uow.staff_id))
        visit.no_bed_night = None
        visit.no_bed_reason = None
        visit.no_bed_by = None
        action = "bed_moved" if current is not None else "bed_given"
        uow.audit(action, VISIT, visit_id, detail=f"bed={bed_label}")
        uow.outbox("bed.give", visit_id=visit_id, bed=bed_label, night_of=night_of)
        uow.changed(BED, bed_label)
        uow.changed(VISIT, visit_id)
    return uow.changes


def free_bed(desk: DeskContext, visit_id: str) -> Changes:
    desk.require(Permission.FRONT_DESK, "free beds")
    m = moment(desk)
    night_of = m.bed_window.night_of if m.bed_window else None
    with desk.unit_of_work() as uow:
        current = bed_of_visit(uow.session, visit_id, night_of) if night_of else None
        if current is None:
            raise RuleViolation("That guest has no bed tonight.")
        current.released_at = uow.now
        uow.audit("bed_freed", VISIT, visit_id, detail=f"bed={current.bed_label}")
        uow.outbox("bed.free", visit_id=visit_id, night_of=night_of)
        uow.changed(BED, current.bed_label)
        uow.changed(VISIT, visit_id)
    return uow.changes


def keep_without_bed(desk: DeskContext, visit_id: str, override: Override) -> Changes:
    """A lead lets a guest stay tonight without a bed (e.g. on a chair), with a reason.

    Front-desk work, so it needs a front-desk role as well as the lead's override for this desk."""
    desk.require(Permission.FRONT_DESK, "let a guest stay without a bed")
    m = moment(desk)
    if m.bed_window is None or m.bed_window.night_of is None:
        raise RuleViolation("This site has no bed period set up.")
    with use_override(desk, override, OverrideAction.NO_BED) as lead, desk.unit_of_work() as uow:
        if lead is None:
            raise RuleViolation("A shift lead's override is needed to keep a guest without a bed.")
        visit = uow.session.get(Visit, visit_id)
        if visit is None or visit.voided_at is not None or visit.signed_out_at is not None:
            raise NotFound("That guest is not signed in.")
        visit.no_bed_night = m.bed_window.night_of
        visit.no_bed_reason = override.reason.strip()
        visit.no_bed_by = lead.staff_id
        uow.audit("no_bed_override", VISIT, visit_id, detail=override_detail(lead, override))
        uow.outbox("visit.no_bed", visit_id=visit_id, night_of=m.bed_window.night_of,
                   reason=visit.no_bed_reason, by=lead.staff_id)
        uow.changed(VISIT, visit_id)
    return uow.changes


def night_check(desk: DeskContext) -> NightCheck | None:
    """In a bed period: who is in without a bed and without a lead's no-bed decision."""
    desk.require(Permission.READ_GUEST_RECORD, "see who has no bed tonight")
    m = moment(desk)
    if not m.window.period.beds:
        return None
    board = _board(desk)
    without = [g for g in in_now(desk) if g.bed is None and g.no_bed_reason is None]
    record_list_view(desk, "night_check", len(without))
    return NightCheck(m.window, without, board.free)


def carry_over_beds(desk: DeskContext) -> Changes:
    """Give each guest still in the bed they had last night, where it is free tonight."""
    desk.require(Permission.FRONT_DESK, "give beds")
    m = moment(desk)
    if m.bed_window is None or m.bed_window.night_of is None:
        return Changes()
    tonight = m.bed_window.night_of
    with desk.store.read() as session:
        open_visits = {v.id for v in session.scalars(select(Visit).where(
            Visit.signed_out_at.is_(None), Visit.voided_at.is_(None)))}
        previous = session.scalars(select(BedAssignment).where(
            BedAssignment.visit_id.in_(open_visits), BedAssignment.night_of < tonight)
            .order_by(BedAssignment.night_of, BedAssignment.assigned_at)).all()  # the last bed they had wins
        last_bed = {a.visit_id: a.bed_label for a in previous}
        held = held_beds(session, tonight)
    taken = set(held)
    bedded = {a.visit_id for a in held.values()}
    changes = Changes()
    for visit_id, label in last_bed.items():
        if visit_id not in bedded and label not in taken and label in m.site.settings.bed_labels:
            changes = changes | give_bed(desk, visit_id, label)
            taken.add(label)
    return changes
