"""Key slots: the store's master key versions, sealed once per staff account and once for recovery.

The master key is a random 256-bit key that SQLCipher uses as its raw key; it has versions (a new
one at each rotation, see services/keyrotation.py). It is never written in plain.

Each slot is an X25519 key pair (slotcrypto.py). Argon2id of the password (or the recovery key)
wraps the slot's private key with AES-256-GCM; the slot's id, kind, staff id, public key and Argon2
parameters are its associated data, so a slot cannot be moved to another account nor its cost
changed. The current master key version (and, during a rotation, the pending one) is sealed to every
slot's public key, so adding a slot or rotating the key needs nobody's password. Each older version
is kept sealed under the version after it (``chain``), so what was sealed before a rotation stays
readable.

The whole file carries an HMAC-SHA256 made with a key derived from the current master key: after a
slot opens, the file is checked, so an added, removed or edited slot is detected. The file also
records the first 16 bytes of the database (SQLCipher's per-file salt), so that a database file that
does not belong to these slots is recognised before it is opened.

Files written before format 2 held slots that wrapped the master key itself under Argon2id; such a
slot ("legacy", no public key) still opens and is rewritten as a key pair when its owner signs in.
A rotation cannot reach a legacy slot (it needs its password): it is dropped then.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safespace_desk.db import slotcrypto
from safespace_desk.db.errors import (
    KeyChangedElsewhere,
    KeySlotsTampered,
    StoreMissing,
    UnknownStaffName,
    WrongPassword,
    WrongRecoveryKey,
)
from safespace_desk.db.fileio import atomic_write_bytes
from safespace_desk.db.sealing import Keyring, SealBroken, hkdf, open_bytes, seal_bytes
from safespace_desk.ids import new_id

FORMAT = "safespace-desk-keyslots"
VERSION = 2
MASTER_KEY_BYTES = 32
RECOVERY_KEY_BYTES = 20  # 160 bits, shown as 8 groups of 4 base32 letters
_NONCE = 12


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class Slot:
    id: str
    kind: str  # "staff" or "recovery"
    staff_id: str | None
    login: str | None
    kdf: dict[str, Any]
    nonce: str
    wrapped: str  # the private key (a legacy slot: the master key version 1)
    public: str = ""  # X25519 public key; empty for a legacy slot
    sealed: dict[str, str] = field(default_factory=dict)  # master key version -> sealed to ``public``
    # The clinical key sealed to ``public``: only in paramedic, manager and recovery slots (DESIGN.md 5,
    # services/clinical.py). Empty in every other slot, so their password never reaches clinical text.
    clinical: str = ""

    @property
    def legacy(self) -> bool:
        return not self.public

    def aad(self) -> bytes:
        if self.legacy:
            return json.dumps([FORMAT, self.id, self.kind, self.staff_id], separators=(",", ":")).encode()
        kdf = {k: self.kdf.get(k) for k in ("alg", "m", "t", "p", "salt")}
        return _canonical([FORMAT, 2, self.id, self.kind, self.staff_id, self.public, kdf])

    def master_ad(self, version: int) -> bytes:
        return _canonical([FORMAT, "master", self.id, self.kind, self.staff_id, version])

    def clinical_ad(self) -> bytes:
        return _canonical([FORMAT, "clinical", self.id, self.kind, self.staff_id])

    def open(self, secret: bytes) -> dict[int, bytes] | None:
        opened = self.open_keys(secret)
        return None if opened is None else opened[0]

    def open_keys(self, secret: bytes) -> tuple[dict[int, bytes], bytes | None] | None:
        """(the master key versions sealed to this slot, the clinical key if it holds one), or None if
        ``secret`` is wrong.

        The Argon2 parameters are bounded before Argon2 runs (KeySlotsTampered if they are not)."""
        opened = self.open_private(secret)
        return None if opened is None else opened[1:]

    def open_private(self, secret: bytes) -> tuple[bytes | None, dict[int, bytes], bytes | None] | None:
        """``open_keys`` with the slot's private key first (None for a legacy slot, which has none)."""
        params, salt = slotcrypto.check_params(self.kdf, legacy=self.legacy)
        nonce, wrapped = slotcrypto.unb64(self.nonce), slotcrypto.unb64(self.wrapped)
        try:
            inner = AESGCM(slotcrypto.derive(secret, salt, params)).decrypt(nonce, wrapped, self.aad())
        except (InvalidTag, ValueError):
            return None
        if self.legacy:
            return None, {1: inner}, None
        masters, clinical = self.open_with_private(inner)
        return inner, masters, clinical

    def open_with_private(self, inner: bytes) -> tuple[dict[int, bytes], bytes | None]:
        """What is sealed to this slot, opened with its private key (held by a desk for the session of
        the person it belongs to: a key rotated at another desk reaches it through the synced slot)."""
        if slotcrypto.public_of(inner) != slotcrypto.unb64(self.public):
            raise KeySlotsTampered()
        try:
            masters = {int(v): slotcrypto.open_sealed_to(inner, blob, self.master_ad(int(v)))
                       for v, blob in self.sealed.items()}
            clinical = slotcrypto.open_sealed_to(inner, self.clinical, self.clinical_ad()) if self.clinical else None
        except ValueError:
            raise KeySlotsTampered() from None
        return masters, clinical

    def seal_clinical(self, clinical: bytes | None) -> bool:
        """Give this slot the clinical key (or take it away with None); True if that changed it."""
        if clinical is None:
            changed, self.clinical = bool(self.clinical), ""
            return changed
        if self.clinical or self.legacy:
            return False  # it holds one already; a legacy slot has no public key to seal to
        self.clinical = slotcrypto.seal_to(slotcrypto.unb64(self.public), clinical, self.clinical_ad())
        return True

    def seal_master(self, version: int, master: bytes) -> None:
        self.sealed[str(version)] = slotcrypto.seal_to(slotcrypto.unb64(self.public), master,
                                                       self.master_ad(version))


def new_slot(kind: str, staff_id: str | None, login: str | None, secret: bytes,
             masters: dict[int, bytes]) -> Slot:
    """A new key pair for one account; its private key wrapped by ``secret``, ``masters`` sealed to it."""
    return new_slot_and_key(kind, staff_id, login, secret, masters)[0]


def new_slot_and_key(kind: str, staff_id: str | None, login: str | None, secret: bytes,
                     masters: dict[int, bytes]) -> tuple[Slot, bytes]:
    """``new_slot`` and its private key (for the session of the person whose password made it)."""
    private, public = slotcrypto.new_key_pair()
    params = slotcrypto.new_slot_params()
    salt = os.urandom(16)
    slot = Slot(id=new_id(), kind=kind, staff_id=staff_id, login=login, kdf=params.to_json(salt),
                nonce=slotcrypto.b64(os.urandom(_NONCE)), wrapped="", public=slotcrypto.b64(public))
    key = slotcrypto.derive(secret, salt, params)
    slot.wrapped = slotcrypto.b64(AESGCM(key).encrypt(slotcrypto.unb64(slot.nonce), private, slot.aad()))
    for version, master in masters.items():
        slot.seal_master(version, master)
    return slot, private


@dataclass
class KeySlots:
    store_salt: str
    slots: list[Slot] = field(default_factory=list)
    mac: str = ""
    current: int = 1  # the master key version the store is keyed with
    pending: int | None = None  # during a rotation: the version being put in place
    chain: dict[str, dict[str, Any]] = field(default_factory=dict)  # old version -> {"under", "blob"}
    format_version: int = VERSION
    # Set when opening rewrote a slot (a legacy slot became a key pair): the caller saves the file.
    upgraded: bool = field(default=False, compare=False)
    # The clinical key the last slot opened here holds (None: that slot holds none). Read at once by
    # whoever opened it (sign-in, switch user); never written to the file.
    last_clinical: bytes | None = field(default=None, compare=False, repr=False)
    # The private key of the last slot opened here (None: a legacy slot), read at once like
    # ``last_clinical``: the session keeps it to take a key rotated at another desk (sync).
    last_private: bytes | None = field(default=None, compare=False, repr=False)

    # --- reading -----------------------------------------------------------------------------
    def open_with_password(self, login: str, password: str) -> tuple[Keyring, str]:
        """The keyring (every version this file reaches) and the staff id of ``login``, or raise."""
        slot = next((s for s in self.slots if s.kind == "staff" and s.login == login), None)
        if slot is None:
            # Spend the same effort as a real attempt so timing does not reveal which names exist.
            slotcrypto.derive(password.encode(), os.urandom(16), slotcrypto.new_slot_params())
            raise UnknownStaffName()
        opened = slot.open_private(password.encode())
        if opened is None:
            raise WrongPassword()
        self.last_private, masters, self.last_clinical = opened
        keys = self._keyring(masters)
        if slot.legacy:
            self._upgrade(slot, password.encode(), keys)
        assert slot.staff_id is not None
        return keys, slot.staff_id

    def unlock_with_password(self, login: str, password: str) -> tuple[bytes, str]:
        """(current master key, staff id): proves a password (and gives the key that opens the store)."""
        keys, staff_id = self.open_with_password(login, password)
        return keys.current, staff_id

    def open_with_recovery(self, recovery_key: str) -> Keyring:
        secret = normalise_recovery_key(recovery_key).encode()
        for slot in self.slots:
            if slot.kind == "recovery":
                opened = slot.open_private(secret)
                if opened is not None:
                    self.last_private, masters, self.last_clinical = opened
                    keys = self._keyring(masters)
                    if slot.legacy:
                        self._upgrade(slot, secret, keys)
                    return keys
        raise WrongRecoveryKey()

    def unlock_with_recovery(self, recovery_key: str) -> bytes:
        return self.open_with_recovery(recovery_key).current

    def _keyring(self, masters: dict[int, bytes]) -> Keyring:
        """Reach the older versions down the chain, then check the file's MAC with the current one.
        (Opening the chain before the MAC is checked is safe: each link is AES-GCM under a key the
        slot gave, so a forged link does not open.)"""
        found = down_the_chain(masters, self.chain)
        # A slot set adopted from another desk that rotated holds the new version only; the current one
        # is reached down the chain (sync/slotsync.adopt).
        current = found.get(self.current)
        if current is None:
            raise KeySlotsTampered()
        self.verify(current)
        return Keyring(self.current, found)

    def verify(self, master: bytes) -> None:
        """The file's MAC under ``master`` (the current version's key), or KeySlotsTampered."""
        if not hmac.compare_digest(self._compute_mac(master), self.mac):
            raise KeySlotsTampered()

    def staff_ids(self) -> set[str]:
        return {s.staff_id for s in self.slots if s.kind == "staff" and s.staff_id}

    def has_login(self, login: str) -> bool:
        return any(s.login == login for s in self.slots if s.kind == "staff")

    def holds_clinical(self) -> bool:
        return any(s.clinical for s in self.slots)

    def share_clinical(self, keys: Keyring | bytes, clinical: bytes, staff_ids: set[str]) -> bool:
        """The clinical key in the slots of ``staff_ids`` and the recovery slot, and in no other;
        True if a slot changed (then save the file). No password is needed: it is sealed to each
        slot's public key."""
        keys = self._keys(keys)
        self.verify(keys.master(self.current))
        changed = False
        for slot in self.slots:
            entitled = slot.kind == "recovery" or slot.staff_id in staff_ids
            changed |= slot.seal_clinical(clinical if entitled else None)
        if changed:
            self._seal(keys)
        return changed

    def legacy_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.legacy]

    # --- changing (each needs the keyring, so only an unlocked desk can do it) -------------------
    def _keys(self, keys: Keyring | bytes) -> Keyring:
        """A keyring, or the current master key alone (scripts and tests that hold only that)."""
        return Keyring(self.current, {self.current: keys}) if isinstance(keys, bytes) else keys

    def _masters_for_slots(self, keys: Keyring) -> dict[int, bytes]:
        out = {self.current: keys.master(self.current)}
        if self.pending is not None:
            if self.pending not in keys.versions:
                raise KeyChangedElsewhere()
            out[self.pending] = keys.master(self.pending)
        return out

    def set_staff_slot(self, keys: Keyring | bytes, staff_id: str, login: str, password: str) -> None:
        """Add or replace the slot of ``staff_id``: a new key pair its password wraps."""
        keys = self._keys(keys)
        self.verify(keys.master(self.current))
        self.slots = [s for s in self.slots if s.staff_id != staff_id]
        slot, self.last_private = new_slot_and_key("staff", staff_id, login, password.encode(),
                                                   self._masters_for_slots(keys))
        self.slots.append(slot)
        self._seal(keys)

    def rename_staff_slot(self, keys: Keyring | bytes, staff_id: str, login: str) -> None:
        keys = self._keys(keys)
        self.verify(keys.master(self.current))
        for slot in self.slots:
            if slot.staff_id == staff_id:
                # The login is not in the slot's associated data, so renaming needs no password.
                slot.login = login
        self._seal(keys)

    def remove_staff_slot(self, keys: Keyring | bytes, staff_id: str) -> None:
        keys = self._keys(keys)
        self.verify(keys.master(self.current))
        self.slots = [s for s in self.slots if s.staff_id != staff_id]
        self._seal(keys)

    def replace_recovery(self, keys: Keyring | bytes) -> str:
        """A new recovery slot in place of the old one; returns the new recovery key (shown once)."""
        keys = self._keys(keys)
        self.verify(keys.master(self.current))
        recovery_key = format_recovery_key(secrets.token_bytes(RECOVERY_KEY_BYTES))
        self.slots = [s for s in self.slots if s.kind != "recovery"]
        self.slots.append(new_slot("recovery", None, None, normalise_recovery_key(recovery_key).encode(),
                                   self._masters_for_slots(keys)))
        self._seal(keys)
        return recovery_key

    def for_copy(self, keys: Keyring | bytes, store_salt: bytes, staff_ids: set[str] | None = None) -> KeySlots:
        """The slots for a copy of the store (a backup), which has its own SQLCipher salt: the
        recovery slot and, if ``staff_ids`` is given, only those accounts' slots."""
        keys = self._keys(keys)
        self.verify(keys.master(self.current))
        kept = [Slot(**_slot_fields(s)) for s in self.slots
                if s.kind == "recovery" or staff_ids is None or s.staff_id in staff_ids]
        copy = KeySlots(store_salt=store_salt.hex(), slots=kept, current=self.current,
                        chain=json.loads(json.dumps(self.chain)))
        copy._seal(keys)
        return copy

    # --- rotation (services/keyrotation.py drives it) ---------------------------------------------
    def begin_rotation(self, keys: Keyring, new_master: bytes, *, above: int = 0) -> tuple[int, str | None]:
        """Record version current+1 (or more, above ``above``: the hub's newest) as pending: sealed to
        every slot that can take it, the current version sealed under it. Legacy slots cannot take it
        and are dropped; a legacy recovery slot is replaced by a new one. Returns (the new version, a
        new recovery key or None)."""
        self.verify(keys.master(self.current))
        new_version = max([self.current, above, *(int(v) for v in self.chain)]) + 1
        recovery_key = None
        if any(s.kind == "recovery" and s.legacy for s in self.slots):
            recovery_key = format_recovery_key(secrets.token_bytes(RECOVERY_KEY_BYTES))
            self.slots = [s for s in self.slots if s.kind != "recovery"]
            self.slots.append(new_slot("recovery", None, None, normalise_recovery_key(recovery_key).encode(),
                                       {self.current: keys.master(self.current)}))
        self.slots = [s for s in self.slots if not s.legacy]
        for slot in self.slots:
            slot.seal_master(new_version, new_master)
        self.chain[str(self.current)] = {"under": new_version, "blob": slotcrypto.b64(
            seal_bytes(new_master, keys.master(self.current), _chain_ad(self.current, new_version)))}
        self.pending = new_version
        self._seal(keys)
        return new_version, recovery_key

    def opened_by_private(self, privates: list[bytes], also: list[Slot] | None = None) -> Keyring | None:
        """Every version this file reaches from a slot whose private key is one of ``privates`` (the
        signed-in person's, newest first), here or in ``also`` (the hub's slot set as last seen: their
        slot there may be the one a rotation reached, before they changed their password here); None
        when no slot is theirs (they left, or their password was changed at another desk)."""
        masters: dict[int, bytes] = {}
        for private in privates:
            public = slotcrypto.b64(slotcrypto.public_of(private))
            for slot in [*self.slots, *(also or [])]:
                if slot.public == public:
                    masters.update(slot.open_with_private(private)[0])
        return self._keyring(masters) if masters else None

    def seal_missing(self, keys: Keyring) -> bool:
        """Seal the current (and pending) version into every slot that lacks it, and drop older ones
        (as ``finish_rotation`` does): a slot made at this desk (a password changed) before it took a
        key rotated at another desk, or a slot taken from another desk before it had this desk's
        rotation. True if a slot changed."""
        masters = self._masters_for_slots(keys)
        changed = False
        for slot in self.slots:
            if slot.legacy:
                continue
            for version, master in masters.items():
                if str(version) not in slot.sealed:
                    slot.seal_master(version, master)
                    changed = True
            older = [v for v in slot.sealed if int(v) < self.current]
            for label in older:
                del slot.sealed[label]
            changed |= bool(older)
        if changed:
            self._seal(keys)
        return changed

    def finish_rotation(self, keys: Keyring) -> None:
        """The store is keyed with the pending version now: it becomes current, the old one is
        sealed only under it (in the chain), no slot holds it any more."""
        assert self.pending is not None
        self.current, self.pending = self.pending, None
        for slot in self.slots:
            slot.sealed = {v: blob for v, blob in slot.sealed.items() if int(v) == self.current}
        self._seal(keys)

    def abandon_rotation(self, keys: Keyring) -> None:
        """The rekey did not happen (the store is still under the current version): forget the pending
        version. Slots dropped or replaced by ``begin_rotation`` stay as they are now."""
        if self.pending is not None:
            for slot in self.slots:
                slot.sealed.pop(str(self.pending), None)
            self.chain = {v: e for v, e in self.chain.items() if int(e["under"]) != self.pending}
            self.pending = None
        self._seal(keys)

    # --- file ----------------------------------------------------------------------------------
    def to_json(self) -> bytes:
        body = self._body()
        body["mac"] = self.mac
        return (json.dumps(body, indent=2, ensure_ascii=True) + "\n").encode()

    def save(self, path: Path) -> None:
        atomic_write_bytes(path, self.to_json())
        self.upgraded = False

    @classmethod
    def load(cls, path: Path) -> KeySlots:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise StoreMissing("key-slot file (keyslots.json)") from None
        return cls.parse(raw)

    @classmethod
    def parse(cls, raw: bytes) -> KeySlots:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT or data.get("version") not in (1, VERSION):
                raise ValueError("format")
            slots = [Slot(**s) for s in data["slots"]]
            if data["version"] == 1:
                if any(not s.legacy for s in slots):
                    raise ValueError("slot")
                return cls(store_salt=str(data["store_salt"]), slots=slots, mac=str(data["mac"]),
                           format_version=1)
            pending = data.get("pending")
            out = cls(store_salt=str(data["store_salt"]), slots=slots, mac=str(data["mac"]),
                      current=int(data["current"]), pending=None if pending is None else int(pending),
                      chain={str(k): {"under": int(v["under"]), "blob": str(v["blob"])}
                             for k, v in dict(data.get("chain") or {}).items()})
            for slot in out.slots:
                if not isinstance(slot.sealed, dict) or not isinstance(slot.kdf, dict):
                    raise ValueError("slot")
            return out
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeySlotsTampered() from None

    def _body(self) -> dict[str, Any]:
        if self.format_version == 1:
            return {"format": FORMAT, "version": 1, "store_salt": self.store_salt,
                    "slots": [{k: v for k, v in _slot_fields(s).items() if k not in ("public", "sealed", "clinical")}
                              for s in self.slots]}
        return {"format": FORMAT, "version": VERSION, "store_salt": self.store_salt, "current": self.current,
                "pending": self.pending, "chain": self.chain, "slots": [_slot_fields(s) for s in self.slots]}

    def _compute_mac(self, master: bytes) -> str:
        return hmac.new(hkdf(master, b"keyslots-mac"), _canonical(self._body()), hashlib.sha256).hexdigest()

    def _seal(self, keys: Keyring) -> None:
        self.format_version = VERSION
        self.mac = self._compute_mac(keys.master(self.current))

    def _upgrade(self, slot: Slot, secret: bytes, keys: Keyring) -> None:
        """A legacy slot that just opened becomes a key pair (same account, a new slot id)."""
        fresh = new_slot(slot.kind, slot.staff_id, slot.login, secret, self._masters_for_slots(keys))
        self.slots = [fresh if s is slot else s for s in self.slots]
        self._seal(keys)
        self.upgraded = True


def _slot_fields(slot: Slot) -> dict[str, Any]:
    return {"id": slot.id, "kind": slot.kind, "staff_id": slot.staff_id, "login": slot.login,
            "kdf": dict(slot.kdf), "nonce": slot.nonce, "wrapped": slot.wrapped, "public": slot.public,
            "sealed": dict(slot.sealed), "clinical": slot.clinical}


def on_top_of_hub(store_salt: str, slots: list[Slot], hub_chain: dict[str, dict[str, Any]], hub_version: int,
                  hub_master: bytes, version: int, master: bytes) -> KeySlots:
    """The key-slot file of a desk that rotated again on top of the hub's key (two rotations made
    apart, sync/engine.py): ``slots`` (the hub's, with what changed here) holding only ``version``,
    the hub's chain, and the hub's newest version sealed under ``version``. The desk's own version
    made apart is left out: nothing sealed with it ever left the desk."""
    out = KeySlots(store_salt=store_salt, slots=[Slot(**_slot_fields(s)) for s in slots if not s.legacy],
                   current=version, chain=json.loads(json.dumps(hub_chain)))
    out.chain[str(hub_version)] = {"under": version, "blob": slotcrypto.b64(
        seal_bytes(master, hub_master, _chain_ad(hub_version, version)))}
    for slot in out.slots:
        slot.sealed = {}
        slot.seal_master(version, master)
    out._seal(Keyring(version, {version: master}))
    return out


def chain_holds(chain: dict[str, dict[str, Any]], version: int, master: bytes) -> bool:
    """Whether ``master`` is the key of ``version`` in the set whose chain this is: a link sealed under
    that version opens with it. (False too when no link is sealed under it.)"""
    for old, entry in chain.items():
        if int(entry["under"]) == version:
            try:
                open_bytes(master, slotcrypto.unb64(entry["blob"]), _chain_ad(int(old), version))
                return True
            except SealBroken:
                return False
    return False


def down_the_chain(masters: dict[int, bytes], chain: dict[str, dict[str, Any]]) -> dict[int, bytes]:
    """``masters`` and every older version reached from them down ``chain`` (each older version is
    sealed under the one after it), or KeySlotsTampered when a link does not open."""
    found = dict(masters)
    progress = True
    while progress:
        progress = False
        for old, entry in chain.items():
            under = int(entry["under"])
            if int(old) not in found and under in found:
                try:
                    found[int(old)] = open_bytes(found[under], slotcrypto.unb64(entry["blob"]),
                                                 _chain_ad(int(old), under))
                except SealBroken:
                    raise KeySlotsTampered() from None
                progress = True
    return found


def _chain_ad(old: int, under: int) -> bytes:
    return _canonical([FORMAT, "chain", old, under])


def new_master_key() -> bytes:
    return secrets.token_bytes(MASTER_KEY_BYTES)


def create_keyslots(master: bytes, store_salt: bytes) -> tuple[KeySlots, str]:
    """New key slots (master key version 1) holding only the recovery slot.
    Returns (slots, recovery key to show once)."""
    recovery_key = format_recovery_key(secrets.token_bytes(RECOVERY_KEY_BYTES))
    slots = KeySlots(store_salt=store_salt.hex())
    slots.slots.append(new_slot("recovery", None, None, normalise_recovery_key(recovery_key).encode(), {1: master}))
    slots._seal(Keyring(1, {1: master}))
    return slots, recovery_key


def format_recovery_key(raw: bytes) -> str:
    letters = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def normalise_recovery_key(text: str) -> str:
    """Forgive how people copy keys: case, spaces, dashes, and digits that look like letters."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("018", "OIB"))
