"""Erasure at the server: a guest erased at one desk leaves an id-only tombstone here for ever, and
what the log and the records held about them, sealed, is removed in place.

The erasing desk sends every record it holds about the guest whole, as it stands after erasure
(sync/outbound.py), so the record's older changes no longer count and are dropped. Records about
the guest it did not have (made at another desk meanwhile) are removed, as every desk removes them
when it applies the erasure. Earlier operations keep their ids and order but lose the sealed fields
and clear values of every row about the guest: they are marked ``redacted`` and desks apply the rows
still sealed (each row's seal is still checked; the operation's MAC no longer can be).

Finding those operations reads the site's whole log once: erasure is rare; the scan is in pages.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Connection, select, update

from safespace_desk.sync import protocol, registry
from safespace_desk.sync.server.facts import Facts
from safespace_desk.sync.server.models import LoggedOp, SiteRecord
from safespace_desk.sync.server.records import RecordBatch, key_text

PAGE = 2000


def erased_ids(op: protocol.Op) -> set[str]:
    ids = {key_text(r.k) for r in op.rows if r.t == "guest" and r.c.get("erased_at")}
    return ids or {key_text(r.k) for r in op.rows if r.t == "guest"}


def erase(conn: Connection, batch: RecordBatch, facts: Facts, op: protocol.Op, position: int) -> None:
    ids = erased_ids(op)
    if not ids:
        return
    facts.add_tombstones(ids, position)
    written = {(r.t, key_text(r.k)) for r in op.rows}
    about = set(written)
    declared = registry.op_kind(op.kind).writes  # what an erasure may change (sync/registry.py)
    others = [(tbl, rid) for tbl, rid in conn.execute(select(SiteRecord.tbl, SiteRecord.rid).where(
        SiteRecord.site_id == batch.site_id, SiteRecord.guest_id.in_(sorted(ids))))
        if (tbl, rid) not in written and tbl in declared]
    batch.load(others)
    for slot in others:
        about.add(slot)
        batch.drop(slot)
    about |= {("guest", g) for g in ids}
    _redact_log(conn, batch.site_id, op.id, about, ids, declared)


def _redact_log(conn: Connection, site_id: str, erase_op: str, about: set[tuple[str, str]], ids: set[str],
                declared: frozenset[str]) -> None:
    rids = {rid for _, rid in about} | ids
    pattern = re.compile("|".join(re.escape(r) for r in sorted(rids, key=len, reverse=True)))
    last = ""
    while True:
        rows = conn.execute(select(LoggedOp.op_id, LoggedOp.body, LoggedOp.amend).where(
            LoggedOp.site_id == site_id, LoggedOp.op_id > last).order_by(LoggedOp.op_id).limit(PAGE)).all()
        if not rows:
            return
        for op_id, body, amend in rows:
            if op_id == erase_op or not pattern.search(body):
                continue
            redacted = _redacted(json.loads(body), about, ids, declared)
            if redacted is None:
                continue
            marks: dict[str, Any] = json.loads(amend) if amend else {"r": ""}
            marks["redacted"] = True
            conn.execute(update(LoggedOp).where(LoggedOp.site_id == site_id, LoggedOp.op_id == op_id).values(
                body=json.dumps(redacted, separators=(",", ":")), amend=json.dumps(marks, separators=(",", ":"))))
        last = rows[-1].op_id


def _redacted(op: dict[str, Any], about: set[tuple[str, str]], ids: set[str],
              declared: frozenset[str]) -> dict[str, Any] | None:
    """The operation with its rows about the guest emptied (a row the server kept, or one naming the
    guest in clear, such as a bed it dropped), or None when it has none."""
    changed = False
    for row in op.get("rows", []):
        # (only in tables an erasure changes: a record it keeps, such as a merge's, keeps its rows, or
        # the desks reading the log would lack what the server's records hold)
        names_them = row["t"] in declared and any(isinstance(v, str) and v in ids for v in row.get("c", {}).values())
        if ((row["t"], key_text(row["k"])) in about or names_them) and row.get("s") is not None:
            row["c"], row["n"], row["s"] = {}, [], None
            changed = True
    return op if changed else None
