"""Bulk writing for the generator: SQLAlchemy Core executemany in large batches.

Demo history is not a series of staff actions, so it does not go through units of work (one
audit entry and outbox operation per row would be wrong and take hours). Rows are given as
dicts of column name to value, times already in the store's UTC text form (db/types.py), and
inserted through lightweight table clauses, which skip per-value type processing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import column, insert, table, text
from sqlalchemy.sql.expression import TableClause

from safespace_desk.db.store import Store

Row = dict[str, Any]
T = TypeVar("T")
# One executemany call per batch; a transaction per several batches keeps the WAL a sensible size
# while paying for the commit's fsync rarely.
BATCH_ROWS = 20_000
BATCHES_PER_TRANSACTION = 10
# Index pages of a million-row table no longer fit SQLite's default 2 MB page cache; every miss
# then costs a page decryption and a WAL write. The demo store is closed when generation ends,
# so the larger cache lives only as long as the generator's connections.
BULK_CACHE_KIB = 64 * 1024


def _clause(name: str, row: Row) -> TableClause:
    return table(name, *(column(key) for key in row))


def chunks(items: Iterable[T], size: int = BATCH_ROWS) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_batches(store: Store, batches: Iterable[list[tuple[str, list[Row]]]]) -> int:
    """Insert batches in order; each batch is a list of (table name, rows) written in that order
    (so a child table can follow its parent in the same transaction). Returns rows written."""
    written = 0
    pending: list[list[tuple[str, list[Row]]]] = []

    def flush() -> None:
        with store.write() as session:
            session.execute(text(f"PRAGMA cache_size = -{BULK_CACHE_KIB}"))
            for batch in pending:
                for name, rows in batch:
                    if rows:
                        session.execute(insert(_clause(name, rows[0])), rows)
        pending.clear()

    for batch in batches:
        pending.append(batch)
        written += sum(len(rows) for _, rows in batch)
        if len(pending) >= BATCHES_PER_TRANSACTION:
            flush()
    if pending:
        flush()
    return written


@contextmanager
def indexes_deferred(store: Store, tables: tuple[str, ...]) -> Iterator[None]:
    """Drop the tables' indexes for a bulk load and build them again afterwards, from the exact SQL
    the migrations wrote (sqlite_master), so the schema ends up unchanged.

    Inserting a million rows into random places of several indexes rewrites (and re-encrypts) the
    same index pages over and over; building each index once from the loaded table is many times
    faster. A unique index is checked as it is rebuilt. If the load fails the whole demo store is
    removed, so a store without its indexes is never left behind.
    """
    marks = ", ".join("?" for _ in tables)
    with store.write() as session:
        conn = session.connection()
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})", tables).all()
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    with store.write() as session:
        session.execute(text(f"PRAGMA cache_size = -{BULK_CACHE_KIB}"))
        for _, sql in indexes:
            session.connection().exec_driver_sql(sql)


def write_rows(store: Store, name: str, rows: Iterable[Row]) -> int:
    """Insert the rows of one table in batches."""
    return write_batches(store, ([(name, batch)] for batch in chunks(rows)))
