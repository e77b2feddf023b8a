"""Starting the desk window on a machine that cannot show it: one clear message, the one apt-get line
that fixes it, and no lock file left in the data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from safespace_desk.db.desk_lock import LOCK_NAME, desk_lock
from safespace_desk.desktop_check import check_desktop, find_problems

LDD_MISSING = """\tlinux-vdso.so.1 (0x00007f387335b000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f38731fd000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-cursor.so.0 => not found
\tlibfoo-unknown.so.3 => not found
"""


def _plugin(tmp_path: Path) -> Path:
    (tmp_path / "libqxcb.so").write_bytes(b"")
    return tmp_path


def test_missing_libraries_are_named_with_the_one_line_that_installs_them(tmp_path: Path) -> None:
    problems = find_problems({"DISPLAY": ":0"}, plugins=_plugin(tmp_path), run=lambda _cmd: LDD_MISSING)
    assert len(problems) == 1
    assert problems[0].packages == ("libxcb-cursor0", "libxcb-icccm4")
    assert "libfoo-unknown.so.3" in problems[0].message
    message = check_desktop({"DISPLAY": ":0"}, is_root=False,
                            find=lambda env: find_problems(env, plugins=tmp_path, run=lambda _c: LDD_MISSING))
    assert message is not None
    assert message.splitlines()[-1].strip() == "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4"


def test_as_root_the_packages_are_installed_and_the_check_repeated(tmp_path: Path) -> None:
    installed: list[Sequence[str]] = []
    answers = iter([LDD_MISSING, "\tlibGL.so.1 => /lib/libGL.so.1\n"])
    plugin = _plugin(tmp_path)

    def find(env: object) -> list:  # type: ignore[type-arg]
        output = next(answers)
        return find_problems({"DISPLAY": ":0"}, plugins=plugin, run=lambda _c: output)

    def install(packages: Sequence[str]) -> bool:
        installed.append(packages)
        return True

    assert check_desktop({"DISPLAY": ":0"}, is_root=True, install=install, find=find) is None
    assert installed == [["libxcb-cursor0", "libxcb-icccm4"]]


def test_no_display_is_said_before_qt_starts_and_no_lock_is_left(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["SAFESPACE_INSTALL_SYSTEM_PACKAGES"] = "0"
    data_dir = tmp_path / "data"
    done = subprocess.run([sys.executable, "-m", "safespace_desk", "--data-dir", str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "There is no display" in done.stderr and "xvfb-run -a make run" in done.stderr
    assert "Traceback" not in done.stderr and "qt.qpa" not in done.stderr
    assert not (data_dir / LOCK_NAME).exists()


def test_a_closed_desk_removes_its_lock_unless_another_still_holds_it(tmp_path: Path) -> None:
    with desk_lock(tmp_path, exclusive=False, remove_when_last=True):
        with desk_lock(tmp_path, exclusive=False, remove_when_last=True):
            assert (tmp_path / LOCK_NAME).exists()
        assert (tmp_path / LOCK_NAME).exists()  # the first window is still open
    assert not (tmp_path / LOCK_NAME).exists()
