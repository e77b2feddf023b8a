"""The conflict rules as staff meet them: two real desks of one hub, offline at the same time, then
syncing in either order; both desks end with what the server decided, and the desk whose change the
server took differently says so (a sync problem for a lead)."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from safespace_desk.db.models import BedAssignment, Guest, Message, SyncProblem, Visit
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, beds, data_rights, guests, messages, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import decisions, enrol
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.server.models import LoggedOp
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import thread_server

Desks = tuple[DeskContext, DeskContext]


@pytest.fixture(scope="module")
def two_desks(tmp_path_factory: pytest.TempPathFactory, _template_store: tuple[Path, str]) -> Iterator[Desks]:
    folder = tmp_path_factory.mktemp("conflicts")
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


_night = iter(range(1, 400))


@pytest.fixture
def hub(two_desks: Desks) -> Iterator[Desks]:
    """Both desks at 22:00 on a night of their own (beds free), the second desk's clock 40 minutes fast."""
    first, second = two_desks
    day = START + timedelta(days=next(_night), hours=10)
    first.clock.set(day)  # type: ignore[attr-defined]
    second.clock.set(day + timedelta(minutes=40))  # type: ignore[attr-defined]
    yield first, second
    sync(first, second)
    for guest in visits.in_now(first):  # the house empty again for the next test
        visits.sign_out(first, guest.visit_id)
    sync(first, second)


def sync(*desks: DeskContext) -> None:
    for d in desks:
        outcome = DeskSync(d).sync_now()
        assert outcome.caught_up, outcome.error


def problems(desk: DeskContext, about: str) -> list[tuple[str, str]]:
    with desk.store.read() as session:
        return [(p.kind, p.reason) for p in session.scalars(select(SyncProblem).where(SyncProblem.about == about)
                                                            .order_by(SyncProblem.at))]


def add(desk: DeskContext, name: str) -> str:
    return guests.add_guest(desk, GuestDetails(preferred_name=name))[0].id


@pytest.mark.parametrize("first_to_sync", [0, 1])
def test_a_guest_signed_in_at_both_desks_has_one_open_visit_everywhere(hub: Desks, first_to_sync: int) -> None:
    first, second = hub
    guest = add(first, "Ravel Thistlewood")
    sync(first, second)
    one = visits.sign_in(first, guest, "self")
    two = visits.sign_in(second, guest, "police")
    assert one.bed == two.bed == "Bed 1"  # each desk thought it free
    order = [hub[first_to_sync], hub[1 - first_to_sync]]
    sync(*order, *order)
    kept, merged = (one, two) if first_to_sync == 0 else (two, one)
    for desk in hub:
        assert [g.visit_id for g in visits.in_now(desk) if g.guest_id == guest] == [kept.visit_id]
        with desk.store.read() as session:
            row = session.get(Visit, merged.visit_id)
            assert row is not None and row.merged_into == kept.visit_id and row.voided_at is not None
            assert {v.arrived_via for v in session.scalars(select(Visit).where(Visit.guest_id == guest))} == {
                "self", "police"}  # both ways of arriving kept
        board = beds.bed_board(desk)
        assert [b.visit_id for b in board.beds if b.label == "Bed 1"] == [kept.visit_id]
    assert problems(order[1], guest) == [("changed", decisions.VISIT_MERGED)]


@pytest.mark.parametrize("first_to_sync", [0, 1])
def test_the_later_of_two_desks_giving_one_bed_moves_its_guest_to_a_free_bed(hub: Desks, first_to_sync: int) -> None:
    first, second = hub
    a, b = add(first, "Oriel Pennywhistle"), add(first, "Caspian Moorhen")
    sync(first, second)
    signed = [visits.sign_in(first, a, "self"), visits.sign_in(second, b, "self")]
    assert signed[0].bed == signed[1].bed == "Bed 1"
    later = hub[1 - first_to_sync]
    sync(hub[first_to_sync], later, hub[first_to_sync], later, hub[first_to_sync])
    winner, loser = signed[first_to_sync], signed[1 - first_to_sync]
    for desk in hub:
        board = {row.label: row.visit_id for row in beds.bed_board(desk).beds}
        assert board["Bed 1"] == winner.visit_id
        assert board["Bed 2"] == loser.visit_id  # moved by its own desk to the first free bed, and synced
        with desk.store.read() as session:
            held = session.scalars(select(BedAssignment).where(BedAssignment.released_at.is_(None),
                                                               BedAssignment.visit_id == loser.visit_id)).all()
            assert [h.bed_label for h in held] == ["Bed 2"]
    assert problems(later, loser.guest_id) == [("changed", decisions.BED_TAKEN), ("changed", "bed_moved")]


def test_a_refused_change_is_put_back_as_the_hub_holds_it(hub: Desks) -> None:
    """Signed out at one desk, voided (undone) at the other: the later is refused, and its desk shows
    what the hub holds (signed out), not its own undo."""
    first, second = hub
    guest = add(first, "Wystan Quillfeather")
    visit = visits.sign_in(first, guest, "self").visit_id
    sync(first, second)
    visits.sign_out(first, visit, "home")
    visits.undo_sign_in(second, visit)
    sync(first, second, first)
    for desk in hub:
        with desk.store.read() as session:
            row = session.get(Visit, visit)
            assert row is not None and row.signed_out_at is not None and row.voided_at is None
    assert problems(second, guest) == [("rejected", decisions.CHANGED_SINCE)]


def test_delivered_is_never_taken_back_by_another_desk(hub: Desks) -> None:
    first, second = hub
    guest = add(first, "Marisol Ashgrove")
    agency = messages.list_agencies(first)[0].id
    message_id, _ = messages.post_message(first, agency_id=agency, body="Call the housing team", guest_id=guest)
    sync(first, second)
    messages.deliver(first, message_id)
    messages.not_passed_on(second, message_id, "not seen today")
    sync(first, second, first)
    for desk in hub:
        view = messages.open_message(desk, message_id)
        assert view.delivered_at is not None and view.not_passed_at is None
    assert problems(second, guest) == [("rejected", decisions.ALREADY_DELIVERED)]


@pytest.mark.parametrize("first_to_sync", [0, 1])
def test_guest_fields_are_last_writer_wins_by_server_order(hub: Desks, first_to_sync: int) -> None:
    first, second = hub
    record, _ = guests.add_guest(first, GuestDetails(preferred_name="Tamsin Greyfriar"))
    sync(first, second)
    details = record.details()
    # The first desk's clock is now days ahead: its edit is stamped later, but the server's order decides.
    first.clock.advance(days=3)  # type: ignore[attr-defined]
    guests.update_guest(first, record.id, GuestDetails(**{**details.__dict__, "support_notes": "from the first"}))
    guests.update_guest(second, record.id, GuestDetails(**{**details.__dict__, "support_notes": "from the second"}))
    order = [hub[first_to_sync], hub[1 - first_to_sync]]
    sync(*order, *order)
    expected = "from the second" if first_to_sync == 0 else "from the first"
    for desk in hub:
        assert guests.get_guest(desk, record.id).support_notes == expected
    first.clock.advance(days=-3)  # type: ignore[attr-defined]


def test_the_same_person_added_at_two_desks_is_on_both_desks_review_list(hub: Desks) -> None:
    first, second = hub
    a = add(first, "Isolde Fenwick-Hart")
    b = add(second, "Isolde Fenwick-Hart")
    sync(first, second, first)
    for desk in hub:
        pairs = {(p.first_id, p.second_id) for p in guests.duplicate_review(desk)}
        assert (min(a, b), max(a, b)) in {(min(x, y), max(x, y)) for x, y in pairs}
    guests.merge_guests(first, a, b)
    sync(first, second)
    # The merge leaves a redirect: the old id still finds the guest at the other desk.
    with second.store.read() as session:
        assert guests.resolve_live(session, b).id == a


def test_an_erasure_reaches_the_other_desk_and_nothing_about_the_guest_comes_back(hub: Desks) -> None:
    first, second = hub
    guest = add(first, "Peregrine Oddsock")
    visit = visits.sign_in(first, guest, "self").visit_id
    sync(first, second)
    visits.sign_out(first, visit, "to a hostel")
    sync(first, second)
    # The second desk signs the guest in again offline, while the first erases them.
    again = visits.sign_in(second, guest, "self").visit_id
    data_rights.erase_guest(first, guest, "asked to be forgotten")
    sync(first, second, first)
    for desk in hub:
        record = guests.get_guest(desk, guest)
        assert record.preferred_name != "Peregrine Oddsock"
        with desk.store.read() as session:
            assert session.get(Visit, again) is None  # refused at the server, removed here
            departed = [v.departed_to for v in session.scalars(select(Visit).where(Visit.guest_id == guest))]
        assert "to a hostel" not in departed
    assert problems(second, guest)[0] == ("rejected", decisions.ERASED)


def test_an_erasure_keeps_a_delivery_and_a_sign_out_made_at_a_desk_that_had_not_heard(
        hub: Desks, tmp_path: Path) -> None:
    """The chaos run's seed 23 ("delivered went back"): the erasing desk sends each record about the
    guest whole, as it stands there; a delivery and a sign-out made at the other desk that it had not
    heard of yet were undone at the server and at every desk. They stand; the guest's name is gone."""
    first, second = hub
    name = "Oriel Blackthorn-Vane"
    guest = add(first, name)
    visit = visits.sign_in(first, guest, "self").visit_id
    message_id, _ = messages.post_message(first, agency_id=messages.list_agencies(first)[0].id,
                                          body="synthetic: ring the outreach team", guest_id=guest, for_name=name)
    sync(first, second)
    messages.deliver(second, message_id)
    visits.sign_out(second, visit)
    sync(second)
    data_rights.erase_guest(first, guest, "asked to be forgotten")  # the first desk has not synced since
    sync(first, second, first)
    third = enrol.join(tmp_path / "third", enrol.make_join_code(first), MANAGER_NAME, MANAGER_PASSWORD,
                       FixedClock(START))  # joins from the hub's records: what the server holds
    try:
        for desk in (*hub, third):
            where = desk.store.paths.data_dir.name
            with desk.store.read() as session:
                message = session.get(Message, message_id)
                stay = session.get(Visit, visit)
                assert message is not None and message.delivered_at is not None, where
                assert stay is not None and stay.signed_out_at is not None, where
                assert name not in (message.for_name or ""), where
            assert guests.get_guest(desk, guest).preferred_name != name, where
    finally:
        third.close()


def test_erasing_a_guest_leaves_another_guest_of_the_same_name_alone_at_every_desk(hub: Desks) -> None:
    """The chaos run's seed 7: the erasure scrubbed the erased guest's names out of every operation
    not yet sent, the other Tamsin Wren's own record and message among them, so the erasing desk kept
    her name and every other desk got "[name erased]". The scrub finds the erased guest by id."""
    first, second = hub
    erased = add(first, "Tamsin Wren")
    sync(first, second)
    other = add(first, "Tamsin Wren")  # another person of the same name, not sent yet
    messages.post_message(first, agency_id=messages.list_agencies(first)[0].id, body="synthetic: call the day centre",
                          guest_id=other, for_name="Tamsin Wren")
    visits.sign_in(first, other, "self")
    data_rights.erase_guest(first, erased, "asked to be forgotten")
    sync(first, second, first)
    for desk in hub:
        assert guests.get_guest(desk, other).preferred_name == "Tamsin Wren", desk.store.paths.data_dir.name
        assert guests.get_guest(desk, erased).preferred_name != "Tamsin Wren"
        with desk.store.read() as session:
            assert [m.for_name for m in session.scalars(select(Message).where(Message.guest_id == other))] == [
                "Tamsin Wren"]


def test_a_desk_put_back_from_a_backup_gets_back_what_it_had_pushed_since(tmp_path: Path,
                                                                          _template_store: tuple[Path, str]) -> None:
    """Item 4: restored from a backup taken before it pushed a change, the desk reads that change back
    from the hub (its own operations after the newest it holds are sent to it), nothing twice."""
    shutil.copytree(_template_store[0], tmp_path / "desk")
    with thread_server(tmp_path / "server", None) as server:
        desk = auth.sign_in(tmp_path / "desk", MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        enrol.enrol(desk, server.first_code())
        before = add(desk, "Before The Backup")
        sync(desk)
        desk.close()
        shutil.copytree(tmp_path / "desk", tmp_path / "backup")
        desk = auth.sign_in(tmp_path / "desk", MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        after = add(desk, "After The Backup")
        visits.sign_in(desk, after, "self")
        sync(desk)
        desk.close()
        shutil.rmtree(tmp_path / "desk")
        shutil.copytree(tmp_path / "backup", tmp_path / "desk")
        desk = auth.sign_in(tmp_path / "desk", MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        try:
            with desk.store.read() as session:
                assert session.get(Guest, after) is None  # the backup is older
            sync(desk)
            assert guests.get_guest(desk, after).preferred_name == "After The Backup"
            assert guests.get_guest(desk, before).preferred_name == "Before The Backup"
            assert [g.guest_id for g in visits.in_now(desk)] == [after]
            # ... and a change made now carries on as a new device without losing or repeating anything.
            later = add(desk, "After The Restore")
            sync(desk)
            with server.engine.connect() as conn:
                kinds = Counter(kind for kind, in conn.execute(select(LoggedOp.kind)))
            assert kinds["guest.add"] == 3 and kinds["visit.sign_in"] == 1
            assert guests.get_guest(desk, later).preferred_name == "After The Restore"
        finally:
            desk.close()
