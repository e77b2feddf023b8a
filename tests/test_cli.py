"""The safespace-desk command, run in-process through cli.run with fake stdin/stdout and a fixed clock,
plus a few real subprocesses for what only a process shows (exit codes, no traceback, no Qt)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from safespace_desk import cli
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import auth
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD


class Run:
    """The outcome of one command."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(argv: list[str], clock: FixedClock, *, stdin: str = "", env: dict[str, str] | None = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(argv, cli.CliIO(io.StringIO(stdin), out, err, env or {}, clock, interactive=False,
                                   prompt=_no_prompt))
    return Run(code, out.getvalue(), err.getvalue())


def _no_prompt(label: str) -> str:
    raise AssertionError("the command prompted although stdin is not a terminal")


def manager(data_dir: Path, *args: str) -> list[str]:
    return ["--data-dir", str(data_dir), *args, "--as", MANAGER_NAME, "--password-stdin"]


def assert_one_plain_line(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("safespace-desk: ")
    assert "Traceback" not in err


# --- init ----------------------------------------------------------------------------------------


def test_init_with_password_stdin_creates_a_store_and_shows_the_recovery_key(tmp_path: Path,
                                                                           clock: FixedClock) -> None:
    folder = tmp_path / "new"
    result = run(["--data-dir", str(folder), "init", "--site", "Riverside Hub", "--timezone", "Europe/London",
                  "--manager", "Ana Manager", "--password-stdin"], clock, stdin="a long password here\n")
    assert result.code == 0, result.err
    assert StorePaths(folder).db.exists() and StorePaths(folder).keyslots.exists()
    assert "shown this once" in result.out
    key = next(line.strip() for line in result.out.splitlines() if line.count("-") == 7)
    # The printed key really is the recovery key, and the password really opens the store.
    assert len(auth.raw_key_hex(folder, key, clock)) == 64
    auth.sign_in(folder, "Ana Manager", "a long password here", clock).close()


def test_init_reads_the_environment_when_there_is_no_stdin_flag(tmp_path: Path, clock: FixedClock) -> None:
    result = run(["--data-dir", str(tmp_path / "d"), "init", "--site", "Hub", "--manager", "Bo Manager"],
                 clock, env={"SAFESPACE_PASSWORD": "another long password"})
    assert result.code == 0, result.err
    auth.sign_in(tmp_path / "d", "Bo Manager", "another long password", clock).close()


def test_init_refuses_a_folder_that_already_has_a_store(data_dir: Path, clock: FixedClock) -> None:
    before = StorePaths(data_dir).db.read_bytes()
    result = run(["--data-dir", str(data_dir), "init", "--site", "Hub", "--manager", "Someone Else",
                  "--password-stdin"], clock, stdin="yet another password\n")
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "already a store" in result.err
    assert StorePaths(data_dir).db.read_bytes() == before


def test_init_without_a_password_refuses_clearly_and_creates_nothing(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "empty"
    result = run(["--data-dir", str(folder), "init", "--site", "Hub", "--manager", "Ana"], clock)
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "--password-stdin" in result.err and "SAFESPACE_PASSWORD" in result.err
    assert not StorePaths(folder).exists()


def test_init_names_a_bad_field(tmp_path: Path, clock: FixedClock) -> None:
    result = run(["--data-dir", str(tmp_path / "d"), "init", "--site", "Hub", "--timezone", "Mars/Olympus",
                  "--manager", "Ana", "--password-stdin"], clock, stdin="a long password here\n")
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "time zone" in result.err


# --- staff ---------------------------------------------------------------------------------------


def test_staff_add_list_and_deactivate(data_dir: Path, clock: FixedClock) -> None:
    # The acting password is the first stdin line, the new account's the second.
    added = run(manager(data_dir, "staff", "add", "Siân Desk", "--role", "desk"), clock,
                stdin=f"{MANAGER_PASSWORD}\nnew desk password\n")
    assert added.code == 0, added.err
    auth.sign_in(data_dir, "sian desk", "new desk password", clock).close()

    # SAFESPACE_NEW_PASSWORD takes the new password instead of stdin.
    lead = run(manager(data_dir, "staff", "add", "Lee Lead", "--role", "lead"), clock,
               stdin=f"{MANAGER_PASSWORD}\n", env={"SAFESPACE_NEW_PASSWORD": "lead lantern quartz meadow 7"})
    assert lead.code == 0, lead.err

    listed = run(manager(data_dir, "staff", "list"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert listed.code == 0
    assert "Siân Desk" in listed.out and "Desk staff" in listed.out and "Lee Lead" in listed.out
    assert MANAGER_NAME in listed.out

    gone = run(manager(data_dir, "staff", "deactivate", "SIAN DESK"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert gone.code == 0, gone.err
    assert "key version 2" in gone.out  # leaving rotates the key
    listed = run(manager(data_dir, "staff", "list"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert "deactivated" in next(line for line in listed.out.splitlines() if "Siân Desk" in line)
    with pytest.raises(Exception, match="do not match"):
        auth.sign_in(data_dir, "Siân Desk", "new desk password", clock)


def test_staff_add_without_the_new_password_is_refused(data_dir: Path, clock: FixedClock) -> None:
    result = run(manager(data_dir, "staff", "add", "Kit", "--role", "desk"), clock,
                 stdin=f"{MANAGER_PASSWORD}\n")
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "SAFESPACE_NEW_PASSWORD" in result.err


def test_staff_commands_need_a_manager(data_dir: Path, clock: FixedClock) -> None:
    run(manager(data_dir, "staff", "add", "Dee Desk", "--role", "desk"), clock,
        stdin=f"{MANAGER_PASSWORD}\ndesk lantern quartz meadow 99\n")
    result = run(["--data-dir", str(data_dir), "staff", "list", "--as", "Dee Desk"], clock,
                 env={"SAFESPACE_PASSWORD": "desk lantern quartz meadow 99"})
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "cannot" in result.err


def test_wrong_password_and_unknown_account(data_dir: Path, clock: FixedClock) -> None:
    wrong = run(manager(data_dir, "staff", "list"), clock, stdin="not the password\n")
    assert wrong.code == 1
    assert_one_plain_line(wrong.err)
    missing = run(manager(data_dir, "staff", "deactivate", "Nobody Here"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert missing.code == 1
    assert "no staff account" in missing.err


def test_a_folder_without_a_store_is_named(tmp_path: Path, clock: FixedClock) -> None:
    result = run(manager(tmp_path / "nothing", "staff", "list"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert result.code == 1
    assert_one_plain_line(result.err)
    assert "no store" in result.err
    assert not (tmp_path / "nothing").exists()


# --- audit and key -------------------------------------------------------------------------------


def test_audit_verify_exit_codes(data_dir: Path, clock: FixedClock, recovery_key: str) -> None:
    ok = run(manager(data_dir, "audit", "verify"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert ok.code == 0, ok.err
    assert "intact" in ok.out

    # Someone with the raw key appends a forged entry with another tool: the chain shows it.
    raw = auth.raw_key_hex(data_dir, recovery_key, clock)
    conn = sqlcipher.connect(str(StorePaths(data_dir).db), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{raw}'\"")
    seq = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0] + 1
    conn.execute("INSERT INTO audit_log (seq, at, device_id, action, prev_hash, hash) "
                 "VALUES (?, '2026-11-24T12:00:00.000000Z', 'x', 'forged', 'bad', 'bad')", (seq,))
    conn.close()
    broken = run(manager(data_dir, "audit", "verify"), clock, stdin=f"{MANAGER_PASSWORD}\n")
    assert broken.code == 1
    assert "BROKEN" in broken.out and str(seq) in broken.out


def test_key_raw_opens_the_store_in_plain_sqlcipher(data_dir: Path, clock: FixedClock, recovery_key: str) -> None:
    result = run(["--data-dir", str(data_dir), "key", "raw", "--recovery-key-stdin"], clock,
                 stdin=recovery_key.lower() + "\n")
    assert result.code == 0, result.err
    raw = result.out.strip()
    assert len(raw) == 64 and int(raw, 16) >= 0
    assert "secret" in result.err or "anyone who has it" in result.err
    # Any SQLCipher 4 tool with default settings opens it with the raw key.
    conn = sqlcipher.connect(str(StorePaths(data_dir).db))
    conn.execute(f"PRAGMA key = \"x'{raw}'\"")
    assert conn.execute("SELECT name FROM staff").fetchall() == [(MANAGER_NAME,)]
    actions = [row[0] for row in conn.execute("SELECT action FROM audit_log ORDER BY seq")]
    conn.close()
    assert actions[-1] == "raw_key_exported"


def test_key_raw_with_a_wrong_recovery_key(data_dir: Path, clock: FixedClock) -> None:
    result = run(["--data-dir", str(data_dir), "key", "raw", "--recovery-key-stdin"], clock,
                 stdin="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\n")
    assert result.code == 1
    assert result.out == ""
    assert_one_plain_line(result.err)
    assert "recovery key" in result.err


def test_key_raw_without_the_key_does_not_wait_for_input(data_dir: Path, clock: FixedClock) -> None:
    result = run(["--data-dir", str(data_dir), "key", "raw"], clock)
    assert result.code == 1
    assert "--recovery-key-stdin" in result.err


# --- parsing -------------------------------------------------------------------------------------


def test_usage_errors_exit_2_and_help_exits_0(clock: FixedClock) -> None:
    bad = run(["staff", "frobnicate"], clock)
    assert bad.code == 2 and "invalid choice" in bad.err and "staff --help" in bad.err
    assert_one_plain_line(bad.err)
    helped = run(["--help"], clock)
    assert helped.code == 0 and "init" in helped.out and "demo" in helped.out


def test_data_dir_may_follow_the_subcommand(data_dir: Path, clock: FixedClock) -> None:
    result = run(["staff", "list", "--data-dir", str(data_dir), "--as", MANAGER_NAME], clock,
                 env={"SAFESPACE_PASSWORD": MANAGER_PASSWORD})
    assert result.code == 0, result.err


def test_the_default_data_dir_is_the_platform_user_data_folder() -> None:
    assert cli.default_data_dir().name == "SafeSpace Desk"


# --- as a real process ---------------------------------------------------------------------------


def _process(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFESPACE_") or k == "SAFESPACE_TEST_ARGON2"}
    return subprocess.run([sys.executable, "-m", "safespace_desk", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120, cwd=Path(__file__).resolve().parents[1])


def test_missing_password_in_a_real_process_is_one_line_without_traceback(data_dir: Path) -> None:
    done = _process(["--data-dir", str(data_dir), "audit", "verify", "--as", MANAGER_NAME])
    assert done.returncode == 1
    assert done.stdout == ""
    assert_one_plain_line(done.stderr)


def test_admin_commands_never_load_qt(data_dir: Path) -> None:
    code = ("import sys\nfrom safespace_desk.cli import main\n"
            f"rc = main(['--data-dir', {str(data_dir)!r}, 'audit', 'verify', '--as', {MANAGER_NAME!r}, "
            "'--password-stdin'])\n"
            "print(rc, any(m.startswith('PySide6') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], input=MANAGER_PASSWORD + "\n", capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.split()[-2:] == ["0", "False"], done.stderr
