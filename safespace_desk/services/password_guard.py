"""Wrong passwords are limited on every path that takes one, and every wrong one is audited.

Sign-in, switching user, the lock screen's password, the override form and changing one's own
password all go through ``guarded``: a name that must wait is refused at once (no key derivation, and
a clear "Wait N seconds"), a wrong password adds to that name's count in the file beside the store
(db/password_tries_file.py), and a right one clears it. With the store open, a wrong password is
audited at once; at sign-in (before the store is open) it waits in the file and the next sign-in
writes it into the audit, with the time it happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from safespace_desk.db import password_tries_file as tries_file
from safespace_desk.db.errors import UnknownStaffName, WrongPassword
from safespace_desk.db.types import utc_text
from safespace_desk.domain.errors import AuthenticationFailed
from safespace_desk.domain.password_tries import after_failure, seconds_to_wait
from safespace_desk.services.context import DeskContext

T = TypeVar("T")
WRONG = (WrongPassword, UnknownStaffName, AuthenticationFailed)


class MustWait(AuthenticationFailed):
    """Too many wrong passwords for this name: it may try again in ``wait_seconds``.

    ``reason`` is the first sentence ("That name and password do not match."), so a screen can count
    the wait down with ``waiting_message`` each second."""

    def __init__(self, reason: str, *, wait_seconds: int, field: str | None = "password") -> None:
        super().__init__(waiting_message(reason, wait_seconds), field=field)
        self.reason = reason
        self.wait_seconds = wait_seconds


def wait_text(seconds: int) -> str:
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def waiting_message(reason: str, seconds: int) -> str:
    if seconds <= 0:
        return f"{reason} You can try again now."
    return f"{reason} Wait {wait_text(seconds)} before trying again."


def check_allowed(data_dir: Path, login: str, now: datetime, *, field: str | None = "password") -> None:
    """Refuse at once (no key derivation) while ``login`` must wait."""
    wait = seconds_to_wait(tries_file.load(data_dir).for_login(login), now)
    if wait:
        raise MustWait("Too many wrong passwords for this name.", wait_seconds=wait, field=field)


def record_wrong(data_dir: Path, login: str, now: datetime, *, path: str, staff_id: str | None,
                 audited: bool) -> int:
    """Count a wrong password for ``login``; keep it for the audit unless it is audited already.
    Returns how many seconds the name must now wait before its next try."""
    tries = tries_file.load(data_dir)
    count = after_failure(tries.for_login(login), now)
    tries.set_login(login, count)
    if not audited:
        tries.add_waiting(tries_file.WrongTry(now, path, staff_id))
    tries_file.save(data_dir, tries)
    return seconds_to_wait(count, now)


def record_right(data_dir: Path, login: str) -> None:
    tries = tries_file.load(data_dir)
    if tries.for_login(login) is not None:
        tries.set_login(login, None)
        tries_file.save(data_dir, tries)


@contextmanager
def guarded(data_dir: Path, login: str, now: datetime, *, path: str, staff_id: Callable[[], str | None],
            desk: DeskContext | None = None, field: str | None = "password") -> Iterator[None]:
    """Run one password check for ``login`` under the limit.

    ``desk`` is the open store, if there is one: the wrong try is audited there and then; without it
    the wrong try waits in the file for the next sign-in."""
    check_allowed(data_dir, login, now, field=field)
    try:
        yield
    except WRONG as error:
        if isinstance(error, MustWait):
            raise
        owner = staff_id()
        if desk is not None:
            desk.record("password_failed", "staff", owner, detail=f"path={path}")
        wait = record_wrong(data_dir, login, now, path=path, staff_id=owner, audited=desk is not None)
        if wait:
            raise MustWait(error.message, wait_seconds=wait, field=error.field or field) from None
        raise
    record_right(data_dir, login)


def audit_waiting_tries(desk: DeskContext) -> int:
    """Write the wrong passwords given before the store was open into the audit (at sign-in)."""
    data_dir = desk.store.paths.data_dir
    tries = tries_file.load(data_dir)
    if (not tries.waiting and not tries.dropped) or desk.store.read_only:
        return 0  # a damaged store takes no writes: they wait for the restored one
    written = list(tries.waiting)
    with desk.unit_of_work() as uow:
        for wrong in written:
            uow.audit("password_failed", "staff", wrong.staff_id, detail=f"path={wrong.path};at={utc_text(wrong.at)}")
        if tries.dropped:
            uow.audit("password_failed", "staff", None, detail=f"path=sign_in;more={tries.dropped}")
    # Taken out of the file only once committed to the audit (read again: another desk may have
    # added some meanwhile). If this save fails they are audited twice, which is better than never.
    now_waiting = tries_file.load(data_dir)
    now_waiting.waiting = [w for w in now_waiting.waiting if w not in written]
    now_waiting.dropped = max(0, now_waiting.dropped - tries.dropped)
    tries_file.save(data_dir, now_waiting)
    return len(written) + tries.dropped
