"""The sync chaos run (issue 16): several real desks doing random staff work offline, syncing in random
order with a real server process on PostgreSQL, through a transport that drops answers after the server
committed, sends requests twice and replays old ones out of order, with the server and desks killed
(SIGKILL) mid-sync and the desks' clocks days apart. At the end every desk syncs without faults and
the invariants are checked:

- every operation a desk holds as acknowledged is in the server's log exactly once;
- every desk's synced records equal the server's (a canonical dump of each, compared field by field);
- no bed is held twice on one night (at the server and at each desk);
- no message seen delivered anywhere went back;
- no erased guest came back;
- every desk holds the hub's key version (keys are rotated at random desks, two of them apart at
  times) and no desk met an operation it could not open.

Used by tests/sync/test_chaos.py (short, in the suite) and bench/sync_chaos.py (long runs, a seed).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from safespace_desk.db.models import SYNCED_SETTING_KEYS, Base, Guest, Message, OutboxOp, SyncProblem
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, beds, data_rights, exclusions, guests, keyrotation, messages, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.row_capture import wire_value
from safespace_desk.sync import enrol, registry
from safespace_desk.sync.engine import DeskSync
from safespace_desk.sync.keys import site_keys
from safespace_desk.sync.outcomes import open_changes
from safespace_desk.sync.sealing import Opener
from safespace_desk.sync.server.db import make_engine
from safespace_desk.sync.server.models import LoggedOp, ServerSite, SiteRecord, Tombstone
from safespace_desk.sync.state import load
from tests.support.sync_server import LiveServer, _wait_for, free_port, make_server_folder

NAMES = ["Aster Quill", "Briar Lomond", "Cato Fenwick", "Dara Whitlow", "Ember Vane", "Fenn Orrin", "Greer Ashby",
         "Hale Morrow", "Iona Penhallow", "Jory Teague"]


@dataclass
class Figures:
    seed: int = 0
    actions: int = 0
    operations: int = 0
    acknowledged: int = 0
    syncs: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    server_kills: int = 0
    desk_kills: int = 0
    rejected: int = 0
    rotations: int = 0
    amended: int = 0
    divergences: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items())) or "none"
        return [f"seed {self.seed}: {self.actions} staff actions, {self.operations} operations, "
                f"{self.acknowledged} acknowledged ({self.rejected} refused, {self.amended} changed by the server), "
                f"{self.syncs} syncs",
                f"faults injected: {sum(self.faults.values())} ({faults}); server killed {self.server_kills}, "
                f"desks killed {self.desk_kills}; key rotated {self.rotations} times",
                f"divergences found: {len(self.divergences)}; {self.seconds:.1f} s"]


class FaultyTransport(httpx.BaseTransport):
    """Between a desk and the server: drops the answer after the server committed, sends a request
    twice, and keeps old pushes to replay later, out of order."""

    def __init__(self, rng: random.Random, figures: Figures, *, rate: float) -> None:
        self.inner = httpx.HTTPTransport(verify=False)  # the key pinning is tested elsewhere
        self.rng, self.figures, self.rate = rng, figures, rate
        self.held: list[tuple[str, str, dict[str, str], bytes]] = []

    def _send(self, method: str, url: str, headers: dict[str, str], content: bytes) -> httpx.Response:
        response = self.inner.handle_request(httpx.Request(method, url, headers=headers, content=content))
        body = response.read()
        response.close()
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        headers = dict(request.headers)
        method, url = request.method, str(request.url)
        if self.held and self.rng.random() < self.rate:
            old = self.held.pop(self.rng.randrange(len(self.held)))
            self._send(*old)  # an old push arriving late: acknowledged again, never applied twice
            self.figures.faults["replayed late"] += 1
        roll = self.rng.random()
        if method == "POST" and url.endswith("/v1/push") and roll < self.rate / 2:
            self.held.append((method, url, headers, content))
            self.held = self.held[-5:]
        if roll < self.rate:
            self._send(method, url, headers, content)
            self.figures.faults["answer dropped after commit"] += 1
            raise httpx.ReadError("the chaos transport dropped the answer")
        if roll < self.rate * 2:
            self._send(method, url, headers, content)
            self.figures.faults["sent twice"] += 1
        return self._send(method, url, headers, content)

    def close(self) -> None:
        self.inner.close()


class ChaosServer:
    """`safespace-desk server run` as a process that can be killed with SIGKILL and started again on
    the same port and database."""

    def __init__(self, folder: Path, database: str) -> None:
        self.folder = folder
        self.config = make_server_folder(folder, database)
        self.port = free_port()
        self.address = f"https://127.0.0.1:{self.port}"
        self.engine = make_engine(self.config.database_url)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(self.folder / "run.stderr", "ab")  # noqa: SIM115 (the process holds it)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "safespace_desk", "server", "run", "--data-dir", str(self.folder), "--host",
             "127.0.0.1", "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        log.close()
        _wait_for(self.address, self.proc)

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def live(self) -> LiveServer:
        return LiveServer(self.config, self.engine, self.address)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()
        self.engine.dispose()


@dataclass
class Desk:
    name: str
    folder: Path
    clock: FixedClock
    context: DeskContext
    transport: FaultyTransport


class Chaos:
    def __init__(self, folder: Path, template: Path, database: str, manager: tuple[str, str], *, seed: int,
                 desks: int = 3, fault_rate: float = 0.15, start: Any) -> None:
        self.rng = random.Random(seed)
        self.figures = Figures(seed=seed)
        self.fault_rate = fault_rate
        self.manager = manager
        self.server = ChaosServer(folder / "server", database)
        self.server.start()
        first_folder = folder / "desk0"
        shutil.copytree(template, first_folder)
        # Desk 0 and 1 keep the same night, 40 minutes apart; desk 2 and more run days behind.
        skews = [timedelta(0), timedelta(minutes=40)] + [timedelta(days=-3 - i) for i in range(desks - 2)]
        first_clock = FixedClock(start + skews[0])
        first = auth.sign_in(first_folder, manager[0], manager[1], first_clock)
        enrol.enrol(first, self.server.live().first_code("Chaos Hub"))
        self.desks = [Desk("desk0", first_folder, first_clock, first, self._transport())]
        for n in range(1, desks):
            clock = FixedClock(start + skews[n])
            context = enrol.join(folder / f"desk{n}", enrol.make_join_code(first), manager[0], manager[1], clock)
            self.desks.append(Desk(f"desk{n}", folder / f"desk{n}", clock, context, self._transport()))
        self.delivered: set[str] = set()
        self.last_errors: dict[str, str] = {}
        self.erased: set[str] = set()

    def _transport(self) -> FaultyTransport:
        return FaultyTransport(self.rng, self.figures, rate=self.fault_rate)

    # --- staff work, offline ------------------------------------------------------------------------
    def act(self, desk: Desk) -> None:
        d = desk.context
        desk.clock.advance(minutes=self.rng.randint(1, 20))
        choice = self.rng.random()
        self.figures.actions += 1
        try:
            known = [g for g, in self._query(d, select(Guest.id).where(Guest.merged_into.is_(None),
                                                                       Guest.erased_at.is_(None)))]
            inside = visits.in_now(d)
            if choice < 0.2 or not known:
                guests.add_guest(d, GuestDetails(preferred_name=self.rng.choice(NAMES)))
            elif choice < 0.42:
                visits.sign_in(d, self.rng.choice(known), self.rng.choice(["self", "police", "outreach"]))
            elif choice < 0.55 and inside:
                visits.sign_out(d, self.rng.choice(inside).visit_id, None)
            elif choice < 0.62 and inside:
                board = beds.bed_board(d)
                if board.free:
                    beds.give_bed(d, self.rng.choice(inside).visit_id, self.rng.choice(board.free))
            elif choice < 0.67:
                exclusions.issue_exclusion(d, self.rng.choice(known), "synthetic reason", 24)
            elif choice < 0.77:
                agency = messages.list_agencies(d)[0].id
                messages.post_message(d, agency_id=agency, body="synthetic message", guest_id=self.rng.choice(known))
            elif choice < 0.87:
                waiting = [m for m, in self._query(d, select(Message.id).where(Message.delivered_at.is_(None),
                                                                               Message.withdrawn_at.is_(None)))]
                if waiting:
                    target = self.rng.choice(waiting)
                    if self.rng.random() < 0.6:
                        messages.deliver(d, target)
                    else:
                        messages.not_passed_on(d, target, "not in today")
            elif choice < 0.92 and len(known) >= 2:
                keep, merge = self.rng.sample(known, 2)
                guests.merge_guests(d, keep, merge)
            elif choice < 0.95 and inside:
                visits.undo_sign_in(d, self.rng.choice(inside).visit_id)
            elif choice < 0.98:
                data_rights.erase_guest(d, self.rng.choice(known), "synthetic request")
            elif choice < 0.99:
                # The hub's key rotated at this desk (two desks may do it apart: the later rotates on top).
                keyrotation.rotate_keys(d)
                self.figures.rotations += 1
        except DeskError:
            pass  # refused at this desk (full, excluded, already in): staff would see why and move on

    @staticmethod
    def _query(desk: DeskContext, query: Any) -> list[Any]:
        with desk.store.read() as session:
            return list(session.execute(query))

    # --- syncing, with faults -------------------------------------------------------------------------
    def sync(self, desk: Desk, *, faults: bool = True) -> bool:
        self.figures.syncs += 1
        transport = desk.transport if faults else None
        outcome = DeskSync(desk.context, transport=transport).sync_now()
        if not faults and not outcome.caught_up:
            self.last_errors[desk.name] = outcome.error
        return outcome.caught_up

    def sync_killing_the_server(self, desk: Desk) -> None:
        timer = threading.Timer(self.rng.uniform(0.02, 0.3), self.server.kill9)
        timer.start()
        self.sync(desk)
        timer.join()
        self.figures.server_kills += 1
        self.server.start()

    def sync_killing_the_desk(self, desk: Desk) -> None:
        """`safespace-desk sync now` for this desk's folder, killed with SIGKILL part-way."""
        desk.context.close()
        proc = subprocess.Popen(
            [sys.executable, "-m", "safespace_desk", "sync", "now", "--data-dir", str(desk.folder), "--as",
             self.manager[0], "--password-stdin"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        assert proc.stdin is not None
        proc.stdin.write((self.manager[1] + "\n").encode())
        proc.stdin.close()
        time.sleep(self.rng.uniform(0.8, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.figures.desk_kills += 1
        desk.context = auth.sign_in(desk.folder, self.manager[0], self.manager[1], desk.clock)

    # --- the run --------------------------------------------------------------------------------------
    def run(self, rounds: int, *, server_kills: int = 1, desk_kills: int = 1) -> Figures:
        started = time.monotonic()
        kill_server_at = set(self.rng.sample(range(1, rounds), min(server_kills, rounds - 1)))
        kill_desk_at = set(self.rng.sample(range(1, rounds), min(desk_kills, rounds - 1)))
        for n in range(rounds):
            for desk in self.desks:
                for _ in range(self.rng.randint(1, 4)):
                    self.act(desk)
            order = self.rng.sample(self.desks, self.rng.randint(1, len(self.desks)))
            for desk in order:
                if n in kill_server_at:
                    kill_server_at.discard(n)
                    self.sync_killing_the_server(desk)
                elif n in kill_desk_at:
                    kill_desk_at.discard(n)
                    self.sync_killing_the_desk(desk)
                else:
                    self.sync(desk)
        self.settle()
        self.check()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    def settle(self) -> None:
        """Every desk syncs without faults until a whole pass moves nothing (a desk that lost a bed
        moves its guest, which is one more operation to send)."""
        for _ in range(8):
            before = self._log_size()
            caught = [self.sync(desk, faults=False) for desk in self.desks]
            caught += [self.sync(desk, faults=False) for desk in self.desks]
            if all(caught) and self._log_size() == before and not any(self._pending(d) for d in self.desks):
                return
        self.figures.divergences.append(f"the desks did not settle after eight passes without faults: "
                                        f"{self.last_errors}")

    def _log_size(self) -> int:
        with self.server.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(LoggedOp)).scalar_one()

    def _pending(self, desk: Desk) -> int:
        with desk.context.store.read() as session:
            return session.scalar(select(func.count()).select_from(OutboxOp).where(
                OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None))) or 0

    # --- the invariants -------------------------------------------------------------------------------
    def check(self) -> None:
        found = self.figures.divergences
        with self.server.engine.connect() as conn:
            logged = Counter(op_id for op_id, in conn.execute(select(LoggedOp.op_id)))
            amended = conn.execute(select(func.count()).select_from(LoggedOp).where(LoggedOp.amend.is_not(None)))
            self.figures.amended = amended.scalar_one()
            self.figures.rejected = conn.execute(select(func.count()).select_from(LoggedOp).where(
                LoggedOp.decision == "rejected")).scalar_one()
            records = conn.execute(select(SiteRecord.tbl, SiteRecord.rid, SiteRecord.changes)).all()
            erased = {g for g, in conn.execute(select(Tombstone.guest_id))}
            # Deliveries the hub took (a delivery it refused rightly goes back at the desk that made it).
            self.delivered = {row["k"] for body, in conn.execute(select(LoggedOp.body).where(
                LoggedOp.kind == "message.deliver", LoggedOp.decision == "accepted"))
                for row in json.loads(body)["rows"] if row["t"] == "message"}
        self.figures.operations = len(logged)
        for desk in self.desks:
            with desk.context.store.read() as session:
                # (those the first desk's enrolment upload covered are in its records, not the log)
                acknowledged = list(session.execute(select(OutboxOp.op_id, OutboxOp.op, OutboxOp.decision).where(
                    OutboxOp.pushed_at.is_not(None), OutboxOp.op_id.is_not(None), OutboxOp.rows.is_not(None),
                    OutboxOp.decision != "base")))
            self.figures.acknowledged += len(acknowledged)
            missing = [(kind, decision) for op_id, kind, decision in acknowledged if logged[op_id] != 1]
            if missing:
                found.append(f"{desk.name}: acknowledged operation(s) not in the log exactly once: {missing}")
        with self.server.engine.connect() as conn:
            hub_key = conn.execute(select(ServerSite.key_version)).scalar_one()
        held = {(d.context.keys.current_version, d.context.keys.current) for d in self.desks}
        if held != {(hub_key, self.desks[0].context.keys.current)}:
            found.append(f"the desks do not all hold the hub's key version {hub_key}: "
                         f"{sorted(v for v, _ in held)} ({len({k for _, k in held})} different keys)")
        opener = Opener(load_state(self.desks[0].context).site_id, site_keys(self.desks[0].context))
        server = {}
        for tbl, rid, changes in records:
            key = json.loads(rid) if rid.startswith("[") else rid
            server[(tbl, json.dumps(key))] = _canonical(open_changes(opener, tbl, key, json.loads(changes)))
        _beds_once(found, "server", [v for (t, _), v in server.items() if t == "bed_assignment"])
        for desk in self.desks:
            mine = desk_dump(desk.context)
            for slot in sorted(set(server) | set(mine)):
                theirs, ours = server.get(slot), mine.get(slot)
                if theirs is None or ours is None:
                    found.append(f"{desk.name}: {slot[0]} {slot[1]} only {'here' if theirs is None else 'at the server'}")
                    continue
                differ = sorted(k for k in set(theirs) | set(ours) if theirs.get(k) != ours.get(k))
                if differ:
                    found.append(f"{desk.name}: {slot[0]} {slot[1]} differs in {', '.join(differ)} "
                                 f"(server {[theirs.get(k) for k in differ]}, desk {[ours.get(k) for k in differ]})")
            _beds_once(found, desk.name, [v for (t, _), v in mine.items() if t == "bed_assignment"])
            with desk.context.store.read() as session:  # every key a desk was sent opened what it sealed
                unopened = session.scalar(select(func.count()).select_from(SyncProblem).where(
                    SyncProblem.kind == "integrity"))
            if unopened:
                found.append(f"{desk.name}: {unopened} operation(s) failed their checks (a key not held?)")
            back = [m for m in self.delivered if (mine.get(("message", json.dumps(m))) or {}).get("delivered_at") is None
                    and ("message", json.dumps(m)) in mine]
            if back:
                found.append(f"{desk.name}: {len(back)} delivered message(s) went back")
            for guest in erased:
                row = mine.get(("guest", json.dumps(guest)))
                if row is not None and not row.get("erased_at"):
                    found.append(f"{desk.name}: erased guest {guest} came back")


def load_state(desk: DeskContext) -> Any:
    with desk.store.read() as session:
        return load(session)


def _canonical(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (int(v) if isinstance(v, bool) else v) for k, v in values.items()}


def desk_dump(desk: DeskContext) -> dict[tuple[str, str], dict[str, Any]]:
    """Every synced row of a desk, as it would travel."""
    out = {}
    with desk.store.read() as session:
        for name in registry.TABLES:
            table = Base.metadata.tables[name]
            keys = [c.name for c in table.primary_key.columns]
            query = select(table)
            if name == "desk_setting":
                query = query.where(table.c.key.in_(sorted(SYNCED_SETTING_KEYS)))
            for row in session.connection().execute(query).mappings():
                values = {k: wire_value(v) for k, v in row.items()}
                key: Any = str(values[keys[0]]) if len(keys) == 1 else [str(values[k]) for k in keys]
                out[(name, json.dumps(key))] = _canonical(values)
    return out


def _beds_once(found: list[str], where: str, assignments: list[dict[str, Any]]) -> None:
    held = Counter((a.get("night_of"), a.get("bed_label")) for a in assignments if a.get("released_at") is None)
    twice = [k for k, n in held.items() if n > 1]
    if twice:
        found.append(f"{where}: {len(twice)} bed(s) held twice on one night")
