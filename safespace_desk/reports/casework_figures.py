"""Commissioners' figures of a crisis service or haven over any date range (docs/figures.md, the
"Casework" section defines each one). Like the hub's figures, everything is counted by the local
day on which it happened: a call that began at 23:50 on the 31st and ran past midnight is the 31st's.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest, Visit
from safespace_desk.db.models_casework import (
    CaseEpisode,
    Contact,
    Escalation,
    GroupSession,
    OnwardReferral,
    Referral,
    SessionAttendance,
    SupportGiven,
)
from safespace_desk.domain.casework import (
    ClosureReason,
    ContactKind,
    OnwardKind,
    ReferralKind,
    ReferralStatus,
    SupportKind,
    VisitMode,
)
from safespace_desk.domain.working_days import working_days_between
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.referrals import referral_factor_counts

AGE_BANDS = ("under 16", "16-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class CaseworkFigures:
    referrals: dict[str, int]  # new, repeat, duplicate (received), accepted, declined (decided)
    cases_reopened: int
    cases_open_at_end: int
    cases_closed: int
    closures_by_reason: dict[str, int]
    contacts: dict[str, int]  # call_in, call_out, visit, virtual
    contact_minutes: int
    unique_people: int
    calls_per_person: dict[str, float | int | None]  # mean, max
    practical_support: dict[str, int]
    practical_support_pounds: dict[str, float]
    onward_referrals: dict[str, int]
    onward_outcomes: dict[str, int]  # offered, accepted, seen, declined (when they happened)
    days_to_counselling_offer: float | None  # median, working days
    counselling_offers: int
    counselling_offered_within_2_working_days: int
    referral_factors: dict[str, int]
    visits_by_mode: dict[str, int]
    sessions: dict[str, int]  # in_person, online, attendances, unique_attendees
    escalations: int
    people_reached: int
    people_by_age_band: dict[str, int] = field(default_factory=dict)
    people_by_ethnicity: dict[str, int] = field(default_factory=dict)


def compute_casework(session: Session, rng: ReportRange, now: datetime, live: dict[str, str]) -> CaseworkFigures:
    """``live`` maps merged-away guest ids to the live record (figures count people, not records)."""
    lo, hi = rng.starts_at, rng.ends_at

    def person(guest_id: str) -> str:
        return live.get(guest_id, guest_id)

    referrals = _referrals(session, lo, hi)
    episodes_open, reopened, closed, closure_reasons = _episodes(session, lo, hi, min(hi, now))
    contact_rows = session.execute(select(Contact.guest_id, Contact.kind, Contact.minutes).where(
        Contact.at >= lo, Contact.at < hi, Contact.voided_at.is_(None))).all()
    contacts = {k.value: 0 for k in ContactKind}
    calls: dict[str, int] = {}
    for guest_id, kind, _ in contact_rows:
        contacts[kind] = contacts.get(kind, 0) + 1
        if ContactKind(kind).is_call:
            calls[person(guest_id)] = calls.get(person(guest_id), 0) + 1
    in_contact = {person(g) for g, _, _ in contact_rows}
    support, pounds = _support(session, lo, hi)
    onward, outcomes, median_days, offers, within_two = _onward(session, rng)
    sessions, attendees = _sessions(session, lo, hi)
    referred = {person(g) for (g,) in session.execute(select(Referral.guest_id).where(
        Referral.received_at >= lo, Referral.received_at < hi))}
    reached = in_contact | referred | {person(g) for g in attendees}
    ages, ethnicities = _reach(session, reached, rng.first_day)
    return CaseworkFigures(
        referrals=referrals, cases_reopened=reopened, cases_open_at_end=episodes_open, cases_closed=closed,
        closures_by_reason=closure_reasons, contacts=contacts,
        contact_minutes=sum(m or 0 for _, _, m in contact_rows), unique_people=len(in_contact),
        calls_per_person={"mean": round(sum(calls.values()) / len(calls), 1) if calls else None,
                          "max": max(calls.values(), default=0)},
        practical_support=support, practical_support_pounds=pounds, onward_referrals=onward,
        onward_outcomes=outcomes, days_to_counselling_offer=median_days, counselling_offers=offers,
        counselling_offered_within_2_working_days=within_two,
        referral_factors=referral_factor_counts(session, lo, hi), visits_by_mode=_visit_modes(session, lo, hi),
        sessions={**sessions, "unique_attendees": len({person(g) for g in attendees})},
        escalations=session.scalar(select(func.count()).select_from(Escalation).where(
            Escalation.at >= lo, Escalation.at < hi)) or 0,
        people_reached=len(reached), people_by_age_band=ages, people_by_ethnicity=ethnicities)


def _referrals(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    counts = {k.value: 0 for k in ReferralKind} | {"accepted": 0, "declined": 0}
    for kind, n in session.execute(select(Referral.kind, func.count()).where(
            Referral.received_at >= lo, Referral.received_at < hi).group_by(Referral.kind)):
        counts[kind] += n
    for status, n in session.execute(select(Referral.status, func.count()).where(
            Referral.decided_at >= lo, Referral.decided_at < hi,
            Referral.status.in_([ReferralStatus.ACCEPTED.value, ReferralStatus.DECLINED.value]))
            .group_by(Referral.status)):
        counts[status] += n
    return counts


def _episodes(session: Session, lo: datetime, hi: datetime, end: datetime) -> tuple[int, int, int, dict[str, int]]:
    open_at_end = session.scalar(select(func.count()).select_from(CaseEpisode).where(
        CaseEpisode.opened_at < end, (CaseEpisode.closed_at.is_(None)) | (CaseEpisode.closed_at >= end))) or 0
    reopened = session.scalar(select(func.count()).select_from(CaseEpisode).where(
        CaseEpisode.opened_at >= lo, CaseEpisode.opened_at < hi, CaseEpisode.number > 1)) or 0
    reasons = {r.value: 0 for r in ClosureReason}
    for reason, n in session.execute(select(CaseEpisode.closure_reason, func.count()).where(
            CaseEpisode.closed_at >= lo, CaseEpisode.closed_at < hi).group_by(CaseEpisode.closure_reason)):
        reasons[reason or ClosureReason.OTHER.value] += n
    return open_at_end, reopened, sum(reasons.values()), reasons


def _support(session: Session, lo: datetime, hi: datetime) -> tuple[dict[str, int], dict[str, float]]:
    counts = {k.value: 0 for k in SupportKind}
    pence = {k.value: 0 for k in SupportKind}
    for kind, n, amount in session.execute(select(SupportGiven.kind, func.count(), func.sum(SupportGiven.amount_pence))
                                           .where(SupportGiven.at >= lo, SupportGiven.at < hi,
                                                  SupportGiven.voided_at.is_(None)).group_by(SupportGiven.kind)):
        counts[kind] += n
        pence[kind] += amount or 0
    return counts, {k: round(v / 100, 2) for k, v in pence.items()}


def _onward(session: Session, rng: ReportRange) -> tuple[dict[str, int], dict[str, int], float | None, int, int]:
    lo, hi = rng.starts_at, rng.ends_at
    made = {k.value: 0 for k in OnwardKind}
    for kind, n in session.execute(select(OnwardReferral.kind, func.count()).where(
            OnwardReferral.referred_at >= lo, OnwardReferral.referred_at < hi, OnwardReferral.voided_at.is_(None))
            .group_by(OnwardReferral.kind)):
        made[kind] += n
    outcomes = {}
    for step in ("offered", "accepted", "seen", "declined"):
        column = getattr(OnwardReferral, f"{step}_at")
        outcomes[step] = session.scalar(select(func.count()).select_from(OnwardReferral).where(
            column >= lo, column < hi, OnwardReferral.voided_at.is_(None))) or 0
    days = []
    for referred, offered in session.execute(select(OnwardReferral.referred_at, OnwardReferral.offered_at).where(
            OnwardReferral.kind == OnwardKind.COUNSELLING.value, OnwardReferral.offered_at >= lo,
            OnwardReferral.offered_at < hi, OnwardReferral.voided_at.is_(None))):
        if offered is not None:  # always, given the WHERE; this tells the type checker
            days.append(working_days_between(referred.astimezone(rng.zone).date(), offered.astimezone(rng.zone).date()))
    median = round(float(statistics.median(days)), 1) if days else None
    return made, outcomes, median, len(days), sum(1 for d in days if d <= 2)


def _sessions(session: Session, lo: datetime, hi: datetime) -> tuple[dict[str, int], list[str]]:
    held = {"in_person": 0, "online": 0, "attendances": 0}
    for mode, n in session.execute(select(GroupSession.mode, func.count()).where(
            GroupSession.starts_at >= lo, GroupSession.starts_at < hi, GroupSession.cancelled_at.is_(None))
            .group_by(GroupSession.mode)):
        held[mode] = held.get(mode, 0) + n
    attendees = [g for (g,) in session.execute(select(SessionAttendance.guest_id).join(
        GroupSession, GroupSession.id == SessionAttendance.session_id).where(
        GroupSession.starts_at >= lo, GroupSession.starts_at < hi, GroupSession.cancelled_at.is_(None)))]
    held["attendances"] = len(attendees)
    return held, attendees


def _visit_modes(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    counts = {m.value: 0 for m in VisitMode}
    for mode, n in session.execute(select(Visit.mode, func.count()).where(
            Visit.signed_in_at >= lo, Visit.signed_in_at < hi, Visit.voided_at.is_(None)).group_by(Visit.mode)):
        counts[mode] = counts.get(mode, 0) + n
    return counts


def _reach(session: Session, people: set[str], first_day: date) -> tuple[dict[str, int], dict[str, int]]:
    """Age bands (age on the range's first day; from a birth year, the age reached that year) and
    ethnicity as the person described it, over the people reached."""
    ages = {band: 0 for band in AGE_BANDS} | {NOT_RECORDED: 0}
    ethnicities: dict[str, int] = {}
    ids = list(people)
    for start in range(0, len(ids), 500):
        for birth_year, birth_date, ethnicity in session.execute(
                select(Guest.birth_year, Guest.birth_date, Guest.ethnicity).where(Guest.id.in_(ids[start:start + 500]))):
            ages[_band(birth_year, birth_date, first_day)] += 1
            # As the person said it; a leading = + - @ is dropped so no spreadsheet reads it as a formula.
            key = " ".join((ethnicity or "").split()).lstrip("=+-@ ") or NOT_RECORDED
            ethnicities[key] = ethnicities.get(key, 0) + 1
    ordered = dict(sorted(ethnicities.items(), key=lambda kv: (kv[0] == NOT_RECORDED, -kv[1], kv[0].casefold())))
    return ages, ordered


def _band(birth_year: int | None, birth_date: str | None, on: date) -> str:
    if birth_date:
        born = date.fromisoformat(birth_date)
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    elif birth_year:
        age = on.year - birth_year
    else:
        return NOT_RECORDED
    for band, upper in zip(AGE_BANDS, (16, 18, 25, 35, 45, 55, 65), strict=False):
        if age < upper:
            return band
    return AGE_BANDS[-1]
