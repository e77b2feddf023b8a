"""A push of many operations at once decides and stores exactly what the same operations pushed one
at a time would (the server keeps what its rules look up in memory for a push and writes it at the
end: sync/server/facts.py), on SQLite and on PostgreSQL; and a batch cut off part way (the server
gone mid-request) or sent twice is applied once."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from safespace_desk.ids import new_id
from safespace_desk.sync import protocol
from safespace_desk.sync.client import ServerClient
from safespace_desk.sync.server.models import BedHold, Device, LoggedOp, OpenVisit, SiteRecord
from safespace_desk.sync.server.push import TEST_DELAY_ENV
from tests.support.chaos import ChaosServer
from tests.support.sync_server import LiveServer
from tests.sync.helpers import ScriptedDesk
from tests.sync.test_conflict_rules import NIGHT, SLOW, _site, at, bed, exclusion, guest, visit

Row = tuple[str, Any, str, dict[str, Any]]


def _script() -> list[tuple[str, list[Row]]]:
    """One desk's evening: every rule the server runs on a sign-in, and each of them depending on an
    operation earlier in the same push (a place, an exclusion, an open visit, a bed)."""
    g1, g2, g3, g4, g5 = (new_id() for _ in range(5))
    v1, v2, v3, v1_again, v4, v5 = (new_id() for _ in range(6))
    b2, b3 = bed(v2, g2, "Bed 1", SLOW), bed(v3, g3, "Bed 1", SLOW)
    return [
        ("site.settings", [_site(places=3)]),
        ("guest.add", [guest(g, SLOW) for g in (g1, g2, g3, g4, g5)]),
        ("exclusion.issue", [exclusion(new_id(), g4, SLOW, 24)]),
        ("visit.sign_in", [visit(v1, g1, SLOW)]),
        ("visit.sign_in", [visit(v2, g2, SLOW), b2]),
        ("visit.sign_in", [visit(v3, g3, SLOW), b3]),  # the bed is taken: dropped
        ("visit.sign_in", [visit(v1_again, g1, at(days=-3, hours=1))]),  # g1 is in: merged
        ("visit.sign_in", [visit(v4, g4, at(days=-3, hours=2))]),  # over the places, and excluded
        ("exclusion.issue", [exclusion(new_id(), g4, at(days=-3, hours=3), 48)]),  # a second one
        ("visit.sign_out", [("visit", v2, "u", {"signed_out_at": at(days=-3, hours=4)})]),
        ("bed.free", [("bed_assignment", b2[1], "u", {"released_at": at(days=-3, hours=4)})]),
        ("visit.sign_in", [visit(v5, g5, at(days=-3, hours=5)), bed(v5, g5, "Bed 1", at(days=-3, hours=5))]),
    ]


def _ops(desk: ScriptedDesk, script: list[tuple[str, list[Row]]]) -> list[protocol.Op]:
    return [desk.op(seq, rows, kind=kind) for seq, (kind, rows) in enumerate(script, start=1)]


def _outcome(server: LiveServer, desk: ScriptedDesk, results: list[protocol.OpResult]) -> dict[str, Any]:
    """What the server decided and holds, without what differs between two sites by design."""
    site = desk.site_id
    with server.engine.connect() as conn:
        records = {(t, r): json.loads(c) for t, r, c in conn.execute(
            select(SiteRecord.tbl, SiteRecord.rid, SiteRecord.changes).where(SiteRecord.site_id == site))}
        open_visits = set(conn.execute(select(OpenVisit.visit_id, OpenVisit.guest_id, OpenVisit.in_building)
                                       .where(OpenVisit.site_id == site)).all())
        beds = set(conn.execute(select(BedHold.night_of, BedHold.bed_label, BedHold.assignment_id)
                                .where(BedHold.site_id == site)).all())
    return {"results": [(r.seq, r.status, r.reason, r.position, r.amend) for r in results],
            "records": {k: [(c["p"], sorted(c["c"].items()), c["n"]) for c in v] for k, v in records.items()},
            "open_visits": open_visits, "beds": beds}


def test_one_push_or_one_push_per_operation_decide_and_store_the_same(server: LiveServer) -> None:
    script = _script()
    one_by_one = ScriptedDesk(server, site="Hub " + uuid.uuid4().hex[:10])
    results = []
    for op in _ops(one_by_one, script):
        answer = one_by_one.push([op])
        assert answer.stopped is None
        results += answer.results
    together = ScriptedDesk(server, site="Hub " + uuid.uuid4().hex[:10])
    answer = together.push(_ops(together, script))
    assert answer.stopped is None

    expected = _outcome(server, one_by_one, results)
    assert _outcome(server, together, answer.results) == expected
    # The script meets every rule it means to (so the comparison is about something).
    amended = [r[4] for r in expected["results"] if r[4]]
    assert {"bed_taken", "visit_merged"} <= {a["r"] for a in amended}, amended
    flags = [a["flags"] for a in amended if a.get("flags")]
    assert ["over_capacity", "excluded_signed_in"] in flags, flags  # the sign-in of the excluded guest
    assert ["excluded_signed_in", "two_exclusions"] in flags, flags  # the second exclusion
    assert (NIGHT, "Bed 1", script[-1][1][1][1]) in expected["beds"]  # the bed given again after release
    one_by_one.close()
    together.close()


def test_a_batch_sent_again_is_acknowledged_and_not_applied_twice(server: LiveServer) -> None:
    desk = ScriptedDesk(server, site="Hub " + uuid.uuid4().hex[:10])
    ops = _ops(desk, _script())
    first = desk.push(ops)
    before = _outcome(server, desk, [])
    again = desk.push(ops)  # the answer was lost: the desk sends the same batch again
    assert [r.status for r in first.results] == ["applied"] * len(ops)
    assert [r.status for r in again.results] == ["duplicate"] * len(ops)
    assert [(r.position, r.reason, r.amend) for r in again.results] == [
        (r.position, r.reason, r.amend) for r in first.results]
    assert _outcome(server, desk, []) == before
    with server.engine.connect() as conn:
        logged = conn.execute(select(LoggedOp.seq).where(LoggedOp.site_id == desk.site_id)).scalars().all()
        last_seq = conn.execute(select(Device.last_seq).where(Device.id == desk.device_id)).scalar_one()
    assert sorted(logged) == list(range(1, len(ops) + 1))
    assert last_seq == len(ops)
    desk.close()


def test_a_server_killed_inside_a_batch_keeps_none_of_it_and_takes_it_whole_again(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: the server process is killed (SIGKILL) while a push sits inside its transaction,
    every effect written and not committed; restarted, it holds nothing of the batch, and the batch
    sent again is applied once, whole."""
    monkeypatch.setenv(TEST_DELAY_ENV, "60000")  # the push waits inside its transaction, before COMMIT
    server = ChaosServer(tmp_path / "server", pg_url)
    server.start()
    try:
        desk = ScriptedDesk(server.live(), site="Hub " + uuid.uuid4().hex[:10])
        ops = _ops(desk, _script())
        failed: list[BaseException] = []

        def send() -> None:
            try:
                desk.push(ops)
            except BaseException as error:  # the server is killed under it
                failed.append(error)

        sender = threading.Thread(target=send)
        sender.start()
        _wait_inside_a_push_transaction(pg_url)
        server.kill9()
        sender.join(timeout=60)
        assert failed, "the push was answered although its server was killed before committing"
        monkeypatch.delenv(TEST_DELAY_ENV)
        server.start()
        desk.client.close()
        desk.client = ServerClient(server.address, server.config.pins, token=desk.client.token)
        with server.engine.connect() as conn:
            assert conn.execute(select(LoggedOp.op_id).where(LoggedOp.site_id == desk.site_id)).all() == []
            assert conn.execute(select(SiteRecord.rid).where(SiteRecord.site_id == desk.site_id)).all() == []
            assert conn.execute(select(OpenVisit.visit_id).where(OpenVisit.site_id == desk.site_id)).all() == []
            assert conn.execute(select(Device.last_seq).where(Device.id == desk.device_id)).scalar_one() == 0
        answer = desk.push(ops)
        assert [r.status for r in answer.results] == ["applied"] * len(ops)
        assert [r.position for r in answer.results] == list(range(1, len(ops) + 1))
        desk.close()
    finally:
        server.stop()


def _wait_inside_a_push_transaction(pg_url: str) -> None:
    """Until a connection to the server's database sits in an open transaction (the push's pause)."""
    import psycopg

    deadline = time.monotonic() + 60
    with psycopg.connect(pg_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND state = 'idle in transaction' AND pid != pg_backend_pid()").fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the push never reached its transaction's pause")
