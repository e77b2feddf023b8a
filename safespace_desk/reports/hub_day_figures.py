"""The hub's day beyond sign-in in the figures (issue 13): where people went, hostel swaps, expected
arrivals, debriefs after hard moments, the guests' own feedback. docs/figures.md defines each one. Counts
only, never content, except the guests' anonymous feedback in their own words."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import ShiftLogEntry, Visit
from safespace_desk.db.models_hub_day import Appointment, Enquiry, ExpectedArrival, HostelSwap
from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.enquiries import EnquiryAnswer, LegalBasis
from safespace_desk.domain.feedback import NOT_GIVEN
from safespace_desk.domain.staff_care import HARD_MOMENTS
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.feedback import feedback_rows, rating_counts

# A sign-out whose "where to" was not on the site's list (typed words), or not given at all.
OTHER_PLACE = "other"
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class HubDayFigures:
    departures_by_destination: dict[str, int] = field(default_factory=dict)
    moved_on_to_accommodation: int = 0
    hostel_swaps: int = 0
    expected_arrivals: dict[str, int] = field(default_factory=dict)
    debriefs: dict[str, int] = field(default_factory=dict)
    enquiries_by_basis: dict[str, int] = field(default_factory=dict)
    enquiries_beyond_default: int = 0
    appointments: dict[str, int] = field(default_factory=dict)
    # The guests' own feedback (anonymous): how many gave it and how welcome they felt; and their words,
    # (date, rating or "not_given", words), the only thing here that is what was written.
    feedback: dict[str, int] = field(default_factory=dict)
    feedback_words: list[tuple[str, str, str]] = field(default_factory=list)


def compute_hub_day(session: Session, rng: ReportRange, live: dict[str, str]) -> HubDayFigures:
    lo, hi = rng.starts_at, rng.ends_at
    departures = {kind.value: 0 for kind in DestinationKind} | {OTHER_PLACE: 0, NOT_RECORDED: 0}
    moved_on: set[str] = set()
    for kind, words, guest, n in session.execute(
            select(Visit.departed_kind, Visit.departed_to.is_not(None), Visit.guest_id, func.count())
            .where(Visit.signed_out_at >= lo, Visit.signed_out_at < hi, Visit.voided_at.is_(None))
            .group_by(Visit.departed_kind, Visit.departed_to.is_not(None), Visit.guest_id)):
        key = kind if kind in departures else (OTHER_PLACE if words else NOT_RECORDED)
        departures[key] += n
        if kind is not None and kind in DestinationKind._value2member_map_ and DestinationKind(kind).is_accommodation:
            moved_on.add(live.get(guest, guest))
    swaps = session.scalar(select(func.count()).select_from(HostelSwap)
                           .where(HostelSwap.at >= lo, HostelSwap.at < hi)) or 0
    arrived = session.scalar(select(func.count()).select_from(ExpectedArrival).where(
        ExpectedArrival.arrived_at >= lo, ExpectedArrival.arrived_at < hi)) or 0
    not_arrived = session.scalar(select(func.count()).select_from(ExpectedArrival).where(
        ExpectedArrival.not_arrived_at >= lo, ExpectedArrival.not_arrived_at < hi)) or 0
    debriefs = {"offered": 0, "not_offered": 0, "not_asked": 0}
    for offered, n in session.execute(
            select(ShiftLogEntry.debrief_offered, func.count())
            .where(ShiftLogEntry.at >= lo, ShiftLogEntry.at < hi,
                   ShiftLogEntry.kind.in_([k.value for k in HARD_MOMENTS]))
            .group_by(ShiftLogEntry.debrief_offered)):
        debriefs["not_asked" if offered is None else "offered" if offered else "not_offered"] += n
    by_basis = {basis.value: 0 for basis in LegalBasis}
    beyond = 0
    for basis, answer, n in session.execute(
            select(Enquiry.legal_basis, Enquiry.answer, func.count()).where(Enquiry.at >= lo, Enquiry.at < hi)
            .group_by(Enquiry.legal_basis, Enquiry.answer)):
        by_basis[basis] = by_basis.get(basis, 0) + n
        beyond += n if answer == EnquiryAnswer.DISCLOSED.value else 0
    booked = {"booked": 0, "attended": 0, "missed": 0, "cancelled": 0}
    for state, n in session.execute(select(Appointment.state, func.count()).where(
            Appointment.starts_at >= lo, Appointment.starts_at < hi, Appointment.guest_id.is_not(None))
            .group_by(Appointment.state)):
        booked[state] = booked.get(state, 0) + n
    given = feedback_rows(session, rng)
    feedback = {"given": len(given)} | rating_counts(given)
    said = [(e.given_on.isoformat(), e.rating.value if e.rating else NOT_GIVEN, e.words) for e in given if e.words]
    return HubDayFigures(departures, len(moved_on), swaps, {"arrived": arrived, "did_not_arrive": not_arrived},
                         debriefs, by_basis, beyond, booked, feedback, said)
