"""Handovers: an automatic snapshot of the shift plus the outgoing staff's words, acknowledged
by the incoming shift. Unacknowledged handovers stay on screen until someone takes them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from safespace_desk.db.models import Handover, Staff
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.capacity import next_window
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.exclusions import format_time_left
from safespace_desk.domain.profile import Part
from safespace_desk.domain.roles import Permission, can
from safespace_desk.domain.staff_care import debrief_text
from safespace_desk.domain.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.arrivals import open_arrival_rows
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.diary import due_follow_ups
from safespace_desk.services.escalation import escalations_between
from safespace_desk.services.exclusions import in_force
from safespace_desk.services.messages import BoardFilter, board_rows
from safespace_desk.services.shiftlog import current_shift, this_shifts_entries
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view
from safespace_desk.services.visits import in_now

HANDOVER = "handover"
MAX_FOLLOW_UPS = 30


# Every entry that is about a guest carries the guest's id (from 2026-12; older snapshots have none),
# so erasing a guest finds their entries exactly; see services/erasure_reach.py.


@dataclass(frozen=True)
class SnapshotGuest:
    name: str
    since: str  # UTC ISO
    bed: str | None
    flags: list[str]
    guest_id: str | None = None


@dataclass(frozen=True)
class SnapshotExclusion:
    name: str
    ends_at: str
    time_left: str
    reason: str
    guest_id: str | None = None


@dataclass(frozen=True)
class SnapshotMessage:
    for_name: str
    agency: str
    category: str
    relevant_until: str | None
    guest_id: str | None = None


@dataclass(frozen=True)
class SnapshotLog:
    at: str
    kind: str
    guest: str | None
    text: str
    guest_id: str | None = None
    # After a hard moment: "Debrief offered", "Debrief not offered" or "Debrief: not yet asked" (from
    # 2026-12; None on other entries and older snapshots).
    debrief: str | None = None


@dataclass(frozen=True)
class SnapshotFollowUp:
    name: str
    due_at: str
    text: str
    guest_id: str | None = None


@dataclass(frozen=True)
class SnapshotEscalation:
    at: str
    contact: str
    guest: str | None
    guest_id: str | None = None


@dataclass(frozen=True)
class SnapshotExpected:
    """Someone expected before the next shift ends (issue 13): a prison release, a discharge, a swap."""

    who: str
    from_whom: str
    via: str
    expected_at: str
    needs: str | None
    guest_id: str | None = None


@dataclass(frozen=True)
class HandoverSnapshot:
    taken_at: str
    in_now: list[SnapshotGuest] = field(default_factory=list)
    exclusions: list[SnapshotExclusion] = field(default_factory=list)
    urgent_messages: list[SnapshotMessage] = field(default_factory=list)
    log: list[SnapshotLog] = field(default_factory=list)
    # A site with the diary (crisis services, havens): follow-ups due by the end of the next shift
    # (overdue ones included) and the escalations of this shift.
    follow_ups: list[SnapshotFollowUp] = field(default_factory=list)
    escalations: list[SnapshotEscalation] = field(default_factory=list)
    expected: list[SnapshotExpected] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> HandoverSnapshot:
        data = json.loads(text)
        return cls(taken_at=data["taken_at"],
                   in_now=[SnapshotGuest(**g) for g in data.get("in_now", [])],
                   exclusions=[SnapshotExclusion(**e) for e in data.get("exclusions", [])],
                   urgent_messages=[SnapshotMessage(**m) for m in data.get("urgent_messages", [])],
                   log=[SnapshotLog(**entry) for entry in data.get("log", [])],
                   follow_ups=[SnapshotFollowUp(**f) for f in data.get("follow_ups", [])],
                   escalations=[SnapshotEscalation(**e) for e in data.get("escalations", [])],
                   expected=[SnapshotExpected(**e) for e in data.get("expected", [])])


@dataclass(frozen=True)
class HandoverView:
    id: str
    shift_name: str
    shift_start: datetime
    shift_end: datetime
    author_id: str | None
    author_name: str | None
    created_at: datetime
    snapshot: HandoverSnapshot
    text: str
    follow_ups: list[str]
    acknowledged_at: datetime | None
    acknowledged_by_name: str | None


def build_snapshot(desk: DeskContext) -> HandoverSnapshot:
    """What the next shift must know, taken from the store as it is now."""
    desk.require(Permission.SHIFT_LOG, "write handovers")
    now = desk.clock.now()
    follow_ups, escalations = _casework_snapshot(desk)
    return HandoverSnapshot(
        taken_at=utc_text(now),
        in_now=[SnapshotGuest(g.name, utc_text(g.signed_in_at), g.bed or (
            "no bed (override)" if g.no_bed_reason else None), sorted(f.short for f in g.flags), g.guest_id)
            for g in in_now(desk)],
        exclusions=[SnapshotExclusion(a.guest_name, utc_text(a.exclusion.ends_at),
                                      format_time_left(a.exclusion.time_left(now)), a.exclusion.reason,
                                      a.exclusion.guest_id)
                    for a in in_force(desk)],
        urgent_messages=[SnapshotMessage(m.guest_name or "", m.agency, m.category.label,
                                         utc_text(m.relevant_until) if m.relevant_until else None, m.guest_id)
                         for m in board_rows(desk, BoardFilter.URGENT)],
        log=[SnapshotLog(utc_text(e.at), e.kind.label, e.guest_name, e.text, e.guest_id,
                         debrief_text(e.debrief_offered) if e.asks_debrief else None)
             for e in this_shifts_entries(desk)],
        follow_ups=follow_ups, escalations=escalations, expected=_expected_snapshot(desk),
    )


def _expected_snapshot(desk: DeskContext) -> list[SnapshotExpected]:
    """Arrivals still expected up to the end of the next shift (late ones included)."""
    site = get_site(desk)
    ahead = next_window(site.settings, site.zone, current_shift(desk)).ends_at
    return [SnapshotExpected(e.who, e.from_whom, e.via.label, utc_text(e.expected_at), e.needs, e.guest_id)
            for e in open_arrival_rows(desk) if e.expected_at < ahead]


def _casework_snapshot(desk: DeskContext) -> tuple[list[SnapshotFollowUp], list[SnapshotEscalation]]:
    """Follow-ups due before the next shift ends, and this shift's escalations (sites with the diary)."""
    site = get_site(desk)
    if not site.settings.profile.uses(Part.DIARY) or not can(desk.require_actor().role, Permission.CASEWORK):
        return [], []
    window = current_shift(desk)
    ahead = next_window(site.settings, site.zone, window).ends_at
    follow_ups = [SnapshotFollowUp(f.guest_name, utc_text(f.due_at), f.text, f.guest_id)
                  for f in due_follow_ups(desk, until=ahead)]
    escalations = [SnapshotEscalation(utc_text(e.at), e.contact_name, e.guest_name, e.guest_id)
                   for e in escalations_between(desk, window.starts_at, window.ends_at)]
    return follow_ups, escalations


def write_handover(desk: DeskContext, text: str, follow_ups: list[str] | None = None) -> tuple[str, Changes]:
    """Write the handover for the shift in force now, from a fresh snapshot plus the staff's words."""
    desk.require(Permission.SHIFT_LOG, "write handovers")
    text = clean_text(text, field="text", label="Handover notes", max_len=LONG_TEXT_MAX, required=True,
                      multiline=True)
    items = []
    for item in follow_ups or []:
        cleaned = clean_text(item, field="follow_ups", label="Follow-up", max_len=SHORT_TEXT_MAX)
        if cleaned:
            items.append(cleaned)
    if len(items) > MAX_FOLLOW_UPS:
        raise ValidationError(f"Up to {MAX_FOLLOW_UPS} follow-ups per handover.", field="follow_ups")
    snapshot = build_snapshot(desk)
    window = current_shift(desk)
    handover_id = new_id()
    with desk.unit_of_work() as uow:
        uow.session.add(Handover(id=handover_id, shift_name=window.period.name, shift_start=window.starts_at,
                                 shift_end=window.ends_at, author_id=uow.staff_id, created_at=uow.now,
                                 snapshot=snapshot.to_json(), text=text, follow_ups=json.dumps(items)))
        uow.audit("handover_written", HANDOVER, handover_id)
        uow.outbox("handover.write", handover_id=handover_id, shift_name=window.period.name,
                   shift_start=window.starts_at, shift_end=window.ends_at, text=text, follow_ups=items,
                   snapshot=json.loads(snapshot.to_json()))
        uow.changed(HANDOVER, handover_id)
    return handover_id, uow.changes


def acknowledge(desk: DeskContext, handover_id: str) -> Changes:
    """The incoming shift confirms they have read the handover (not its own author)."""
    actor = desk.require(Permission.SHIFT_LOG, "acknowledge handovers")
    with desk.unit_of_work() as uow:
        row = uow.session.get(Handover, handover_id)
        if row is None:
            raise NotFound("That handover does not exist.")
        if row.acknowledged_at is not None:
            raise RuleViolation("This handover has already been acknowledged.")
        if row.author_id == actor.staff_id:
            raise RuleViolation("The incoming shift acknowledges a handover, not the person who wrote it.")
        row.acknowledged_at = uow.now
        row.acknowledged_by = actor.staff_id
        uow.audit("handover_acknowledged", HANDOVER, handover_id)
        uow.outbox("handover.acknowledge", handover_id=handover_id, at=uow.now)
        uow.changed(HANDOVER, handover_id)
    return uow.changes


def pending(desk: DeskContext) -> list[HandoverView]:
    """Handovers not yet acknowledged, oldest first: shown as a banner until taken."""
    views = _list(desk, unacknowledged_only=True, newest_first=False)
    record_list_view(desk, "handovers_pending", len(views))
    return views


def history(desk: DeskContext, limit: int = 100) -> list[HandoverView]:
    views = _list(desk, unacknowledged_only=False, newest_first=True, limit=limit)
    record_list_view(desk, "handovers", len(views))
    return views


def get_handover(desk: DeskContext, handover_id: str) -> HandoverView:
    views = [v for v in _list(desk, unacknowledged_only=False, newest_first=True, only_id=handover_id)]
    if not views:
        raise NotFound("That handover does not exist.")
    desk.record("viewed", HANDOVER, handover_id)
    return views[0]


def _list(desk: DeskContext, *, unacknowledged_only: bool, newest_first: bool, limit: int = 100,
          only_id: str | None = None) -> list[HandoverView]:
    desk.require(Permission.SHIFT_LOG, "read handovers")
    author = aliased(Staff)
    acker = aliased(Staff)
    q = (select(Handover, author.name, acker.name)
         .outerjoin(author, author.id == Handover.author_id)
         .outerjoin(acker, acker.id == Handover.acknowledged_by))
    if unacknowledged_only:
        q = q.where(Handover.acknowledged_at.is_(None))
    if only_id:
        q = q.where(Handover.id == only_id)
    q = q.order_by(Handover.created_at.desc() if newest_first else Handover.created_at).limit(limit)
    with desk.store.read() as session:
        return [HandoverView(h.id, h.shift_name, h.shift_start, h.shift_end, h.author_id, a, h.created_at,
                             HandoverSnapshot.from_json(h.snapshot), h.text, json.loads(h.follow_ups or "[]"),
                             h.acknowledged_at, k) for h, a, k in session.execute(q)]


def snapshot_time(value: str) -> datetime:
    return parse_utc(value)
