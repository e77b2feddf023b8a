"""Push: a desk's operations applied exactly once, in its seq order, with the server's decision.

All in one transaction holding the site's lock: each operation's effects on the records, its place
in the change log and the device's last applied seq are committed together, so "acknowledged" means
committed. Per operation, by seq:

- at or below the device's last seq with the same op id: a retry; acknowledged again, not re-applied;
- at or below it with another op id: the desk was restored from a backup or copied; it must carry on
  as a new device (``seq_conflict``) and renumber what it had not pushed;
- more than one past it: a gap; refused with the seq expected;
- an op id the site already has (from a desk's earlier identity): acknowledged, not re-applied;
- otherwise the rules decide; a rejected operation is recorded with its reason and still advances
  the seq, so one bad operation never blocks the queue.

Audit entries come in the same request; each must extend the chain the server holds for the desk.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select, update

from safespace_desk.db.types import utc_text
from safespace_desk.sync import protocol, registry
from safespace_desk.sync.server import db, erasure, rules
from safespace_desk.sync.server.enrolment import Caller, check_same_site
from safespace_desk.sync.server.errors import conflict, forbidden, unprocessable
from safespace_desk.sync.server.facts import Facts
from safespace_desk.sync.server.models import ChainEntry, Device, LoggedOp, ServerSite
from safespace_desk.sync.server.records import RecordBatch, change_entry, key_text

REFUSED_BEFORE = "refused_before_restore"


def check_op_shape(op: protocol.Op) -> None:
    """What a desk sends must be declared: a known kind and version, declared tables, clear fields
    only from the allowlist. Anything else is refused whole (and nothing of it is stored)."""
    try:
        kind = registry.op_kind(op.kind)
    except registry.UnknownSyncKind:
        raise unprocessable("unknown_kind", "An operation of a kind this server does not know was sent: "
                                            "the server needs an update.") from None
    if op.v > kind.version:
        raise unprocessable("unknown_version", "An operation of a newer version than this server knows was "
                                               "sent: the server needs an update.")
    for row in op.rows:
        table = registry.synced_table(row.t)
        if table is None or row.t not in kind.writes:
            raise unprocessable("undeclared_table", "An operation changed a table it is not declared to change.")
        if not set(row.c) <= table.clear:
            raise unprocessable("not_allowlisted", "An operation sent a field in clear that is not on its "
                                                   "allowlist; it was refused and not stored.")
        if row.s is None:
            raise unprocessable("unsealed", "An operation's row change is not sealed.")


def push(engine: Engine, caller: Caller, req: protocol.PushRequest) -> protocol.PushResponse:
    check_same_site(caller, req.site_id)
    for op in req.ops:
        if op.device != caller.device_id:
            raise forbidden("wrong_device", "An operation names another desk than the one pushing it.")
        check_op_shape(op)
    now = utc_text(datetime.now(UTC))
    with db.write(engine) as conn:
        db.lock_site(conn, caller.site_id)
        site = conn.execute(select(ServerSite.epoch, ServerSite.log_head, ServerSite.base_state, ServerSite.key_version)
                            .where(ServerSite.id == caller.site_id)).one()
        if site.base_state != "complete" and req.ops:
            raise conflict("base_incomplete", "The hub's first desk has not finished sending its records yet.")
        device = conn.execute(select(Device.last_seq, Device.audit_seq, Device.audit_hash)
                              .where(Device.id == caller.device_id)).one()
        results, stopped, last_seq, head = _apply_ops(conn, caller, req.ops, site.epoch, site.log_head,
                                                      device.last_seq, now, site.key_version,
                                                      set(req.refused_before))
        audit_seq, audit_hash, audit_error = _append_audit(conn, caller, req.audit, device.audit_seq,
                                                           device.audit_hash, now)
        conn.execute(update(Device).where(Device.id == caller.device_id).values(
            last_seq=last_seq, audit_seq=audit_seq, audit_hash=audit_hash, last_seen_at=now))
        if head != site.log_head:
            conn.execute(update(ServerSite).where(ServerSite.id == caller.site_id).values(log_head=head))
        _test_pause()
    return protocol.PushResponse(results=results, stopped=stopped,
                                 audit_head=protocol.AuditHead(seq=audit_seq, hash=audit_hash),
                                 audit_error=audit_error, epoch=site.epoch, server_time=now)


def _apply_ops(conn: Connection, caller: Caller, ops: list[protocol.Op], epoch: int, head: int, last_seq: int,
               now: str, key_version: int = 1, refused_before: frozenset[str] | set[str] = frozenset(),
               ) -> tuple[list[protocol.OpResult], protocol.Stopped | None, int, int]:
    site_id = caller.site_id
    seen_by_seq: dict[int, tuple[str, str, str | None, int | None, str | None]] = {}
    low = [op.seq for op in ops if op.seq <= last_seq]
    if low:
        for op_id, seq, decision, reason, position, amend, at_epoch in conn.execute(
                select(LoggedOp.op_id, LoggedOp.seq, LoggedOp.decision, LoggedOp.reason, LoggedOp.position,
                       LoggedOp.amend, LoggedOp.epoch)
                .where(LoggedOp.site_id == site_id, LoggedOp.device_id == caller.device_id,
                       LoggedOp.seq.in_(low))):
            # A position of an ended epoch means nothing in this one (server/epochs.py).
            seen_by_seq[seq] = (op_id, decision, reason, position if at_epoch == epoch else None, amend)
    fresh_ids = [op.id for op in ops if op.seq > last_seq]
    seen_by_id: dict[str, tuple[str, str | None, int | None, str | None]] = {}
    for start in range(0, len(fresh_ids), 500):
        for op_id, decision, reason, position, amend, at_epoch in conn.execute(
                select(LoggedOp.op_id, LoggedOp.decision, LoggedOp.reason, LoggedOp.position, LoggedOp.amend,
                       LoggedOp.epoch)
                .where(LoggedOp.site_id == site_id, db.among(conn, LoggedOp.op_id, fresh_ids[start:start + 500]))):
            seen_by_id[op_id] = (decision, reason, position if at_epoch == epoch else None, amend)

    facts = Facts(conn, site_id)
    batch = RecordBatch(conn, site_id, facts)
    batch.load((r.t, key_text(r.k)) for op in ops if op.seq > last_seq for r in op.rows)
    rules.read_ahead([op for op in ops if op.seq > last_seq], batch, facts)
    results: list[protocol.OpResult] = []
    logged: list[dict[str, object]] = []
    stopped = None
    for op in ops:
        if op.seq <= last_seq:
            seen = seen_by_seq.get(op.seq)
            if seen is None or seen[0] == op.id:
                # A retry (or an operation the desk's enrolment upload already covered).
                decision, reason, position, amend = (seen[1], seen[2], seen[3], seen[4]) if seen else (
                    "accepted", None, None, None)
                results.append(_result(op, "duplicate", decision, reason, position, amend))
                continue
            stopped = protocol.Stopped(code="seq_conflict", seq=op.seq, expected_seq=last_seq + 1,
                                       message="This desk has sent this number before with a different operation: "
                                               "it was restored from a backup or its folder was copied.")
            break
        if op.seq != last_seq + 1:
            stopped = protocol.Stopped(code="gap", seq=op.seq, expected_seq=last_seq + 1,
                                       message=f"Operations are missing before {op.seq}: the server expected "
                                               f"{last_seq + 1}.")
            break
        if op.kv < key_version and op.id not in seen_by_id:
            # Sealed under a key version the hub has rotated away from: the desk takes the new key and
            # sends it again, sealed under it; nothing of it is stored and the seq does not advance.
            stopped = protocol.Stopped(code="rekey_needed", seq=op.seq, expected_seq=last_seq + 1,
                                       message=f"This operation is sealed with key version {op.kv}; the hub's key is "
                                               f"now version {key_version}: rekey and send it again.")
            break
        last_seq = op.seq
        if op.id in seen_by_id:  # pushed before under this desk's earlier identity
            decision, reason, position, amend = seen_by_id[op.id]
            results.append(_result(op, "duplicate", decision, reason, position, amend))
            continue
        if op.id in refused_before:
            # Sent again after the server lost it (restored from a backup): it was refused then, and its
            # desk has put right what it changed; deciding it anew could take what no desk holds.
            seen_by_id[op.id] = ("rejected", REFUSED_BEFORE, None, None)
            logged.append(_logged(op, site_id, now, epoch, None, "rejected", REFUSED_BEFORE, None))
            results.append(_result(op, "rejected", "rejected", REFUSED_BEFORE, None))
            continue
        verdict = rules.decide(op, batch, facts)
        reason = verdict.rejected
        position = None
        amend_json = None
        if reason is None:
            head += 1
            position = head
            for index, row in enumerate(op.rows):
                if index in verdict.drop:
                    continue
                batch.apply(row.t, row.k, row.a, change_entry(op.id, op.kind, op.kv, position, row.c, row.n, row.s))
                if index in verdict.sets:
                    batch.add_server_change(row.t, row.k, verdict.sets[index], op.id, op.kv, position)
            if op.kind == "guest.erase":
                erasure.erase(conn, batch, facts, op, position)
            amend = verdict.amend_json()
            amend_json = json.dumps(amend, separators=(",", ":")) if amend else None
            reason = verdict.reason or (verdict.flags[0] if verdict.flags else None)
        decision = "accepted" if verdict.rejected is None else "rejected"
        seen_by_id[op.id] = (decision, reason, position, amend_json)
        logged.append(_logged(op, site_id, now, epoch, position, decision, reason, amend_json))
        results.append(_result(op, "applied" if decision == "accepted" else "rejected", decision, reason, position,
                               amend_json))
    if logged:
        conn.execute(LoggedOp.__table__.insert(), logged)
    batch.write()
    return results, stopped, last_seq, head


def _logged(op: protocol.Op, site_id: str, now: str, epoch: int, position: int | None, decision: str,
            reason: str | None, amend_json: str | None) -> dict[str, object]:
    return {"site_id": site_id, "op_id": op.id, "device_id": op.device, "seq": op.seq, "kind": op.kind,
            "version": op.v, "received_at": now, "epoch": epoch, "position": position, "decision": decision,
            "reason": reason, "amend": amend_json,
            "body": op.model_dump_json() if decision == "accepted" else _stripped(op)}


def _stripped(op: protocol.Op) -> str:
    """A rejected operation is kept as ids only: it is never served to a desk, and it may be about a
    guest since erased (or be refused because they were)."""
    rows = [row.model_copy(update={"c": {}, "n": [], "s": None}) for row in op.rows]
    return op.model_copy(update={"rows": rows}).model_dump_json()


def _result(op: protocol.Op, status: str, decision: str, reason: str | None,
            position: int | None, amend: str | None = None) -> protocol.OpResult:
    if status == "duplicate" and decision == "rejected":
        return protocol.OpResult(seq=op.seq, id=op.id, status="rejected", reason=reason, position=None)
    return protocol.OpResult(seq=op.seq, id=op.id, status=status, reason=reason,  # type: ignore[arg-type]
                             position=position, amend=json.loads(amend) if amend else None)


def _append_audit(conn: Connection, caller: Caller, items: list[protocol.AuditItem], seq: int, head: str,
                  now: str) -> tuple[int, str, str | None]:
    rows = []
    error = None
    for item in items:
        if item.seq <= seq:
            stored = conn.execute(select(ChainEntry.hash).where(
                ChainEntry.site_id == caller.site_id, ChainEntry.device_id == caller.device_id,
                ChainEntry.seq == item.seq)).scalar()
            if stored is None or stored == item.hash:
                continue  # sent again after a lost answer, or before the anchor the desk enrolled with
            error = f"audit entry {item.seq} differs from the one this desk sent before"
            break
        if item.seq != seq + 1 or item.prev != head:
            error = (f"audit entry {item.seq} does not extend this desk's chain as the server holds it "
                     f"(it holds entry {seq})")
            break
        rows.append({"site_id": caller.site_id, "device_id": caller.device_id, "seq": item.seq,
                     "prev_hash": item.prev, "hash": item.hash, "received_at": now,
                     "sealed": item.model_dump_json(include={"at", "kv", "s"})})
        seq, head = item.seq, item.hash
    if rows:
        conn.execute(ChainEntry.__table__.insert(), rows)
    return seq, head, error


# Tests of the change log under concurrency set this to "LOW-HIGH" (milliseconds): each push then
# waits that long inside its transaction, after taking its positions and before committing.
TEST_DELAY_ENV = "SAFESPACE_SERVER_TEST_DELAY_MS"


def _test_pause() -> None:
    spec = os.environ.get(TEST_DELAY_ENV)
    if spec:
        low, _, high = spec.partition("-")
        time.sleep(random.uniform(float(low), float(high or low)) / 1000)
