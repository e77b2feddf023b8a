"""Two writers on one store, each in its own process: one waits for the other's write lock and then
applies the rules to what the other wrote. The 16th place goes to exactly one of two desks; the
command line writes (an import, a backup) while a desk is open and writing; nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from safespace_desk.db.backup import list_backups, verify_backup
from safespace_desk.db.desk_lock import desk_lock
from safespace_desk.db.store import StorePaths, connect_raw
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth, visits
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD
from tests.services.frontdesk_helpers import add

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "support" / "service_child.py"


@contextmanager
def _child(data_dir: Path, key: bytes, staff_id: str, action: str, arg: str) -> Iterator[subprocess.Popen[str]]:
    read, write = os.pipe()
    os.write(write, key.hex().encode())
    os.close(write)
    proc = subprocess.Popen([sys.executable, str(CHILD), str(data_dir), str(read), staff_id, action, arg],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            pass_fds=(read,), cwd=ROOT)
    os.close(read)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY", proc.stderr.read() if proc.stderr else ""
        yield proc
    finally:
        proc.kill() if proc.poll() is None else None
        proc.wait(timeout=30)


def _go(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()


def _answer(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    proc.wait(timeout=30)
    return line


def test_a_writer_waits_for_the_other_then_both_are_kept(desk: DeskContext, data_dir: Path, master_key: bytes,
                                                           manager_id: str) -> None:
    guest = add(desk, "Synthetic Wren")
    with _child(data_dir, master_key, manager_id, "hold", "1.0") as holder:
        _go(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HOLDING"
        started = time.monotonic()
        visits.sign_in(desk, guest, "self")  # waits for the other process's transaction to end
        waited = time.monotonic() - started
        assert _answer(holder) == "OK"
    assert waited >= 0.5, "the write lock was held by the other process, so this one waited"
    names = {row[0] for row in desk.store.raw_connection_sql("SELECT preferred_name FROM guest")}
    assert "Synthetic Holder" in names
    assert len(visits.who_is_in(desk)) == 1


def test_two_desks_taking_the_16th_place_at_once_one_gets_it(desk: DeskContext, data_dir: Path,
                                                              master_key: bytes, manager_id: str) -> None:
    for n in range(15):
        visits.sign_in(desk, add(desk, f"Synthetic Guest {n}"), "self")
    first, second = add(desk, "Synthetic Ash"), add(desk, "Synthetic Bea")
    gate = connect_raw(StorePaths(data_dir).db, master_key)  # holds both back until they are both waiting
    try:
        with _child(data_dir, master_key, manager_id, "sign_in", first) as a, \
                _child(data_dir, master_key, manager_id, "sign_in", second) as b:
            gate.execute("BEGIN IMMEDIATE")
            _go(a)
            _go(b)
            time.sleep(0.5)
            gate.execute("ROLLBACK")
            answers = sorted([_answer(a), _answer(b)])
    finally:
        gate.close()
    assert answers[0] == "OK", answers
    assert answers[1].startswith("REFUSED The hub is full: 16 of 16 places in use"), answers
    assert len(visits.who_is_in(desk)) == 16


def _cli(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFESPACE_") or k == "SAFESPACE_TEST_ARGON2"}
    env["SAFESPACE_PASSWORD"] = MANAGER_PASSWORD
    return subprocess.Popen([sys.executable, "-m", "safespace_desk", *args, "--data-dir", str(data_dir),
                             "--as", MANAGER_NAME], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


def test_the_command_line_writes_while_the_desk_is_open_and_writing(
        data_dir: Path, clock: FixedClock, tmp_path: Path, master_key: bytes) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("name,date,time_in,time_out,arrived_via\n" + "".join(
        f"Synthetic Import {n},2026-10-{1 + n % 28:02d},10:00,12:00,self\n" for n in range(120)))
    with desk_lock(data_dir, exclusive=False):  # as the desk window holds it
        desk = auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock)
        try:
            commands = [_cli(data_dir, "import", "visits", str(sheet)),
                        _cli(data_dir, "backup", "--to", str(tmp_path / "usb"))]
            signed = 0
            while any(c.poll() is None for c in commands):  # the desk goes on signing people in
                result = visits.sign_in(desk, add(desk, f"Synthetic Walk-in {signed}"), "self")
                visits.sign_out(desk, result.visit_id)
                signed += 1
            outputs = [c.communicate(timeout=60) for c in commands]
            assert [c.returncode for c in commands] == [0, 0], outputs
            assert "Imported 120 visits" in outputs[0][0]
            assert signed > 0
            walk_ins = desk.store.raw_connection_sql(
                "SELECT count(*) FROM guest WHERE preferred_name LIKE 'Synthetic Walk-in%'")
            assert walk_ins == [(signed,)]
            imported = desk.store.raw_connection_sql("SELECT count(*) FROM imported_visit")
            assert imported == [(120,)]
        finally:
            desk.close()
    [backup] = list_backups(tmp_path / "usb")
    verify_backup(backup.path, master_key)
