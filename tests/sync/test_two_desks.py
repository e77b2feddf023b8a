"""Two real desks of one hub through a real server (HTTPS on loopback): exactly once, in order, the
write checkpoint, versions, integrity, restored desks, rejections, and staff keys."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from safespace_desk.db.models import OutboxOp, SyncProblem
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.services import auth, guests, staff, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.server.models import LoggedOp, SiteRecord
from safespace_desk.sync.state import load
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import LiveServer, thread_server
from tests.sync.helpers import sync_caught_up as _sync


@pytest.fixture(scope="module")
def shared_hub(tmp_path_factory: pytest.TempPathFactory,
               _template_store: tuple[Path, str]) -> Iterator[tuple[DeskContext, DeskContext]]:
    """One hub for the tests that only add to it (each with its own guests): enrolling and joining
    cost seconds of key derivation, paid once here."""
    folder = tmp_path_factory.mktemp("hub")
    shutil.copytree(_template_store[0], folder / "first")
    with thread_server(folder / "server", None) as server:
        first = auth.sign_in(folder / "first", MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        enrol.enrol(first, server.first_code())
        second = enrol.join(folder / "second", enrol.make_join_code(first), MANAGER_NAME, MANAGER_PASSWORD,
                            FixedClock(START))
        try:
            yield first, second
        finally:
            second.close()
            first.close()




def test_a_guest_added_at_one_desk_is_found_at_the_other(shared_hub: tuple[DeskContext, DeskContext]) -> None:
    first, second = shared_hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Quorra Vantablack", aliases=("Q",)))
    visits.sign_in(first, record.id, "outreach")
    _sync(first, second)
    assert guests.get_guest(second, record.id).aliases == ("Q",)
    assert [v.guest_id for v in visits.who_is_in(second)] == [record.id]
    # ...and back: signed out at the second desk, the first sees it.
    visit_id = visits.open_visit_of(second, record.id)
    assert visit_id is not None
    visits.sign_out(second, visit_id, "home")
    _sync(second, first)
    assert visits.who_is_in(first) == []


def test_edits_to_different_fields_at_two_desks_both_survive(shared_hub: tuple[DeskContext, DeskContext]) -> None:
    first, second = shared_hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Ottoline Brisk"))
    _sync(first, second)
    details = record.details()
    guests.update_guest(first, record.id, GuestDetails(**{**details.__dict__, "support_notes": "from the first"}))
    guests.update_guest(second, record.id, GuestDetails(**{**details.__dict__, "flags": frozenset({GuestFlag.NRPF})}))
    _sync(first, second, first)
    for d in (first, second):
        seen = guests.get_guest(d, record.id)
        assert seen.support_notes == "from the first"
        assert seen.flags == frozenset({GuestFlag.NRPF})
    ops = first.store.raw_connection_sql(f"SELECT rows FROM outbox WHERE op = 'guest.update' "
                                         f"AND rows LIKE '%{record.id}%'")
    changed = [set(change["v"]) for row in ops for change in json.loads(row[0])]
    assert changed == [{"support_notes"}]  # only the field that changed travels


def test_flags_added_and_removed_at_two_desks_all_count_and_a_new_desk_gets_the_same(
        shared_hub: tuple[DeskContext, DeskContext], tmp_path: Path) -> None:
    """Flags travel as added/removed: one desk adds a flag while another, offline, swaps one for
    another; every change counts at both desks and at a desk that joins afterwards (its snapshot)."""
    first, second = shared_hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Flagged Twice",
                                                     flags=frozenset({GuestFlag.SAFEGUARDING})))
    _sync(first, second)
    details = record.details()
    guests.update_guest(first, record.id, GuestDetails(**{**details.__dict__, "flags": frozenset(
        {GuestFlag.SAFEGUARDING, GuestFlag.NRPF})}))
    guests.update_guest(second, record.id, GuestDetails(**{**details.__dict__, "flags": frozenset({GuestFlag.MOBILITY})}))
    _sync(first, second, first)
    expected = frozenset({GuestFlag.NRPF, GuestFlag.MOBILITY})
    assert guests.get_guest(first, record.id).flags == expected
    assert guests.get_guest(second, record.id).flags == expected
    # What travelled: the members added and removed, never the whole list.
    from safespace_desk.sync import sets

    stored = second.store.raw_connection_sql(f"SELECT rows FROM outbox WHERE op = 'guest.update' "
                                             f"AND rows LIKE '%{record.id}%'")
    sent = [sets.as_sent("guest.update", change)["v"] for row in stored for change in json.loads(row[0])]
    assert [v for v in sent if "flags" in v or "flags.delta" in v] == [{"flags.delta": {"+": ["mobility"], "-": ["safeguarding"]}}]
    third = enrol.join(tmp_path / "third", enrol.make_join_code(first), MANAGER_NAME, MANAGER_PASSWORD,
                       FixedClock(START))
    try:
        assert guests.get_guest(third, record.id).flags == expected
    finally:
        third.close()


def test_the_same_flag_changed_at_two_desks_ends_as_the_servers_order_says(
        shared_hub: tuple[DeskContext, DeskContext]) -> None:
    """The first desk takes a flag off and puts it back; the second, not having seen that, takes it
    off, later in the server's order: off at both (the second desk keeps its own later change to that
    flag, member by member, while another flag's change from the first still applies)."""
    first, second = shared_hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Flag Order", flags=frozenset({GuestFlag.NRM})))
    _sync(first, second)
    details = record.details()
    for flags in (set(), {GuestFlag.NRM, GuestFlag.DA_RISK}):
        guests.update_guest(first, record.id, GuestDetails(**{**details.__dict__, "flags": frozenset(flags)}))
    _sync(first)
    guests.update_guest(second, record.id, GuestDetails(**{**details.__dict__, "flags": frozenset()}))
    _sync(second, first)
    for d in (first, second):
        assert guests.get_guest(d, record.id).flags == frozenset({GuestFlag.DA_RISK})


def test_a_desks_own_change_is_never_overwritten_by_an_older_one(shared_hub: tuple[DeskContext, DeskContext]) -> None:
    """The write checkpoint: the second desk changes a field offline after the first did; in the
    server's order its change is the later one, so both desks end with it."""
    first, second = shared_hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Perpetua Lowe"))
    _sync(first, second)
    details = record.details()
    guests.update_guest(first, record.id, GuestDetails(**{**details.__dict__, "support_notes": "older"}))
    _sync(first)
    guests.update_guest(second, record.id, GuestDetails(**{**details.__dict__, "support_notes": "newer"}))
    _sync(second, first)
    assert guests.get_guest(second, record.id).support_notes == "newer"
    assert guests.get_guest(first, record.id).support_notes == "newer"


def test_a_page_is_not_applied_while_this_desk_has_unacknowledged_changes(
        shared_hub: tuple[DeskContext, DeskContext]) -> None:
    from safespace_desk.sync.apply import MustPushFirst, apply_page
    from safespace_desk.sync.keys import site_keys
    from safespace_desk.sync.sealing import Opener
    from tests.sync.helpers import ScriptedDesk  # noqa: F401 (the protocol types)

    first, second = shared_hub
    guests.add_guest(first, GuestDetails(preferred_name="Remote One"))
    _sync(first)
    guests.add_guest(second, GuestDetails(preferred_name="Local Pending"))
    sync = DeskSync(second)
    state = sync.state()
    client = sync.client(state)
    from safespace_desk.sync import protocol

    page = protocol.PullResponse.model_validate(client.call("GET", "/v1/pull", params={
        "epoch": state.epoch, "after": state.cursor, "limit": 100}))
    client.close()
    assert page.entries
    with pytest.raises(MustPushFirst), second.store.write() as session:
        apply_page(session, state, Opener(state.site_id, site_keys(second)), page, START)
    assert sync.state().cursor == state.cursor


def test_an_operation_of_an_unknown_version_stops_the_pull_and_is_never_skipped(
        hub: tuple[DeskContext, DeskContext], sqlite_server: LiveServer) -> None:
    first, second = hub
    guests.add_guest(first, GuestDetails(preferred_name="Version Test"))
    _sync(first)
    before = DeskSync(second).state().cursor
    with sqlite_server.engine.begin() as conn:
        body = conn.execute(select(LoggedOp.body).order_by(LoggedOp.position.desc())).scalar_one_or_none() \
            if False else conn.execute(select(LoggedOp.body, LoggedOp.op_id).order_by(LoggedOp.position.desc())).first()
        op = json.loads(body[0])
        op["v"] = 99  # as a newer desk would send it
        conn.execute(update(LoggedOp).where(LoggedOp.op_id == body[1]).values(body=json.dumps(op)))
    outcome = DeskSync(second).sync_now()
    assert not outcome.caught_up and outcome.stopped == "update"
    assert "Update this desk" in outcome.error
    assert DeskSync(second).state().cursor == before  # not advanced past what it could not apply
    assert guests.possible_duplicates(second, "Version Test") == []


def test_a_forged_or_replayed_operation_in_the_servers_database_is_refused(
        hub: tuple[DeskContext, DeskContext], sqlite_server: LiveServer) -> None:
    first, second = hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Genuine Person"))
    _sync(first, second)
    with sqlite_server.engine.begin() as conn:
        row = conn.execute(select(LoggedOp).order_by(LoggedOp.position.desc())).first()
        op = json.loads(row.body)
        head = row.position
        # A copy of a genuine operation at a new position (a replay) ...
        conn.execute(LoggedOp.__table__.insert().values(
            site_id=row.site_id, op_id="00000000-0000-7000-8000-000000000001", device_id=row.device_id,
            seq=row.seq + 1000, kind=row.kind, version=1, received_at=row.received_at, epoch=1,
            position=head + 1, decision="accepted", body=json.dumps(op)))
        # ... and one the server made up: a changed clear field and a new id.
        forged = json.loads(row.body)
        forged["id"] = "00000000-0000-7000-8000-000000000002"
        forged["seq"] = row.seq + 2000
        forged["rows"][0]["c"]["created_at"] = "2020-01-01T00:00:00.000000Z"
        conn.execute(LoggedOp.__table__.insert().values(
            site_id=row.site_id, op_id=forged["id"], device_id=row.device_id, seq=forged["seq"], kind=row.kind,
            version=1, received_at=row.received_at, epoch=1, position=head + 2, decision="accepted",
            body=json.dumps(forged)))
        from safespace_desk.sync.server.models import ServerSite

        conn.execute(update(ServerSite).values(log_head=head + 2))
    outcome = DeskSync(second).sync_now()
    assert outcome.caught_up and outcome.refused == 2
    with second.store.read() as session:
        kinds = sorted(p.kind for p in session.scalars(select(SyncProblem)))
    assert kinds == ["integrity", "replayed"]
    assert guests.get_guest(second, record.id).created_at == START


def test_a_rejected_operation_is_shown_and_does_not_block_the_queue(
        hub: tuple[DeskContext, DeskContext], sqlite_server: LiveServer) -> None:
    first, second = hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Purged Elsewhere"))
    _sync(first, second)
    with sqlite_server.engine.begin() as conn:  # as if another desk's retention purge removed it
        conn.execute(delete(SiteRecord).where(SiteRecord.rid == record.id))
    details = record.details()
    guests.update_guest(second, record.id, GuestDetails(**{**details.__dict__, "support_notes": "edited"}))
    later, _ = guests.add_guest(second, GuestDetails(preferred_name="Still Flows"))
    outcome = DeskSync(second).sync_now()
    assert outcome.caught_up and outcome.rejected == 1 and outcome.pushed == 1
    with second.store.read() as session:
        problem = session.scalars(select(SyncProblem)).one()
        assert (problem.kind, problem.op_kind, problem.reason) == ("rejected", "guest.update", "unknown_record")
        assert session.scalar(select(OutboxOp.decision).where(OutboxOp.op == "guest.update")) == "rejected"
    _sync(first)
    assert guests.get_guest(first, later.id).preferred_name == "Still Flows"


def test_a_desk_restored_from_a_backup_carries_on_as_a_new_device(
        hub: tuple[DeskContext, DeskContext], tmp_path: Path) -> None:
    first, second = hub
    guests.add_guest(second, GuestDetails(preferred_name="Before Backup"))
    _sync(second)
    # "Restore": the desk forgets it pushed its newest operation, and makes a new one with that seq.
    with second.store.write() as session:
        last = session.scalar(select(OutboxOp).order_by(OutboxOp.seq.desc()))
        session.execute(delete(OutboxOp).where(OutboxOp.seq == last.seq))
    old_device = DeskSync(second).state().device_id
    made_after, _ = guests.add_guest(second, GuestDetails(preferred_name="After Restore"))
    outcome = DeskSync(second).sync_now()
    assert outcome.caught_up, outcome.error
    state = DeskSync(second).state()
    assert state.device_id != old_device and second.device_id == state.device_id
    _sync(first)
    assert guests.get_guest(first, made_after.id).preferred_name == "After Restore"


def test_staff_added_at_one_desk_can_sign_in_at_the_other(shared_hub: tuple[DeskContext, DeskContext],
                                                           tmp_path: Path) -> None:
    first, second = shared_hub
    staff.add_staff(first, name="Nadia Night", role="desk", password="a long synthetic passphrase 42")
    _sync(first, second)
    other = auth.sign_in(second.store.paths.data_dir, "Nadia Night", "a long synthetic passphrase 42",
                         FixedClock(START))
    assert other.actor is not None and other.actor.name == "Nadia Night"
    other.close()


def test_the_server_holds_this_desks_audit_head(shared_hub: tuple[DeskContext, DeskContext]) -> None:
    first, _ = shared_hub
    guests.add_guest(first, GuestDetails(preferred_name="Audited Person"))
    _sync(first)
    local = first.store.raw_connection_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
    server_seq, server_hash = enrol.fetch_server_head(first) or (0, "")
    # The sync itself may audit after its last push; the server holds an entry of this very chain.
    at_server = first.store.raw_connection_sql(f"SELECT hash FROM audit_log WHERE seq = {server_seq}")[0][0]
    assert server_hash == at_server and server_seq >= local[0] - 1
    with first.store.read() as session:
        assert load(session).server_audit_seq == server_seq


def test_a_key_rotated_at_one_desk_reaches_the_other(hub: tuple[DeskContext, DeskContext]) -> None:
    """Deactivating someone rotates the key (issue 14, finding 1). The other desk takes the new version
    through the signed-in manager's slot on its next sync and rekeys its store; the leaver is out there
    too (tests/sync/test_keys_across_desks.py has the rest: progress, passwords, forks, lost desks)."""
    first, second = hub
    member, _ = staff.add_staff(first, name="Nadia Night", role="desk", password="a long synthetic passphrase 42")
    _sync(first, second)
    staff.deactivate_staff(first, member.id)
    assert first.keys.current_version == 2
    _sync(first, second)
    assert second.keys.current_version == 2 and second.keys.versions == [1, 2]
    assert not [row for row in second.store.raw_connection_sql("SELECT id FROM staff WHERE active = 1")
                if row[0] == member.id]
    folder = second.store.paths.data_dir
    second.close()
    with pytest.raises(Exception, match="do not match"):
        auth.sign_in(folder, "Nadia Night", "a long synthetic passphrase 42", FixedClock(START))
    again = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
    again.close()
