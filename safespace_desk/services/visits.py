"""Signing guests in and out, and undoing a mistake (recorded, never erased)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import BedAssignment, Guest, Visit
from safespace_desk.domain.casework import VisitMode
from safespace_desk.domain.destinations import DestinationKind, match_destination
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.exclusions import format_time_left
from safespace_desk.domain.guests import ArrivedVia, GuestFlag
from safespace_desk.domain.profile import age_warning
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.appointments import appointments_today
from safespace_desk.services.arrivals import link_on_sign_in
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.frontdesk_common import (
    BED,
    VISIT,
    SignInBlocked,
    active_exclusion,
    held_beds,
    local_time_text,
    moment,
    open_visit_count,
    open_visit_for,
    release_beds_of_visit,
)
from safespace_desk.services.guests import GUEST, guest_index, identity_ids, resolve_live
from safespace_desk.services.keep_apart import others_of, sign_in_warning
from safespace_desk.services.outcomes import note_departure
from safespace_desk.services.overrides import Override, OverrideAction, override_detail, use_override
from safespace_desk.services.sign_in_checks import sign_in_checks
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view


@dataclass(frozen=True)
class SignInResult:
    visit_id: str
    guest_id: str
    guest_name: str
    bed: str | None
    overridden: bool
    changes: Changes
    mode: VisitMode = VisitMode.IN_PERSON
    age_warning: str | None = None  # younger than the service's minimum age: a warning, not a refusal
    # An expected arrival (issue 13) linked to this visit: who told us and what they need.
    expected: str | None = None
    # Someone this guest is kept apart from is in now (their name and bed; never the reason).
    keep_apart: str | None = None
    # Their appointments later today (issue 13): "Dentist, 10:00, Appointment room 2".
    appointments: str | None = None


@dataclass(frozen=True)
class InNow:
    visit_id: str
    guest_id: str
    name: str
    signed_in_at: datetime
    arrived_via: ArrivedVia
    bed: str | None
    no_bed_reason: str | None
    flags: frozenset[GuestFlag]
    mode: VisitMode = VisitMode.IN_PERSON


@dataclass(frozen=True)
class PresentGuest:
    """Someone in now, as the paramedic sees them: name, since when, bed, flags (not how they
    arrived, nor a lead's reason for a night without a bed)."""

    visit_id: str
    guest_id: str
    name: str
    signed_in_at: datetime
    bed: str | None
    flags: frozenset[GuestFlag]


@dataclass(frozen=True)
class VisitRow:
    id: str
    signed_in_at: datetime
    signed_out_at: datetime | None
    arrived_via: ArrivedVia
    departed_to: str | None
    voided: bool
    override_reason: str | None


def sign_in(desk: DeskContext, guest_id: str, arrived_via: ArrivedVia | str, *,
            override: Override | None = None, bed: str | None = None,
            mode: VisitMode | str = VisitMode.IN_PERSON) -> SignInResult:
    """Sign a guest in. An exclusion or a full house blocks it unless a lead overrides with a reason.

    In a bed period the guest is given ``bed`` or the first free bed; with no bed free a lead's
    override lets them stay without one (recorded for that night). An online or phone visit takes
    no place in the building: no capacity, exclusion or bed applies to it.
    """
    desk.require(Permission.FRONT_DESK, "sign guests in")
    try:
        via = ArrivedVia(arrived_via)
    except ValueError:
        raise ValidationError("Choose how the guest arrived (self, police, paramedic, ...).",
                              field="arrived_via") from None
    visit_mode = VisitMode(VisitMode.parse(mode, field="mode"))
    in_building = visit_mode.in_building
    with use_override(desk, override, OverrideAction.SIGN_IN) as lead, desk.unit_of_work() as uow:
        m = moment(desk, uow.session)  # the site read in this transaction, not in one of its own
        guest = resolve_live(uow.session, guest_id)
        local_day = m.now.astimezone(m.site.zone).date()
        day_end = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=m.site.zone).astimezone(UTC)
        bed_night = m.window.night_of if in_building and m.window.period.beds else None
        # One statement for what the rules ask; the rare things found are read in full below.
        checks = sign_in_checks(uow.session, guest.id, m.now, night_of=bed_night,
                                since=m.now - timedelta(hours=1), day_end=day_end)
        ids = checks.ids
        if checks.died:
            raise RuleViolation(f"{guest.preferred_name} is recorded as having died. If this is the wrong "
                                "record, a manager can correct it.")
        already = open_visit_for(uow.session, ids) if checks.in_now else None
        if already is not None:
            raise RuleViolation(f"{guest.preferred_name} is already signed in (since "
                                f"{local_time_text(already.signed_in_at, m.site, m.now)}).")
        blocks = []
        exclusion = active_exclusion(uow.session, ids, m.now) if in_building and checks.excluded else None
        if exclusion is not None:
            blocks.append(SignInBlocked(
                f"{guest.preferred_name} is excluded until "
                f"{local_time_text(exclusion.ends_at, m.site, m.now)} "
                f"({format_time_left(exclusion.time_left(m.now))}). Reason: {exclusion.reason}",
                kind="excluded"))
        used = checks.places_used
        if in_building and used >= m.window.period.places:
            blocks.append(SignInBlocked(
                f"The hub is full: {used} of {m.window.period.places} places in use "
                f"({m.window.period.name.lower()}).", kind="full"))
        if blocks and lead is None:
            raise blocks[0]
        visit = Visit(id=new_id(), guest_id=guest.id, signed_in_at=m.now, arrived_via=via.value,
                      staff_in=uow.staff_id, mode=visit_mode.value)
        if override is not None and lead is not None and blocks:
            visit.override_reason = override.reason.strip()
            visit.override_by = lead.staff_id
        uow.session.add(visit)
        uow.session.flush()
        given_bed = None
        no_bed = False
        if bed_night:
            given_bed = _bed_for_new_visit(checks.beds_held, m.site.settings.bed_labels, bed)
            if given_bed is None:
                if override is None or lead is None:
                    raise SignInBlocked("Every bed is taken tonight.", kind="full")
                no_bed = True
                visit.no_bed_night = m.window.night_of
                visit.no_bed_reason = override.reason.strip()
                visit.no_bed_by = lead.staff_id
            else:
                uow.session.add(BedAssignment(id=new_id(), visit_id=visit.id, guest_id=guest.id,
                                              bed_label=given_bed, night_of=m.window.night_of,
                                              assigned_at=m.now, assigned_by=uow.staff_id))
                uow.changed(BED, given_bed)
        guest.last_seen_at = m.now
        overridden = lead is not None and bool(blocks)
        detail = f"via={via.value}" + (f";override={','.join(b.kind for b in blocks)}" if overridden else "")
        if override is not None and lead is not None and (overridden or no_bed):
            detail += ";" + override_detail(lead, override)
        uow.audit("signed_in", VISIT, visit.id, detail=detail)
        # A hub's operation is as it always was; only a visit not in the building says its mode.
        extra = {} if in_building else {"mode": visit_mode.value}
        uow.outbox("visit.sign_in", visit_id=visit.id, guest_id=guest.id, at=m.now, arrived_via=via.value,
                   bed=given_bed, night_of=m.window.night_of,
                   override_reason=visit.override_reason, override_by=visit.override_by, **extra)
        uow.changed(VISIT, visit.id)
        uow.changed(GUEST, guest.id)
        expected = link_on_sign_in(uow, ids, visit) if checks.expected else None
        apart = sign_in_warning(others_of(uow.session, guest.id, m.window.night_of or (
            m.bed_window.night_of if m.bed_window else None), ids=ids)) if checks.kept_apart else None
        if apart:
            uow.audit("keep_apart_warned", VISIT, visit.id)
        today = appointments_today(uow.session, ids, m.now - timedelta(hours=1), day_end) if checks.appointments \
            else []
        booked = "; ".join(f"{a.what} {a.starts_at.astimezone(m.site.zone):%H:%M}, "
                           f"{m.site.settings.room_list.current_name(a.room)}" for a in today) or None
        name = guest.preferred_name
        guest_live_id = guest.id
        warning = age_warning(m.site.settings.profile, name, guest.birth_year,
                              date.fromisoformat(guest.birth_date) if guest.birth_date else None,
                              m.now.astimezone(m.site.zone).date())
    guest_index(desk).touch(guest_live_id, m.now)
    return SignInResult(visit.id, guest_live_id, name, given_bed, overridden, uow.changes, visit_mode, warning,
                        expected.text if expected else None, apart,
                        f"Appointment today: {booked}" if booked else None)


def sign_out(desk: DeskContext, visit_id: str, departed_to: str | None = None) -> Changes:
    """Sign a guest out. ``departed_to`` is a place on the site's list (its kind is kept for the figures)
    or other words staff typed (kept, counted as not on the list)."""
    desk.require(Permission.FRONT_DESK, "sign guests out")
    departed = clean_text(departed_to, field="departed_to", label="Where to", max_len=SHORT_TEXT_MAX) or None
    place = match_destination(departed, get_site(desk).settings.destinations)
    with desk.unit_of_work() as uow:
        visit = _open_visit(uow.session, visit_id)
        record_departure(uow, visit, place.name if place else departed, place.kind if place else None)
    return uow.changes


def record_departure(uow: UnitOfWork, visit: Visit, departed: str | None, kind: DestinationKind | None) -> None:
    """Internal: the sign-out itself, in the caller's unit of work (a hostel swap is one)."""
    visit.signed_out_at = uow.now
    visit.staff_out = uow.staff_id
    visit.departed_to = departed
    visit.departed_kind = kind.value if kind else None
    for label in release_beds_of_visit(uow.session, visit.id, uow.now):
        uow.changed(BED, label)
    uow.audit("signed_out", VISIT, visit.id, detail=f"to={kind.value}" if kind else None)
    uow.outbox("visit.sign_out", visit_id=visit.id, at=uow.now, departed_to=departed,
               departed_kind=kind.value if kind else None)
    if kind is not None:
        note_departure(uow, visit.guest_id, kind, visit.id)  # their accommodation status (item 6)
    uow.changed(VISIT, visit.id)
    uow.changed(GUEST, visit.guest_id)


def undo_sign_in(desk: DeskContext, visit_id: str) -> Changes:
    """A sign-in made by mistake is voided (kept, marked, left out of figures)."""
    desk.require(Permission.FRONT_DESK, "undo a sign-in")
    now = desk.clock.now()
    with desk.unit_of_work() as uow:
        visit = _open_visit(uow.session, visit_id)
        visit.voided_at = now
        visit.voided_by = uow.staff_id
        for label in release_beds_of_visit(uow.session, visit.id, now):
            uow.changed(BED, label)
        uow.audit("sign_in_undone", VISIT, visit.id)
        uow.outbox("visit.void", visit_id=visit.id, at=now)
        uow.changed(VISIT, visit.id)
        uow.changed(GUEST, visit.guest_id)
    return uow.changes


def undo_sign_out(desk: DeskContext, visit_id: str) -> Changes:
    """A sign-out made by mistake: the guest is in again, and gets their bed back if it is free."""
    desk.require(Permission.FRONT_DESK, "undo a sign-out")
    m = moment(desk)
    with desk.unit_of_work() as uow:
        visit = uow.session.get(Visit, visit_id)
        if visit is None or visit.voided_at is not None:
            raise NotFound("That visit does not exist.")
        if visit.signed_out_at is None:
            raise RuleViolation("That guest is still signed in.")
        ids = identity_ids(uow.session, visit.guest_id)
        if open_visit_for(uow.session, ids) is not None:
            raise RuleViolation("The guest has been signed in again since; nothing to undo.")
        # Undo is for a mistake, not a way round the rules: an exclusion issued since, or a house
        # that has filled up since, means a fresh sign-in with a lead's override instead.
        in_building = visit.mode == VisitMode.IN_PERSON.value
        if in_building and active_exclusion(uow.session, ids, m.now) is not None:
            raise RuleViolation("The guest is excluded now, so the sign-out stands. A shift lead can sign "
                                "them in with an override if they must stay.")
        if in_building and open_visit_count(uow.session) >= m.window.period.places:
            raise RuleViolation("The hub is full now, so the sign-out stands. A shift lead can sign them "
                                "in with an override.")
        signed_out_at = visit.signed_out_at
        visit.signed_out_at = None
        visit.staff_out = None
        visit.departed_to = None
        visit.departed_kind = None
        if m.window.night_of:
            released = uow.session.scalars(select(BedAssignment).where(
                BedAssignment.visit_id == visit.id, BedAssignment.night_of == m.window.night_of,
                BedAssignment.released_at == signed_out_at)).first()
            if released is not None and released.bed_label not in held_beds(uow.session, m.window.night_of):
                released.released_at = None
                uow.changed(BED, released.bed_label)
        uow.audit("sign_out_undone", VISIT, visit.id)
        uow.outbox("visit.unsign_out", visit_id=visit.id)
        uow.changed(VISIT, visit.id)
        uow.changed(GUEST, visit.guest_id)
    return uow.changes


def who_is_in(desk: DeskContext) -> list[InNow]:
    """Everyone signed in now, earliest first, with their bed for the current or coming night
    (front-desk roles and managers; a list of guests, so audited)."""
    desk.require(Permission.READ_GUEST_RECORD, "see who is in with how they arrived")
    out = in_now(desk)
    record_list_view(desk, "in_now", len(out))
    return out


def present_now(desk: DeskContext) -> list[PresentGuest]:
    """Everyone signed in now as the paramedic sees them (any role; audited)."""
    desk.require_actor()
    out = [PresentGuest(g.visit_id, g.guest_id, g.name, g.signed_in_at, g.bed, g.flags) for g in in_now(desk)]
    record_list_view(desk, "in_now", len(out))
    return out


def in_now(desk: DeskContext) -> list[InNow]:
    """Internal: who is in, for services whose own action is audited (handover, night check)."""
    m = moment(desk)
    night_of = m.bed_window.night_of if m.bed_window else None
    with desk.store.read() as session:
        # Sorted here, not by ORDER BY: asked to sort, SQLite walks the whole time index (a million
        # visits at ten years) instead of the small partial index of open visits.
        rows = sorted(session.execute(
            select(Visit, Guest.preferred_name, Guest.flags, Guest.merged_into)
            .join(Guest, Guest.id == Visit.guest_id)
            .where(Visit.signed_out_at.is_(None), Visit.voided_at.is_(None))).all(),
            key=lambda row: row[0].signed_in_at)
        beds = {a.visit_id: a.bed_label for a in held_beds(session, night_of).values()} if night_of else {}
        out = []
        for visit, name, flags, merged_into in rows:
            guest_id = visit.guest_id
            if merged_into:  # signed in under a record since merged: show the guest it belongs to now
                live = resolve_live(session, guest_id)
                guest_id, name, flags = live.id, live.preferred_name, live.flags
            out.append(InNow(
                visit_id=visit.id, guest_id=guest_id, name=name, signed_in_at=visit.signed_in_at,
                arrived_via=ArrivedVia(visit.arrived_via), bed=beds.get(visit.id),
                no_bed_reason=visit.no_bed_reason if visit.no_bed_night == night_of else None,
                flags=frozenset(GuestFlag(f) for f in json.loads(flags or "[]")
                                if f in GuestFlag._value2member_map_),
                mode=VisitMode(visit.mode or VisitMode.IN_PERSON.value)))
        return out


def guest_visits(desk: DeskContext, guest_id: str, limit: int = 50) -> list[VisitRow]:
    """A guest's recent visits (including records merged into theirs), newest first; audited."""
    desk.require(Permission.READ_GUEST_RECORD, "see a guest's visits")
    with desk.store.read() as session:
        ids = identity_ids(session, guest_id)
        rows = session.scalars(select(Visit).where(Visit.guest_id.in_(ids))
                               .order_by(Visit.signed_in_at.desc()).limit(limit))
        out = [VisitRow(v.id, v.signed_in_at, v.signed_out_at, ArrivedVia(v.arrived_via), v.departed_to,
                        v.voided_at is not None, v.override_reason) for v in rows]
    record_list_view(desk, "visits", len(out), about=guest_id)
    return out


def open_visit_of(desk: DeskContext, guest_id: str) -> str | None:
    with desk.store.read() as session:
        visit = open_visit_for(session, identity_ids(session, guest_id))
        return visit.id if visit else None


def _bed_for_new_visit(taken: frozenset[str], labels: tuple[str, ...], wanted: str | None) -> str | None:
    if wanted is not None:
        if wanted not in labels:
            raise ValidationError(f"There is no bed called “{wanted}”.", field="bed")
        if wanted in taken:
            raise RuleViolation(f"{wanted} is already taken tonight.")
        return wanted
    return next((label for label in labels if label not in taken), None)


def signed_in_visit(session: Session, visit_id: str) -> Visit:
    """The visit, if it is open now (for services that sign out as part of their own step)."""
    return _open_visit(session, visit_id)


def _open_visit(session: Session, visit_id: str) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None or visit.voided_at is not None:
        raise NotFound("That visit does not exist.")
    if visit.signed_out_at is not None:
        raise RuleViolation("That guest has already been signed out.")
    return visit

