"""Issue 13 item 6, optional part: the guests' own short feedback, anonymous. Nothing stored links it to
a guest or to a time; the audit says that feedback was added and no more; managers read it for a range,
in the figures too, and delete an entry (audited, the outbox's copy emptied)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from safespace_desk.domain.feedback import WORDS_MAX, Welcome
from safespace_desk.reports.export import figures_to_csv
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import feedback, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON, add, at_local, desk_as

WORDS = "Staff were kind. Tea was hot — merci, 谢谢 🙂"


def test_stored_with_no_guest_no_staff_and_only_the_date(desk: DeskContext, data_dir: Path,
                                                         clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 3, 23, 40)  # late evening in London: the local date, not the UTC one
    kez = add(desk, "Kez Marlow")
    visits.sign_in(desk, kez, "self")
    front = desk_as(desk, data_dir, clock, "Vic Volunteer", "volunteer")
    try:
        feedback.give_feedback(front, WORDS, Welcome.WELCOME)
    finally:
        front.close()
    columns = [r[1] for r in desk.store.raw_connection_sql("PRAGMA table_info(guest_feedback)")]
    assert columns == ["id", "given_on", "words", "rating"]  # nothing about a guest, staff or a time
    [row] = desk.store.raw_connection_sql("SELECT id, given_on, words, rating FROM guest_feedback")
    assert row[1] == "2026-11-03" and row[2] == WORDS and row[3] == "welcome"
    assert kez not in row and row[0][14] == "4"  # a random (version 4) id, not a time-ordered one
    # No rowid keeps the order entries were written in.
    with pytest.raises(Exception, match="rowid"):
        desk.store.raw_connection_sql("SELECT rowid FROM guest_feedback")
    audit = desk.store.raw_connection_sql(
        "SELECT action, entity_kind, entity_id, detail FROM audit_log WHERE action LIKE 'guest_feedback%'")
    assert audit == [("guest_feedback_added", "guest_feedback", None, None)]
    everything = json.dumps(desk.store.raw_connection_sql("SELECT * FROM audit_log"), default=str)
    assert WORDS not in everything and row[0] not in everything


def test_too_long_or_empty_feedback_is_refused_odd_unicode_kept(desk: DeskContext) -> None:
    with pytest.raises(ValidationError, match=f"too long \\({WORDS_MAX + 1} characters\\); the limit is {WORDS_MAX}"):
        feedback.give_feedback(desk, "a" * (WORDS_MAX + 1))
    with pytest.raises(ValidationError, match="Write a few words or choose"):
        feedback.give_feedback(desk, "   ", None)
    with pytest.raises(ValidationError, match="how welcome"):
        feedback.give_feedback(desk, "ok", "thrilled")
    assert desk.store.raw_connection_sql("SELECT count(*) FROM guest_feedback") == [(0,)]
    odd = "Ça va ‮ʇxǝʇ‬ Zoë ẞ 𝔣𝔞𝔫𝔠𝔶 👩🏽‍🦱"
    feedback.give_feedback(desk, odd + "\n" + "é" * (WORDS_MAX - len(odd) - 1))
    feedback.give_feedback(desk, None, "okay")  # a rating only


def test_the_report_counts_ratings_and_shows_the_words_in_the_figures(desk: DeskContext, data_dir: Path,
                                                                      clock: FixedClock) -> None:
    at_local(clock, 2026, 10, 31, 12, 0)
    feedback.give_feedback(desk, "October: fine", "okay")
    at_local(clock, 2026, 11, 2, 9, 0)
    feedback.give_feedback(desk, "Felt safe", "welcome")
    feedback.give_feedback(desk, "Too loud at night", "not_welcome")
    feedback.give_feedback(desk, None, "welcome")
    feedback.give_feedback(desk, "Warm, thank you")
    november = month_range(2026, 11, LONDON)
    entries = feedback.feedback_in(desk, november)
    assert sorted(e.words or "" for e in entries) == ["", "Felt safe", "Too loud at night", "Warm, thank you"]
    assert feedback.rating_counts(entries) == {"welcome": 2, "okay": 0, "not_welcome": 1, "not_given": 1}
    figures = compute_figures(desk, november)
    assert figures.hub_day is not None
    assert figures.hub_day.feedback == {"given": 4, "welcome": 2, "okay": 0, "not_welcome": 1, "not_given": 1}
    csv = figures_to_csv(figures)
    assert "feedback,given,4" in csv and "feedback,not_welcome,1" in csv
    assert "feedback_words,2026-11-02.not_given,\"Warm, thank you\"" in csv
    assert "October" not in csv
    front = desk_as(desk, data_dir, clock, "Dee Desk", "desk")
    try:
        with pytest.raises(PermissionDenied):
            feedback.feedback_in(front, november)
        with pytest.raises(PermissionDenied):
            feedback.delete_feedback(front, entries[0].id)
    finally:
        front.close()


def test_a_manager_deletes_an_entry_with_a_name_typed_by_mistake(desk: DeskContext) -> None:
    feedback.give_feedback(desk, "Kez Marlow was lovely to me", "welcome")
    [entry] = feedback.feedback_in(desk, month_range(2026, 11, LONDON)) or [None]
    ops = desk.store.raw_connection_sql("SELECT op, rows FROM outbox WHERE op = 'feedback.give'")
    assert "Kez Marlow" in ops[0][1]
    feedback.delete_feedback(desk, entry.id)
    assert desk.store.raw_connection_sql("SELECT count(*) FROM guest_feedback") == [(0,)]
    rows = " ".join(str(r) for r in desk.store.raw_connection_sql("SELECT rows FROM outbox"))
    assert "Kez Marlow" not in rows
    audit = desk.store.raw_connection_sql(
        "SELECT action, entity_id FROM audit_log WHERE action = 'guest_feedback_deleted'")
    assert audit == [("guest_feedback_deleted", entry.id)]
    with pytest.raises(NotFound):
        feedback.delete_feedback(desk, entry.id)

