"""The server's database: PostgreSQL (psycopg 3) in real deployments, an SQLite file for one site.

Writes that append to a site's change log hold a transaction-scoped advisory lock on the site
(PostgreSQL), so positions are given and committed in the same order and a reader paging by position
never misses a row that commits late. SQLite has one writer at a time anyway (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import ARRAY, Connection, Engine, any_, create_engine, event, literal, text
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False,
                                                                      "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")

        return engine
    # Every statement planned for its own values (psycopg prepares a statement run five times, and
    # PostgreSQL may then keep one generic plan): a push looks up hundreds of keys with ``= ANY(array)``,
    # and a generic plan, not knowing the array's length, chose a scan comparing every row with every
    # key (0.4 s a look-up on a 10,000-record site). Planning each time costs far less.
    return create_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True,
                         connect_args={"connect_timeout": 10, "options": "-c plan_cache_mode=force_custom_plan"})


def is_postgres(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def migrate(engine: Engine) -> None:
    with engine.connect() as conn:
        if is_postgres(conn):
            # Two server processes started together must not both create the tables.
            conn.execute(text("SELECT pg_advisory_lock(7157001)"))
            conn.commit()
        try:
            command.upgrade(_config(conn), "head")
            conn.commit()
        finally:
            if is_postgres(conn):
                conn.execute(text("SELECT pg_advisory_unlock(7157001)"))
                conn.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def among(conn: Connection, column: Any, values: list[Any]) -> Any:
    """``column IN values``. On PostgreSQL as ``= ANY(array)``, one parameter: the statement's text is
    then the same for any number of values, so psycopg parses it once (a push asks hundreds of these;
    parsing the IN list's placeholders again each time was a tenth of a push's time)."""
    if is_postgres(conn):
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(values)


def site_lock_key(site_id: str) -> int:
    return int.from_bytes(hashlib.sha256(b"safespace-site:" + site_id.encode()).digest()[:8], "big", signed=True)


def lock_site(conn: Connection, site_id: str) -> None:
    """Serialise appends to this site's change log until the transaction ends."""
    if is_postgres(conn):
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": site_lock_key(site_id)})


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as conn:
        yield conn


@contextmanager
def read(engine: Engine, *, repeatable: bool = False) -> Iterator[Connection]:
    """A read transaction; ``repeatable`` gives one consistent view for its whole length."""
    options: dict[str, Any] = {"readonly": True}
    if repeatable and is_postgres(engine):
        options["isolation_level"] = "REPEATABLE READ"
    with engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn
