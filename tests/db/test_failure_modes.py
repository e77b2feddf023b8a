"""Each way the store can fail to open gives its own typed error and leaves every file as it was.

"Untouched" is checked strictly: the data folder's files, hashes, sizes and mtimes are the same
before and after, and no file appeared (a new empty database made over a missing one, a stray
-wal) or disappeared.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from safespace_desk.db.errors import NotAStore, StoreDamaged, StoreMissing, StoreTooNew, WrongPassword
from safespace_desk.db.store import PAGE_SIZE, Store, StorePaths, connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.stores import add_guest, fingerprint, salt_of


def _sign_in(data_dir: Path, clock: FixedClock) -> None:
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()


def _open(data_dir: Path, master_key: bytes) -> Store:
    return Store.open(data_dir, master_key, salt_of(data_dir))


@pytest.fixture
def big_data_dir(data_dir: Path, master_key: bytes) -> Path:
    """A store of a few hundred pages, so that cutting it in half loses real table pages."""
    store = _open(data_dir, master_key)
    with store.write() as session:
        for n in range(2500):
            add_guest(session, f"Synthetic Guest {n}", START, support_notes="synthetic note " * 12)
    store.close()
    assert StorePaths(data_dir).db.stat().st_size // PAGE_SIZE > 200
    return data_dir


def _cut_to_half(db: Path) -> None:
    pages = db.stat().st_size // PAGE_SIZE
    os.truncate(db, (pages // 2) * PAGE_SIZE)


def test_wrong_password(data_dir: Path, clock: FixedClock) -> None:
    before = fingerprint(data_dir)
    with pytest.raises(WrongPassword) as err:
        auth.sign_in(data_dir, MANAGER_NAME, "not the password at all", clock)
    assert err.value.field == "password"
    # The store is untouched; only the wrong try is counted, in its own file (services/password_guard.py).
    after = fingerprint(data_dir)
    assert after.pop("password-tries.json", None) is not None
    assert after == before


def test_file_cut_short_part_way_through_a_page(data_dir: Path, master_key: bytes,
                                                clock: FixedClock) -> None:
    db = StorePaths(data_dir).db
    os.truncate(db, db.stat().st_size - 1000)
    before = fingerprint(data_dir)
    with pytest.raises(StoreDamaged, match="cut short"):
        _open(data_dir, master_key)
    with pytest.raises(StoreDamaged, match="cut short"):
        _sign_in(data_dir, clock)
    assert fingerprint(data_dir) == before


def test_file_cut_to_half_at_a_page_boundary_fails_at_open(big_data_dir: Path, master_key: bytes,
                                                           clock: FixedClock) -> None:
    # No size check of ours catches this (the size is a whole number of pages). SQLite does: when
    # connect_raw first reads page 1 it compares the page count in the decrypted header with the
    # file's size and reports "malformed" at once, so the failure comes at open, not at some later
    # read of a lost page.
    _cut_to_half(StorePaths(big_data_dir).db)
    before = fingerprint(big_data_dir)
    with pytest.raises(StoreDamaged):
        _open(big_data_dir, master_key)
    with pytest.raises(StoreDamaged):
        _sign_in(big_data_dir, clock)
    assert fingerprint(big_data_dir) == before


def test_file_cut_to_half_after_a_crash_fails_at_the_first_read(big_data_dir: Path, master_key: bytes,
                                                                tmp_path: Path) -> None:
    """With a write-ahead log left by a crash, the page count comes from the log, so SQLite's check
    at open cannot see the loss. The first read of a lost page still gives StoreDamaged (SQLCipher
    refuses the zero-filled page), and neither store.db nor its log is written to."""
    live = _open(big_data_dir, master_key)
    with live.write() as session:
        add_guest(session, "Synthetic Latecomer", START)
    crash = tmp_path / "crash"
    shutil.copytree(big_data_dir, crash)  # the files as a power cut would leave them
    live.close()
    assert StorePaths(crash).wal.stat().st_size > 0

    _cut_to_half(StorePaths(crash).db)
    before = fingerprint(crash)
    store = _open(crash, master_key)
    try:
        with pytest.raises(StoreDamaged), store.read() as session:
            session.connection().exec_driver_sql("SELECT max(length(support_notes)) FROM guest").all()
    finally:
        store.close()
    after = fingerprint(crash)
    # -shm is SQLite's shared-memory index of the log, rebuilt by every open; it holds no data.
    for name in ("store.db", "store.db-wal", "keyslots.json"):
        assert after[name] == before[name], name


def test_random_bytes_are_not_a_store(data_dir: Path, clock: FixedClock) -> None:
    db = StorePaths(data_dir).db
    db.write_bytes(os.urandom(db.stat().st_size))
    before = fingerprint(data_dir)
    with pytest.raises(NotAStore):
        _sign_in(data_dir, clock)
    assert fingerprint(data_dir) == before


def test_a_plain_sqlite_file_is_not_a_store(data_dir: Path, clock: FixedClock) -> None:
    db = StorePaths(data_dir).db
    db.unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE guest (preferred_name TEXT)")
    before = fingerprint(data_dir)
    with pytest.raises(NotAStore):
        _sign_in(data_dir, clock)
    assert fingerprint(data_dir) == before


def test_garbage_behind_the_right_salt_is_damage_not_a_foreign_file(data_dir: Path, master_key: bytes) -> None:
    # The salt matches the key slots, so this is our file; its pages no longer authenticate.
    db = StorePaths(data_dir).db
    data = db.read_bytes()
    db.write_bytes(data[:16] + os.urandom(len(data) - 16))
    before = fingerprint(data_dir)
    with pytest.raises(StoreDamaged, match="cannot be decrypted"):
        _open(data_dir, master_key)
    assert fingerprint(data_dir) == before


def test_missing_database_is_reported_and_never_recreated(data_dir: Path, master_key: bytes,
                                                          clock: FixedClock) -> None:
    StorePaths(data_dir).db.unlink()
    before = fingerprint(data_dir)
    with pytest.raises(StoreMissing, match="database file"):
        _sign_in(data_dir, clock)
    with pytest.raises(StoreMissing, match="database file"):
        Store.open(data_dir, master_key, expected_salt=None)
    assert fingerprint(data_dir) == before
    assert not StorePaths(data_dir).db.exists()


def test_missing_keyslot_file_is_reported_and_never_recreated(data_dir: Path, clock: FixedClock) -> None:
    StorePaths(data_dir).keyslots.unlink()
    before = fingerprint(data_dir)
    with pytest.raises(StoreMissing, match="key-slot file"):
        _sign_in(data_dir, clock)
    assert fingerprint(data_dir) == before


def test_missing_data_folder_is_reported_and_not_created(tmp_path: Path, clock: FixedClock) -> None:
    with pytest.raises(StoreMissing):
        _sign_in(tmp_path / "nowhere", clock)
    assert not (tmp_path / "nowhere").exists()


def test_store_from_a_newer_program_is_refused_untouched(data_dir: Path, master_key: bytes,
                                                         clock: FixedClock) -> None:
    conn = connect_raw(StorePaths(data_dir).db, master_key)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_a_newer_desk'")
    conn.close()  # the last close checkpoints the log, so store.db alone holds the change
    before = fingerprint(data_dir)
    assert list(before) == ["keyslots.json", "store.db"]
    with pytest.raises(StoreTooNew):
        _sign_in(data_dir, clock)
    with pytest.raises(StoreTooNew):
        _open(data_dir, master_key)
    assert fingerprint(data_dir) == before
