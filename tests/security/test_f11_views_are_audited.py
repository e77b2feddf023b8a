"""Issue 14, finding 11: views could skip the audit.

``get_guest(audit_view=False)`` let any caller read a record unaudited, and search results, exclusion
history, visits and the triage list were never audited. Every view of a guest record or a list of
guests is now recorded by the service that shows it: which record or list, how many rows, never a
name; no parameter turns it off.
"""

from __future__ import annotations

import inspect
import json

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import RuleViolation
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import audit, auth, exclusions, guests, search, triage, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.view_audit import flush_views
from tests.security.conftest import MEDIC, SignInAs

NAME = "Quillon Audited"


def _entries(desk: DeskContext, since: int = 0) -> list[tuple[str, str | None, str | None, str | None]]:
    return [tuple(r) for r in desk.store.raw_connection_sql(  # type: ignore[misc]
        f"SELECT action, entity_kind, entity_id, detail FROM audit_log WHERE seq > {since} ORDER BY seq")]


def _head(desk: DeskContext) -> int:
    return int(desk.store.raw_connection_sql("SELECT coalesce(max(seq), 0) FROM audit_log")[0][0])


def test_no_reading_service_takes_a_switch_to_skip_the_audit() -> None:
    for function in (guests.get_guest, search.find_guests, visits.guest_visits, exclusions.exclusion_history,
                     triage.list_triage, visits.who_is_in):
        assert not [p for p in inspect.signature(function).parameters if "audit" in p], function.__name__


def test_lists_of_guests_are_audited_with_how_many_never_who(desk: DeskContext, sign_in_as: SignInAs) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    exclusions.issue_exclusion(desk, record.id, "Shouting", hours=1)
    medic = sign_in_as(MEDIC)
    triage.record_triage(medic, record.id, presenting_need="Cough", outcome="treated")
    start = _head(desk)
    assert len(search.find_guests(desk, "Quil")) == 1
    assert len(exclusions.exclusion_history(desk, record.id)) == 1
    assert visits.guest_visits(desk, record.id) == []  # nothing shown: nothing to record
    assert len(triage.list_triage(desk, guest_id=record.id)) == 1
    flush_views(desk)
    got = _entries(desk, start)
    assert got == [("viewed_list", None, None, "list=search;shown=1"),
                   ("viewed_list", "guest", record.id, "list=exclusion_history;shown=1"),
                   ("viewed_list", "guest", record.id, "list=triage;shown=1")]
    everything = json.dumps(desk.store.raw_connection_sql("SELECT * FROM audit_log"))
    assert "Quillon" not in everything and "Audited" not in everything


def test_opening_a_record_is_audited_at_once_and_refreshes_are_not_repeated(desk: DeskContext,
                                                                            clock: FixedClock) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    start = _head(desk)
    guests.get_guest(desk, record.id)
    assert _entries(desk, start) == [("viewed", "guest", record.id, None)]  # written at once
    clock.advance(minutes=1)
    guests.get_guest(desk, record.id)  # the same screen refreshing after a change
    assert len(_entries(desk, start)) == 1
    clock.advance(minutes=5)
    guests.get_guest(desk, record.id)
    assert len(_entries(desk, start)) == 2


def test_list_views_wait_for_the_next_write_but_never_long(desk: DeskContext, clock: FixedClock) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    guests.add_guest(desk, GuestDetails(preferred_name="Quentin"))
    start = _head(desk)
    search.find_guests(desk, "Quil")
    search.find_guests(desk, "Quill")  # the same list again (one guest): recorded once
    assert _entries(desk, start) == []  # not yet: a keystroke must not wait for the disk
    visits.sign_in(desk, record.id, "self")  # the next unit of work writes it, in its own transaction
    assert [(e[0], e[3]) for e in _entries(desk, start)] == [("viewed_list", "list=search;shown=1"),
                                                            ("signed_in", "via=self")]
    middle = _head(desk)
    search.find_guests(desk, "Qu")  # two guests shown: a new entry, waiting
    clock.advance(seconds=31)
    search.find_guests(desk, "Quillon A")  # half a minute on, the next view writes what waits
    assert [e[3] for e in _entries(desk, middle)] == ["list=search;shown=2"]


def test_views_still_waiting_are_written_when_the_desk_signs_out(desk: DeskContext, clock: FixedClock) -> None:
    guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    start = _head(desk)
    search.find_guests(desk, "Quil")
    auth.sign_out(desk)
    reopened = auth.sign_in(desk.store.paths.data_dir, "Mo Manager", "correct horse battery", clock)
    try:
        actions = [e[0] for e in _entries(reopened, start)]
        assert actions[:2] == ["viewed_list", "signed_out"]
        assert audit.verify_chain(reopened).ok
    finally:
        reopened.close()


def test_a_paramedics_views_are_audited_too(desk: DeskContext, sign_in_as: SignInAs) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    visits.sign_in(desk, record.id, "self")
    medic = sign_in_as(MEDIC)
    start = _head(desk)
    assert len(visits.present_now(medic)) == 1
    guests.health_check_record(medic, record.id)
    assert len(search.pick_guests(medic, "Quil")) == 1
    flush_views(medic)
    got = [(a, k, d) for a, k, _, d in _entries(desk, start)]
    assert got == [("viewed_list", None, "list=in_now;shown=1"), ("viewed", "guest", "health_check"),
                   ("viewed_list", None, "list=guest_picker;shown=1")]


def test_a_failed_write_keeps_the_views_for_the_next_one(desk: DeskContext) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=NAME))
    visits.sign_in(desk, record.id, "self")
    start = _head(desk)
    visits.guest_visits(desk, record.id)  # waiting to be written
    with pytest.raises(RuleViolation):  # already in: the unit of work (and the views in it) rolls back
        visits.sign_in(desk, record.id, "self")
    assert _entries(desk, start) == [] and len(desk.pending_views) == 1
    flush_views(desk)
    assert _entries(desk, start) == [("viewed_list", "guest", record.id, "list=visits;shown=1")]
