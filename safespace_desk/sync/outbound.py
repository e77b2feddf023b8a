"""What this desk sends: its outbox operations and audit entries (sealed), and, when it enrols as a
hub's first desk, every record it holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from safespace_desk.db.models import SYNCED_SETTING_KEYS, AuditEntry, Base, OutboxOp
from safespace_desk.db.types import utc_text
from safespace_desk.services.row_capture import wire_value
from safespace_desk.sync import protocol, registry, sets
from safespace_desk.sync.sealing import Sealer
from safespace_desk.sync.state import SyncState

# As many as the server takes in one push (protocol.MAX_OPS_PER_PUSH): each push is a transaction and
# a commit (an fsync) on the server and a few look-ups per table, whatever its size, so a day's queue
# goes in a few pushes rather than tens.
MAX_BATCH_OPS = protocol.MAX_OPS_PER_PUSH
MAX_BATCH_BYTES = 4 * 1024 * 1024
MAX_AUDIT = 2000


class UndeclaredKind(Exception):
    """An operation kind with no sync declaration (a bug: see sync/registry.py)."""


@dataclass
class Batch:
    ops: list[protocol.Op]
    outbox_seqs: list[int]
    audit: list[protocol.AuditItem]
    audit_last: int
    refused_before: list[str]  # sent again after the server lost them; it had refused them then


def next_batch(session: Session, state: SyncState, sealer: Sealer) -> Batch:
    """The oldest operations not yet acknowledged (in seq order) and the audit entries after the
    last the server holds."""
    ops: list[protocol.Op] = []
    seqs: list[int] = []
    refused: list[str] = []
    size = 0
    rows = session.execute(select(*OUTBOX_COLUMNS).where(OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None))
                           .order_by(OutboxOp.seq).limit(MAX_BATCH_OPS))
    for row in rows:
        assert row.rows is not None and row.op_id is not None
        if ops and size + len(row.rows) > MAX_BATCH_BYTES:
            break  # a large operation (an import) goes in a request of its own
        size += len(row.rows)
        ops.append(seal_op(row, state, sealer, session))
        seqs.append(row.seq)
        if row.decision == "rejected":
            refused.append(row.op_id)
    audit = []
    last = state.audit_pushed
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.seq > state.audit_pushed)
                                 .order_by(AuditEntry.seq).limit(MAX_AUDIT)):
        fields = [entry.staff_id, entry.device_id, entry.action, entry.entity_kind, entry.entity_id, entry.detail]
        audit.append(protocol.AuditItem.model_construct(seq=entry.seq, prev=entry.prev_hash, hash=entry.hash, at=entry.at,
                                        kv=sealer.kv, s=sealer.seal_audit(state.device_id, entry.seq,
                                                                          entry.prev_hash, entry.hash, entry.at,
                                                                          fields)))
        last = entry.seq
    return Batch(ops, seqs, audit, last, refused)


# What sealing an operation reads of its outbox row (rows, not ORM objects: a push reads thousands).
OUTBOX_COLUMNS = (OutboxOp.seq, OutboxOp.op, OutboxOp.op_id, OutboxOp.rows, OutboxOp.at, OutboxOp.staff_id,
                  OutboxOp.decision)


def seal_op(row: Any, state: SyncState, sealer: Sealer, session: Session | None = None) -> protocol.Op:
    """``row``: an outbox row with at least OUTBOX_COLUMNS."""
    try:
        kind = registry.op_kind(row.op)
    except registry.UnknownSyncKind:
        raise UndeclaredKind(f"the operation “{row.op}” is not declared for sync (sync/registry.py)") from None
    changes = [sets.as_sent(row.op, c) for c in json.loads(row.rows or "[]")]
    if row.op == "guest.erase" and session is not None:
        changes = whole_records(session, changes)
    assert row.op_id is not None
    sealed = [sealer.seal_change(row.op_id, row.op, c["t"], c["k"], c["a"], c["v"]) for c in changes]
    op = protocol.Op.model_construct(id=row.op_id, device=state.device_id, seq=row.seq - state.seq_offset,
                                     kind=row.op, v=kind.version, kv=sealer.kv, at=utc_text(row.at),
                                     staff=row.staff_id, rows=sealed, mac="")
    op.mac = sealer.mac(op)
    return op


def whole_records(session: Session, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An erasure travels with every record this desk holds about the guest, and every record it
    scrubbed (a log entry or handover naming them), whole, as it stands now: the server then drops
    every older change of those records, so nothing sealed about the guest is left there but what the
    erasure kept (sync/server/erasure.py).

    The operation's own changes keep their places; the records added follow in table and key order,
    so the same records give the same list again: the server's amendment of an erasure names rows by
    index (what it kept of a record changed elsewhere, server/rules.py) and this desk reads it
    against this list (sync/outcomes.py)."""
    erased = sorted({str(c["k"]) for c in changes if c["t"] == "guest" and c["v"].get("erased_at")})
    if not erased:
        return changes
    out = {(c["t"], json.dumps(c["k"])): c for c in changes}
    added: dict[tuple[str, str], dict[str, Any]] = {}
    conn = session.connection()
    declared = registry.op_kind("guest.erase").writes
    for name, synced in registry.TABLES.items():
        if name not in declared:
            continue
        table = Base.metadata.tables[name]
        keys = [c.name for c in table.primary_key.columns]
        wanted = [c["k"] for c in changes if c["t"] == name and c["a"] == "u"]
        queries = []
        if synced.guest_column is not None:
            queries.append(select(table).where(table.c[synced.guest_column].in_(erased)))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            if len(keys) == 1:
                queries.append(select(table).where(table.c[keys[0]].in_([str(k) for k in chunk])))
            else:
                queries.append(select(table).where(tuple_(*[table.c[k] for k in keys]).in_(
                    [tuple(k) for k in chunk])))
        for query in queries:
            for found in conn.execute(query).mappings():
                values = {k: wire_value(v) for k, v in found.items()}
                key: Any = str(values[keys[0]]) if len(keys) == 1 else [str(values[k]) for k in keys]
                slot = (name, json.dumps(key))
                (out if slot in out else added)[slot] = {"t": name, "k": key, "a": "i", "v": values}
    order = {name: i for i, name in enumerate(registry.TABLES)}
    return [*out.values(), *(added[slot] for slot in sorted(added, key=lambda s: (order[s[0]], s[1])))]


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxOp).where(
        OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None))) or 0


# --- the first desk's records ----------------------------------------------------------------------


def base_records(session: Session) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Every synced row of this desk: (table, key, values), parents first."""
    for name, synced in registry.TABLES.items():
        table = Base.metadata.tables[name]
        keys = [c.name for c in table.primary_key.columns]
        query = select(table)
        if name == "desk_setting":
            query = query.where(table.c.key.in_(sorted(SYNCED_SETTING_KEYS)))
        result = session.connection().execution_options(yield_per=2000).execute(query)
        for row in result.mappings():
            values = {k: wire_value(v) for k, v in row.items()}
            key = str(values[keys[0]]) if len(keys) == 1 else [str(values[k]) for k in keys]
            if synced.syncs_row(key if isinstance(key, str) else None) or synced.only_keys is None:
                yield name, key, values


def base_count(session: Session) -> int:
    total = 0
    for name in registry.TABLES:
        table = Base.metadata.tables[name]
        query = select(func.count()).select_from(table)
        if name == "desk_setting":
            query = query.where(table.c.key.in_(sorted(SYNCED_SETTING_KEYS)))
        total += session.scalar(query) or 0
    return total
