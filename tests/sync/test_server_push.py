"""Push, exactly once, on SQLite and PostgreSQL: retries, gaps, restored desks, rejections, audit chains."""

from __future__ import annotations

from sqlalchemy import select

from safespace_desk.domain.audit_chain import GENESIS
from safespace_desk.ids import new_id
from safespace_desk.sync import protocol
from safespace_desk.sync.server.models import Device, LoggedOp, SiteRecord
from tests.support.sync_server import LiveServer
from tests.sync.helpers import AT, ScriptedDesk


def _logged(server: LiveServer) -> list[tuple[str, int, str, int | None]]:
    with server.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(LoggedOp.op_id, LoggedOp.seq, LoggedOp.decision,
                                                      LoggedOp.position).order_by(LoggedOp.seq))]


def test_a_retried_batch_is_acknowledged_and_not_applied_twice(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    ops = [desk.guest_op(1), desk.guest_op(2)]
    first = desk.push(ops)
    assert [r.status for r in first.results] == ["applied", "applied"]
    assert [r.position for r in first.results] == [1, 2]
    # The answer was lost; the desk sends the whole batch again, plus a new one (PowerSync's retry).
    again = desk.push([*ops, desk.guest_op(3)])
    assert [r.status for r in again.results] == ["duplicate", "duplicate", "applied"]
    assert [r.position for r in again.results] == [1, 2, 3]
    assert [row[1] for row in _logged(server)] == [1, 2, 3]
    with server.engine.connect() as conn:
        last_seq = conn.execute(select(Device.last_seq).where(Device.id == desk.device_id)).scalar_one()
    assert last_seq == 3


def test_a_gap_is_refused_with_the_seq_expected_and_nothing_after_it_applied(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    desk.push([desk.guest_op(1)])
    answer = desk.push([desk.guest_op(3), desk.guest_op(4)])
    assert answer.results == []
    assert answer.stopped is not None and answer.stopped.code == "gap"
    assert answer.stopped.expected_seq == 2
    assert len(_logged(server)) == 1


def test_the_same_seq_with_another_op_id_means_a_restored_desk(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    desk.push([desk.guest_op(1), desk.guest_op(2)])
    answer = desk.push([desk.guest_op(2)])  # a different operation numbered 2: restored from a backup
    assert answer.stopped is not None and answer.stopped.code == "seq_conflict"
    assert answer.stopped.seq == 2
    assert len(_logged(server)) == 2


def test_an_operation_the_rules_reject_is_recorded_and_still_advances_the_seq(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    unknown = desk.guest_op(1, action="u")  # changes a guest the hub does not have
    answer = desk.push([unknown, desk.guest_op(2)])
    assert [(r.status, r.reason) for r in answer.results] == [("rejected", "unknown_record"), ("applied", None)]
    assert answer.results[1].position == 1  # a rejected operation takes no place in the log
    logged = _logged(server)
    assert [(row[1], row[2], row[3]) for row in logged] == [(1, "rejected", None), (2, "accepted", 1)]
    # Sent again, it is still rejected (the decision is kept), not applied.
    retry = desk.push([unknown])
    assert [(r.status, r.reason) for r in retry.results] == [("rejected", "unknown_record")]


def test_an_op_id_the_site_already_has_is_not_applied_again_under_a_new_seq(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    op = desk.guest_op(1)
    desk.push([op])
    same_again = desk.op(2, [("guest", new_id(), "i", {"id": "x"})], op_id=op.id)
    answer = desk.push([same_again])
    assert answer.results[0].status == "duplicate"
    assert len(_logged(server)) == 1


def test_the_change_log_keeps_only_changes_that_still_count(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    guest = new_id()
    desk.push([desk.guest_op(1, guest, "First Name"), desk.guest_op(2, guest, "Second Name", action="u"),
               desk.guest_op(3, guest, "Third Name", action="u")])
    with server.engine.connect() as conn:
        changes = conn.execute(select(SiteRecord.changes).where(SiteRecord.rid == guest)).scalar_one()
    import json

    kept = json.loads(changes)
    # The insert still counts (its other fields); of the two renames only the newest.
    assert [c["p"] for c in kept] == [1, 3]


def test_audit_entries_must_extend_the_desks_chain(server: LiveServer) -> None:
    desk = ScriptedDesk(server)

    def item(seq: int, prev: str, digest: str) -> protocol.AuditItem:
        return protocol.AuditItem(seq=seq, prev=prev, hash=digest, at=AT, kv=1,
                                  s=desk.sealer.seal_audit(desk.device_id, seq, prev, digest, AT, []))

    good = desk.push([], [item(1, GENESIS, "a" * 64), item(2, "a" * 64, "b" * 64)])
    assert good.audit_error is None and good.audit_head.seq == 2
    # A rewritten chain: entry 3 does not point at the entry the server holds.
    bad = desk.push([], [item(3, "c" * 64, "d" * 64)])
    assert bad.audit_error is not None and "does not extend" in bad.audit_error
    assert bad.audit_head.seq == 2 and bad.audit_head.hash == "b" * 64
    # Entry 2 sent again with other contents: refused too.
    changed = desk.push([], [item(2, "a" * 64, "e" * 64)])
    assert changed.audit_error is not None and changed.audit_head.hash == "b" * 64


def test_pull_pages_in_position_order_and_leaves_out_the_desks_own(server: LiveServer) -> None:
    desk = ScriptedDesk(server)
    other = desk.joined()
    desk.push([desk.guest_op(seq) for seq in range(1, 6)])
    other.push([other.guest_op(1)])
    desk.push([desk.guest_op(6)])
    seen, cursor = [], 0
    while True:
        page = other.pull(after=cursor, limit=3)
        seen.extend(e.p for e in page.entries)
        if page.upto == cursor:
            break
        cursor = page.upto
    assert seen == [1, 2, 3, 4, 5, 7]  # not its own operation at 6; the cursor passes it all the same
    assert cursor == 7


def test_a_snapshot_and_its_log_position_are_read_as_one_view(server: LiveServer) -> None:
    """Pushes that commit while a joining desk's snapshot is being read are not in it: the snapshot is
    the site as it stood at the position in its header, and the desk reads on from there (on
    PostgreSQL's default READ COMMITTED the records would include them, counted twice)."""
    import json

    from safespace_desk.sync.server import enrolment, log

    desk = ScriptedDesk(server)
    first = desk.guest_op(1)
    desk.push([first, desk.guest_op(2), desk.guest_op(3)])
    guest_id = first.rows[0].k
    caller = enrolment.authenticate(server.engine, desk.client.token, touch=False)
    lines = log.snapshot_lines(server.engine, caller)
    header = json.loads(next(lines))  # the transaction is open from here on
    assert (header["position"], header["records"]) == (3, 3)
    # Meanwhile another push commits: a new guest and a change to one already in the snapshot.
    later = desk.push([desk.guest_op(4), desk.guest_op(5, guest_id=guest_id, name="Renamed Later", action="u")])
    assert [r.position for r in later.results] == [4, 5]
    items = [json.loads(line) for chunk in lines for line in chunk.decode().splitlines()]
    records, trailer = items[:-1], items[-1]
    assert trailer == {"end": 3} and len(records) == 3
    assert all(change["p"] <= 3 for record in records for change in record["ch"])
    # A snapshot read now stands at the new position.
    again = [json.loads(line) for chunk in log.snapshot_lines(server.engine, caller)
             for line in chunk.decode().splitlines()]
    assert (again[0]["position"], again[0]["records"], again[-1]) == (5, 4, {"end": 4})
