"""What a desk does with the server's decisions on its own operations (sync/decisions.py).

Rejected: nothing of it reached the hub, so the records it changed are put back as the hub holds
them ("repair", once this desk has read the log up to where the hub's copy stands) and a lead is told.
Amended: the fields the server set are written here at once; rows it dropped are put back like a
rejection's; a sign-in that lost its bed gets the first free bed, or a lead is told there is none.
Flagged: a lead is told. Each of these is a sync problem the Needs attention list shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from safespace_desk.db.models import OutboxOp, SyncProblem, Visit
from safespace_desk.ids import new_id
from safespace_desk.sync import decisions, protocol, registry, sets
from safespace_desk.sync.sealing import Opener
from safespace_desk.sync.state import SyncState, save

MAX_REPAIR = 500


def guest_of(changes: Iterable[dict[str, Any]], session: Session | None = None) -> str | None:
    """The guest a change is about (from its own fields, or the row as this desk has it)."""
    changes = list(changes)
    for change in changes:
        table = registry.synced_table(change["t"])
        if table is None or table.guest_column is None:
            continue
        if change["t"] == "guest":
            return str(change["k"])
        value = change.get("v", {}).get(table.guest_column)
        if isinstance(value, str):
            return value
    if session is not None:
        for change in changes:
            table = registry.synced_table(change["t"])
            if table is None or table.guest_column is None or not isinstance(change["k"], str):
                continue
            found = session.connection().exec_driver_sql(
                f'SELECT "{table.guest_column}" FROM "{table.name}" WHERE id = ?', (change["k"],)).first()
            if found and found[0]:
                return str(found[0])
    return None


def problem(session: Session, now: datetime, kind: str, reason: str, *, op_kind: str | None = None,
            op_seq: int | None = None, op_id: str | None = None, about: str | None = None,
            detail: str | None = None, into: list[dict[str, Any]] | None = None) -> None:
    """Record a sync problem; with ``into``, only add it to that list, for ``write_problems`` (a day
    offline over the hub's places brings thousands of flags in one answer or page)."""
    row = {"id": new_id(), "at": now, "kind": kind, "op_kind": op_kind, "op_seq": op_seq, "reason": reason[:64],
           "op_id": op_id, "about": about, "detail": (detail or None) and detail[:200]}
    if into is not None:
        into.append(row)
    else:
        write_problems(session, [row])


def write_problems(session: Session, rows: list[dict[str, Any]]) -> None:
    """One insert for them all, not objects for the session to flush one by one."""
    if rows:
        session.execute(insert(SyncProblem), rows)


def needs_action(result: protocol.OpResult) -> bool:
    """Whether the server's answer on an operation asks anything of this desk (``take_decisions``)."""
    return result.status == "rejected" or bool(result.amend)


def take_decisions(session: Session, state: SyncState, rows: dict[int, Any],
                   results: list[protocol.OpResult], now: datetime) -> int:
    """For operations acknowledged by this answer (``rows``: the outbox rows, by seq, of those not
    acknowledged before, at least those that ``needs_action``): record what the server decided and put
    right what it did not take. Returns rejections."""
    rejected = 0
    repair = [tuple(k) for k in state.repair]
    found: list[dict[str, Any]] = []
    for result in results:
        seq = result.seq + state.seq_offset
        row = rows.get(seq)
        if row is None or not needs_action(result):
            continue
        changes = json.loads(row.rows or "[]")
        about = guest_of(changes, session)
        common = {"op_kind": row.op, "op_seq": seq, "op_id": row.op_id, "about": about, "into": found}
        if result.status == "rejected":
            rejected += 1
            problem(session, now, "rejected", result.reason or "rejected", **common)
            repair += _take_back(session, changes)
            continue
        amend = result.amend
        if not amend:
            continue
        for index in amend.get("drop") or ():
            if 0 <= index < len(changes):
                change = changes[index]
                repair += _take_back(session, [change])
                if change["t"] == "bed_assignment" and amend.get("r") == decisions.BED_TAKEN:
                    visit_id = change["v"].get("visit_id")
                    if visit_id and visit_id not in state.bed_follow:
                        state.bed_follow.append(visit_id)
                    common["detail"] = change["v"].get("bed_label")
        if amend.get("set") and row.op == "guest.erase":
            from safespace_desk.sync.outbound import whole_records

            changes = whole_records(session, changes)  # the rows as sent, which the indexes name
        for index, values in amend.get("set") or ():
            if 0 <= index < len(changes):
                change = changes[index]
                _write(session, change["t"], change["k"], decisions.server_values(change["t"], values))
        if amend.get("r") in (decisions.VISIT_MERGED, decisions.BED_TAKEN, decisions.CHANGED_SINCE):
            problem(session, now, "changed", amend["r"], **common)
        for flag in amend.get("flags") or ():
            problem(session, now, "flag", flag, **common)
    write_problems(session, found)
    state.repair = [list(k) for k in dict.fromkeys(repair)]
    save(session, state, "repair", "bed_follow")
    return rejected


def _take_back(session: Session, changes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Row changes the hub did not take: a row this desk made goes at once (the hub never had it, and
    it must not stand in the way of what the hub holds); a row it changed or removed is put back as
    the hub holds it once this desk has read the log that far (returned, for ``repair``)."""
    made = [c for c in changes if c["a"] == "i"]
    if made:
        from safespace_desk.sync.apply import RowWriter

        session.execute(text("PRAGMA defer_foreign_keys = ON"))
        writer = RowWriter(session)
        for change in made:
            writer.add(change["t"], change["k"], "d", {})
        writer.flush()
    return [(c["t"], json.dumps(c["k"])) for c in changes if c["a"] != "i"]


def flags_of_others(session: Session, entry: protocol.PullEntry, rows: list[tuple[str, Any, str, dict[str, Any]]],
                    now: datetime, into: list[dict[str, Any]] | None = None) -> None:
    """Another desk's operation the server flagged: a lead here is told too (``into``: see ``problem``)."""
    if not entry.x:
        return
    about = guest_of({"t": t, "k": k, "v": v} for t, k, _, v in rows)
    for flag in entry.x.get("flags") or ():
        problem(session, now, "flag", flag, op_kind=entry.op.kind, op_id=entry.op.id, about=about, into=into)


def _write(session: Session, table: str, key: Any, values: dict[str, Any]) -> None:
    if not values:
        return
    from safespace_desk.sync.apply import RowWriter

    writer = RowWriter(session)
    writer.add(table, key, "u", values)
    writer.flush()


# --- putting back what the hub did not take ------------------------------------------------------


def waiting_keys(session: Session) -> set[tuple[str, str]]:
    """Records changed by operations not yet acknowledged: never overwritten by a repair."""
    out = set()
    for rows in session.scalars(select(OutboxOp.rows).where(OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None))):
        out |= {(c["t"], json.dumps(c["k"])) for c in json.loads(rows or "[]")}
    return out


def repair(session: Session, state: SyncState, opener: Opener, answer: protocol.RecordsResponse,
           now: datetime) -> int:
    """Write the records as the hub holds them (None: the hub lacks the record, so it goes here).
    The caller checked that this desk has read the log up to ``answer.position``."""
    from safespace_desk.sync.apply import RowWriter

    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    waiting = waiting_keys(session)
    writer = RowWriter(session)
    done = set()
    for record in answer.records:
        slot = (record.t, json.dumps(record.k))
        if slot in waiting:
            continue
        if record.ch is None:
            writer.add(record.t, record.k, "d", {})
        else:
            writer.add(record.t, record.k, "i", open_changes(opener, record.t, record.k, record.ch))
        done.add(slot)
    writer.flush()
    state.repair = [k for k in state.repair if (k[0], k[1]) not in done]
    save(session, state, "repair")
    return len(done)


def open_changes(opener: Opener, table: str, key: Any, changes: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for change in changes:
        if change["k"] == decisions.SERVER_KIND:
            values.update(decisions.server_values(table, change["c"]))
        else:
            sets.merge_values(values, opener.open_values(change["kv"], change["o"], change["k"], table, key,
                                                         change["c"], change["n"], change["s"]))
    return values


def free_bed_for_lost(desk: Any, state: SyncState, now: datetime) -> list[str]:
    """Sign-ins whose bed another desk gave first: the first free bed tonight, or a lead is told."""
    from safespace_desk.domain.errors import DeskError
    from safespace_desk.services import beds

    moved = []
    for visit_id in list(state.bed_follow):
        with desk.store.read() as session:
            visit = session.get(Visit, visit_id)
            still_in = visit is not None and visit.signed_out_at is None and visit.voided_at is None
            guest = visit.guest_id if visit is not None else None
        label = None
        if still_in:
            try:
                board = beds._board(desk)  # noqa: SLF001 (no list view: nobody is looking at it)
                if not any(b.visit_id == visit_id for b in board.beds) and board.free:
                    label = board.free[0]
                    beds.give_bed(desk, visit_id, label)
            except DeskError:
                label = None
        with desk.store.write() as session:
            if still_in:
                problem(session, now, "changed", "bed_moved" if label else "no_bed", op_kind="bed.give",
                        about=guest, detail=label)
            state.bed_follow.remove(visit_id)
            save(session, state, "bed_follow")
        if label:
            moved.append(label)
    return moved
