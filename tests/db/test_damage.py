"""Damage is named, recorded and contained: after it is seen nothing more is written, by any process.

Each test damages real files the way a failing disk or a bad copy does (tests/support/damage.py)
and checks the message, that the files holding saved work are unchanged, and what the next process
opening the store is told.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import select

from safespace_desk.db import health, migrate
from safespace_desk.db.errors import LogMissing, StoreBusy, StoreDamaged
from safespace_desk.db.integrity import check_pages
from safespace_desk.db.log_files import accept_lost_log, check_log_files
from safespace_desk.db.models import Guest
from safespace_desk.db.store import Store, StorePaths, connect_raw, translate
from safespace_desk.domain.clock import FixedClock
from tests.conftest import START
from tests.support.damage import (
    committed_frames,
    crash_copy,
    flip_frame,
    flip_page,
    free_pages,
    pages_of,
    store_hashes,
)
from tests.support.stores import add_guest, salt_of

SEED = random.randrange(1_000_000)


def _open(data_dir: Path, master_key: bytes) -> Store:
    return Store.open(data_dir, master_key, salt_of(data_dir))


@pytest.fixture
def filled(data_dir: Path, master_key: bytes) -> Path:
    """A few hundred guests with notes (many pages), some removed again (free pages)."""
    store = _open(data_dir, master_key)
    with store.write() as session:
        for n in range(300):
            add_guest(session, f"Synthetic Guest {n}", START, support_notes="synthetic note " * 30)
        leaving = [add_guest(session, f"Synthetic Leaver {n}", START, support_notes="long note " * 600)
                   for n in range(40)]
    with store.write() as session:
        for guest_id in leaving:  # their overflow pages go to the free list
            session.delete(session.get(Guest, guest_id))
    store.close()
    return data_dir


def _guest_leaf(data_dir: Path, master_key: bytes, tmp_path: Path, rng: random.Random) -> int:
    leaves = [page for page, name, kind in pages_of(StorePaths(data_dir).db, master_key, tmp_path)
              if name == "guest" and kind == "table leaf"]
    return rng.choice(leaves)


def test_a_damaged_page_is_named_and_nothing_more_is_written_by_any_process(
        filled: Path, master_key: bytes, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    flip_page(StorePaths(filled).db, _guest_leaf(filled, master_key, tmp_path, rng), rng)
    before = store_hashes(filled)
    store = _open(filled, master_key)
    try:
        with pytest.raises(StoreDamaged) as err, store.read() as session:
            list(session.scalars(select(Guest.support_notes)))
        message = err.value.message
        assert message.startswith("The store is damaged (")
        assert "will not write anything more" in message
        assert f"safespace-desk restore BACKUP_FOLDER --data-dir {filled}" in message
        assert "--recovery-key-stdin" in message and "this is a bug" not in message
        # From now on every write is refused before it starts, whatever table it is for.
        with pytest.raises(StoreDamaged), store.write() as session:
            add_guest(session, "Synthetic Latecomer", START)
        assert store.read_only
    finally:
        store.close()
    assert health.load(filled).damage is not None, "the damage is recorded beside the store"
    other = _open(filled, master_key)  # another process (or the next start) knows at once
    try:
        assert other.read_only
        with pytest.raises(StoreDamaged, match="will not write anything more"), other.write():
            pass
    finally:
        other.close()
    assert store_hashes(filled) == before, f"seed {SEED}"


def test_sqlcipher_read_only_state_after_a_failed_page_is_damage_not_a_bug(
        filled: Path, master_key: bytes, tmp_path: Path) -> None:
    """After a page fails its HMAC, SQLCipher answers every write with "attempt to write a readonly
    database" (the issue's `report` said "this is a bug"): that is damage, in the same words."""
    rng = random.Random(SEED)
    flip_page(StorePaths(filled).db, _guest_leaf(filled, master_key, tmp_path, rng), rng)
    conn = connect_raw(StorePaths(filled).db, master_key)
    try:
        with pytest.raises(sqlcipher.DatabaseError, match="malformed"):
            conn.execute("SELECT max(length(support_notes)) FROM guest").fetchall()
        conn.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlcipher.OperationalError) as refused:
            conn.execute("INSERT INTO desk_setting (key, value) VALUES ('probe', 'x')")
        assert "readonly" in str(refused.value)
    finally:
        conn.close()
    typed = translate(refused.value, StorePaths(filled))
    assert isinstance(typed, StoreDamaged)
    assert "refuses to write" in typed.message


def test_the_full_check_finds_a_flipped_free_page_and_a_clean_check_clears_old_damage(
        filled: Path, master_key: bytes) -> None:
    db = StorePaths(filled).db
    assert check_pages(db, master_key, lambda: START).ok
    free = free_pages(db, master_key)
    assert free, "the fixture leaves free pages"
    health.record_damage(filled, "an earlier disk error", START)  # e.g. the USB stick was pulled out
    health.record_check(filled, check_pages(db, master_key, lambda: START))
    assert health.load(filled).damage is None, "a clean check of every page clears it"

    flip_page(db, free[len(free) // 2], random.Random(SEED))
    result = check_pages(db, master_key, lambda: START)
    assert not result.ok and result.bad_pages == (free[len(free) // 2],)
    assert f"page {free[len(free) // 2]}" in result.detail
    # Only the page HMACs find it: SQLite's own structure check never reads a free page.
    conn = connect_raw(db, master_key)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _crashed_with_five_commits(data_dir: Path, master_key: bytes, tmp_path: Path) -> Path:
    live = _open(data_dir, master_key)
    try:
        for n in range(5):
            with live.write() as session:
                add_guest(session, f"Synthetic Late {n}", START)
        return crash_copy(live, tmp_path / "crash")
    finally:
        live.close()


def _late_guests(data_dir: Path, master_key: bytes) -> list[str]:
    store = _open(data_dir, master_key)
    try:
        with store.read() as session:
            return sorted(session.scalars(select(Guest.preferred_name).where(
                Guest.preferred_name.like("Synthetic Late%"))))
    finally:
        store.close()


def test_a_damaged_committed_log_frame_is_named_never_silently_dropped(
        data_dir: Path, master_key: bytes, tmp_path: Path) -> None:
    crash = _crashed_with_five_commits(data_dir, master_key, tmp_path)
    paths = StorePaths(crash)
    second_commit = committed_frames(paths.wal)[1]
    flip_frame(paths.wal, second_commit - 1, random.Random(SEED))  # inside the second transaction
    before = store_hashes(crash) | {"shm": (crash / "store.db-shm").read_bytes().hex()}
    with pytest.raises(StoreDamaged) as err:
        _open(crash, master_key)
    assert "write-ahead log store.db-wal fails its checksum" in err.value.message
    assert "--accept-lost-log" in err.value.message
    assert store_hashes(crash) | {"shm": (crash / "store.db-shm").read_bytes().hex()} == before

    # A manager's decision keeps what came before the damage, and the log as it was.
    aside = accept_lost_log(paths.db, START)
    assert (aside / "store.db-wal").exists() and (aside / "store.db-shm").exists()
    assert _late_guests(crash, master_key) == ["Synthetic Late 0"]


def test_a_torn_last_transaction_after_a_crash_is_ordinary_recovery(
        data_dir: Path, master_key: bytes, tmp_path: Path) -> None:
    live = _open(data_dir, master_key)
    try:
        with live.write() as session:
            add_guest(session, "Synthetic Late 0", START)
        crash = crash_copy(live, tmp_path / "crash")
    finally:
        live.close()
    wal = StorePaths(crash).wal
    # A transaction whose frames never all reached the disk: written but not committed in the index.
    with open(wal, "ab") as fh:
        data = wal.read_bytes()
        fh.write(data[32:32 + 4120])
    assert check_log_files(StorePaths(crash).db) is None
    assert _late_guests(crash, master_key) == ["Synthetic Late 0"]


def test_a_missing_log_next_to_its_index_is_named_and_can_be_accepted(
        data_dir: Path, master_key: bytes, tmp_path: Path) -> None:
    crash = _crashed_with_five_commits(data_dir, master_key, tmp_path)
    paths = StorePaths(crash)
    paths.wal.unlink()  # e.g. a copy of the folder that left the log behind
    before = store_hashes(crash)
    with pytest.raises(LogMissing) as err:
        _open(crash, master_key)
    assert err.value.message.startswith("The store's log file (store.db-wal) is missing, but its index")
    assert "copy store.db-wal from there too" in err.value.message
    assert store_hashes(crash) == before and (crash / "store.db-shm").exists()

    aside = accept_lost_log(paths.db, START)
    assert (aside / "store.db-shm").exists() and not (crash / "store.db-shm").exists()
    assert _late_guests(crash, master_key) == []  # what only the log held is gone, and was said to be


def test_a_store_kept_busy_by_another_program_has_its_own_message(
        data_dir: Path, master_key: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    from safespace_desk.db import store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    store = _open(data_dir, master_key)
    other = connect_raw(StorePaths(data_dir).db, master_key)  # e.g. a database viewer mid-transaction
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreBusy) as err, store.write() as session:
            add_guest(session, "Synthetic Waiting", START)
        assert err.value.message.startswith("Another program kept the store busy")
        assert not store.read_only
    finally:
        other.execute("ROLLBACK")
        other.close()
        store.close()


def test_a_damaged_store_from_an_older_version_is_named_and_never_upgraded(
        data_dir: Path, master_key: bytes, tmp_path: Path) -> None:
    """Opening a store made by an older version upgrades it, which writes, before any command has
    checked its pages: a damaged one is named as damage and left exactly as it was instead."""
    from tests.db.test_migrations import PREDECESSOR, _new_store_at

    older = tmp_path / "older"
    store = _new_store_at(older, master_key, PREDECESSOR[migrate.head_revision()])
    with store.write() as session:
        for n in range(200):
            add_guest(session, f"Synthetic Guest {n}", START, support_notes="synthetic note " * 30)
    store.close()
    rng = random.Random(SEED)
    flip_page(StorePaths(older).db, _guest_leaf(older, master_key, tmp_path, rng), rng)
    before = store_hashes(older)

    with pytest.raises(StoreDamaged) as err:
        Store.open(older, master_key, None)
    assert "fails its checksum" in err.value.message and "restore" in err.value.message
    assert store_hashes(older) == before, "the damaged store was upgraded (written to)"
    assert health.load(older).damage is not None  # every later process is told, and writes nothing
    with pytest.raises(StoreDamaged):
        Store.open(older, master_key, None)
    assert store_hashes(older) == before


def test_the_retention_purge_meeting_damage_names_it_and_writes_nothing(
        store_with_data: Path, master_key: bytes, tmp_path: Path, clock: FixedClock) -> None:
    """The purge reads and deletes old rows across whole tables: a damaged page it meets is the one
    damage message, the store turns read-only, and the purge's work is not half written."""
    from safespace_desk.domain.retention import RetentionPolicy
    from safespace_desk.services import auth, data_rights
    from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
    from tests.support.damage import damage_store

    data_dir = damage_store("table page", store_with_data, tmp_path / "data", master_key, random.Random(SEED))
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        # A month's retention: the purge goes through the October visits, the damaged page among them.
        data_rights.set_retention_policy(desk, RetentionPolicy({"visits": 1}))
        before = store_hashes(data_dir)
        with pytest.raises(StoreDamaged) as err:
            data_rights.purge_expired(desk)
        assert "The store is damaged (" in err.value.message and "safespace-desk restore" in err.value.message
        assert desk.store.read_only and health.load(data_dir).damage is not None
        assert store_hashes(data_dir) == before, "the purge wrote to the damaged store"
        with pytest.raises(StoreDamaged):  # and nothing more is tried
            data_rights.purge_expired(desk)
    finally:
        desk.close()
