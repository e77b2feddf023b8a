"""Each outbox operation carries exactly the rows its unit of work changed (what sync sends)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import delete, insert

from safespace_desk.db.models import Guest, GuestAlias, Setting
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.ids import new_id
from safespace_desk.services import guests, visits
from safespace_desk.services.context import DeskContext, UnsyncedChange


def _rows(desk: DeskContext, op: str) -> list[dict[str, Any]]:
    raw = desk.store.raw_connection_sql(f"SELECT rows FROM outbox WHERE op = '{op}' ORDER BY seq DESC LIMIT 1")
    return list(json.loads(raw[0][0]))


def test_an_added_guest_travels_whole_and_an_edit_only_as_what_changed(desk: DeskContext) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Capture Person", aliases=("Cap",)))
    added = _rows(desk, "guest.add")
    assert [(r["t"], r["a"]) for r in added] == [("guest", "i"), ("guest_alias", "i")]
    assert added[0]["v"]["preferred_name"] == "Capture Person" and added[0]["v"]["flags"] == "[]"
    details = record.details()
    guests.update_guest(desk, record.id, GuestDetails(**{**details.__dict__, "aliases": ("Cappy",),
                                                        "support_notes": "synthetic"}))
    edit = _rows(desk, "guest.update")
    assert {(r["t"], r["a"]) for r in edit} == {("guest", "u"), ("guest_alias", "i"), ("guest_alias", "d")}
    guest_change = next(r for r in edit if r["t"] == "guest")
    assert set(guest_change["v"]) == {"support_notes"}


def test_a_sign_in_carries_the_visit_and_the_guests_last_seen(desk: DeskContext) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Sign In Person"))
    desk.clock.advance(minutes=5)  # type: ignore[attr-defined]
    visits.sign_in(desk, record.id, "self")
    rows = _rows(desk, "visit.sign_in")
    assert {r["t"] for r in rows} == {"visit", "guest"}
    assert next(r for r in rows if r["t"] == "guest")["v"] == {"last_seen_at": "2026-11-24T12:05:00.000000Z"}


def test_bulk_statements_are_seen_too(desk: DeskContext) -> None:
    guest_id = new_id()
    with desk.unit_of_work() as uow:
        uow.session.execute(insert(Guest), [{"id": guest_id, "preferred_name": "Bulk Person", "card_code": "BULK1",
                                             "created_at": uow.now, "updated_at": uow.now}])
        uow.session.add(GuestAlias(id=new_id(), guest_id=guest_id, name="Bulky", created_at=uow.now))
        uow.outbox("guest.add", guest_id=guest_id)
    with desk.unit_of_work() as uow:
        uow.session.execute(delete(GuestAlias).where(GuestAlias.guest_id == guest_id))
        uow.outbox("guest.update", guest_id=guest_id)
    inserted = _rows(desk, "guest.add")
    assert inserted[0]["v"]["flags"] == "[]"  # the column's default, as the database wrote it
    assert [r["a"] for r in _rows(desk, "guest.update")] == ["d"]


def test_changes_after_the_last_operation_belong_to_it_and_made_then_removed_is_nothing(desk: DeskContext) -> None:
    with desk.unit_of_work() as uow:
        guest = Guest(id=new_id(), preferred_name="Late Change", card_code="LATE1", flags="[]", created_at=uow.now,
                      updated_at=uow.now)
        uow.session.add(guest)
        uow.outbox("guest.add", guest_id=guest.id)
        guest.support_notes = "added after the outbox call"
        temp = GuestAlias(id=new_id(), guest_id=guest.id, name="Temp", created_at=uow.now)
        uow.session.add(temp)
        uow.session.flush()
        uow.session.delete(temp)
    rows = _rows(desk, "guest.add")
    assert len(rows) == 1 and rows[0]["v"]["support_notes"] == "added after the outbox call"


def test_a_shared_change_without_an_outbox_operation_is_refused(desk: DeskContext) -> None:
    with pytest.raises(UnsyncedChange, match="guest"), desk.unit_of_work() as uow:
        uow.session.add(Guest(id=new_id(), preferred_name="Forgotten", card_code="FORGOT", flags="[]",
                              created_at=uow.now, updated_at=uow.now))
    assert desk.store.raw_connection_sql("SELECT count(*) FROM guest WHERE card_code = 'FORGOT'") == [(0,)]
    # This desk's own settings are not shared: no operation needed.
    with desk.unit_of_work() as uow:
        uow.session.add(Setting(key="backup_keep", value="7"))


def test_a_flags_edit_keeps_the_flags_before_until_the_guest_is_erased(desk: DeskContext) -> None:
    """The old value of a set column travels with an update (sync sends what was added and removed),
    and goes from the outbox with the rest of the guest when they are erased."""
    from safespace_desk.domain.guests import GuestFlag
    from safespace_desk.services import data_rights

    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Flag Person",
                                                    flags=frozenset({GuestFlag.MENTAL_HEALTH})))
    details = record.details()
    guests.update_guest(desk, record.id, GuestDetails(**{**details.__dict__, "flags": frozenset({GuestFlag.NRPF})}))
    guest_change = next(r for r in _rows(desk, "guest.update") if r["t"] == "guest")
    assert (guest_change["v"]["flags"], guest_change["o"]) == ('["nrpf"]', {"flags": '["mental_health"]'})
    data_rights.erase_guest(desk, record.id, "Subject's request")
    outbox = " ".join(row[0] for row in desk.store.raw_connection_sql("SELECT rows FROM outbox WHERE rows IS NOT NULL"))
    assert "mental_health" not in outbox and "nrpf" not in outbox
