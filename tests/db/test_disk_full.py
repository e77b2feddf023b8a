"""A full disk gives DiskFull, and a unit of work is then all or nothing: no audit entry or outbox
operation survives without the change it describes, and the key-slot file is never half written."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from safespace_desk.db.errors import DiskFull
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import Store, StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import audit, auth, staff
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support.stores import add_guest_unit, as_manager, salt_of

BIG_NOTE = "synthetic support note that needs many overflow pages. " * 4000  # ~220 kB


def _counts(store: Store) -> dict[str, int]:
    return {table: store.raw_connection_sql(f"SELECT count(*) FROM {table}")[0][0]
            for table in ("guest", "audit_log", "outbox", "staff")}


def _assert_clean(store: Store) -> None:
    assert store.raw_connection_sql("PRAGMA integrity_check") == [("ok",)]
    assert store.raw_connection_sql("PRAGMA cipher_integrity_check") == []


def test_disk_full_part_way_through_a_unit_of_work_rolls_back_audit_and_outbox(
        desk: DeskContext, data_dir: Path, master_key: bytes, manager_id: str) -> None:
    """SQLITE_FULL simulated with max_page_count: runs everywhere, no privileges needed."""
    before = _counts(desk.store)
    with pytest.raises(DiskFull), desk.unit_of_work() as uow:
        conn = uow.session.connection()
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        # Audit and outbox first, the large change last: they are flushed before it, so only the
        # transaction can keep them from outliving the change that fails.
        uow.audit("guest_created", "guest", "not-yet-written")
        uow.outbox("guest.create", guest_id="not-yet-written")
        uow.session.flush()
        add_guest_unit(uow, "Synthetic Overflow", support_notes=BIG_NOTE)
    # The pooled connection keeps its page limit; start again from the files, as after a restart.
    desk.close()
    store = Store.open(data_dir, master_key, salt_of(data_dir))
    try:
        assert _counts(store) == before
        _assert_clean(store)
        reopened = as_manager(DeskContext(store=store, keyslots=desk.keyslots, master_key=master_key,
                                          clock=desk.clock, device_id=desk.device_id), manager_id)
        assert audit.verify_chain(reopened).ok
    finally:
        store.close()


def test_keyslot_file_write_on_a_full_disk_keeps_the_previous_file(data_dir: Path) -> None:
    # /dev/full answers every write with ENOSPC. Putting it where atomic_write_bytes writes its
    # temporary file makes the OS, not a mock, report a full disk.
    path = StorePaths(data_dir).keyslots
    before = path.read_bytes()
    tmp = path.with_name(path.name + ".tmp")
    tmp.symlink_to("/dev/full")
    with pytest.raises(DiskFull):
        KeySlots.load(path).save(path)
    assert path.read_bytes() == before
    assert not tmp.is_symlink() and not tmp.exists(), "the temporary file is cleaned up"


def test_adding_staff_on_a_full_disk_changes_neither_database_nor_key_slots(desk: DeskContext) -> None:
    path = desk.store.paths.keyslots
    before_file = path.read_bytes()
    before_counts = _counts(desk.store)
    path.with_name(path.name + ".tmp").symlink_to("/dev/full")
    with pytest.raises(DiskFull):
        staff.add_staff(desk, name="Synthetic Newstarter", role="desk", password="a long walk by the river")
    assert path.read_bytes() == before_file
    assert desk.keyslots.to_json() == before_file
    assert _counts(desk.store) == before_counts
    # Space again: the same action now works, so nothing was left in a stuck state.
    staff.add_staff(desk, name="Synthetic Newstarter", role="desk", password="a long walk by the river")
    assert _counts(desk.store)["staff"] == before_counts["staff"] + 1


# --- a real full file system (needs root and mount; skipped where not permitted) ---------------


@pytest.fixture
def small_tmpfs(tmp_path: Path, data_dir: Path) -> Iterator[Path]:
    """A tmpfs only a little larger than the store, holding a copy of it."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    used = sum(p.stat().st_size for p in data_dir.iterdir())
    size_kib = used // 1024 + 640
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=700", "tmpfs",
                             str(mount_point)], capture_output=True)
    if result.returncode != 0:
        if os.environ.get("CI", "").lower() == "true":  # CI runs as root: the real full disk must run there
            pytest.fail(f"CI could not mount a small tmpfs: {result.stderr.decode(errors='replace').strip()}")
        pytest.skip("mounting a small tmpfs is not permitted here (the max_page_count test still runs)")
    try:
        shutil.copytree(data_dir, mount_point / "data")
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def test_real_full_file_system(small_tmpfs: Path, master_key: bytes, manager_id: str,
                               clock: FixedClock) -> None:
    data_dir = small_tmpfs / "data"
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    committed: list[str] = []
    try:
        with pytest.raises(DiskFull):  # the loop runs until the disk fills
            for n in range(1000):
                with desk.unit_of_work() as uow:
                    guest_id = add_guest_unit(uow, f"Synthetic Filler {n}", support_notes=BIG_NOTE[:60_000])
                committed.append(guest_id)
        assert committed, "the disk should have had room for some records first"
        slots_before = desk.store.paths.keyslots.read_bytes()
        with pytest.raises(DiskFull):
            staff.add_staff(desk, name="Synthetic Latestarter", role="desk", password="a long walk by the river")
        assert desk.store.paths.keyslots.read_bytes() == slots_before
    finally:
        desk.close()  # its checkpoint may fail for want of space: the log is kept, nothing is lost

    # Give the file system room again and check what survived, as after freeing space.
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_tmpfs)], check=True)
    store = Store.open(data_dir, master_key, salt_of(data_dir))
    try:
        stored = {row[0] for row in store.raw_connection_sql("SELECT id FROM guest")}
        assert stored == set(committed)
        audited = {row[0] for row in store.raw_connection_sql(
            "SELECT entity_id FROM audit_log WHERE action = 'guest_created'")}
        assert audited == stored
        outbox = store.raw_connection_sql("SELECT count(*) FROM outbox WHERE op = 'guest.create'")
        assert outbox == [(len(committed),)]
        assert "Synthetic Latestarter" not in {row[0] for row in store.raw_connection_sql(
            "SELECT name FROM staff")}
        _assert_clean(store)
        reopened = as_manager(DeskContext(store=store, keyslots=KeySlots.load(store.paths.keyslots),
                                          master_key=master_key, clock=clock, device_id="check"),
                              manager_id)
        assert audit.verify_chain(reopened).ok
    finally:
        store.close()
