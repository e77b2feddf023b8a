"""The one place that owns the encrypted store: opening, pragmas, sessions and failures.

Files in the data folder:
  store.db        the SQLCipher 4 database (raw 256-bit key, SQLCipher's default settings)
  store.db-wal    its write-ahead log (encrypted too)
  keyslots.json   the master key wrapped per staff account (see keyslots.py)

Opening never creates a database: a missing, foreign or damaged file stops with a typed error and
is left exactly as it was. Once damage is seen (by any process: it is recorded in
store-health.json, see health.py), the store refuses every further write with the same message;
reading goes on, so a damaged desk can still show who is in and print the handover.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from safespace_desk.db import health, migrate
from safespace_desk.db.errors import (
    DataFolderGone,
    DiskFull,
    LogMissing,
    NoSqlCipher,
    NotAStore,
    StoreBusy,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreMissing,
    StoreNotWritable,
)
from safespace_desk.db.fileio import tighten_data_folder
from safespace_desk.db.log_files import check_log_files

DB_NAME = "store.db"
KEYSLOTS_NAME = "keyslots.json"
PAGE_SIZE = 4096  # SQLCipher 4 default
SALT_BYTES = 16
CACHE_KIB = 32 * 1024  # per connection; the pool holds at most a handful
BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another's transaction before saying so


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
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_GONE = (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO, errno.ESTALE, errno.ENOTDIR)


def translate(error: BaseException, paths: StorePaths | None = None) -> StoreError | None:
    """Map a database or OS failure to the typed error staff see; None if it is a bug.

    With ``paths`` the folder is looked at, to tell a removed USB stick from a failing disk and a
    permission problem from SQLCipher's refusal to write after a page failed its check."""
    if isinstance(error, exc.DBAPIError):
        error = error.orig if error.orig is not None else error
    if isinstance(error, StoreError):
        return error
    if isinstance(error, OSError):
        return _translate_os_error(error, paths)
    if not isinstance(error, (sqlcipher.Error, sqlite3.Error)):
        return None
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    message = str(error).lower()
    if code == _SQLITE_FULL or "database or disk is full" in message:
        return DiskFull()
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in message:
        return StoreBusy(BUSY_TIMEOUT_MS // 1000)
    if code == _SQLITE_NOTADB or "not a database" in message:
        return StoreDamaged("a page cannot be decrypted")
    if code == _SQLITE_CORRUPT or "malformed" in message or "corrupt" in message:
        return StoreDamaged("a page failed its check, or the database structure is broken")
    if code == _SQLITE_READONLY or "readonly database" in message:
        # SQLCipher stops writing after a page fails its HMAC; SQLite stops when the file has moved
        # or vanished (a removed USB stick); a folder we may not write to says the same.
        if paths is not None and _gone(paths):
            return DataFolderGone(str(paths.data_dir))
        if paths is not None and not _writable(paths):
            return StoreNotWritable(str(paths.data_dir))
        return StoreDamaged("a page failed its check, so the database refuses to write")
    if code == _SQLITE_PERM:
        return StoreNotWritable(str(paths.data_dir) if paths else "the data folder")
    if code == _SQLITE_IOERR or "disk i/o" in message:
        if paths is not None and _gone(paths):
            return DataFolderGone(str(paths.data_dir))
        return StoreDamaged("the disk reported a read or write error")
    if code == _SQLITE_CANTOPEN or "unable to open" in message:
        if paths is not None and _gone(paths):
            return DataFolderGone(str(paths.data_dir))
        if paths is not None and paths.db.exists() and not _writable(paths):
            return StoreNotWritable(str(paths.data_dir))
        return StoreMissing("database file (store.db)")
    return None


def _translate_os_error(error: OSError, paths: StorePaths | None) -> StoreError | None:
    where = error.filename or (paths.data_dir if paths else None)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreNotWritable(str(where) if where else "the data folder")
    if error.errno in _GONE and paths is not None and _gone(paths):
        return DataFolderGone(str(paths.data_dir))
    if error.errno == errno.EIO:
        return StoreDamaged("the disk reported a read or write error")
    return None


def _gone(paths: StorePaths) -> bool:
    """The data folder (or the database in it) can no longer be reached at all."""
    try:
        os.stat(paths.db)
        return not os.access(paths.data_dir, os.X_OK)
    except OSError:
        return True


def _writable(paths: StorePaths) -> bool:
    return os.access(paths.data_dir, os.W_OK | os.X_OK) and os.access(paths.db, os.R_OK | os.W_OK)


# Stores open in this process, by database file. A second open of the same file must not read its
# files through a new descriptor: closing that descriptor would drop the locks SQLite holds on
# them (POSIX locks are per process), and another process could then recover the log under us.
_open_here: dict[Path, int] = {}
_open_lock = threading.Lock()


class Store:
    """An open, unlocked store. Use ``write()`` for a unit of work and ``read()`` to look."""

    def __init__(self, paths: StorePaths, master: bytes) -> None:
        self.paths = paths
        self._master = master
        # Everything that reads or writes the file holds the key in use (``using_key``); a rekey waits
        # until nobody does, and holds everyone back while it re-encrypts the file.
        self._gate = threading.Condition()
        self._users = 0
        self._rekeying = False
        self._engine = _make_engine(paths.db, master)
        self._read_engine = self._engine.execution_options(ss_readonly=True)
        self._damage: health.DamageRecord | None = None
        self._health_stamp: tuple[int, int] | None = None
        self._damage_listeners: list[Callable[[StoreDamaged], None]] = []
        self._key = paths.db.resolve()
        with _open_lock:
            _open_here[self._key] = _open_here.get(self._key, 0) + 1
        self._open = True
        self._refresh_damage()

    # -- damage --------------------------------------------------------------------------------
    @property
    def damage(self) -> health.DamageRecord | None:
        """Damage seen by this or any other process (re-read when the health file changes)."""
        self._refresh_damage()
        return self._damage

    @property
    def read_only(self) -> bool:
        return self.damage is not None

    def damaged_error(self, detail: str | None = None) -> StoreDamaged:
        """The one message for damage, with the newest verified backup and the command to restore it."""
        recorded = self.damage
        return StoreDamaged(detail or (recorded.detail if recorded else "a page failed its check"),
                            health.restore_advice(self.paths.data_dir))

    def mark_damaged(self, detail: str) -> StoreDamaged:
        """Record damage (so every process stops writing) and tell whoever listens (the desk's banner)."""
        try:
            self._damage = health.record_damage(self.paths.data_dir, detail)
        except OSError:  # a folder that cannot be written to: this process still stops writing
            self._damage = health.DamageRecord(health.now_utc(), detail)
        self._health_stamp = health.file_stamp(self.paths.data_dir)
        error = self.damaged_error(self._damage.detail)
        for listener in list(self._damage_listeners):
            listener(error)
        return error

    def on_damage(self, listener: Callable[[StoreDamaged], None]) -> None:
        """Call ``listener`` (from whichever thread met it) when damage is first seen here."""
        self._damage_listeners.append(listener)

    def off_damage(self, listener: Callable[[StoreDamaged], None]) -> None:
        if listener in self._damage_listeners:
            self._damage_listeners.remove(listener)

    def _refresh_damage(self) -> None:
        stamp = health.file_stamp(self.paths.data_dir)
        if stamp != self._health_stamp:
            self._health_stamp = stamp
            recorded = health.load(self.paths.data_dir).damage
            # Damage this process has seen stays seen even if the file could not be written.
            self._damage = recorded or (self._damage if stamp is None else None)

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
        """Open an existing store; migrate it forward; refuse a store newer than this program.

        The first open in this process also reads the write-ahead log and its index, so that saved
        work SQLite would silently drop (a damaged or missing log) is named and nothing is changed."""
        paths = StorePaths(data_dir)
        # A folder made loose (by hand, another program, an older version) is tightened first.
        tighten_data_folder(data_dir)
        try:
            _check_files(paths, expected_salt)
            connect_raw(paths.db, master).close()
        except BaseException as error:
            raise _advised(translate(error, paths) or error, paths) from None
        store = cls(paths, master)
        try:
            store._refuse_upgrade_if_damaged(master)
            store.migrate()
        except BaseException as error:
            store.close()
            raise _advised(translate(error, paths) or error, paths) from None
        return store

    def _refuse_upgrade_if_damaged(self, master: bytes) -> None:
        """Upgrading a store made by an older version writes to it, before any command has had the
        chance to check its pages: so a store known to be damaged, or with a page that fails its
        checksum, is named as damaged and left exactly as it was, never upgraded around the damage.
        Only when an upgrade is due (the check reads every page)."""
        with self._read_engine.connect() as conn:
            if not migrate.upgrade_due(conn):
                return
        if self.damage is not None:
            raise self.damaged_error()
        from safespace_desk.db.integrity import check_pages  # integrity imports this module

        result = check_pages(self.paths.db, master, health.now_utc, structure=False)
        if not result.ok:
            raise self.mark_damaged(result.detail)

    def migrate(self) -> None:
        with self._engine.begin() as conn:
            migrate.upgrade_to_head(conn)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction (BEGIN IMMEDIATE): committed on success, rolled back on any error.
        Refused at once, before anything is written, once the store is known to be damaged or its
        folder has gone (a USB stick pulled out)."""
        if self.damage is not None:
            raise self.damaged_error()
        if _gone(self.paths):
            # SQLite would go on writing into the open (now unreachable) files and lose it all.
            raise DataFolderGone(str(self.paths.data_dir))
        with self.using_key(), self._translated(), Session(self._engine, expire_on_commit=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.using_key(), self._translated(), \
                Session(self._read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def using_key(self) -> Iterator[bytes]:
        """The key the file is encrypted with now, for as long as the block runs: a connection of
        one's own (a backup's copy, the page check) opened with it cannot meet a rekey half way."""
        with self._gate:
            while self._rekeying:
                self._gate.wait()
            self._users += 1
        try:
            yield self._master
        finally:
            with self._gate:
                self._users -= 1
                self._gate.notify_all()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (exc.DBAPIError, sqlcipher.Error, OSError) as error:
            typed = self.translate(error)
            if typed is None:
                raise
            raise typed from None

    def query(self, sql: str, params: dict[str, Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One read-only statement on a pooled connection, with no transaction opened around it:
        a single statement reads one consistent snapshot by itself, and on every search keystroke
        the ORM's session and BEGIN/COMMIT cost more than the statement."""
        with self.using_key(), self._translated():
            connection = self._engine.raw_connection()
            try:
                return connection.cursor().execute(sql, params).fetchall()
            finally:
                connection.close()

    def translate(self, error: BaseException) -> StoreError | None:
        """``translate`` for this store's files; damage met here is recorded, so writing stops."""
        typed = translate(error, self.paths)
        if isinstance(typed, StoreDamaged):
            return self.mark_damaged(typed.detail)
        return typed

    def rekey(self, new: bytes, progress: Callable[[int, int], None] | None = None) -> int:
        """Re-encrypt the store under ``new`` (db/rekey.py); this store's connections use it after.

        Waits (at most BUSY_TIMEOUT_MS) until no thread uses the store, holds every other use back
        while it works, and closes every pooled connection first (the rekey needs the file to itself).
        If it fails, whichever key the file opens with afterwards is the one in use."""
        from safespace_desk.db.rekey import key_opens, rekey_file

        with self._gate:
            if not self._gate.wait_for(lambda: self._users == 0, timeout=BUSY_TIMEOUT_MS / 1000):
                raise StoreBusy(BUSY_TIMEOUT_MS // 1000)
            self._rekeying = True
        old = self._master
        try:
            self._engine.dispose()
            with self._translated():
                pages = rekey_file(self.paths.db, old, new, progress)
            self._use_key(new)
            return pages
        except BaseException:
            self._use_key(new if key_opens(self.paths.db, new) else old)
            raise
        finally:
            with self._gate:
                self._rekeying = False
                self._gate.notify_all()

    def _use_key(self, master: bytes) -> None:
        self._engine.dispose()
        self._master = master
        self._engine = _make_engine(self.paths.db, master)
        self._read_engine = self._engine.execution_options(ss_readonly=True)

    def raw_connection_sql(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement outside the ORM (integrity checks, pragmas)."""
        with self.using_key(), self._translated(), self._engine.connect() as conn:
            return [tuple(row) for row in conn.exec_driver_sql(sql).fetchall()]

    def close(self) -> None:
        """Close every connection; the last close checkpoints the WAL into the main file."""
        self._engine.dispose()
        if self._open:
            self._open = False
            with _open_lock:
                left = _open_here.get(self._key, 1) - 1
                if left:
                    _open_here[self._key] = left
                else:
                    _open_here.pop(self._key, None)


def _check_files(paths: StorePaths, expected_salt: bytes | None) -> None:
    """The checks that need no key: the file's shape and its write-ahead log (skipped while this
    process has the store open: the log is in use then)."""
    if _is_open_here(paths.db):
        return
    check_file_shape(paths.db, expected_salt)
    problem = check_log_files(paths.db)
    advice = health.restore_advice(paths.data_dir) + health.accept_log_advice(paths.data_dir)
    if problem is not None and problem.kind == "missing":
        raise LogMissing(problem.frames, advice)
    if problem is not None:
        raise StoreDamaged(problem.detail(), advice)


def check_unopened(data_dir: Path, expected_salt: bytes | None) -> None:
    """What can be told about the store before anyone types a password (the sign-in screen says it
    at once, not after a name and password: issue 8, finding 13). Raises what ``Store.open`` would."""
    paths = StorePaths(data_dir)
    try:
        _check_files(paths, expected_salt)
    except BaseException as error:
        raise _advised(translate(error, paths) or error, paths) from None


def _advised(error: BaseException, paths: StorePaths) -> BaseException:
    """Damage found while opening gets the same advice as damage found later."""
    if isinstance(error, StoreDamaged) and error.advice is None:
        return StoreDamaged(error.detail, health.restore_advice(paths.data_dir))
    return error


def _is_open_here(db: Path) -> bool:
    with _open_lock:
        return _open_here.get(db.resolve(), 0) > 0


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
