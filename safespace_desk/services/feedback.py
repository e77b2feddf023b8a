"""Guests' own short feedback, anonymous (issue 13, item 6).

Staff at the desk write it down for a guest, or the guest types it at the desk. Nothing links it to
the guest: no guest id, no name, no member of staff, and only the local date it was given (not the
time, which could be matched to a sign-in); the id is random, not time-ordered like other ids. The audit
records that feedback was added, naming neither the entry, its words nor anyone it was about.

Managers read it on the Reports page for a range and may delete an entry (a name typed by mistake);
deleting is audited and empties the outbox's copy of the words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models_hub_day import GuestFeedback
from safespace_desk.domain.errors import NotFound, ValidationError
from safespace_desk.domain.feedback import NOT_GIVEN, WORDS_MAX, Welcome
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import clean_text
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.outbox_retention import scrub_removed_records
from safespace_desk.services.site import get_site

FEEDBACK = "guest_feedback"


@dataclass(frozen=True)
class FeedbackEntry:
    id: str
    given_on: date
    words: str | None
    rating: Welcome | None


def give_feedback(desk: DeskContext, words: str | None, rating: Welcome | str | None = None) -> Changes:
    """Keep a guest's feedback: a few words (up to WORDS_MAX characters), how welcome they felt, or both."""
    desk.require(Permission.FRONT_DESK, "write down a guest's feedback")
    text = clean_text(words, field="words", label="The feedback", max_len=WORDS_MAX, multiline=True) or None
    try:
        welcome = Welcome(rating) if rating else None
    except ValueError:
        raise ValidationError("Choose how welcome they felt, or leave it unanswered.", field="rating") from None
    if text is None and welcome is None:
        raise ValidationError("Write a few words or choose how welcome they felt.", field="words")
    given_on = desk.clock.now().astimezone(get_site(desk).zone).date()
    with desk.unit_of_work() as uow:
        uow.session.add(GuestFeedback(id=str(uuid.uuid4()), given_on=given_on.isoformat(), words=text,
                                      rating=welcome.value if welcome else None))
        uow.audit("guest_feedback_added", FEEDBACK, None)
        uow.outbox("feedback.give")
        uow.changed(FEEDBACK)
    return uow.changes


def feedback_in(desk: DeskContext, rng: ReportRange) -> list[FeedbackEntry]:
    """The feedback given on the range's days, newest day first (managers: the Reports page)."""
    desk.require(Permission.REPORTS, "read guests' feedback")
    with desk.store.read() as session:
        entries = feedback_rows(session, rng)
    desk.record("viewed", FEEDBACK, None, detail=f"{rng.first_day}..{rng.last_day};entries={len(entries)}")
    return entries


def feedback_rows(session: Session, rng: ReportRange) -> list[FeedbackEntry]:
    """Internal (reports): the range's feedback. Within a day the order is by the words, never by when."""
    rows = session.scalars(select(GuestFeedback).where(
        GuestFeedback.given_on >= rng.first_day.isoformat(), GuestFeedback.given_on <= rng.last_day.isoformat()))
    entries = [FeedbackEntry(r.id, date.fromisoformat(r.given_on), r.words, _welcome(r.rating)) for r in rows]
    return sorted(entries, key=lambda e: (-e.given_on.toordinal(), e.words or "", e.rating or ""))


def _welcome(value: str | None) -> Welcome | None:
    return Welcome(value) if value is not None and value in Welcome._value2member_map_ else None


def rating_counts(entries: list[FeedbackEntry]) -> dict[str, int]:
    """How welcome they felt, counted (feedback with words only: ``not_given``)."""
    counts = {w.value: 0 for w in Welcome} | {NOT_GIVEN: 0}
    for entry in entries:
        counts[entry.rating.value if entry.rating else NOT_GIVEN] += 1
    return counts


def delete_feedback(desk: DeskContext, feedback_id: str) -> Changes:
    """Managers delete an entry (a name written by mistake). Audited; the outbox's copy is emptied."""
    desk.require(Permission.DATA_RIGHTS, "delete a guest's feedback")
    with desk.unit_of_work() as uow:
        row = uow.session.get(GuestFeedback, feedback_id)
        if row is None:
            raise NotFound("This feedback has already been deleted.")
        uow.session.delete(row)
        uow.audit("guest_feedback_deleted", FEEDBACK, feedback_id)
        uow.outbox("feedback.delete", feedback_id=feedback_id)
        uow.session.flush()
        scrub_removed_records(uow.session)
        uow.changed(FEEDBACK)
    return uow.changes
