"""The one place that owns the encrypted store: opening, pragmas, sessions and failures.

Files in the data folder:
  store.db        the SQLCipher 4 database (raw 256-bit key, SQLCipher's default settings)
  store.db-wal    its write-ahead log (encrypted too)
  keyslots.json   the master key wrapped per staff account (see keyslots.py)

Opening never creates a database: a missing, foreign or damaged file stops with a typed error and
is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from safespace_desk.db import migrate
from safespace_desk.db.errors import (
    DiskFull,
    NoSqlCipher,
    NotAStore,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreMissing,
)

DB_NAME = "store.db"
KEYSLOTS_NAME = "keyslots.json"
PAGE_SIZE = 4096  # SQLCipher 4 default
SALT_BYTES = 16
CACHE_KIB = 32 * 1024  # per connection; the pool holds at most a handful


@dataclass(frozen=True)
class StorePaths:
    data_dir: Path

    @property
    def db(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def wal(self) -> Path:
        return self.data_dir / (DB_NAME + "-wal")

    @property
    def keyslots(self) -> Path:
        return self.data_dir / KEYSLOTS_NAME

    def exists(self) -> bool:
        return self.db.exists() or self.keyslots.exists()


def read_store_salt(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(SALT_BYTES)


def check_file_shape(path: Path, expected_salt: bytes | None) -> None:
    """Cheap checks before SQLCipher sees the file, so each failure gets its own message."""
    if not path.exists():
        raise StoreMissing("database file (store.db)")
    size = path.stat().st_size
    if size == 0:
        raise StoreDamaged("the database file is empty")
    if expected_salt is not None and read_store_salt(path) != expected_salt:
        raise NotAStore()
    if size % PAGE_SIZE:
        raise StoreDamaged("the database file is cut short: it ends part way through a page")


def _raw_key_pragma(master: bytes) -> str:
    return f"PRAGMA key = \"x'{master.hex()}'\""


def connect_raw(path: Path, master: bytes, *, create: bool = False) -> sqlcipher.Connection:
    """A DB-API connection with the key set and the store's pragmas applied."""
    mode = "rwc" if create else "rw"
    conn = sqlcipher.connect(f"file:{path}?mode={mode}", uri=True, check_same_thread=False,
                             isolation_level=None)
    try:
        # SQLCipher's own log goes to stderr by default; failures are reported through our typed
        # errors instead, and nothing from the library ends up in a console or log file.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_raw_key_pragma(master))
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            # Plain SQLite ignores PRAGMA key silently and would write an unencrypted file.
            raise NoSqlCipher()
        # Off, as decided (DESIGN.md section 5, docs/decisions.md): the process holds the same
        # plaintext in its own objects, and locking and wiping every SQLite allocation cost 3.9x
        # plain SQLite. Said explicitly, so a SQLCipher built with another default does not differ.
        conn.execute("PRAGMA cipher_memory_security = OFF")
        # Reading the schema is the first moment SQLCipher decrypts page 1: a wrong key or a
        # damaged first page fails here, before anything could be written.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise StoreDamaged("the database could not switch to write-ahead logging")
        conn.execute("PRAGMA synchronous = FULL")
        # Every page read from disk is decrypted and its HMAC checked; a page cache big enough for
        # the desk's working set (guests, open visits, recent months) means that happens once.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return conn
    except BaseException:
        conn.close()
        raise


def translate(error: BaseException) -> StoreError | None:
    """Map a database or OS failure to the typed error staff see; None if it is a bug."""
    if isinstance(error, exc.DBAPIError):
        error = error.orig if error.orig is not None else error
    if isinstance(error, StoreError):
        return error
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    if isinstance(error, (sqlcipher.Error, sqlite3.Error)):
        message = str(error).lower()
        if "full" in message:
            return DiskFull()
        if "not a database" in message:
            return StoreDamaged("a page cannot be decrypted")
        if "malformed" in message or "corrupt" in message:
            return StoreDamaged("the database structure is broken")
        if "disk i/o" in message:
            return StoreDamaged("the disk reported a read or write error")
        if "unable to open" in message:
            return StoreMissing("database file (store.db)")
    return None


class Store:
    """An open, unlocked store. Use ``write()`` for a unit of work and ``read()`` to look."""

    def __init__(self, paths: StorePaths, master: bytes) -> None:
        self.paths = paths
        self._engine = _make_engine(paths.db, master)
        self._read_engine = self._engine.execution_options(ss_readonly=True)

    @classmethod
    def create(cls, data_dir: Path, master: bytes) -> Store:
        """Make a new, empty store with the current schema. Refuses if anything is there."""
        paths = StorePaths(data_dir)
        if paths.exists():
            raise StoreExists()
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # Only the desk's own OS account may read the (encrypted) files.
            paths.db.touch(mode=0o600, exist_ok=False)
            connect_raw(paths.db, master, create=True).close()
        except BaseException as error:
            paths.db.unlink(missing_ok=True)
            raise translate(error) or error from None
        store = cls(paths, master)
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def open(cls, data_dir: Path, master: bytes, expected_salt: bytes | None) -> Store:
        """Open an existing store; migrate it forward; refuse a store newer than this program."""
        paths = StorePaths(data_dir)
        check_file_shape(paths.db, expected_salt)
        try:
            connect_raw(paths.db, master).close()
        except BaseException as error:
            raise translate(error) or error from None
        store = cls(paths, master)
        try:
            store.migrate()
        except BaseException as error:
            store.close()
            raise translate(error) or error from None
        return store

    def migrate(self) -> None:
        with self._engine.begin() as conn:
            migrate.upgrade_to_head(conn)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction (BEGIN IMMEDIATE): committed on success, rolled back on any error."""
        with self._translated(), Session(self._engine, expire_on_commit=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._translated(), Session(self._read_engine, expire_on_commit=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (exc.DBAPIError, sqlcipher.Error, OSError) as error:
            typed = translate(error)
            if typed is None:
                raise
            raise typed from None

    def query(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One read-only statement on a pooled connection, with no transaction opened around it:
        a single statement reads one consistent snapshot by itself, and on every search keystroke
        the ORM's session and BEGIN/COMMIT cost more than the statement."""
        with self._translated():
            connection = self._engine.raw_connection()
            try:
                return connection.cursor().execute(sql, params).fetchall()
            finally:
                connection.close()

    def raw_connection_sql(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement outside the ORM (integrity checks, pragmas)."""
        with self._translated(), self._engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql).fetchall()]

    def close(self) -> None:
        """Close every connection; the last close checkpoints the WAL into the main file."""
        self._engine.dispose()


def _make_engine(path: Path, master: bytes) -> Engine:
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect_raw(path, master),
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
    )

    # pysqlite's own transaction handling is bypassed (isolation_level=None) so that SQLAlchemy's
    # begin is a real BEGIN: IMMEDIATE for units of work, so two writers never deadlock on upgrade.
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get("ss_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def remove_partial(paths: StorePaths) -> None:
    """Remove a store that set-up began but did not finish (never called on an opened store)."""
    for path in (paths.db, paths.wal, paths.data_dir / (DB_NAME + "-shm"), paths.keyslots):
        if path.exists():
            os.remove(path)
