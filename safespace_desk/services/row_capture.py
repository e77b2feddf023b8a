"""Every row a unit of work changes, recorded as it happens, for the operation sync sends.

Sync sends what a staff action changed, not what it meant: each operation carries its row changes
(table, primary key, insert/update/delete and the new values), so another desk applies exactly the
same rows, nothing is forgotten when a service writes one more column, and a field changed at one
desk does not overwrite a different field changed at another.

Two session events see every write: ``after_flush`` (objects added, changed or deleted through the
ORM) and ``do_orm_execute`` (bulk ``insert``/``update``/``delete`` statements, whose rows are found
by their WHERE clause before they run). Tables in db.models.LOCAL_TABLES, and desk settings other
than SYNCED_SETTING_KEYS, are this desk's own and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from safespace_desk.db.models import LOCAL_TABLES, SYNCED_SETTING_KEYS
from safespace_desk.db.types import utc_text

INSERT, UPDATE, DELETE = "i", "u", "d"
RowKey = tuple[str, tuple[str, ...]]
# Columns holding a set (a JSON list). An update keeps their value from before it as the change's
# "o", so sync can send what was added and removed (sync/sets.py) and two desks' flags both survive.
SET_COLUMNS: dict[str, frozenset[str]] = {"guest": frozenset({"flags"})}
# The operation kinds that send set columns that way; other kinds' changes keep no old value (a
# guest's erasure must not carry the flags they had).
SENDS_SET_CHANGES = frozenset({"guest.update"})


def for_kind(op: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes an operation of this kind keeps: old values only where it sends set changes."""
    if op in SENDS_SET_CHANGES:
        return rows
    return [{k: v for k, v in row.items() if k != "o"} if "o" in row else row for row in rows]


class UnsupportedWrite(Exception):
    """A write sync cannot see (a bug in a service, caught by the tests)."""


def wire_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    raise UnsupportedWrite(f"a {type(value).__name__} value cannot be synced")


def _synced(table: Table, key: tuple[str, ...]) -> bool:
    if table.name in LOCAL_TABLES:
        return False
    if table.name == "desk_setting":
        return key[0] in SYNCED_SETTING_KEYS
    return True


class RowCapture:
    """Collects the row changes one session makes; ``take()`` hands over what came since the last take."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[RowKey, dict[str, Any]] = {}
        event.listen(session, "after_flush", self._after_flush)
        event.listen(session, "do_orm_execute", self._on_execute)

    def close(self) -> None:
        event.remove(self.session, "after_flush", self._after_flush)
        event.remove(self.session, "do_orm_execute", self._on_execute)

    def take(self) -> list[dict[str, Any]]:
        """The changes so far, each as {"t": table, "k": key, "a": i|u|d, "v": {column: value}}."""
        out = []
        for (table, key), change in self._rows.items():
            row = {"t": table, "k": key[0] if len(key) == 1 else list(key), "a": change["a"], "v": change["v"]}
            if change.get("o") and change["a"] == UPDATE:
                row["o"] = change["o"]
            out.append(row)
        self._rows = {}
        return out

    @property
    def pending_tables(self) -> set[str]:
        return {t for t, _ in self._rows}

    # --- recording --------------------------------------------------------------------------------
    def _record(self, table: Table, key: tuple[str, ...], action: str, values: dict[str, Any],
                old: dict[str, Any] | None = None) -> None:
        if not _synced(table, key):
            return
        slot = (table.name, key)
        before = self._rows.get(slot)
        values = {k: wire_value(v) for k, v in values.items()}
        if old:
            kept = before.setdefault("o", {}) if before is not None else {}
            for name, value in old.items():
                kept.setdefault(name, wire_value(value))  # the value before the first change counts
            old = kept
        if before is None:
            self._rows[slot] = {"a": action, "v": values if action != DELETE else {}}
            if old and action == UPDATE:
                self._rows[slot]["o"] = old
        elif action == DELETE:
            if before["a"] == INSERT:
                del self._rows[slot]  # made and removed again in the same step: nothing happened
            else:
                self._rows[slot] = {"a": DELETE, "v": {}}
        elif before["a"] == DELETE:
            self._rows[slot] = {"a": INSERT, "v": values}  # removed, then made again: the new row
        else:
            before["v"].update(values)  # an insert stays an insert, with the later values

    def _after_flush(self, session: Session, _context: Any) -> None:
        for obj in session.new:
            state = inspect(obj)
            table = state.mapper.local_table
            values = {attr.columns[0].name: state.dict.get(attr.key) for attr in state.mapper.column_attrs}
            self._record(table, _key(state), INSERT, values)
        for obj in session.dirty:
            state = inspect(obj)
            changed, old = {}, {}
            sets = SET_COLUMNS.get(state.mapper.local_table.name, frozenset())
            for attr in state.mapper.column_attrs:
                history = state.attrs[attr.key].history
                if history.added or history.deleted:
                    name = attr.columns[0].name
                    changed[name] = history.added[0] if history.added else None
                    if name in sets and history.deleted:
                        old[name] = history.deleted[0]
            if changed:
                self._record(state.mapper.local_table, _key(state), UPDATE, changed, old)
        for obj in session.deleted:
            state = inspect(obj)
            self._record(state.mapper.local_table, _key(state), DELETE, {})

    def _on_execute(self, state: ORMExecuteState) -> Any:
        if state.is_select or not (state.is_insert or state.is_update or state.is_delete):
            return None
        table = getattr(state.statement, "table", None)
        if not isinstance(table, Table):
            raise UnsupportedWrite("a bulk statement sync cannot see")
        if table.name in LOCAL_TABLES:
            return None
        if state.is_insert:
            params: Any = state.parameters
            rows = params if isinstance(params, list) else [params or {}]
            for row in rows:
                values = _with_defaults(table, dict(row))
                self._record(table, tuple(str(values[c.name]) for c in table.primary_key.columns), INSERT,
                             values)
            return None
        statement: Any = state.statement
        where = statement.whereclause
        key_columns = list(table.primary_key.columns)
        query = select(*key_columns)
        if where is not None:
            query = query.where(where)
        keys = [tuple(str(v) for v in row) for row in self.session.execute(query)]
        if state.is_delete:
            for key in keys:
                self._record(table, key, DELETE, {})
            return None
        result = state.invoke_statement()
        names = [c if isinstance(c, str) else getattr(c, "key", str(c))
                 for c in statement._values or {}]  # the columns the statement sets
        for key, values in _read_rows(self.session, table, keys, names):
            self._record(table, key, UPDATE, values)
        return result


def write_inserts(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert ``rows`` straight through the driver, one statement for them all, and return the row
    changes sync sends for them (what RowCapture records for an ORM insert, as ``take`` gives it).

    For bulk writers (an import of a million lines): values must already be what the store and
    sync hold (text, numbers or None; times as db.types.utc_text), since no SQLAlchemy type sees
    them. The ORM's cost per row was most of an import's time."""
    if not rows:
        return []
    columns = [column.name for column in table.columns]
    blank = _with_defaults(table, {})  # every column, with its default or None, in table order
    full = [{**blank, **row} for row in rows]
    session.connection().exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        list(map(itemgetter(*columns), full)))
    keys = [column.name for column in table.primary_key.columns]
    if not _synced(table, (str(full[0][keys[0]]),)):
        return []
    if len(keys) == 1:
        return [{"t": table.name, "k": str(row[keys[0]]), "a": INSERT, "v": row} for row in full]
    return [{"t": table.name, "k": [str(row[k]) for k in keys], "a": INSERT, "v": row} for row in full]


def _key(state: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in state.mapper.primary_key_from_instance(state.obj()))


def _with_defaults(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for column in table.columns:
        if column.name in row:
            values[column.name] = row[column.name]
        elif column.default is not None and getattr(column.default, "is_scalar", False):
            values[column.name] = column.default.arg  # type: ignore[attr-defined]
        else:
            values[column.name] = None
    return values


def _read_rows(session: Session, table: Table, keys: list[tuple[str, ...]],
               names: Iterable[str]) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    wanted = [table.c[n] for n in names if n in table.c]
    if not keys or not wanted:
        return []
    key_columns = list(table.primary_key.columns)
    out = []
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        query = select(*key_columns, *wanted)
        if len(key_columns) == 1:
            query = query.where(key_columns[0].in_([k[0] for k in chunk]))
        else:
            from sqlalchemy import tuple_

            query = query.where(tuple_(*key_columns).in_(chunk))
        for row in session.execute(query):
            key = tuple(str(v) for v in row[:len(key_columns)])
            out.append((key, {c.name: v for c, v in zip(wanted, row[len(key_columns):], strict=True)}))
    return out
