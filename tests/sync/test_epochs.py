"""A server restored from an older backup, or given a new epoch by its operator, loses and resurrects
nothing: real server processes (`safespace-desk server run`) over loopback HTTPS on SQLite and
PostgreSQL, real desk stores, a real backup of the server's database put back.

What the desks must do (sync/server/epochs.py): read the old epoch to its end, send again what they kept
that the server lost (each operation once: op ids and seqs the server holds are not applied again), carry
on in the new epoch without dropping anything of their own, and tell staff what happened.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safespace_desk.db.models import Guest, SyncProblem
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, guests, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol, problems
from safespace_desk.sync.client import ServerRefused
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.server.models import LoggedOp, ServerSite, SiteRecord
from safespace_desk.sync.status import sync_status
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import LiveServer, free_port, make_server_folder, serve_folder
from tests.sync.helpers import ScriptedDesk


class Hub:
    """A server folder, the port its desks know it by, and a way to back its database up and put it back."""

    def __init__(self, folder: Path, database: str | None, admin_url: str | None) -> None:
        self.folder, self.database, self.admin_url = folder, database, admin_url
        self.config = make_server_folder(folder, database)
        self.port = free_port()

    @contextmanager
    def running(self) -> Iterator[LiveServer]:
        with serve_folder(self.folder, port=self.port) as live:
            yield live

    def back_up(self) -> None:
        """While the server is stopped, as an operator's nightly backup would."""
        if self.database is None:
            with sqlite3.connect(self.folder / "server.db") as src, sqlite3.connect(self.folder / "backup.db") as dst:
                src.backup(dst)
        else:
            self._admin(f'CREATE DATABASE "{self._name}_bak" TEMPLATE "{self._name}"')

    def restore(self) -> None:
        """The server's disk died: its database is put back from the backup (the server is stopped)."""
        if self.database is None:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / f"server.db{suffix}").unlink(missing_ok=True)
            shutil.copy(self.folder / "backup.db", self.folder / "server.db")
        else:
            self._admin(f'DROP DATABASE "{self._name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self._name}" TEMPLATE "{self._name}_bak"')

    @property
    def _name(self) -> str:
        assert self.database is not None
        return self.database.rpartition("/")[2]

    def _admin(self, statement: str) -> None:
        import psycopg

        assert self.admin_url is not None
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def new_epoch(self) -> str:
        done = subprocess.run([sys.executable, "-m", "safespace_desk", "server", "new-epoch", "--data-dir",
                               str(self.folder)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture
def hub(tmp_path: Path, server_database: str | None, request: pytest.FixtureRequest) -> Hub:
    admin = request.getfixturevalue("pg_admin_url") if server_database else None
    return Hub(tmp_path / "server", server_database, admin)


def open_desk(folder: Path) -> DeskContext:
    return auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))


@pytest.fixture
def opened() -> Iterator[list[DeskContext]]:
    """Desks opened by a test, closed after it."""
    out: list[DeskContext] = []
    yield out
    for d in out:
        d.close()


def make_desks(tmp_path: Path, template: Path, live: LiveServer, count: int,
               opened: list[DeskContext]) -> list[DeskContext]:
    """The hub's first desk (enrolled with the test store's history) and ``count - 1`` joined ones."""
    shutil.copytree(template, tmp_path / "desk0")
    first = open_desk(tmp_path / "desk0")
    opened.append(first)
    enrol.enrol(first, live.first_code())
    for n in range(1, count):
        opened.append(enrol.join(tmp_path / f"desk{n}", enrol.make_join_code(first), MANAGER_NAME,
                                 MANAGER_PASSWORD, FixedClock(START)))
    return list(opened)


def add(desk: DeskContext, name: str) -> str:
    return guests.add_guest(desk, GuestDetails(preferred_name=name))[0].id


def sync(desk: DeskContext) -> DeskSync:
    outcome = DeskSync(desk).sync_now()
    assert outcome.caught_up, outcome.error
    return outcome  # type: ignore[return-value]


def names(desk: DeskContext) -> dict[str, str]:
    with desk.store.read() as session:
        return {gid: name for gid, name in session.execute(select(Guest.id, Guest.preferred_name))}


def server_guests(live: LiveServer) -> set[str]:
    with live.engine.connect() as conn:
        return set(conn.scalars(select(SiteRecord.rid).where(SiteRecord.tbl == "guest")))


def assert_log_whole(live: LiveServer) -> None:
    """Each epoch's positions run 1..n with no gap, and no operation is in the log twice."""
    with live.engine.connect() as conn:
        rows = conn.execute(select(LoggedOp.epoch, LoggedOp.position, LoggedOp.op_id)
                            .where(LoggedOp.position.is_not(None))).all()
    by_epoch: dict[int, list[int]] = {}
    for epoch, position, _ in rows:
        by_epoch.setdefault(epoch, []).append(position)
    for positions in by_epoch.values():
        assert sorted(positions) == list(range(1, len(positions) + 1))
    assert max(Counter(op_id for _, _, op_id in rows).values()) == 1


def epoch_notes(desk: DeskContext) -> list[str]:
    with desk.store.read() as session:
        kinds = list(session.scalars(select(SyncProblem.kind).where(SyncProblem.kind == "new_epoch")))
    return kinds


@pytest.mark.parametrize("first_back", ["nothing_to_send", "new_change"])
def test_a_server_restored_from_an_older_backup_loses_nothing(tmp_path: Path, _template_store: tuple[Path, str],
                                                             hub: Hub, opened: list[DeskContext],
                                                             first_back: str) -> None:
    """No one runs `server new-epoch`: the first desk back shows the server it is behind (its cursor is
    past the log's head, or a seq the server had acknowledged is gone) and the server starts the epoch."""
    with hub.running() as live:
        a, b = make_desks(tmp_path, _template_store[0], live, 2, opened)
        before = add(a, "Before Backup")
        sync(a), sync(b)
    hub.back_up()
    with hub.running() as live:
        after_a = add(a, "After Backup At A")
        visits.sign_in(a, after_a, "self")
        sync(a)
        after_b = add(b, "After Backup At B")
        sync(b), sync(a)
        assert set(names(a)) == set(names(b))
    hub.restore()
    with hub.running() as live:
        assert after_a not in server_guests(live)  # the backup is older
        if first_back == "new_change":  # A's push meets a gap where the server had acknowledged
            made = add(a, "After Restore At A")
            outcome = DeskSync(a).sync_now()
        else:  # B has nothing to send: its cursor is past the log's head
            outcome = DeskSync(b).sync_now()
            made = add(a, "After Restore At A")
        assert outcome.caught_up, outcome.error
        assert outcome.new_epoch and "restored from a backup" in outcome.describe()
        for d in (a, b, a, b):
            sync(d)
        check_converged(live, [a, b], {before, after_a, after_b, made})
        assert [g.guest_id for g in visits.in_now(b)] == [after_a]
        check_late_joiner(tmp_path, a)


def check_converged(live: LiveServer, hub_desks: list[DeskContext], expected: set[str], epoch: int = 2) -> None:
    """Every desk holds the same guests, all expected ones; so does the server; nothing is twice in its
    log; every desk is in the new epoch with nothing waiting, and its staff were told."""
    first = names(hub_desks[0])
    assert expected <= set(first)
    assert expected <= server_guests(live)  # what the server lost was sent again
    assert_log_whole(live)
    with live.engine.connect() as conn:
        assert conn.scalar(select(ServerSite.epoch)) == epoch
    for d in hub_desks:
        assert names(d) == first
        assert DeskSync(d).waiting() == 0 and DeskSync(d).state().epoch == epoch
        assert epoch_notes(d) == ["new_epoch"] * (epoch - 1)
        with d.store.read() as session:
            # Neither the audit chain sent again (taken for a rewritten one) nor another desk's change
            # sent again (taken for a replay) alarms a lead.
            alarms = session.scalar(select(func.count()).select_from(SyncProblem).where(
                SyncProblem.kind.in_(("audit", "replayed"))))
        assert alarms == 0
        assert any("restored from a backup" in p.text for p in problems.problems(d))
        assert "epoch" in " ".join(sync_status(d).lines())


def check_late_joiner(tmp_path: Path, desk: DeskContext) -> None:
    """A desk joining now starts from the server's snapshot: it holds everything the others hold."""
    late = enrol.join(tmp_path / "late", enrol.make_join_code(desk), MANAGER_NAME, MANAGER_PASSWORD,
                      FixedClock(START))
    try:
        assert names(late) == names(desk)
    finally:
        late.close()


def test_the_operator_starts_a_new_epoch_after_restoring(tmp_path: Path, _template_store: tuple[Path, str],
                                                          hub: Hub, opened: list[DeskContext]) -> None:
    """The README's procedure: restore the database, `server new-epoch`, start the server. Desks read the
    old epoch to where the backup ends, send again what it lost, carry on; codes made before do not work."""
    with hub.running() as live:
        a, b = make_desks(tmp_path, _template_store[0], live, 2, opened)
        before = add(b, "Before Backup")
        sync(b), sync(a)
        old_code = enrol.make_join_code(a)  # unused when the backup is taken
    hub.back_up()
    with hub.running() as live:
        after = add(a, "After Backup")
        sync(a), sync(b)
    hub.restore()
    said = hub.new_epoch()
    assert "epoch 1 ends" in said and "epoch 2 starts" in said
    with hub.running() as live:
        outcome = DeskSync(b).sync_now()  # nothing lost of B's: it reads on into the new epoch
        assert outcome.caught_up and outcome.new_epoch and outcome.resent == 0, outcome.error
        outcome = DeskSync(a).sync_now()  # A sends again what the server lost
        assert outcome.caught_up and outcome.resent >= 1, outcome.error
        sync(b)
        check_converged(live, [a, b], {before, after})
        with pytest.raises(Exception, match="expired"):
            enrol.join(tmp_path / "with-old-code", old_code, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        check_late_joiner(tmp_path, b)


def test_a_desk_offline_during_the_epoch_change_catches_up_and_keeps_its_own(
        tmp_path: Path, _template_store: tuple[Path, str], hub: Hub, opened: list[DeskContext]) -> None:
    """C is switched off before the backup and comes back after the new epoch with changes of its own:
    it reads the rest of the old epoch (what the backup holds), then the new one; nothing of its own is
    dropped, and the others get its changes."""
    with hub.running() as live:
        a, b, c = make_desks(tmp_path, _template_store[0], live, 3, opened)
        first = add(a, "Everyone Has")
        for d in (a, b, c):
            sync(d)
        # C goes offline here and works on its own.
        mine = add(c, "Made At C Offline")
        visits.sign_in(c, mine, "self")
        in_backup = add(a, "In The Backup")
        sync(a), sync(b)
    hub.back_up()
    with hub.running() as live:
        lost = add(b, "Lost With The Server")
        sync(b), sync(a)
    hub.restore()
    hub.new_epoch()
    with hub.running() as live:
        sync(a), sync(b)
        new = add(a, "New Epoch")
        sync(a), sync(b)
        assert mine in names(c) and in_backup not in names(c)
        outcome = DeskSync(c).sync_now()
        assert outcome.caught_up and outcome.new_epoch, outcome.error
        sync(a), sync(b), sync(c)
        check_converged(live, [a, b, c], {first, mine, in_backup, lost, new})
        for d in (a, b, c):
            assert [g.guest_id for g in visits.in_now(d)] == [mine]
            assert names(d)[mine] == "Made At C Offline"


def test_the_server_starts_an_epoch_only_on_evidence_it_can_check(server: LiveServer) -> None:
    """POST /v1/restored: a desk's claim is checked against the server's own tables; an epoch the desk
    read that the server never had is passed in one step; the old epoch stays readable to its end."""
    desk = ScriptedDesk(server)
    try:
        answer = desk.push([desk.guest_op(1), desk.guest_op(2)])
        assert [r.position for r in answer.results] == [1, 2]
        with pytest.raises(ServerRefused) as refused:
            desk.client.call("POST", "/v1/restored", body={"epoch": 1, "cursor": 2, "acked_seq": 2})
        assert refused.value.code == "not_behind" and refused.value.status == 409
        with pytest.raises(ServerRefused) as refused:  # its own operation is where the server said
            desk.client.call("POST", "/v1/restored", body={"epoch": 1, "cursor": 2, "check_p": 2,
                                                           "check_id": answer.results[1].id})
        assert refused.value.code == "not_behind"
        with pytest.raises(ServerRefused) as refused:
            desk.pull(after=3)
        assert refused.value.code == "cursor_ahead"
        for position, op_id in ((3, answer.results[1].id), (2, answer.results[0].id)):  # past the head; another
            with pytest.raises(ServerRefused) as refused:
                desk.client.call("GET", "/v1/pull", params={"epoch": 1, "after": 0, "check_p": position,
                                                            "check_id": op_id})
            assert refused.value.code == "log_diverged"
        assert desk.client.call("GET", "/v1/pull", params={"epoch": 1, "after": 0, "check_p": 2,
                                                           "check_id": answer.results[1].id})["head"] == 2
        started = desk.client.call("POST", "/v1/restored", body={"epoch": 1, "cursor": 3})
        assert started == {"epoch": 2, "started": True}
        assert desk.client.call("POST", "/v1/restored", body={"epoch": 1, "cursor": 3}) == {"epoch": 2,
                                                                                             "started": False}
        old = desk.pull(after=0, epoch=1)  # the old epoch, to its end, naming the current one
        assert (old.head, old.upto, old.current_epoch) == (2, 2, 2)
        fresh = desk.push([desk.guest_op(3)])
        assert fresh.epoch == 2 and fresh.results[0].position == 1  # positions start again
        jumped = desk.client.call("POST", "/v1/restored", body={"epoch": 999_999, "cursor": 0})
        assert jumped == {"epoch": 1_000_000, "started": True}
        with server.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(ServerSite)) == 1
            assert conn.scalar(select(ServerSite.epoch)) == 1_000_000
    finally:
        desk.close()
