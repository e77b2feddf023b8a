"""The store is a standard SQLCipher 4 file: with the raw key from ``key raw`` it opens in an
implementation that shares no code with SQLCipher (tests/support/sqlcipher4.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from safespace_desk.db import migrate
from safespace_desk.db.store import PAGE_SIZE, StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME
from tests.support.sqlcipher4 import HmacMismatch, decrypt_file, open_plain_copy
from tests.support.stores import add_guest

GUEST_NAME = "Zyxwvut Plantedname"


def test_key_raw_opens_the_store_in_an_independent_reader(desk: DeskContext, data_dir: Path,
                                                           recovery_key: str, clock: FixedClock,
                                                           tmp_path: Path) -> None:
    with desk.store.write() as session:
        guest_id = add_guest(session, GUEST_NAME, clock.now(), support_notes="synthetic")
    desk.close()
    key = bytes.fromhex(auth.raw_key_hex(data_dir, recovery_key, clock))
    assert len(key) == 32
    # raw_key_hex closed the store, which checkpoints the log: store.db alone has everything.
    assert not StorePaths(data_dir).wal.exists()

    with open_plain_copy(StorePaths(data_dir).db, key, tmp_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT name, role, active FROM staff").fetchall() == [
            (MANAGER_NAME, "manager", 1)]
        assert conn.execute("SELECT preferred_name, support_notes FROM guest WHERE id = ?",
                            (guest_id,)).fetchall() == [(GUEST_NAME, "synthetic")]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (migrate.head_revision(),)]
        # Exporting the key is itself audited, and that entry is in the file too.
        last = conn.execute("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        assert last == ("raw_key_exported",)


# (page, offset in the page): the salt, page 1's ciphertext, and another page's ciphertext,
# IV and HMAC. Page 1's salt feeds the HMAC key, so changing it fails page 1.
FLIPS = [(1, 3), (1, 200), (2, 10), (2, PAGE_SIZE - 70), (2, PAGE_SIZE - 1), (5, 2048)]


@pytest.mark.parametrize(("page", "offset"), FLIPS)
def test_a_single_flipped_byte_fails_that_pages_hmac(data_dir: Path, master_key: bytes,
                                                      page: int, offset: int) -> None:
    db = StorePaths(data_dir).db
    decrypt_file(db, master_key)  # the untouched file authenticates
    data = bytearray(db.read_bytes())
    data[(page - 1) * PAGE_SIZE + offset] ^= 0x01
    db.write_bytes(bytes(data))
    with pytest.raises(HmacMismatch) as err:
        decrypt_file(db, master_key)
    assert err.value.page == page


def test_the_wrong_key_fails_on_page_one(data_dir: Path) -> None:
    with pytest.raises(HmacMismatch) as err:
        decrypt_file(StorePaths(data_dir).db, os.urandom(32))
    assert err.value.page == 1
