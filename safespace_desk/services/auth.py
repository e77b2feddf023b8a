"""Staff sign-in (which unlocks the store), switching user, quick unlock by PIN, recovery."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from safespace_desk.db.errors import UnknownStaffName
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.models import Staff
from safespace_desk.db.store import Store, StorePaths
from safespace_desk.domain.clock import Clock
from safespace_desk.domain.errors import AuthenticationFailed, ValidationError
from safespace_desk.domain.pin_lock import PinAttempts
from safespace_desk.domain.roles import Role
from safespace_desk.domain.staff import check_password, clean_staff_name, login_key
from safespace_desk.ids import new_id
from safespace_desk.services.context import Actor, DeskContext, ensure_device_id, keyslot_change

_pin_hasher = PasswordHasher()


def _load_slots(data_dir: Path) -> KeySlots:
    return KeySlots.load(StorePaths(data_dir).keyslots)


def _open(data_dir: Path, slots: KeySlots, master: bytes) -> Store:
    return Store.open(data_dir, master, bytes.fromhex(slots.store_salt))


def sign_in(data_dir: Path, name: str, password: str, clock: Clock) -> DeskContext:
    """Unwrap this person's key slot, open the store and start their shift session."""
    if not (name or "").strip():
        raise ValidationError("Type your name.", field="name")
    if not password:
        raise ValidationError("Type your password.", field="password")
    slots = _load_slots(data_dir)
    master, staff_id = slots.unlock_with_password(login_key(name), password)
    store = _open(data_dir, slots, master)
    try:
        with store.write() as session:
            device_id = ensure_device_id(session)
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=device_id)
        desk.actor = _active_actor(desk, staff_id)
        with desk.unit_of_work() as uow:
            uow.audit("signed_in", "staff", staff_id)
        return desk
    except BaseException:
        store.close()
        raise


def switch_user(desk: DeskContext, name: str, password: str) -> Actor:
    """Another staff member takes over this desk, proving their password with their own slot."""
    if not (name or "").strip() or not password:
        raise ValidationError("Type your name and password.", field="name" if not name else "password")
    _, staff_id = desk.keyslots.unlock_with_password(login_key(name), password)
    previous = desk.actor
    desk.actor = _active_actor(desk, staff_id)
    with desk.unit_of_work() as uow:
        uow.audit("switched_user", "staff", staff_id,
                  detail=f"from={previous.staff_id}" if previous else None)
    return desk.actor


def check_password_again(desk: DeskContext, password: str) -> None:
    """Full-password unlock of a locked desk by the person who is signed in."""
    actor = desk.require_actor()
    row = _staff_row(desk, actor.staff_id)
    desk.keyslots.unlock_with_password(row.login, password)
    with desk.unit_of_work() as uow:
        uow.audit("unlocked", "staff", actor.staff_id, detail="password")


def quick_unlock(desk: DeskContext, pin: str, attempts: PinAttempts) -> None:
    """Unlock with the signed-in person's PIN. After five misses only the password works."""
    actor = desk.require_actor()
    if attempts.exhausted:
        raise AuthenticationFailed("Too many wrong PINs. Unlock with your password.", field="password")
    row = _staff_row(desk, actor.staff_id)
    if row.pin_hash is None:
        raise AuthenticationFailed("You have no PIN yet. Unlock with your password.", field="password")
    try:
        _pin_hasher.verify(row.pin_hash, pin or "")
    except (VerificationError, InvalidHashError):
        attempts.record_failure()
        with desk.unit_of_work() as uow:
            uow.audit("pin_failed", "staff", actor.staff_id)
        if attempts.exhausted:
            raise AuthenticationFailed("Too many wrong PINs. Unlock with your password.",
                                       field="password") from None
        raise AuthenticationFailed(f"Wrong PIN. {attempts.remaining} tries left.", field="pin") from None
    attempts.reset()
    with desk.unit_of_work() as uow:
        uow.audit("unlocked", "staff", actor.staff_id, detail="pin")


def record_lock(desk: DeskContext, reason: str) -> None:
    actor = desk.require_actor()
    with desk.unit_of_work() as uow:
        uow.audit("locked", "staff", actor.staff_id, detail=reason)


def sign_out(desk: DeskContext) -> None:
    """End the session: audited, then the store is closed (the key leaves memory with it)."""
    if desk.actor is not None:
        with desk.unit_of_work() as uow:
            uow.audit("signed_out", "staff", desk.actor.staff_id)
    desk.actor = None
    desk.close()


def hash_pin(pin: str) -> str:
    return _pin_hasher.hash(pin)


def recover_with_key(data_dir: Path, recovery_key: str, *, manager_name: str, password: str,
                     clock: Clock) -> DeskContext:
    """When every manager has forgotten their password: the recovery key adds a new manager."""
    manager_name = clean_staff_name(manager_name)
    check_password(password)
    slots = _load_slots(data_dir)
    master = slots.unlock_with_recovery(recovery_key)
    store = _open(data_dir, slots, master)
    try:
        with store.write() as session:
            device_id = ensure_device_id(session)
            login = login_key(manager_name)
            if session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
                raise ValidationError("That name is taken; choose another for the new manager.",
                                      field="name")
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=device_id)
        staff_id = new_id()
        with keyslot_change(desk), desk.unit_of_work() as uow:
            uow.session.add(Staff(id=staff_id, name=manager_name, login=login, role=Role.MANAGER.value,
                                  active=True, created_at=uow.now))
            uow.audit("recovery_key_used", "staff", staff_id, detail="added manager")
            uow.outbox("staff.add", staff_id=staff_id, name=manager_name, role="manager")
            slots.set_staff_slot(master, staff_id, login, password)
            slots.save(store.paths.keyslots)
        desk.actor = Actor(staff_id, manager_name, Role.MANAGER)
        return desk
    except BaseException:
        store.close()
        raise


def raw_key_hex(data_dir: Path, recovery_key: str, clock: Clock) -> str:
    """The store's raw SQLCipher key, for disaster recovery with another SQLCipher 4 tool."""
    slots = _load_slots(data_dir)
    master = slots.unlock_with_recovery(recovery_key)
    store = _open(data_dir, slots, master)
    try:
        with store.write() as session:
            device_id = ensure_device_id(session)
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=device_id)
        with desk.unit_of_work() as uow:
            uow.audit("raw_key_exported", "site", detail="recovery key")
    finally:
        store.close()
    return master.hex()


def _staff_row(desk: DeskContext, staff_id: str) -> Staff:
    with desk.store.read() as session:
        row = session.get(Staff, staff_id)
        if row is None:
            raise UnknownStaffName()
        return row


def _active_actor(desk: DeskContext, staff_id: str) -> Actor:
    row = _staff_row(desk, staff_id)
    if not row.active:
        raise AuthenticationFailed("This account has been deactivated. Ask a manager.", field="name")
    return Actor(row.id, row.name, Role(row.role))
