"""Damaging a store's files the way a failing disk or a bad copy does, for the damage tests.

Pages are chosen by what they hold: the store is decrypted with the independent reader
(tests/support/sqlcipher4.py) and the plain copy's ``dbstat`` table names each page's B-tree and
kind, so a test can flip bytes in "a leaf of the visit table" or "a page of an index".
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import struct
from contextlib import closing
from pathlib import Path

from safespace_desk.db.store import PAGE_SIZE, Store, StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth, importer
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.stores import salt_of

WAL_HEADER = 32
FRAME = 24 + PAGE_SIZE
DAMAGE_KINDS = ("table page", "index page", "log frame")
SEED = random.randrange(1_000_000)  # printed by the tests that use it: a failure can be repeated
VISITS = 199


def pages_of(db: Path, key: bytes, workdir: Path) -> list[tuple[int, str, str]]:
    """(page number, B-tree name, kind) for every page in use; kind is 'leaf', 'internal' or 'overflow'."""
    from tests.support.sqlcipher4 import decrypt_file

    plain = workdir / "pages.plain"
    plain.write_bytes(decrypt_file(db, key))
    try:
        with closing(sqlite3.connect(plain)) as conn:
            rows = conn.execute("SELECT pageno, name, pagetype FROM dbstat").fetchall()
            kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    finally:
        plain.unlink()
    return [(page, name, kinds.get(name, "table") + " " + kind) for page, name, kind in rows]


def free_pages(db: Path, key: bytes) -> list[int]:
    """Leaf pages of the free list: SQLite's own checks never read their content (only the trunks)."""
    from tests.support.sqlcipher4 import decrypt_file

    image = decrypt_file(db, key)
    pages, trunk = [], int.from_bytes(image[32:36], "big")
    while trunk:
        page = image[(trunk - 1) * PAGE_SIZE:trunk * PAGE_SIZE]
        count = int.from_bytes(page[4:8], "big")
        pages += [int.from_bytes(page[8 + 4 * i:12 + 4 * i], "big") for i in range(count)]
        trunk = int.from_bytes(page[0:4], "big")
    return pages


def flip_page(db: Path, page: int, rng: random.Random, count: int = 64) -> None:
    """XOR ``count`` bytes in the middle of ``page`` (its data area, before the IV and HMAC)."""
    data = bytearray(db.read_bytes())
    start = (page - 1) * PAGE_SIZE + rng.randrange(100, PAGE_SIZE - 80 - count)
    for i in range(count):
        data[start + i] ^= rng.randrange(1, 256)
    db.write_bytes(bytes(data))


def committed_frames(wal: Path) -> list[int]:
    """Indexes (from 0) of the commit frames in a write-ahead log."""
    data = wal.read_bytes()
    return [n for n in range((len(data) - WAL_HEADER) // FRAME)
            if struct.unpack_from(">I", data, WAL_HEADER + n * FRAME + 4)[0]]


def flip_frame(wal: Path, frame: int, rng: random.Random) -> None:
    data = bytearray(wal.read_bytes())
    start = WAL_HEADER + frame * FRAME + 24 + rng.randrange(0, PAGE_SIZE - 64)
    for i in range(16):
        data[start + i] ^= 0xA5
    wal.write_bytes(bytes(data))


def crash_copy(live: Store, target: Path) -> Path:
    """The data folder as a crash would leave it: store.db, its -wal and -shm, copied while open."""
    shutil.copytree(live.paths.data_dir, target)
    assert StorePaths(target).wal.stat().st_size > WAL_HEADER
    return target


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def store_hashes(data_dir: Path) -> dict[str, str]:
    """The files that hold saved work: equal before and after means nothing was written."""
    return {name: sha(data_dir / name) for name in ("store.db", "store.db-wal", "keyslots.json")}


def sign_in_sheet(rows: int) -> str:
    lines = ["name,date,time_in,time_out,arrived_via"]
    for n in range(rows):
        lines.append(f"Synthetic Guest {n % 60},2026-10-{1 + n % 28:02d},{8 + n % 10:02d}:15,{19 - n % 5}:40,self")
    return "\n".join(lines) + "\n"


def build_store_with_data(template: Path, folder: Path) -> Path:
    """A copy of the template store with imported visits (the issue's 199), for damaging."""
    shutil.copytree(template, folder)
    desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
    try:
        report = importer.import_visits(desk, sign_in_sheet(VISITS).encode(), mapping={}, dry_run=False)
        assert not report.errors
    finally:
        desk.close()
    return folder


def damage_store(kind: str, source: Path, target: Path, key: bytes, rng: random.Random) -> Path:
    """A copy of ``source`` with bytes flipped in a random page of ``kind`` (see DAMAGE_KINDS): a leaf
    of the visit table, a page of an index, or a committed frame of the write-ahead log (in a copy
    taken as a crash would leave it). Returns the damaged data folder."""
    shutil.copytree(source, target)
    db = StorePaths(target).db
    if kind == "log frame":
        store = Store.open(target, key, salt_of(target))
        try:
            desk = auth.sign_in(target, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
            try:
                sheet = sign_in_sheet(40).replace("2026-10", "2026-09")
                importer.import_visits(desk, sheet.encode(), mapping={}, dry_run=False)
                crashed = crash_copy(store, target.parent / "crashed")
            finally:
                desk.close()
        finally:
            store.close()
        wal = StorePaths(crashed).wal
        flip_frame(wal, rng.choice(committed_frames(wal)[:-1]), rng)  # a frame of a saved transaction
        return crashed
    pages = pages_of(db, key, target.parent)
    if kind == "index page":
        wanted = [p for p, _name, what in pages if what.startswith("index")]
    else:
        wanted = [p for p, name, what in pages if name == "visit" and what == "table leaf"]
    flip_page(db, rng.choice(wanted), rng)
    return target
