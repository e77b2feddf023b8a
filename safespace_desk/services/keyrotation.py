"""Rotating the store's master key (DESIGN.md 5, "Leaving rotates the key").

A rotation makes master key version n+1 and puts it in place without anyone's password:

1. ``begin``: keyslots.json is rewritten with n+1 as *pending*: sealed to every remaining slot, and
   version n sealed under n+1 (so what was sealed with n stays readable). The file still opens the
   store with n.
2. ``PRAGMA rekey`` re-encrypts the store under n+1 (db/rekey.py: one transaction, rolled back by the
   next open if cut off).
3. keyslots.json is rewritten with n+1 as current; no slot holds n any more.

Cut off anywhere (a power cut, kill -9), the store still opens with the remaining passwords:
``open_store`` tries the current version, then the pending one, then older ones (a desk switched off
during a rotation elsewhere), and finishes a rotation it finds half done, so a rotation that was
begun is always completed. A copy of an older keyslots.json (or a backup's) gives only older versions,
which never open the rekeyed store.

Sync (issue 16) rotates across desks through the same steps: ``begin`` gives the new version's number
and the key-slot file holding its sealed blobs; ``complete`` rekeys this desk's store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safespace_desk.db import slotcrypto
from safespace_desk.db.errors import KeySlotsOutdated, KeySlotsTampered, StoreDamaged, StoreError
from safespace_desk.db.keyslots import KeySlots, Slot, down_the_chain, new_master_key, on_top_of_hub
from safespace_desk.db.rekey import key_opens, key_reads_no_page
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import Store, StorePaths
from safespace_desk.domain.roles import Permission
from safespace_desk.services import clinical
from safespace_desk.services.context import DeskContext

Progress = Callable[[int, int], None]  # (pages re-encrypted, pages in all)

# Tests of crash safety (tests/db/test_kill9_rotation.py) watch these steps; None on a desk.
STEP_HOOK: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


@dataclass(frozen=True)
class Pending:
    """A rotation begun: the key-slot file on disk holds ``version`` as pending."""

    version: int
    previous: int
    keys: Keyring  # every version, the new one included (not yet current)
    slots: KeySlots  # the file as written, pending
    dropped: tuple[str, ...]  # accounts whose slots (of the format before key pairs) could not take it
    recovery_key: str | None  # a new recovery key to show once, when the old-format one was dropped


@dataclass(frozen=True)
class Rotation:
    version: int
    previous: int
    pages: int
    dropped: tuple[str, ...]
    recovery_key: str | None


def rotate_keys(desk: DeskContext, progress: Progress | None = None, *, reason: str = "manager") -> Rotation:
    """A manager's "Rotate keys": a new master key version for every remaining slot."""
    desk.require(Permission.MANAGE_STAFF, "rotate the keys")
    if desk.store.read_only:
        raise desk.store.damaged_error()
    return complete(desk, begin(desk), progress, reason=reason)


def begin(desk: DeskContext, slots: KeySlots | None = None, *, above: int = 0) -> Pending:
    """Step 1: write keyslots.json with a new master key version pending (``slots``: the desk's own,
    as changed by the caller, e.g. without a leaver's slot). The desk keeps the current version."""
    slots = slots if slots is not None else desk.keyslots
    dropped = tuple(s.staff_id for s in slots.slots if s.legacy and s.staff_id)
    new_master = new_master_key()
    previous = slots.current
    version, recovery_key = slots.begin_rotation(desk.keys, new_master, above=above)
    slots.save(desk.store.paths.keyslots)
    desk.keyslots = slots
    _step("pending_written")
    return Pending(version, previous, desk.keys.with_version(version, new_master, current=False), slots,
                   dropped, recovery_key)


def complete(desk: DeskContext, pending: Pending, progress: Progress | None = None, *,
             reason: str = "manager") -> Rotation:
    """Steps 2 and 3: rekey the store, make the pending version current, audit it.

    If the store cannot be rekeyed now (another program has it open, the disk is full), it stays
    under the current version and the file keeps the new one pending: the next open completes the
    rotation. The error is raised (after an audit entry saying the rotation waits)."""
    before = pending.slots.to_json()
    new = pending.keys.master(pending.version)
    try:
        _step("rekey_started")
        pages = desk.store.rekey(new, progress)
    except BaseException as error:
        if not key_opens(desk.store.paths.db, new):
            desk.keys = pending.keys  # holds the pending version too, for slots added meanwhile
            desk.record("key_rotation_waiting", "site", None,
                        f"version={pending.version};reason={reason};error={type(error).__name__}")
            raise
        pages = 0  # the rekey committed before the error: finish it
    _step("rekeyed")
    keys = pending.keys.with_version(pending.version, new)
    finished = KeySlots.parse(before)
    finished.finish_rotation(keys)
    finished.save(desk.store.paths.keyslots)
    desk.keyslots = finished
    desk.use_keys(keys)
    _step("finished")
    detail = f"version={pending.version};reason={reason}"
    if pending.dropped:
        detail += f";old_slots_dropped={len(pending.dropped)}"
    if pending.recovery_key:
        detail += ";recovery_key_replaced"
    desk.record("keys_rotated", "site", None, detail)
    clinical.keep_shared(desk)  # a recovery slot made new by this rotation gets the clinical key too
    return Rotation(pending.version, pending.previous, pages, pending.dropped, pending.recovery_key)


def take_from_slot(desk: DeskContext, progress: Progress | None = None, *,
                   seen: list[Slot] | None = None) -> Rotation | None:
    """A key rotated at another desk, adopted from the synced slot set as *pending*
    (sync/slotsync.adopt): opened with the signed-in person's slot key (the session holds it) and put
    in place as after a rotation here: the store rekeyed, the new version current. Slots changed here
    meanwhile get the new version too. None when this person's slot does not reach it (their slot left
    the set): the next sign-in of someone who has a slot takes it (``open_store``). ``seen``: the hub's
    slot set as last synced (their slot there, if they changed their password here since)."""
    slots = desk.keyslots
    if slots.pending is None or slots.pending in desk.keys.versions or desk.slot_private is None:
        return None
    if desk.store.read_only:
        raise desk.store.damaged_error()
    opened = slots.opened_by_private([desk.slot_private, *desk.earlier_slot_privates], seen)
    if opened is None or slots.pending not in opened.versions:
        return None
    keys = Keyring(slots.current, {v: opened.master(v) for v in opened.versions})
    slots.seal_missing(keys)
    slots.save(desk.store.paths.keyslots)
    desk.keys = keys
    pending = Pending(slots.pending, slots.current, keys, slots, (), None)
    return complete(desk, pending, progress, reason="rotated_at_another_desk")


def rotate_on_top(desk: DeskContext, merged: list[Slot], hub_slots: list[Slot], hub_version: int,
                  hub_chain: dict[str, dict[str, Any]], progress: Progress | None = None) -> Rotation | None:
    """Two desks rotated the hub's key while apart, and the hub took the other's (DESIGN.md 6: the
    server takes a rotation only on top of the version it holds). This desk rotates again on top: the
    hub's newest key, opened with the signed-in person's slot in the hub's set, and a new version
    above it, sealed to ``merged`` (the hub's slots with what changed here: both leavers are out).

    Crash-safe in two steps: first an ordinary rotation of this desk's own (the store rekeyed to the
    new version, the file written as after any rotation); then the file is rewritten with the hub's
    slots and chain, the hub's version sealed under the new one. Cut off between them, the store opens
    as after a rotation here, and the next sync finds the fork again and rotates once more. None when
    this person's slot does not reach the hub's key (nothing is changed then)."""
    privates = [p for p in (desk.slot_private, *desk.earlier_slot_privates) if p is not None]
    hub = KeySlots(store_salt=desk.keyslots.store_salt, slots=hub_slots, chain=hub_chain, current=hub_version)
    masters: dict[int, bytes] = {}
    for private in privates:
        public = slotcrypto.b64(slotcrypto.public_of(private))
        for slot in hub_slots:
            if slot.public == public:
                masters.update(slot.open_with_private(private)[0])
    if hub_version not in masters:
        return None
    hub_keys = down_the_chain({hub_version: masters[hub_version]}, hub.chain)
    shared = [v for v in hub_keys if v in desk.keys.versions and v < min(hub_version, desk.keys.current_version)]
    if any(hub_keys[v] != desk.keys.master(v) for v in shared):
        raise KeySlotsTampered()  # the versions before the fork are one hub's: they must be the same keys
    own = KeySlots.parse(desk.keyslots.to_json())
    kept = {(s.kind, s.staff_id) for s in merged}
    for staff_id in {s.staff_id for s in own.slots if (s.kind, s.staff_id) not in kept and s.staff_id}:
        own.remove_staff_slot(desk.keys, staff_id)  # left at the hub's other desk
    rotation = complete(desk, begin(desk, own, above=hub_version), progress, reason="rotated_on_top")
    new = desk.keys.master(rotation.version)
    final = on_top_of_hub(desk.keyslots.store_salt, merged, hub.chain, hub_version, hub_keys[hub_version],
                          rotation.version, new)
    keys = Keyring(rotation.version, {**hub_keys, rotation.version: new})
    final.verify(new)
    final.save(desk.store.paths.keyslots)
    desk.keyslots = final
    desk.use_keys(keys)
    clinical.keep_shared(desk)
    return rotation


# --- opening -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Opened:
    store: Store
    keys: Keyring
    finished: str | None  # an audit detail when this open completed a rotation found half done
    waiting: str | None = None  # an audit detail when a rotation found half done could not be completed


def open_store(data_dir: Path, slots: KeySlots, keys: Keyring) -> Opened:
    """Open the store with the current key version, else the pending one, else an older one; a
    rotation found half done (or a store still under an older version) is completed now."""
    salt = bytes.fromhex(slots.store_salt)
    order = [slots.current] + ([slots.pending] if slots.pending is not None else [])
    order += [v for v in sorted(keys.versions, reverse=True) if v not in order]
    first_error: StoreDamaged | None = None
    for version in order:
        try:
            store = Store.open(data_dir, keys.master(version), salt)
        except StoreDamaged as error:  # a wrong key reads as a damaged first page
            first_error = first_error or error
            continue
        return _finish(slots, keys, store, version)
    assert first_error is not None
    if key_reads_no_page(StorePaths(data_dir).db, keys.master(slots.current)):
        raise KeySlotsOutdated() from None
    raise first_error


def _finish(slots: KeySlots, keys: Keyring, store: Store, version: int) -> Opened:
    """The store opened with ``version``: bring it and the file to the newest version this file holds."""
    target = slots.pending if slots.pending is not None else slots.current
    if version == target and slots.pending is None:
        return Opened(store, keys, None)
    try:
        if version != target:
            store.rekey(keys.master(target))
    except StoreError as error:
        # Another program has the store open, or the disk is full: the desk opens under the key it
        # is under, and the rotation is completed at a later open. Signing in never fails for it.
        if not key_opens(store.paths.db, keys.master(version)):
            store.close()
            raise
        return Opened(store, Keyring(version, {v: keys.master(v) for v in keys.versions}), None,
                      f"version={target};waiting;error={type(error).__name__}")
    except BaseException:
        store.close()
        raise
    try:
        if slots.pending is not None:
            done = keys.with_version(target, keys.master(target))
            slots.finish_rotation(done)
            slots.save(store.paths.keyslots)
            keys = done
        return Opened(store, keys, f"version={target};finished_on_open;was={version}")
    except BaseException:
        store.close()
        raise


def replace_recovery_key(desk: DeskContext, progress: Progress | None = None) -> tuple[str, Rotation]:
    """A manager issues a new recovery key (shown once): the old one stops working. The key is rotated
    with it, since whoever saw the old recovery key could have opened the store's key with it."""
    desk.require(Permission.MANAGE_STAFF, "issue a new recovery key")
    if desk.store.read_only:
        raise desk.store.damaged_error()
    slots = KeySlots.parse(desk.keyslots.to_json())
    recovery_key = slots.replace_recovery(desk.keys)
    pending = begin(desk, slots)  # one write: the new recovery slot and the new key pending
    desk.record("recovery_key_replaced", "site")
    rotation = complete(desk, pending, progress, reason="recovery_key_replaced")
    return recovery_key, rotation
