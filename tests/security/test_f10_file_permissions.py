"""Issue 14, finding 10: restore and backups kept 0644 files (``copy2``, SQLite's default), backup
folders were 0755, a data folder made loose (by hand, another program, an old version) was never
tightened, and subject-access exports were written with the default permissions.

Now every copy of the store and every export of a guest's data is readable by the desk's own OS
account only: files 0600, folders 0700. (On Windows these bits mean nothing; the folder's ACL does.)"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import auth, backups, guests
from safespace_desk.services.context import DeskContext
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The usual desktop umask (022): what the program does not set itself comes out 0644/0755."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(folder: Path) -> None:
    """``folder`` and everything under it: folders 0700, files 0600."""
    assert mode(folder) == 0o700, folder
    for path in folder.rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode(path))}"


def test_a_backup_is_private_down_to_its_folder(desk: DeskContext, tmp_path: Path) -> None:
    backups.configure_backups(desk, tmp_path / "stick" / "backups")
    info = backups.run_backup(desk)
    assert_private(tmp_path / "stick" / "backups")
    assert (info.path / "store.db").exists() and (info.path / "manifest.json").exists()


def test_a_restored_store_and_the_one_it_replaced_are_private(desk: DeskContext, data_dir: Path,
                                                               tmp_path: Path, clock: FixedClock) -> None:
    info = backups.run_backup(desk, tmp_path / "usb")
    desk.close()
    os.chmod(info.path / "store.db", 0o644)  # e.g. a backup copied by hand
    result = backups.restore_backup(data_dir, info.path, clock, manager_name=MANAGER_NAME,
                                    password=MANAGER_PASSWORD)
    for name in ("store.db", "keyslots.json"):
        assert mode(data_dir / name) == 0o600
    assert_private(result.aside)


def test_a_loose_data_folder_is_tightened_when_the_store_opens(data_dir: Path, clock: FixedClock) -> None:
    os.chmod(data_dir, 0o755)
    for child in data_dir.iterdir():
        if child.is_file():
            os.chmod(child, 0o644)
    old = data_dir / "replaced-2026-11-01T000000Z"
    old.mkdir(mode=0o755)
    (old / "store.db").write_bytes(b"old copy")
    os.chmod(old, 0o755)
    os.chmod(old / "store.db", 0o644)
    auth.sign_in(data_dir, MANAGER_NAME, MANAGER_PASSWORD, clock).close()
    assert_private(data_dir)


def test_a_subject_access_export_is_private(desk: DeskContext, tmp_path: Path) -> None:
    from safespace_desk.ui.data_rights.guest_data_tab import export_subject_access

    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Zyx Exported"))
    (tmp_path / "exports").mkdir()
    json_path, pdf_path = export_subject_access(desk, record.id, tmp_path / "exports" / "subject")
    assert mode(json_path) == 0o600 and mode(pdf_path) == 0o600
    # An existing file chosen in the save dialog is made private too before anything is written in it.
    loose = tmp_path / "loose.json"
    loose.write_text("{}")
    loose.with_suffix(".pdf").write_text("old")
    os.chmod(loose, 0o644)
    os.chmod(loose.with_suffix(".pdf"), 0o644)
    json_path, pdf_path = export_subject_access(desk, record.id, loose)
    assert mode(json_path) == 0o600 and mode(pdf_path) == 0o600
