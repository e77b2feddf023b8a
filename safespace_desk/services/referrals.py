"""Referrals and cases (a crisis service such as PFG Doncaster's Safe Space).

A referral is received (from the SPA, the crisis team, a GP, ...), then accepted or declined after
the first conversation. Accepting opens the person's case; a later referral for someone whose case
is closed re-opens the same case as a new episode, never a second person; a referral while an
episode is open (or another referral is waiting) is a duplicate. Closing needs a reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest
from safespace_desk.db.models_casework import CaseEpisode, Contact, Referral
from safespace_desk.domain.casework import (
    ClosureReason,
    ReferralFactor,
    ReferralKind,
    ReferralSource,
    ReferralStatus,
    classify_referral,
)
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.profile import age_warning
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.casework_common import (
    CASE,
    REFERRAL,
    check_may_write_about,
    live_person,
    may_read_notes,
    require_casework,
    staff_names,
)
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.guests import GUEST, identity_ids, merged_owners
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view


@dataclass(frozen=True)
class ReferralReceipt:
    referral_id: str
    guest_id: str
    kind: ReferralKind
    status: ReferralStatus
    age_warning: str | None
    changes: Changes


@dataclass(frozen=True)
class Decision:
    episode_id: str
    episode_number: int
    reopened: bool
    changes: Changes


@dataclass(frozen=True)
class ReferralView:
    id: str
    received_at: datetime
    source: ReferralSource
    reason: str | None  # None when the reader may not see it
    kind: ReferralKind
    status: ReferralStatus
    decided_at: datetime | None
    decided_by_name: str | None
    decline_reason: str | None


@dataclass(frozen=True)
class EpisodeView:
    id: str
    number: int
    opened_at: datetime
    closed_at: datetime | None
    closure_reason: ClosureReason | None
    closure_note: str | None


@dataclass(frozen=True)
class CaseSummary:
    guest_id: str
    name: str
    open_episode: EpisodeView | None
    episodes: list[EpisodeView]
    referrals: list[ReferralView]
    last_contact_at: datetime | None
    restricted: bool

    @property
    def status_text(self) -> str:
        if self.open_episode is not None:
            n = self.open_episode.number
            return "Case open" + (f" (episode {n}, re-opened)" if n > 1 else "")
        if self.episodes:
            return "Case closed"
        if any(r.status is ReferralStatus.WAITING for r in self.referrals):
            return "Referral waiting for a decision"
        return "No case"


@dataclass(frozen=True)
class CaseRow:
    guest_id: str
    name: str
    episode_id: str
    episode_number: int
    opened_at: datetime
    named_worker: str | None
    last_contact_at: datetime | None
    quiet_since: datetime  # the last contact, or when the episode opened if none since

    def days_quiet(self, now: datetime) -> int:
        return max(0, (now - self.quiet_since).days)


@dataclass(frozen=True)
class WaitingRow:
    referral_id: str
    guest_id: str
    name: str
    received_at: datetime
    source: ReferralSource
    status: ReferralStatus

    def waiting_for(self, now: datetime) -> timedelta:
        return max(timedelta(0), now - self.received_at)


# --- actions ----------------------------------------------------------------------------------


def receive_referral(desk: DeskContext, guest_id: str, *, source: ReferralSource | str, reason: str,
                     received_at: datetime | None = None,
                     factors: Iterable[ReferralFactor | str] = ()) -> ReferralReceipt:
    actor = require_casework(desk, "record referrals")
    src, text, chosen = clean_referral(source, reason, factors)
    now = desk.clock.now()
    when = received_at or now
    if when > now:
        raise ValidationError("A referral cannot be received in the future.", field="received_at")
    site = get_site(desk)
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "record a referral for them")
        referral = add_referral(uow, guest, src, text, chosen, when)
        warning = age_warning(site.settings.profile, guest.preferred_name, guest.birth_year,
                              date.fromisoformat(guest.birth_date) if guest.birth_date else None,
                              when.astimezone(site.zone).date())
    return ReferralReceipt(referral.id, guest.id, ReferralKind(referral.kind), ReferralStatus(referral.status),
                           warning, uow.changes)


def clean_referral(source: ReferralSource | str, reason: str,
                   factors: Iterable[ReferralFactor | str]) -> tuple[ReferralSource, str, list[str]]:
    src = ReferralSource.parse(source, field="source")
    text = clean_text(reason, field="reason", label="Reason", max_len=SHORT_TEXT_MAX, required=True)
    chosen = sorted({ReferralFactor.parse(f, field="factors").value for f in factors})
    return ReferralSource(src), text, chosen


def add_referral(uow: UnitOfWork, guest: Guest, source: ReferralSource, reason: str, factors: list[str],
                 when: datetime) -> Referral:
    """Classify and record a referral (shared by the form and the import): new, repeat or duplicate."""
    ids = identity_ids(uow.session, guest.id)
    open_episode = _open_episode(uow.session, ids)
    waiting = uow.session.scalars(select(Referral).where(
        Referral.guest_id.in_(ids), Referral.status == ReferralStatus.WAITING.value)).first()
    before = uow.session.scalar(select(func.count()).select_from(Referral).where(
        Referral.guest_id.in_(ids), Referral.received_at <= when)) or 0
    kind = classify_referral(has_open_episode=open_episode is not None, has_waiting_referral=waiting is not None,
                             referred_before=before > 0)
    status = ReferralStatus.DUPLICATE if kind is ReferralKind.DUPLICATE else ReferralStatus.WAITING
    duplicate_of = (open_episode.id if open_episode else waiting.id if waiting else None) \
        if kind is ReferralKind.DUPLICATE else None
    referral = Referral(id=new_id(), guest_id=guest.id, received_at=when, source=source.value, reason=reason,
                        factors=json.dumps(factors), kind=kind.value, status=status.value,
                        duplicate_of=duplicate_of, created_by=uow.staff_id, created_at=uow.now)
    uow.session.add(referral)
    uow.audit("referral_received", REFERRAL, referral.id, detail=f"kind={kind.value}")
    # Factors are health and life circumstances: sync seals them (they are never a clear field).
    uow.outbox("referral.receive", referral_id=referral.id, guest_id=guest.id, at=when, source=source.value,
               reason=reason, factors=factors, kind=kind.value, status=status.value, duplicate_of=duplicate_of)
    uow.changed(REFERRAL, referral.id)
    uow.changed(GUEST, guest.id)
    return referral


def accept_referral(desk: DeskContext, referral_id: str) -> Decision:
    """Accept after the first conversation: opens the case, or re-opens it as a new episode."""
    actor = desk.require(Permission.DECIDE_CASES, "accept referrals")
    with desk.unit_of_work() as uow:
        referral = _waiting(uow.session, referral_id)
        guest = live_person(uow.session, referral.guest_id)
        check_may_write_about(uow.session, actor, guest, "accept this referral")
        episode, opened = open_episode_for(uow, guest, referral.id, uow.now)
        referral.status = ReferralStatus.ACCEPTED.value
        referral.decided_at = uow.now
        referral.decided_by = uow.staff_id
        referral.episode_id = episode.id
        uow.audit("referral_accepted", REFERRAL, referral.id, detail=f"episode={episode.number}")
        uow.outbox("referral.accept", referral_id=referral.id, episode_id=episode.id, number=episode.number,
                   opened=opened, at=uow.now)
        uow.changed(REFERRAL, referral.id)
        uow.changed(CASE, episode.id)
        uow.changed(GUEST, guest.id)
    return Decision(episode.id, episode.number, opened and episode.number > 1, uow.changes)


def open_episode_for(uow: UnitOfWork, guest: Guest, referral_id: str | None,
                     at: datetime) -> tuple[CaseEpisode, bool]:
    """The person's open episode, or a new one (1 for a first case, n+1 to re-open): (episode, opened)."""
    ids = identity_ids(uow.session, guest.id)
    current = _open_episode(uow.session, ids)
    if current is not None:
        return current, False
    number = (uow.session.scalar(select(func.max(CaseEpisode.number)).where(CaseEpisode.guest_id.in_(ids))) or 0) + 1
    episode = CaseEpisode(id=new_id(), guest_id=guest.id, number=number, referral_id=referral_id, opened_at=at,
                          opened_by=uow.staff_id)
    uow.session.add(episode)
    uow.audit("case_reopened" if number > 1 else "case_opened", CASE, episode.id, detail=f"guest={guest.id}")
    return episode, True


def decline_referral(desk: DeskContext, referral_id: str, reason: str) -> Changes:
    actor = desk.require(Permission.DECIDE_CASES, "decline referrals")
    why = clean_text(reason, field="decline_reason", label="Why it was declined", max_len=SHORT_TEXT_MAX,
                     required=True)
    with desk.unit_of_work() as uow:
        referral = _waiting(uow.session, referral_id)
        guest = live_person(uow.session, referral.guest_id)
        check_may_write_about(uow.session, actor, guest, "decline this referral")
        referral.status = ReferralStatus.DECLINED.value
        referral.decided_at = uow.now
        referral.decided_by = uow.staff_id
        referral.decline_reason = why
        uow.audit("referral_declined", REFERRAL, referral.id)
        uow.outbox("referral.decline", referral_id=referral.id, at=uow.now, reason=why)
        uow.changed(REFERRAL, referral.id)
        uow.changed(GUEST, guest.id)
    return uow.changes


def close_case(desk: DeskContext, guest_id: str, reason: ClosureReason | str, note: str | None = None) -> Changes:
    """Close the person's open episode. "Other" needs a few words saying why."""
    actor = desk.require(Permission.DECIDE_CASES, "close cases")
    why = ClosureReason.parse(reason, field="closure_reason")
    text = clean_text(note, field="closure_note", label="Note", max_len=SHORT_TEXT_MAX,
                      required=why is ClosureReason.OTHER) or None
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "close this case")
        episode = _open_episode(uow.session, identity_ids(uow.session, guest.id))
        if episode is None:
            raise RuleViolation(f"{guest.preferred_name} has no open case to close.")
        episode.closed_at = uow.now
        episode.closed_by = uow.staff_id
        episode.closure_reason = why.value
        episode.closure_note = text
        uow.audit("case_closed", CASE, episode.id, detail=f"reason={why.value}")
        uow.outbox("case.close", episode_id=episode.id, at=uow.now, reason=why.value, note=text)
        uow.changed(CASE, episode.id)
        uow.changed(GUEST, guest.id)
    return uow.changes


# --- reading ----------------------------------------------------------------------------------


def case_summary(desk: DeskContext, guest_id: str) -> CaseSummary:
    actor = require_casework(desk, "see cases")
    with desk.store.read() as session:
        guest = live_person(session, guest_id)
        ids = identity_ids(session, guest.id)
        names = staff_names(session)
        readable = may_read_notes(session, actor, guest)
        episodes = [_episode_view(e, readable) for e in session.scalars(
            select(CaseEpisode).where(CaseEpisode.guest_id.in_(ids)).order_by(CaseEpisode.number))]
        referrals = [_referral_view(r, names, readable) for r in session.scalars(
            select(Referral).where(Referral.guest_id.in_(ids)).order_by(Referral.received_at.desc()))]
        last = session.scalar(select(func.max(Contact.at)).where(Contact.guest_id.in_(ids),
                                                                 Contact.voided_at.is_(None)))
        restricted = guest.restricted_staff_id is not None
        name, live_id = guest.preferred_name, guest.id
    open_episode = next((e for e in episodes if e.closed_at is None), None)
    return CaseSummary(live_id, name, open_episode, episodes, referrals, last, restricted)


def open_cases(desk: DeskContext) -> list[CaseRow]:
    """Every open episode, the longest without contact first."""
    require_casework(desk, "see open cases")
    with desk.store.read() as session:
        rows = _open_case_rows(session)
    record_list_view(desk, "open_cases", len(rows))
    return rows


def quiet_cases(desk: DeskContext, days: int | None = None) -> list[CaseRow]:
    """Open cases with no contact for ``days`` (default: the site's setting) or more."""
    require_casework(desk, "see open cases")
    days = days or get_site(desk).settings.profile.no_contact_days
    if not 1 <= days <= 365:
        raise ValidationError("Give between 1 and 365 days.", field="days")
    cutoff = desk.clock.now() - timedelta(days=days)
    with desk.store.read() as session:
        rows = [row for row in _open_case_rows(session) if row.quiet_since <= cutoff]
    record_list_view(desk, f"quiet_cases_{days}d", len(rows))
    return rows


def waiting_referrals(desk: DeskContext) -> list[WaitingRow]:
    """Referrals with no contact with the person since they arrived (waiting for a decision, or
    accepted with the case still open), the longest waiting first."""
    require_casework(desk, "see referrals")
    with desk.store.read() as session:
        referrals = session.execute(
            select(Referral).outerjoin(CaseEpisode, CaseEpisode.id == Referral.episode_id)
            .where((Referral.status == ReferralStatus.WAITING.value)
                   | ((Referral.status == ReferralStatus.ACCEPTED.value) & CaseEpisode.closed_at.is_(None)))
            .order_by(Referral.received_at)).scalars().all()
        people = {gid: live_person(session, gid) for gid in {r.guest_id for r in referrals}}
        last = _last_contacts(session, [g.id for g in people.values()])
        rows = []
        for referral in referrals:
            person = people[referral.guest_id]
            contact = last.get(person.id)
            if contact is not None and contact >= referral.received_at:
                continue  # someone has spoken with them since
            rows.append(WaitingRow(referral.id, person.id, person.preferred_name, referral.received_at,
                                   ReferralSource(referral.source), ReferralStatus(referral.status)))
    record_list_view(desk, "waiting_referrals", len(rows))
    return rows


def referral_factor_counts(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    """What brought people in, counted over referrals received in [lo, hi) (for the figures)."""
    counts = {f.value: 0 for f in ReferralFactor}
    for (factors,) in session.execute(select(Referral.factors).where(Referral.received_at >= lo,
                                                                      Referral.received_at < hi)):
        for factor in json.loads(factors or "[]"):
            counts[factor] = counts.get(factor, 0) + 1
    return counts


# --- internals --------------------------------------------------------------------------------


def _open_episode(session: Session, ids: list[str]) -> CaseEpisode | None:
    return session.scalars(select(CaseEpisode).where(CaseEpisode.guest_id.in_(ids),
                                                     CaseEpisode.closed_at.is_(None))).first()


def open_episode_id(session: Session, ids: list[str]) -> str | None:
    episode = _open_episode(session, ids)
    return episode.id if episode else None


def _waiting(session: Session, referral_id: str) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("That referral does not exist.")
    if referral.status != ReferralStatus.WAITING.value:
        raise RuleViolation(f"This referral is already {ReferralStatus(referral.status).label.lower()}.")
    return referral


def _open_case_rows(session: Session) -> list[CaseRow]:
    episodes = session.scalars(select(CaseEpisode).where(CaseEpisode.closed_at.is_(None))).all()
    # An episode opened under a record since merged belongs to the person it was merged into.
    people = {gid: live_person(session, gid) for gid in {e.guest_id for e in episodes}}
    last = _last_contacts(session, [g.id for g in people.values()])
    names = staff_names(session)
    rows = []
    for episode in episodes:
        person = people[episode.guest_id]
        contact = last.get(person.id)
        since = contact if contact is not None and contact > episode.opened_at else episode.opened_at
        rows.append(CaseRow(person.id, person.preferred_name, episode.id, episode.number, episode.opened_at,
                            names.get(person.named_worker_id) if person.named_worker_id else None, contact, since))
    return sorted(rows, key=lambda r: r.quiet_since)


def _last_contacts(session: Session, live_ids: list[str]) -> dict[str, datetime]:
    """The last contact with each of these people (records merged into theirs included)."""
    owners = merged_owners(session, list(dict.fromkeys(live_ids)))
    members = list(owners)
    latest: dict[str, datetime] = {}
    for start in range(0, len(members), 500):
        for guest_id, at in session.execute(
                select(Contact.guest_id, func.max(Contact.at)).where(Contact.guest_id.in_(members[start:start + 500]),
                                                                     Contact.voided_at.is_(None))
                .group_by(Contact.guest_id)):
            top = owners[guest_id]
            if top not in latest or at > latest[top]:
                latest[top] = at
    return latest


def _episode_view(e: CaseEpisode, readable: bool) -> EpisodeView:
    return EpisodeView(e.id, e.number, e.opened_at, e.closed_at,
                       ClosureReason(e.closure_reason) if e.closure_reason else None,
                       e.closure_note if readable else None)


def _referral_view(r: Referral, names: dict[str, str], readable: bool) -> ReferralView:
    return ReferralView(r.id, r.received_at, ReferralSource(r.source), r.reason if readable else None,
                        ReferralKind(r.kind), ReferralStatus(r.status), r.decided_at,
                        names.get(r.decided_by) if r.decided_by else None,
                        r.decline_reason if readable else None)
