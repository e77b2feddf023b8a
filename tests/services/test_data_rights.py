from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, ValidationError
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.domain.retention import RetentionPolicy, cutoff_for
from safespace_desk.services import data_rights, exclusions, guests, messages, search, shiftlog, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add, desk_as

PLANTED = "Xylophone Plantedname"


def _guest_with_history(desk: DeskContext, clock: FixedClock) -> str:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=PLANTED, aliases=("Xy",), legal_name="X P",
                                                    flags=frozenset({GuestFlag.DA_RISK}),
                                                    support_notes="Likes the quiet room"))
    guest_id = record.id
    v = visits.sign_in(desk, guest_id, "police")
    clock.advance(hours=2)
    visits.sign_out(desk, v.visit_id)
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    messages.post_message(desk, agency_id=gp, guest_id=guest_id, body="Appointment 3pm Friday")
    shiftlog.add_entry(desk, "incident", "Raised voice at the door", guest_id=guest_id)
    exclusions.issue_exclusion(desk, guest_id, "Fighting", 12)
    guests.get_guest(desk, guest_id)  # a view, which the export must list
    return guest_id


def test_export_contains_everything_and_who_viewed_it(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = _guest_with_history(desk, clock)
    other = add(desk, "Someone Else")
    data = data_rights.export_guest(desk, guest_id)
    assert data["guest_records"][0]["preferred_name"] == PLANTED
    assert data["guest_records"][0]["support_notes"] == "Likes the quiet room"
    assert [a["name"] for a in data["aliases"]] == ["Xy"]
    assert len(data["visits"]) == 1 and data["visits"][0]["staff_in_name"] == "Mo Manager"
    assert data["messages"][0]["body"] == "Appointment 3pm Friday"
    assert data["shift_log"][0]["text"] == "Raised voice at the door"
    assert data["exclusions"][0]["reason"] == "Fighting"
    actions = [a["action"] for a in data["access_log"]]
    assert "viewed" in actions and "guest_added" in actions and "signed_in" in actions
    assert all(a["staff"] == "Mo Manager" for a in data["access_log"])
    assert other not in json.dumps(data)
    json.dumps(data)  # serialisable as is


def test_erasure_anonymises_but_keeps_counts(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = _guest_with_history(desk, clock)
    card = guests.get_guest(desk, guest_id).card_code
    with pytest.raises(ValidationError):
        data_rights.erase_guest(desk, guest_id, "  ")
    data_rights.erase_guest(desk, guest_id, "Subject's request by letter, ref 12")
    record = guests.get_guest(desk, guest_id)
    assert record.preferred_name == "Erased guest" and record.legal_name is None and record.aliases == ()
    assert record.flags == frozenset() and record.support_notes is None and record.card_code != card
    assert search.find_guests(desk, "xylo") == [] and search.find_guests(desk, card) == []
    assert len(visits.guest_visits(desk, guest_id)) == 1  # still counted in figures
    assert messages.board(desk, messages.BoardFilter.ALL)[0].body.startswith("[erased")
    desk.close()
    store = (desk.store.paths.db).read_bytes()
    assert PLANTED.encode() not in store


def test_only_managers(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    guest_id = add(desk, "Kez")
    lead = desk_as(desk, data_dir, clock, "Lee Lead", "lead")
    try:
        with pytest.raises(PermissionDenied):
            data_rights.export_guest(lead, guest_id)
        with pytest.raises(PermissionDenied):
            data_rights.erase_guest(lead, guest_id, "asked")
        with pytest.raises(PermissionDenied):
            data_rights.set_retention_policy(lead, RetentionPolicy())
    finally:
        lead.close()


def test_retention_purge_removes_old_records_and_records_what_it_did(desk: DeskContext, clock: FixedClock) -> None:
    clock.set(datetime(2019, 3, 1, 12, tzinfo=UTC))
    old_guest = _guest_with_history(desk, clock)
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    recent = add(desk, "Recent Rae")
    v = visits.sign_in(desk, recent, "self")
    visits.sign_out(desk, v.visit_id)
    data_rights.set_retention_policy(desk, RetentionPolicy({"visits": 72, "messages": 72, "shift_log": 72,
                                                            "handovers": 72, "triage": 96, "exclusions": 72,
                                                            "guests": 72}))
    results = {r.kind: r.removed for r in data_rights.purge_expired(desk)}
    assert results == {"visits": 1, "shift_log": 1, "exclusions": 1, "guests": 1}
    # The message stays: it is still waiting (it has no relevant-until), so it is not finished.
    assert guests.get_guest(desk, old_guest).preferred_name == "Erased guest"
    assert len(visits.guest_visits(desk, recent)) == 1
    history = data_rights.purge_history(desk)
    assert {h.kind: h.removed for h in history} == results
    assert not data_rights.purge_due(desk)
    clock.advance(days=1)
    assert data_rights.purge_due(desk)
    assert data_rights.purge_expired(desk, automatic=True) == []  # nothing more to do


def test_retention_policy_validation_and_forever(desk: DeskContext) -> None:
    with pytest.raises(ValidationError) as err:
        data_rights.set_retention_policy(desk, RetentionPolicy({"visits": 0}))
    assert err.value.field == "visits"
    data_rights.set_retention_policy(desk, RetentionPolicy({k: None for k in RetentionPolicy().periods}))
    assert data_rights.retention_policy(desk).months("visits") is None
    assert data_rights.purge_expired(desk) == []


def test_cutoff_is_calendar_months() -> None:
    now = datetime(2026, 3, 31, 10, tzinfo=UTC)
    assert cutoff_for(now, 1) == datetime(2026, 2, 28, 10, tzinfo=UTC)
    assert cutoff_for(now, 72) == datetime(2020, 3, 31, 10, tzinfo=UTC)
    assert cutoff_for(now, 12) - timedelta(days=365) == datetime(2024, 3, 31, 10, tzinfo=UTC)


def test_undone_sign_ins_are_purged_too(desk: DeskContext, clock: FixedClock) -> None:
    clock.set(datetime(2019, 3, 1, 12, tzinfo=UTC))
    mistake = visits.sign_in(desk, add(desk, "Mistaken Entry"), "self")
    visits.undo_sign_in(desk, mistake.visit_id)
    clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))
    results = {r.kind: r.removed for r in data_rights.purge_expired(desk)}
    assert results.get("visits") == 1
    assert desk.store.raw_connection_sql("SELECT count(*) FROM visit")[0][0] == 0


def test_the_erasure_reason_is_kept_on_the_record_not_in_the_audit(desk: DeskContext, clock: FixedClock) -> None:
    guest_id = add(desk, "Someone")
    data_rights.erase_guest(desk, guest_id, "Request by letter from A. Solicitor, ref 77")
    detail = desk.store.raw_connection_sql("SELECT detail FROM audit_log WHERE action = 'guest_erased'")[0][0]
    assert "Solicitor" not in detail and '"records": 1' in detail
    reason = desk.store.raw_connection_sql(f"SELECT erasure_reason FROM guest WHERE id = '{guest_id}'")[0][0]
    assert reason == "Request by letter from A. Solicitor, ref 77"
