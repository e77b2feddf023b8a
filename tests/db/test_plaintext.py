"""Nothing personal is ever on disk in plain: not in store.db, not in its -wal, not in the key slots."""

from __future__ import annotations

import json
from pathlib import Path

from safespace_desk.db.store import StorePaths
from safespace_desk.services import staff
from safespace_desk.services.context import DeskContext
from tests.support.sqlcipher4 import decrypt_file
from tests.support.stores import add_guest, contains_text

GUEST_NAME = "Zyxwvut Plantedname"
GUEST_NOTE = "Plantednote Vwxyzzy"
STAFF_NAME = "Qwertzuiop Stafftest"


def _store_files(paths: StorePaths) -> dict[str, bytes]:
    """store.db and everything SQLite keeps beside it (-wal, -shm), whatever exists now."""
    return {p.name: p.read_bytes() for p in sorted(paths.data_dir.glob("store.db*"))}


def test_planted_names_never_reach_the_disk_in_plain(desk: DeskContext, data_dir: Path,
                                                    master_key: bytes) -> None:
    paths = StorePaths(data_dir)
    with desk.store.write() as session:
        add_guest(session, GUEST_NAME, desk.clock.now(), support_notes=GUEST_NOTE)
    staff.add_staff(desk, name=STAFF_NAME, role="desk", password="a long enough password")

    # Still open: the new rows live in the write-ahead log, not yet in store.db.
    assert paths.wal.exists() and paths.wal.stat().st_size > 0
    open_files = _store_files(paths)
    assert {"store.db", "store.db-wal"} <= open_files.keys()
    for name, data in open_files.items():
        for needle in (GUEST_NAME, GUEST_NOTE, STAFF_NAME):
            assert not contains_text(data, needle), f"{needle!r} in plain in {name} (store open)"

    desk.close()
    closed_files = _store_files(paths)
    assert list(closed_files) == ["store.db"], "closing should checkpoint and remove the WAL"
    for needle in (GUEST_NAME, GUEST_NOTE, STAFF_NAME):
        assert not contains_text(closed_files["store.db"], needle)
    assert not closed_files["store.db"].startswith(b"SQLite format 3\x00")

    # The staff login is in the key slots by design (it picks the slot); guests never are.
    slots_file = paths.keyslots.read_bytes()
    assert not contains_text(slots_file, GUEST_NAME)
    assert not contains_text(slots_file, GUEST_NOTE)

    # The search itself works: decrypted, the same bytes do contain the names. Without this the
    # checks above could pass because the rows were never written at all.
    plain = decrypt_file(paths.db, master_key)
    assert contains_text(plain, GUEST_NAME) and contains_text(plain, STAFF_NAME)


def test_a_new_store_has_no_sqlite_header(data_dir: Path) -> None:
    head = StorePaths(data_dir).db.read_bytes()[:16]
    assert head != b"SQLite format 3\x00"
    # The first 16 bytes are SQLCipher's random salt, recorded in the key slots to pair the files.
    assert head.hex() == json.loads(StorePaths(data_dir).keyslots.read_bytes())["store_salt"]
