"""Staff sign-in (which unlocks the store), switching user, quick unlock by PIN, recovery."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from safespace_desk.db import health
from safespace_desk.db.errors import LogMissing, StoreDamaged, UnknownStaffName
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.models import Setting, Staff
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import Store, StorePaths, check_unopened
from safespace_desk.domain.clock import Clock, ZoneCheckedClock
from safespace_desk.domain.errors import AuthenticationFailed, ValidationError
from safespace_desk.domain.pin_lock import PinAttempts
from safespace_desk.domain.roles import Role
from safespace_desk.domain.staff import check_password, clean_staff_name, login_key
from safespace_desk.ids import new_id
from safespace_desk.services import clinical, keyrotation
from safespace_desk.services.context import (
    DEVICE_ID_KEY,
    Actor,
    DeskContext,
    ensure_device_id,
    ensure_store_id,
    keyslot_change,
)
from safespace_desk.services.integrity import check_before_writing
from safespace_desk.services.password_guard import audit_waiting_tries, guarded

_pin_hasher = PasswordHasher()


def _load_slots(data_dir: Path) -> KeySlots:
    return KeySlots.load(StorePaths(data_dir).keyslots)


def check_before_sign_in(data_dir: Path) -> str | None:
    """A missing or unreadable key-slot file, a missing, cut or foreign store, a damaged log: each
    raised while the sign-in screen is shown, before a name and password are typed (issue 8,
    finding 13). Damage recorded earlier is returned as the message to show: signing in still
    works, read-only. Reads only."""
    slots = _load_slots(data_dir)
    check_unopened(data_dir, bytes.fromhex(slots.store_salt))
    return health.damage_message(data_dir)


def _open(data_dir: Path, slots: KeySlots, keys: Keyring) -> keyrotation.Opened:
    """Open the store with whichever key version it is under now (finishing a rotation cut off)."""
    opened = keyrotation.open_store(data_dir, slots, keys)
    if slots.upgraded:
        # A slot in the format before key pairs opened: it is a key pair now (written once the
        # store has opened, so a file that does not belong to this store is never rewritten).
        slots.save(opened.store.paths.keyslots)
    return opened


def _record_finished(desk: DeskContext, opened: keyrotation.Opened) -> None:
    if opened.finished is not None:
        desk.record("keys_rotated", "site", None, opened.finished)
    if opened.waiting is not None:
        desk.record("key_rotation_waiting", "site", None, opened.waiting)


def sign_in(data_dir: Path, name: str, password: str, clock: Clock, *, check_first: bool = False,
            hold_records: bool = False) -> DeskContext:
    """Unwrap this person's key slot, open the store and start their shift session.

    ``check_first`` (the command line) checks every page's HMAC before anything is written;
    ``hold_records`` (the desk, which checks just after unlock) holds the session's own audit
    entries back until ``release_records``. A store known to be damaged opens read-only: the
    session starts without writing a word to it."""
    if not (name or "").strip():
        raise ValidationError("Type your name.", field="name")
    if not password:
        raise ValidationError("Type your password.", field="password")
    slots = _load_slots(data_dir)
    login = login_key(name)
    with guarded(data_dir, login, ZoneCheckedClock(clock).now(), path="sign_in",
                 staff_id=lambda: _staff_id_of(slots, login)):
        keys, staff_id = slots.open_with_password(login, password)
    clinical_key = slots.last_clinical  # a paramedic's and a manager's slot hold it; no other
    opened = _open(data_dir, slots, keys)
    store, keys = opened.store, opened.keys
    master = keys.current
    try:
        if check_first:
            check_before_writing(store, master, clock)
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=_device_id(store), keys=keys, clinical_key=clinical_key,
                           slot_private=slots.last_private)
        desk.actor = _active_actor(desk, staff_id)
        if hold_records:
            desk.hold_records()
        _record_finished(desk, opened)
        desk.record("signed_in", "staff", staff_id)
        audit_waiting_tries(desk)  # wrong passwords given while the store was shut
        if not store.read_only:
            clinical.keep_shared(desk)
        return desk
    except BaseException:
        store.close()
        raise


def switch_user(desk: DeskContext, name: str, password: str) -> Actor:
    """Another staff member takes over this desk, proving their password with their own slot."""
    if not (name or "").strip() or not password:
        raise ValidationError("Type your name and password.", field="name" if not name else "password")
    login = login_key(name)
    with guarded(desk.store.paths.data_dir, login, desk.clock.now(), path="switch_user",
                 staff_id=lambda: _staff_id_of(desk.keyslots, login), desk=desk):
        _, staff_id = desk.keyslots.unlock_with_password(login, password)
    previous = desk.actor
    desk.actor = _active_actor(desk, staff_id)
    desk.clinical_key = desk.keyslots.last_clinical  # clinical text follows the person at the desk
    desk.slot_private = desk.keyslots.last_private  # and so does their slot's key (sync's rekey)
    desk.earlier_slot_privates = []
    desk.record("switched_user", "staff", staff_id, detail=f"from={previous.staff_id}" if previous else None)
    return desk.actor


def check_password_again(desk: DeskContext, password: str) -> None:
    """Full-password unlock of a locked desk by the person who is signed in."""
    actor = desk.require_actor()
    row = _staff_row(desk, actor.staff_id)
    with guarded(desk.store.paths.data_dir, row.login, desk.clock.now(), path="lock_screen",
                 staff_id=lambda: actor.staff_id, desk=desk):
        desk.keyslots.unlock_with_password(row.login, password)
    desk.record("unlocked", "staff", actor.staff_id, detail="password")


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
        desk.record("pin_failed", "staff", actor.staff_id)
        if attempts.exhausted:
            raise AuthenticationFailed("Too many wrong PINs. Unlock with your password.",
                                       field="password") from None
        raise AuthenticationFailed(f"Wrong PIN. {attempts.remaining} tries left.", field="pin") from None
    attempts.reset()
    desk.record("unlocked", "staff", actor.staff_id, detail="pin")


def record_lock(desk: DeskContext, reason: str) -> None:
    actor = desk.require_actor()
    desk.record("locked", "staff", actor.staff_id, detail=reason)


def sign_out(desk: DeskContext) -> None:
    """End the session: audited, then the store is closed (the key leaves memory with it)."""
    try:
        if desk.actor is not None:
            desk.record("signed_out", "staff", desk.actor.staff_id)
        desk.release_records()
    finally:
        desk.actor = None
        desk.close()


def hash_pin(pin: str) -> str:
    return _pin_hasher.hash(pin)


def recover_with_key(data_dir: Path, recovery_key: str, *, manager_name: str, password: str,
                     clock: Clock) -> DeskContext:
    """When every manager has forgotten their password: the recovery key adds a new manager."""
    manager_name = clean_staff_name(manager_name)
    check_password(password, user_inputs=[manager_name])
    slots = _load_slots(data_dir)
    opened = _open(data_dir, slots, slots.open_with_recovery(recovery_key))
    clinical_key, slot_private = slots.last_clinical, slots.last_private
    store, keys = opened.store, opened.keys
    master = keys.current
    try:
        with store.write() as session:
            device_id = ensure_device_id(session)
            login = login_key(manager_name)
            if session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
                raise ValidationError("That name is taken; choose another for the new manager.",
                                      field="name")
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=device_id, keys=keys, clinical_key=clinical_key, slot_private=slot_private)
        _record_finished(desk, opened)
        staff_id = new_id()
        with keyslot_change(desk), desk.unit_of_work() as uow:
            uow.session.add(Staff(id=staff_id, name=manager_name, login=login, role=Role.MANAGER.value,
                                  active=True, created_at=uow.now))
            uow.audit("recovery_key_used", "staff", staff_id, detail="added manager")
            uow.outbox("staff.add", staff_id=staff_id, name=manager_name, role="manager")
            slots.set_staff_slot(keys, staff_id, login, password)
            slots.save(store.paths.keyslots)
        desk.actor = Actor(staff_id, manager_name, Role.MANAGER)
        return desk
    except BaseException:
        store.close()
        raise


def raw_key_hex(data_dir: Path, recovery_key: str, clock: Clock) -> str:
    """The store's raw SQLCipher key, for disaster recovery with another SQLCipher 4 tool."""
    return raw_key_for_recovery(data_dir, recovery_key, clock)[0]


def raw_key_for_recovery(data_dir: Path, recovery_key: str, clock: Clock) -> tuple[str, str | None]:
    """The raw key, and the damage message when the store is damaged.

    The raw key is what salvages a damaged store with another SQLCipher tool, so it is given even
    then; only its audit entry cannot be written to a damaged store (the second value says why)."""
    slots = _load_slots(data_dir)
    keys = slots.open_with_recovery(recovery_key)
    master = keys.current
    try:
        opened = _open(data_dir, slots, keys)
    except (StoreDamaged, LogMissing) as damaged:
        return master.hex(), damaged.message
    store, keys = opened.store, opened.keys
    master = keys.current
    try:
        check_before_writing(store, master, clock)
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=_device_id(store), keys=keys)
        _record_finished(desk, opened)
        desk.record("raw_key_exported", "site", detail="recovery key")
        damage = store.damaged_error().message if store.read_only else None
    finally:
        store.close()
    return master.hex(), damage


def _device_id(store: Store) -> str:
    """This desk's id, made on its first session; a read-only (damaged) store is only read."""
    if store.read_only:
        with store.read() as session:
            row = session.get(Setting, DEVICE_ID_KEY)
            return row.value if row is not None else ""
    with store.write() as session:
        ensure_store_id(session)  # stores made before stores had ids get theirs here
        return ensure_device_id(session)


def _staff_id_of(slots: KeySlots, login: str) -> str | None:
    """The account a typed name belongs to, if any (for the audit of a wrong password)."""
    return next((s.staff_id for s in slots.slots if s.kind == "staff" and s.login == login), None)


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
