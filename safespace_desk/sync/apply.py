"""Applying what other desks did: a page of the change log, or a joining desk's snapshot.

A page is applied with its cursor in ONE transaction (an interrupted run applies all of it or none of
it, and never skips what it did not apply). It is applied only while every operation of this desk is
acknowledged (the write checkpoint): otherwise a change made here, not yet in the server's order,
could be overwritten by an older one from elsewhere and come back later. This desk's own operations
in the log are not applied again; the server's decision on them came with the push.

An operation of a kind or version this desk does not know, or a row with a table or field it does not
have, stops the pull with "update this desk": nothing of the page is applied and the cursor stays.
An operation whose MAC or sealed fields do not check out, or that replays one already applied, was
not made by a desk of this site as it stands: it is refused, recorded as a problem, and passed over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from safespace_desk.db.models import Base, OutboxOp, SyncOrigin, SyncProblem
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes
from safespace_desk.services.row_capture import SET_COLUMNS
from safespace_desk.sync import decisions, outcomes, protocol, registry, sets
from safespace_desk.sync.sealing import IntegrityError, Opener
from safespace_desk.sync.state import SyncState, log_order, save


class UpdateNeeded(Exception):
    """Something arrived that only a newer version of SafeSpace Desk understands."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class KeyNeeded(Exception):
    """An operation sealed with a key version this desk does not hold yet: another desk rotated the
    hub's key. The pull stops before it (nothing is skipped); the desk takes the slot set, and its next
    sign-in opens the new version (sync/slotsync.adopt, services/keyrotation.open_store)."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


class MustPushFirst(Exception):
    """This desk has operations the server has not acknowledged: push them before applying others'."""


@dataclass
class Applied:
    operations: int = 0
    refused: int = 0
    rows_missing: int = 0
    kinds: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(self.kinds), frozenset(self.ids))


# --- rows ---------------------------------------------------------------------------------------


class RowWriter:
    """Writes row changes with SQLite upserts, many rows per statement, after merging the changes of
    one page to the same row (so the result is the same as applying them one by one, in order)."""

    def __init__(self, session: Session, *, fresh: bool = False) -> None:
        self.session = session
        # A joining desk's snapshot into tables just emptied: every record comes once, so there is no
        # row here of this desk's to reconcile with (a message's delivery; its bed holds).
        self.fresh = fresh
        self._rows: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.missing = 0
        # Pulling: this desk's bed assignments changed after the page (its own later changes), and the
        # holds of its own that the server never took, removed while writing (see settle_beds).
        self.later_beds: set[str] | None = None
        self.gone: list[str] = []

    def add(self, table_name: str, key: Any, action: str, values: dict[str, Any]) -> None:
        table = _table(table_name)
        slot = (table_name, json.dumps(key))
        if any(sets.is_delta(name) for name in values):
            values = self._with_sets_applied(table_name, key, slot, values)
        unknown = set(values) - set(table.c.keys())
        if unknown:
            raise UpdateNeeded(f"fields this desk does not have ({table_name})")
        before = self._rows.get(slot)
        if before is None:
            self._rows[slot] = (action, dict(values) if action != "d" else {})
        elif action in ("i", "d"):
            self._rows[slot] = (action, dict(values) if action == "i" else {})  # a whole row, or none
        elif before[0] != "d":
            before[1].update(values)  # a later change to a row inserted or changed earlier in the page

    def _with_sets_applied(self, table_name: str, key: Any, slot: tuple[str, str],
                           values: dict[str, Any]) -> dict[str, Any]:
        """Members added and removed (sync/sets.py) applied to the set as this desk has it: as this
        page left it, else as stored."""
        out = {}
        for name, value in values.items():
            column = sets.base_name(name)
            if not sets.is_delta(name):
                out[name] = value
                continue
            if column not in SET_COLUMNS.get(table_name, frozenset()):
                raise UpdateNeeded(f"fields this desk does not have ({table_name})")
            pending = self._rows.get(slot)
            if pending is not None and column in pending[1]:
                current = pending[1][column]
            else:
                keys = [c.name for c in _table(table_name).primary_key.columns]
                found = self.session.connection().exec_driver_sql(
                    f"SELECT {_q(column)} FROM {_q(table_name)} WHERE "
                    + " AND ".join(f"{_q(k)} = ?" for k in keys), _key_values(key)).first()
                current = found[0] if found is not None else None
            out[column] = sets.applied(current, value)
        return out

    def settle_beds(self, later_here: set[str]) -> list[str]:
        """One guest per bed per night holds here as at the server, while a page is half-applied.

        A bed another desk was given (in the server's order) that this desk holds too: if this desk's
        hold is its own later change, the other's was released in between (later in the log), so the
        other's is written as released until that release arrives; otherwise this desk's hold is one
        the server never took, and it goes (returned, to be put back as the hub holds it)."""
        wanted = {}
        for (table_name, key_json), (action, values) in self._rows.items():
            if table_name == "bed_assignment" and action != "d":
                wanted[json.loads(key_json)] = values
        if not wanted:
            return []
        conn = self.session.connection()
        gone = []
        for key, values in wanted.items():
            current = conn.exec_driver_sql('SELECT night_of, bed_label, released_at, assigned_at FROM "bed_assignment" '
                                           'WHERE id = ?', (key,)).first()
            merged = ({"night_of": current[0], "bed_label": current[1], "released_at": current[2],
                       "assigned_at": current[3]} if current else {})
            merged.update(values)
            if merged.get("released_at") is not None or not merged.get("night_of"):
                continue
            holder = conn.exec_driver_sql(
                'SELECT id FROM "bed_assignment" WHERE night_of = ? AND bed_label = ? AND released_at IS NULL '
                'AND id != ?', (merged["night_of"], merged.get("bed_label"), key)).first()
            if holder is None or json.dumps(holder[0]) in {k for t, k in self._rows if t == "bed_assignment"
                                                            and self._rows[(t, k)][1].get("released_at")}:
                continue
            if holder[0] in later_here:
                values["released_at"] = values.get("assigned_at") or merged.get("assigned_at")
            else:
                conn.exec_driver_sql('DELETE FROM "bed_assignment" WHERE id = ?', (holder[0],))
                gone.append(holder[0])
        return gone

    def flush(self) -> None:
        """Write the merged changes: one executemany per table, action and set of columns.

        Values are written as they travel, which is how the store keeps them (times as UTC text),
        straight through the database driver: a pull of ten thousand operations must not pay for the
        ORM's conversions twice over."""
        if self.later_beds is not None:
            self.gone += self.settle_beds(self.later_beds)
        rows, self._rows = self._rows, {}
        if not self.fresh:  # (a look-up per message: a fifth of a joining desk's writing time)
            self._unfinal_messages(rows)
        # One guest per bed per night holds after every statement: beds released first, held last.
        holds = {slot for slot, (action, values) in rows.items()
                 if slot[0] == "bed_assignment" and action != "d" and "released_at" in values
                 and values["released_at"] is None}
        self._write({slot: change for slot, change in rows.items() if slot not in holds})
        self._write({slot: change for slot, change in rows.items() if slot in holds})

    def _unfinal_messages(self, rows: dict[tuple[str, str], tuple[str, dict[str, Any]]]) -> None:
        """The store keeps "delivered" final (a trigger on update). The hub's order may say a delivery
        made here did not count (another desk's came first, or it was refused): the row as the hub
        holds it is then written whole, in place of this desk's, not as an update."""
        conn = self.session.connection()
        for slot, (action, values) in list(rows.items()):
            if slot[0] != "message" or action == "d" or "delivered_at" not in values:
                continue
            found = conn.execute(text('SELECT * FROM "message" WHERE id = :id'), {"id": json.loads(slot[1])}).mappings().first()
            if found is None or found["delivered_at"] is None or found["delivered_at"] == values["delivered_at"]:
                continue
            whole = {**dict(found), **values}
            conn.execute(text('DELETE FROM "message" WHERE id = :id'), {"id": json.loads(slot[1])})
            rows[slot] = ("i", whole)

    def _write(self, rows: dict[tuple[str, str], tuple[str, dict[str, Any]]]) -> None:
        groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[Any, dict[str, Any]]]] = {}
        for (table_name, key_json), (action, values) in rows.items():
            groups.setdefault((table_name, action, tuple(sorted(values))), []).append((json.loads(key_json), values))
        conn = self.session.connection()
        for (table_name, action, columns), rows in groups.items():
            table = _table(table_name)
            keys = [c.name for c in table.primary_key.columns]
            where = " AND ".join(f'"{k}" = ?' for k in keys)
            if action == "d":
                conn.exec_driver_sql(f'DELETE FROM "{table_name}" WHERE {where}', [_key_values(k) for k, _ in rows])
            elif action == "i":
                rest = [c for c in columns if c not in keys]
                conflict = (f"DO UPDATE SET {', '.join(f'{_q(c)} = excluded.{_q(c)}' for c in rest)}" if rest
                            else "DO NOTHING")
                conn.exec_driver_sql(
                    f"INSERT INTO {_q(table_name)} ({', '.join(_q(c) for c in columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)}) ON CONFLICT ({', '.join(_q(k) for k in keys)}) "
                    f"{conflict}", [tuple(values[c] for c in columns) for _, values in rows])
            else:
                statement = f"UPDATE {_q(table_name)} SET {', '.join(f'{_q(c)} = ?' for c in columns)} WHERE {where}"
                for key, values in rows:
                    done = conn.exec_driver_sql(statement, (*[values[c] for c in columns], *_key_values(key)))
                    # Gone here already (this desk's retention purge removed it): nothing to change.
                    self.missing += 0 if done.rowcount else 1


def _q(name: str) -> str:
    return f'"{name}"'


def _key_values(key: Any) -> tuple[Any, ...]:
    return (key,) if isinstance(key, str) else tuple(key)


def _table(name: str) -> Table:
    table = Base.metadata.tables.get(name)
    if table is None or registry.synced_table(name) is None:
        raise UpdateNeeded(f"a kind of record this desk does not have ({name})")
    return table


def _mark(applied: Applied, table: str, key: Any, values: dict[str, Any]) -> None:
    applied.kinds.add(registry.change_kind(table))
    applied.kinds.add(table)
    if isinstance(key, str):
        applied.ids.add(key)
    guest_column = (registry.synced_table(table) or registry.SyncedTable(table, frozenset())).guest_column
    if guest_column and isinstance(values.get(guest_column), str):
        applied.ids.add(values[guest_column])
        applied.kinds.add("guest")


# --- pages of the log --------------------------------------------------------------------------


def apply_page(session: Session, state: SyncState, opener: Opener, page: protocol.PullResponse,
               now: datetime) -> Applied:
    """Apply one page and move the cursor, in the caller's transaction (which must be a write)."""
    unacknowledged = session.scalar(select(func.count()).select_from(OutboxOp).where(
        OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None)))
    if unacknowledged:
        raise MustPushFirst()
    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    applied = Applied()
    writer = RowWriter(session)
    entries = page.entries
    own = _own_op_ids(session, [e.op.id for e in entries])
    origins = {row.device_id: row.last_seq for row in session.scalars(
        select(SyncOrigin).where(SyncOrigin.device_id.in_({e.op.device for e in entries})))}
    foreign = [e.p for e in entries if e.op.id not in own]
    # This desk's changes placed after the first of the others' in this page (usually none, or a few).
    later_here = _own_changes_after(session, log_order(page.epoch, foreign[0])) if foreign else {}
    writer.later_beds = {json.loads(k) for t, k in later_here if t == "bed_assignment"}
    flagged: list[dict[str, Any]] = []
    for entry in entries:
        op = entry.op
        if op.id in own:
            continue
        kind = registry.OPS.get(op.kind)
        if kind is None or not kind.knows(op.v):
            raise UpdateNeeded(f"an operation of a newer kind or version ({op.kind} v{op.v})")
        if op.kv not in opener.keys.keyring.versions:
            raise KeyNeeded(op.kv)  # the page's transaction rolls back: nothing before it is lost either
        if op.seq <= origins.get(op.device, 0):
            if page.epoch > 1:
                continue  # sent again by its desk after the server lost it (a new epoch): applied here already
            _problem(session, now, "replayed", op, "an operation already applied came again")
            applied.refused += 1
            continue
        try:
            rows = opener.open_redacted(op) if entry.x and entry.x.get("redacted") else opener.open_op(op)
        except IntegrityError as error:
            _problem(session, now, "integrity", op, str(error))
            applied.refused += 1
            continue
        rows = _upgrade(kind, op.v, [r for r in decisions.amended_rows(rows, entry.x) if r is not None])
        outcomes.flags_of_others(session, entry, rows, now, into=flagged)
        if op.kind == "guest.erase":
            writer.flush()
            rows = rows + _not_in_erasure(session, rows)
        for table, key, action, values in rows:
            kept = _not_changed_here_later(later_here, table, key, action, values, log_order(page.epoch, entry.p))
            if kept is None:
                continue
            writer.add(table, key, action, kept)
            _mark(applied, table, key, values)
        origins[op.device] = op.seq
        applied.operations += 1
    writer.flush()
    outcomes.write_problems(session, flagged)
    if writer.gone:
        state.repair = [*state.repair, *(["bed_assignment", json.dumps(k)] for k in writer.gone)]
        save(session, state, "repair")
    applied.rows_missing = writer.missing
    for device_id, seq in origins.items():
        row = session.get(SyncOrigin, device_id)
        if row is None:
            session.add(SyncOrigin(device_id=device_id, last_seq=seq))
        elif row.last_seq != seq:
            row.last_seq = seq
    cursor = max(page.upto, entries[-1].p if entries else 0)
    if cursor > state.cursor:
        state.cursor = cursor
        save(session, state, "cursor")
    return applied


def _own_changes_after(session: Session, cursor: int) -> dict[tuple[str, str], dict[str, int]]:
    """Fields this desk changed in operations the server placed after ``cursor`` (its own changes the
    pull has not reached yet): (table, key) -> field -> position; "" stands for the row itself."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for position, rows in session.execute(select(OutboxOp.position, OutboxOp.rows).where(
            OutboxOp.position > cursor, OutboxOp.decision == "accepted")):
        for change in json.loads(rows or "[]"):
            fields = out.setdefault((change["t"], json.dumps(change["k"])), {})
            members = [sets.member_key(column, m) for column, ms in sets.touched(change).items() for m in ms]
            for name in [*change["v"], *members, ""]:
                fields[name] = max(fields.get(name, 0), position)
    return out


def _not_changed_here_later(later_here: dict[tuple[str, str], dict[str, int]], table: str, key: Any, action: str,
                            values: dict[str, Any], position: int) -> dict[str, Any] | None:
    """Another desk's row change, less what this desk changed later in the server's order (its own
    change was applied here first and must stand). None: nothing of it is left to apply."""
    mine = later_here.get((table, json.dumps(key)))
    if not mine or mine.get("", 0) <= position:
        return values
    if action == "d":
        return None  # this desk made or changed the row after that: its own change stands
    kept = {}
    for name, value in values.items():
        if sets.is_delta(name):  # a set, member by member: what this desk changed later stands
            column = sets.base_name(name)
            value = sets.without_members(value, {m for m in (*value.get("+", ()), *value.get("-", ()))
                                                 if mine.get(sets.member_key(column, m), 0) > position})
            if value is not None:
                kept[name] = value
        elif mine.get(name, 0) <= position:
            kept[name] = value
    return kept or None


def _not_in_erasure(session: Session, rows: list[tuple[str, Any, str, dict[str, Any]]]
                    ) -> list[tuple[str, Any, str, dict[str, Any]]]:
    """Another desk erased a guest: records about them that it did not have (made here, or at a
    third desk) go as well, as they went at the server (sync/server/erasure.py)."""
    erased = {str(k) for t, k, _, v in rows if t == "guest" and v.get("erased_at")}
    if not erased:
        return []
    sent = {(t, json.dumps(k)) for t, k, _, _ in rows}
    declared = registry.op_kind("guest.erase").writes
    out = []
    for name, synced in registry.TABLES.items():
        if synced.guest_column is None or name not in declared:
            continue
        table = _table(name)
        keys = [c for c in table.primary_key.columns]
        for found in session.execute(select(*keys).where(table.c[synced.guest_column].in_(sorted(erased)))):
            key: Any = str(found[0]) if len(keys) == 1 else [str(v) for v in found]
            if (name, json.dumps(key)) not in sent:
                out.append((name, key, "d", {}))
    return out


def _upgrade(kind: registry.OpKind, version: int, rows: list[tuple[str, Any, str, dict[str, Any]]]
             ) -> list[tuple[str, Any, str, dict[str, Any]]]:
    if version == kind.version:
        return rows
    dicts = [{"t": t, "k": k, "a": a, "v": v} for t, k, a, v in rows]
    for step in range(version, kind.version):
        dicts = kind.upgraders[step](dicts)
    return [(d["t"], d["k"], d["a"], d["v"]) for d in dicts]


def _own_op_ids(session: Session, op_ids: list[str]) -> set[str]:
    out: set[str] = set()
    for start in range(0, len(op_ids), 500):
        out.update(session.scalars(select(OutboxOp.op_id).where(OutboxOp.op_id.in_(op_ids[start:start + 500]))))
    return out


def _problem(session: Session, now: datetime, kind: str, op: protocol.Op, reason: str) -> None:
    session.add(SyncProblem(id=new_id(), at=now, kind=kind, op_kind=op.kind, op_seq=op.seq, reason=reason[:64]))


# --- a joining desk's snapshot -----------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotHeader:
    epoch: int
    position: int
    records: int


def read_snapshot(lines: Iterable[bytes]) -> tuple[SnapshotHeader, Iterator[dict[str, Any]]]:
    iterator = iter(lines)
    try:
        header = json.loads(next(iterator))
        head = SnapshotHeader(int(header["epoch"]), int(header["position"]), int(header["records"]))
    except (StopIteration, ValueError, KeyError, TypeError):
        raise IntegrityError("the snapshot has no header") from None

    def records() -> Iterator[dict[str, Any]]:
        count = 0
        for line in iterator:
            if not line.strip():
                continue
            item = json.loads(line)
            if "end" in item:
                if item["end"] != count:
                    raise IntegrityError("the snapshot's count does not match")
                return
            count += 1
            yield item
        raise IntegrityError("the snapshot was cut off before its end")

    return head, records()


def apply_snapshot(session: Session, opener: Opener, records: Iterable[dict[str, Any]],
                   progress: Callable[[int], None] | None = None) -> int:
    """Open, check and write every record (each change's seal is checked). Returns the count.

    The new store starts empty of shared records: rows a migration put there (the default agencies,
    with ids made on this desk) give way to the hub's own."""
    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    for name in reversed(list(registry.TABLES)):
        session.connection().exec_driver_sql(f"DELETE FROM {_q(name)}")
    writer = RowWriter(session, fresh=True)
    done = 0
    for item in records:
        table, key = item["t"], item["k"]
        writer.add(table, key, "i", outcomes.open_changes(opener, table, key, item["ch"]))
        done += 1
        if done % 5000 == 0:
            writer.flush()
            if progress is not None:
                progress(done)
    writer.flush()
    if progress is not None:
        progress(done)
    return done
