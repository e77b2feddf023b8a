"""Data rights for the hub's day beyond sign-in (issue 13): what a subject access export holds of
these records, what erasure and the retention purge take from them, and other people's records that
name an erased guest. Called from services/data_rights.py and services/erasure_reach.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.orm import Session

from safespace_desk.db.models_hub_day import Enquiry, ExpectedArrival, HostelSwap, KeepApart, SharingChoice

ERASED_TEXT = "[erased at the guest's request]"  # as services/data_rights.py


def export_hub_day(session: Session, ids: list[str], row: Callable[[Any], dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    arrivals = session.scalars(select(ExpectedArrival).where(ExpectedArrival.guest_id.in_(ids))).all()
    choices = session.scalars(select(SharingChoice).where(SharingChoice.guest_id.in_(ids))).all()
    # Enquiries about them, except those made for preventing or detecting crime or under a court order
    # (telling the person could prejudice them: the crime exemption is the data protection lead's call).
    asked = session.scalars(select(Enquiry).where(Enquiry.guest_id.in_(ids),
                                                  Enquiry.legal_basis.not_in(("crime", "court_order")))).all()
    return {"expected_arrivals": [row(a) for a in arrivals], "sharing_choices": [row(c) for c in choices],
            "enquiries": [row(e) for e in asked]}


def forget_hub_day(session: Session, ids: list[str]) -> None:
    """Erasure keeps that something happened and when (the figures stay), not the words about them."""
    for arrival in session.scalars(select(ExpectedArrival).where(ExpectedArrival.guest_id.in_(ids))):
        arrival.description = None
        arrival.needs = None if arrival.needs is None else ERASED_TEXT
        arrival.from_whom = ERASED_TEXT
    # A keep-apart link's reason is about both people: it goes with either's erasure. (It is not in a
    # subject access export: it may tell one person about the other, whose safety it is there for.)
    for row in session.scalars(select(KeepApart).where(or_(KeepApart.guest_a.in_(ids), KeepApart.guest_b.in_(ids)))):
        row.reason = ERASED_TEXT
    for enquiry in session.scalars(select(Enquiry).where(Enquiry.guest_id.in_(ids))):
        enquiry.about_name = ERASED_TEXT
        enquiry.purpose = ERASED_TEXT
        enquiry.said = ERASED_TEXT


def scrub_hub_day(session: Session, redact: Callable[[str], str], ids: set[str]) -> None:
    """Other people's records that name the erased guest (a description, what someone needs)."""
    for enquiry in session.scalars(select(Enquiry).where(or_(Enquiry.guest_id.is_(None), Enquiry.guest_id.not_in(ids)))):
        # The name an enquiry is about is another guest's own where one is linked (names are shared).
        for column in ("about_name", "purpose", "said") if enquiry.guest_id is None else ("purpose", "said"):
            value = getattr(enquiry, column)
            redacted = redact(value)
            if redacted != value:
                setattr(enquiry, column, redacted)
    for arrival in session.scalars(select(ExpectedArrival)):
        if arrival.guest_id in ids:
            continue
        for column in ("description", "needs", "from_whom"):
            value = getattr(arrival, column)
            if value:
                redacted = redact(value)
                if redacted != value:
                    setattr(arrival, column, redacted)


def release_purged_visits(session: Session, old_visits: Select) -> None:  # type: ignore[type-arg]
    """The retention purge removes old visits: a swap goes with the visit it began with, and an expected
    arrival keeps that (and when) they arrived but no longer points at the visit."""
    session.execute(delete(HostelSwap).where(HostelSwap.out_visit_id.in_(old_visits)))
    session.execute(update(ExpectedArrival).where(ExpectedArrival.visit_id.in_(old_visits)).values(visit_id=None))
