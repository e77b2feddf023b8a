"""Helpers for tests that work on the store's files: fingerprints, planted rows, raw access."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.models import Guest
from safespace_desk.db.store import StorePaths
from safespace_desk.domain.guests import new_card_code
from safespace_desk.domain.roles import Role
from safespace_desk.ids import new_id
from safespace_desk.services.context import Actor, DeskContext, UnitOfWork


@dataclass(frozen=True)
class FileState:
    sha256: str
    size: int
    mtime_ns: int


def fingerprint(folder: Path) -> dict[str, FileState]:
    """Every file in ``folder`` with its hash, size and mtime: equal fingerprints mean untouched.

    The whole folder is taken, not just store.db, so a stray new file (a fresh database made
    over a missing one, a leftover -wal or .tmp) shows up as a difference too.
    """
    if not folder.exists():
        return {}
    states = {}
    for path in sorted(folder.iterdir()):
        stat = path.stat()
        states[path.name] = FileState(hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size,
                                      stat.st_mtime_ns)
    return states


def salt_of(data_dir: Path) -> bytes:
    return bytes.fromhex(KeySlots.load(StorePaths(data_dir).keyslots).store_salt)


def add_guest(session: Session, preferred_name: str, now: datetime, *,
              support_notes: str | None = None) -> str:
    """Insert a guest row directly (the guest services have their own tests)."""
    guest_id = new_id()
    session.add(Guest(id=guest_id, preferred_name=preferred_name, card_code=new_card_code(),
                      support_notes=support_notes, created_at=now, updated_at=now))
    return guest_id


def add_guest_unit(uow: UnitOfWork, preferred_name: str, *, support_notes: str | None = None) -> str:
    """A whole unit of work as a service would write it: the row, its audit entry, its outbox op."""
    guest_id = add_guest(uow.session, preferred_name, uow.now, support_notes=support_notes)
    uow.audit("guest_created", "guest", guest_id)
    uow.outbox("guest.create", guest_id=guest_id)
    return guest_id


def as_manager(desk: DeskContext, staff_id: str, name: str = "Mo Manager") -> DeskContext:
    desk.actor = Actor(staff_id, name, Role.MANAGER)
    return desk


def contains_text(data: bytes, text: str) -> bool:
    """True if ``text`` appears in ``data`` as UTF-8 or as UTF-16 of either byte order."""
    return any(text.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be"))
