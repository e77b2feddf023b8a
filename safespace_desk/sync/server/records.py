"""The current state of each record, kept as the sealed row changes that still count.

The server cannot merge sealed fields (it cannot read them), but it knows which fields each change
set (clear names and sealed names). Changes are kept in log order; a change all of whose fields a
later change set again no longer counts and is dropped. What remains, opened and merged in order by
a joining desk, is the record as every desk has it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from safespace_desk.sync import registry
from safespace_desk.sync.server.db import among
from safespace_desk.sync.server.models import SiteRecord

RecordKey = tuple[str, str]  # (table, key as text)


def key_text(key: str | list[str]) -> str:
    return key if isinstance(key, str) else json.dumps(key, separators=(",", ":"))


def change_entry(op_id: str, kind: str, kv: int, position: int, clear: dict[str, Any], names: list[str],
                 sealed: str | None) -> dict[str, Any]:
    return {"o": op_id, "k": kind, "kv": kv, "p": position, "c": clear, "n": names, "s": sealed}


# A field named "flags.delta" carries members added to and removed from a set (sync/sets.py): a later
# change of the set does not hide it; only a later whole value of the set ("flags") does.
DELTA_MARK = ".delta"


def _covers(field: str, covered: set[str]) -> bool:
    return (field[:-len(DELTA_MARK)] if field.endswith(DELTA_MARK) else field) in covered


def prune(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop changes whose every field a later change set again (newest wins by log order)."""
    covered: set[str] = set()
    kept = []
    for change in reversed(changes):
        fields = set(change["c"]) | set(change["n"])
        if not fields or not all(_covers(f, covered) for f in fields):
            kept.append(change)
        covered |= {f for f in fields if not f.endswith(DELTA_MARK)}
    kept.reverse()
    return kept


def clear_state(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """A record's clear fields as they stand (its changes merged in log order)."""
    out: dict[str, Any] = {}
    for change in changes:
        out.update(change["c"])
    return out


# Tables whose records the conflict rules follow (server/facts.py).
FOLLOWED = frozenset({"visit", "bed_assignment"})


class RecordBatch:
    """Records touched by one push (or one part of an enrolling desk's upload), loaded once,
    changed in memory in log order, written back together."""

    def __init__(self, conn: Connection, site_id: str, facts: Any = None) -> None:
        self.conn = conn
        self.site_id = site_id
        self.facts = facts
        self._state: dict[RecordKey, tuple[list[dict[str, Any]], str | None] | None] = {}
        self._dirty: set[RecordKey] = set()
        self._position: dict[RecordKey, int] = {}
        # Records of a table about a guest (``about``): which guests were read, and the keys of the
        # table's records each guest has had (read, or given by a change in this batch).
        self._about_loaded: set[tuple[str, str]] = set()
        self._about: dict[tuple[str, str], set[str]] = {}
        self._whole: dict[str, set[str]] = {}  # a small table read whole: its records' keys

    def load(self, keys: Iterable[RecordKey]) -> None:
        by_table: dict[str, list[str]] = {}
        for table, rid in dict.fromkeys(keys):
            if (table, rid) not in self._state:
                by_table.setdefault(table, []).append(rid)
        for table, wanted in by_table.items():
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for rid in chunk:
                    self._state[(table, rid)] = None
                rows = self.conn.execute(
                    select(SiteRecord.rid, SiteRecord.changes, SiteRecord.guest_id)
                    .where(SiteRecord.site_id == self.site_id, SiteRecord.tbl == table,
                           among(self.conn, SiteRecord.rid, chunk)))
                for rid, changes, guest_id in rows:
                    self._state[(table, rid)] = (json.loads(changes), guest_id)

    def load_about(self, table: str, guest_ids: Iterable[str]) -> None:
        """Read the records of ``table`` about these guests (many guests a query)."""
        wanted = sorted({g for g in guest_ids if g and (table, g) not in self._about_loaded})
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            self._about_loaded.update((table, g) for g in chunk)
            for rid, changes, guest_id in self.conn.execute(
                    select(SiteRecord.rid, SiteRecord.changes, SiteRecord.guest_id)
                    .where(SiteRecord.site_id == self.site_id, SiteRecord.tbl == table,
                           among(self.conn, SiteRecord.guest_id, chunk))):
                self._state.setdefault((table, rid), (json.loads(changes), guest_id))  # this batch's changes win
                self._about.setdefault((table, str(guest_id)), set()).add(rid)

    def about(self, table: str, guest_ids: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
        """(key, clear fields) of each record of ``table`` about these guests as it stands now: those
        committed and those this batch made or changed."""
        ids = sorted(set(guest_ids))
        self.load_about(table, ids)
        out = []
        for guest_id in ids:
            for rid in sorted(self._about.get((table, guest_id), ())):
                state = self._state.get((table, rid))
                if state is not None and state[1] == guest_id:
                    out.append((rid, clear_state(state[0])))
        return out

    def whole_table(self, table: str) -> list[tuple[str, dict[str, Any]]]:
        """(key, clear fields) of every record of a small table (the site's own record), as it stands now."""
        if table not in self._whole:
            self._whole[table] = {rid for (tbl, rid), state in self._state.items() if tbl == table}
            for rid, changes, guest_id in self.conn.execute(
                    select(SiteRecord.rid, SiteRecord.changes, SiteRecord.guest_id)
                    .where(SiteRecord.site_id == self.site_id, SiteRecord.tbl == table)):
                self._state.setdefault((table, rid), (json.loads(changes), guest_id))  # this batch's changes win
                self._whole[table].add(rid)
        return [(rid, clear_state(state[0])) for rid in sorted(self._whole[table])
                if (state := self._state.get((table, rid))) is not None]

    def exists(self, key: RecordKey) -> bool:
        return self._state.get(key) is not None

    def clear(self, table: str, key: str | list[str]) -> dict[str, Any] | None:
        """The record's clear fields now (loading it if need be), or None when the hub lacks it."""
        slot = (table, key_text(key))
        if slot not in self._state:
            self.load([slot])
        state = self._state.get(slot)
        return clear_state(state[0]) if state is not None else None

    def guest_of(self, table: str, key: str | list[str]) -> str | None:
        slot = (table, key_text(key))
        if slot not in self._state:
            self.load([slot])
        state = self._state.get(slot)
        return state[1] if state is not None else None

    def drop(self, slot: RecordKey) -> None:
        """Remove a record (an erased guest's record the erasing desk did not have)."""
        before = self._state.get(slot)
        self._state[slot] = None
        self._dirty.add(slot)
        self._position.setdefault(slot, 0)
        if self.facts is not None and slot[0] in FOLLOWED and before is not None:
            self.facts.record_changed(slot[0], slot[1], clear_state(before[0]), None)

    def add_server_change(self, table: str, key: str | list[str], values: dict[str, Any], op_id: str,
                          kv: int, position: int) -> None:
        """Fields the server set on a record of an operation it amended (sync/decisions.py)."""
        self.apply(table, key, "u", change_entry(op_id, "server", kv, position, values, [], None))

    def apply(self, table: str, key: str | list[str], action: str, entry: dict[str, Any]) -> None:
        slot = (table, key_text(key))
        self._dirty.add(slot)
        self._position[slot] = entry["p"]
        followed = self.facts is not None and table in FOLLOWED
        current = self._state.get(slot)
        before = clear_state(current[0]) if followed and current is not None else None
        if action == "d":
            self._state[slot] = None
            if followed:
                self.facts.record_changed(table, slot[1], before, None)
            return
        changes, guest_id = current if current is not None else ([], None)
        guest_column = (registry.synced_table(table) or registry.SyncedTable(table, frozenset())).guest_column
        if guest_column and guest_column in entry["c"]:
            guest_id = entry["c"][guest_column]
        self._state[slot] = (prune([*changes, entry]), guest_id)
        if guest_id is not None:
            self._about.setdefault((table, guest_id), set()).add(slot[1])
        if table in self._whole:
            self._whole[table].add(slot[1])
        if followed:
            self.facts.record_changed(table, slot[1], before, clear_state(self._state[slot][0]))

    def write(self) -> None:
        upserts, deletes = [], []
        for slot in self._dirty:
            state = self._state.get(slot)
            if state is None:
                deletes.append(slot)
            else:
                upserts.append({"site_id": self.site_id, "tbl": slot[0], "rid": slot[1],
                                "guest_id": state[1], "position": self._position[slot],
                                "changes": json.dumps(state[0], separators=(",", ":"))})
        for start in range(0, len(deletes), 500):
            self.conn.execute(delete(SiteRecord).where(
                SiteRecord.site_id == self.site_id,
                tuple_(SiteRecord.tbl, SiteRecord.rid).in_(deletes[start:start + 500])))
        if upserts:
            dialect = postgresql if self.conn.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(SiteRecord)
            statement = statement.on_conflict_do_update(
                index_elements=["site_id", "tbl", "rid"],
                set_={"guest_id": statement.excluded.guest_id, "position": statement.excluded.position,
                      "changes": statement.excluded.changes})
            for start in range(0, len(upserts), 1000):
                self.conn.execute(statement, upserts[start:start + 1000])
        self._dirty.clear()
        if self.facts is not None:
            self.facts.write()
