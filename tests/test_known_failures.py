"""Every known failure has its own plain message and exit code 1, never "this is a bug": a full disk,
permission denied, a data folder that vanished (a removed USB stick), and a desk that was killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from safespace_desk.db.desk_lock import LOCK_NAME, desk_lock
from safespace_desk.db.errors import DataFolderGone
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth, integrity
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.support.damage import store_hashes
from tests.support.stores import add_guest_unit
from tests.test_cli import assert_one_plain_line, manager, run

ROOT = Path(__file__).resolve().parents[1]


def test_a_full_disk_is_named(data_dir: Path, clock: FixedClock, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    # /dev/full answers every write with ENOSPC: the OS, not a mock, says the disk is full.
    (tmp_path / "report.csv.tmp").symlink_to("/dev/full")
    result = run(manager(data_dir, "report", "--out", str(out)), clock, stdin=MANAGER_PASSWORD + "\n")
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "The disk is full, so nothing was saved" in result.err
    assert "bug" not in result.err and not out.exists()


def _without_file_permission_override() -> list[str]:
    """Root may write anywhere; drop that power (as an ordinary desk account never has it)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv (util-linux) is needed to test permission denied as root")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def test_permission_denied_is_named(data_dir: Path) -> None:
    for path in data_dir.iterdir():
        path.chmod(0o400)
    data_dir.chmod(0o500)
    before = store_hashes(data_dir)
    try:
        done = subprocess.run(
            [*_without_file_permission_override(), sys.executable, "-m", "safespace_desk", "--data-dir",
             str(data_dir), "staff", "list", "--as", MANAGER_NAME, "--password-stdin"],
            input=MANAGER_PASSWORD + "\n", capture_output=True, text=True, timeout=120, cwd=ROOT,
            env={k: v for k, v in os.environ.items() if not k.startswith("SAFESPACE_") or k == "SAFESPACE_TEST_ARGON2"})
    finally:
        data_dir.chmod(0o700)
    assert done.returncode == 1, done.stdout + done.stderr
    assert_one_plain_line(done.stderr)
    assert f"SafeSpace Desk is not allowed to write to {data_dir}" in done.stderr
    assert "permission denied" in done.stderr and "bug" not in done.stderr
    assert store_hashes(data_dir) == before


def test_a_data_folder_that_vanishes_under_the_desk_is_named(data_dir: Path, clock: FixedClock,
                                                             tmp_path: Path) -> None:
    """The USB stick holding the data folder is pulled out while the desk is open. SQLite would go on
    writing into the files it has open (and lose it all); the desk stops and says where the folder
    was, and the daily check (a new connection) says the same, not "this is a bug"."""
    desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
    try:
        data_dir.rename(tmp_path / "stick-elsewhere")  # the mount point is gone from under the desk
        with pytest.raises(DataFolderGone) as err, desk.unit_of_work() as uow:
            add_guest_unit(uow, "Synthetic Arrival")
        assert err.value.message.startswith(f"The data folder {data_dir} cannot be reached")
        assert not desk.store.read_only, "a missing folder is not damage: put the stick back and go on"
        with pytest.raises(DataFolderGone):
            integrity.check_store(desk)
    finally:
        desk.close()


_HOLD_THE_DESK = """
import sys, time
from pathlib import Path
from safespace_desk.db.desk_lock import desk_lock
with desk_lock(Path(sys.argv[1]), exclusive=False):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_desk_killed_mid_shift_never_blocks_the_next_start_and_is_named(data_dir: Path) -> None:
    desk = subprocess.Popen([sys.executable, "-c", _HOLD_THE_DESK, str(data_dir)], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    try:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "held"
        with pytest.raises(Exception, match="desk window is open"), desk_lock(data_dir, exclusive=True):
            pass  # while it runs, a restore must wait
    finally:
        os.kill(desk.pid, signal.SIGKILL)
        desk.wait(timeout=10)
    assert (data_dir / LOCK_NAME).read_text().startswith(f"pid={desk.pid} ")

    with desk_lock(data_dir, exclusive=True) as stale:  # a restore is not blocked by the dead desk
        assert stale is not None and stale.pid == desk.pid and stale.process_gone
    with desk_lock(data_dir, exclusive=False) as stale:  # nor is the next desk: it says what happened
        assert stale is not None and stale.process_gone
        assert stale.describe().startswith("SafeSpace Desk did not close properly last time")
        assert "is no longer running" in stale.describe()
    with desk_lock(data_dir, exclusive=False) as stale:  # that desk closed properly
        assert stale is None


def test_a_manager_keeps_what_a_broken_log_still_holds(store_with_data: Path, master_key: bytes,
                                                       clock: FixedClock, tmp_path: Path) -> None:
    import random

    from tests.support.damage import SEED, damage_store

    data_dir = damage_store("log frame", store_with_data, tmp_path / "data", master_key, random.Random(SEED))
    refused = run(manager(data_dir, "check"), clock, stdin=MANAGER_PASSWORD + "\n")
    assert refused.code == 1 and "--accept-lost-log" in refused.err
    kept = run(manager(data_dir, "check", "--accept-lost-log"), clock, stdin=MANAGER_PASSWORD + "\n")
    assert kept.code == 0, kept.err
    assert "Pages: all" in kept.out and "lost-log-" in kept.out
    [aside] = [p for p in data_dir.iterdir() if p.name.startswith("lost-log-")]
    assert (aside / "store.db-wal").exists()  # the log as it was, for a specialist
    listed = run(manager(data_dir, "staff", "list"), clock, stdin=MANAGER_PASSWORD + "\n")
    assert listed.code == 0 and MANAGER_NAME in listed.out
    actions = [row[0] for row in _audit_actions(data_dir, master_key)]
    assert "lost_log_accepted" in actions


def _audit_actions(data_dir: Path, key: bytes) -> list[tuple[str]]:
    from safespace_desk.db.store import Store
    from tests.support.stores import salt_of

    store = Store.open(data_dir, key, salt_of(data_dir))
    try:
        return [tuple(r) for r in store.raw_connection_sql("SELECT action FROM audit_log")]
    finally:
        store.close()
