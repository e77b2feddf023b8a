"""Key slots: the store's master key, wrapped once per staff account and once for recovery.

The master key is a random 256-bit key that SQLCipher uses as its raw key. It is never written in
plain. Each slot wraps it with AES-256-GCM under a key derived from a password (or the recovery
key) by Argon2id with 64 MiB of memory. The slot's id, kind and staff id are bound into the GCM
associated data, so a slot cannot be moved to another account. The whole file carries an
HMAC-SHA256 made with a key derived from the master key: after any slot opens, the file is checked,
so an added, removed or edited slot is detected (tampering).

The file also records the first 16 bytes of the database (SQLCipher's per-file salt), so that a
database file that does not belong to these slots is recognised before it is opened.
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

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safespace_desk.db.errors import (
    KeySlotsTampered,
    StoreMissing,
    UnknownStaffName,
    WrongPassword,
    WrongRecoveryKey,
)
from safespace_desk.db.fileio import atomic_write_bytes
from safespace_desk.ids import new_id

FORMAT = "safespace-desk-keyslots"
VERSION = 1
MASTER_KEY_BYTES = 32
# Argon2id: 64 MiB, 3 passes, 2 lanes (the desk PCs have at least 2 cores).
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_TIME = 3
ARGON2_LANES = 2
RECOVERY_KEY_BYTES = 20  # 160 bits, shown as 8 groups of 4 base32 letters


@dataclass
class Slot:
    id: str
    kind: str  # "staff" or "recovery"
    staff_id: str | None
    login: str | None
    kdf: dict[str, Any]
    nonce: str
    wrapped: str

    def aad(self) -> bytes:
        return json.dumps([FORMAT, self.id, self.kind, self.staff_id], separators=(",", ":")).encode()


@dataclass
class KeySlots:
    store_salt: str
    slots: list[Slot] = field(default_factory=list)
    mac: str = ""

    # --- reading -----------------------------------------------------------------------------
    def unlock_with_password(self, login: str, password: str) -> tuple[bytes, str]:
        """Return (master key, staff id) for the account whose login matches, or raise."""
        slot = next((s for s in self.slots if s.kind == "staff" and s.login == login), None)
        if slot is None:
            # Spend the same effort as a real attempt so timing does not reveal which names exist.
            _derive(password.encode(), os.urandom(16), _default_kdf_params())
            raise UnknownStaffName()
        master = _unwrap(slot, password.encode())
        if master is None:
            raise WrongPassword()
        self.verify(master)
        assert slot.staff_id is not None
        return master, slot.staff_id

    def unlock_with_recovery(self, recovery_key: str) -> bytes:
        secret = normalise_recovery_key(recovery_key)
        for slot in self.slots:
            if slot.kind == "recovery":
                master = _unwrap(slot, secret.encode())
                if master is not None:
                    self.verify(master)
                    return master
        raise WrongRecoveryKey()

    def verify(self, master: bytes) -> None:
        if not hmac.compare_digest(self._compute_mac(master), self.mac):
            raise KeySlotsTampered()

    def staff_ids(self) -> set[str]:
        return {s.staff_id for s in self.slots if s.kind == "staff" and s.staff_id}

    # --- changing (each needs the master key, so only an unlocked desk can do it) ---------------
    def set_staff_slot(self, master: bytes, staff_id: str, login: str, password: str) -> None:
        """Add or replace the slot of ``staff_id``, wrapping the master key with ``password``."""
        self.verify(master)
        self.slots = [s for s in self.slots if s.staff_id != staff_id]
        self.slots.append(_wrap(master, "staff", staff_id, login, password.encode()))
        self.mac = self._compute_mac(master)

    def rename_staff_slot(self, master: bytes, staff_id: str, login: str) -> None:
        self.verify(master)
        for slot in self.slots:
            if slot.staff_id == staff_id:
                # The login is not bound into the AAD, so renaming needs no password.
                slot.login = login
        self.mac = self._compute_mac(master)

    def remove_staff_slot(self, master: bytes, staff_id: str) -> None:
        self.verify(master)
        self.slots = [s for s in self.slots if s.staff_id != staff_id]
        self.mac = self._compute_mac(master)

    def for_copy(self, master: bytes, store_salt: bytes) -> KeySlots:
        """The same slots for a copy of the store (a backup), which has its own SQLCipher salt."""
        self.verify(master)
        copy = KeySlots(store_salt=store_salt.hex(), slots=[Slot(**s.__dict__) for s in self.slots])
        copy.mac = copy._compute_mac(master)
        return copy

    def has_login(self, login: str) -> bool:
        return any(s.login == login for s in self.slots if s.kind == "staff")

    # --- file ----------------------------------------------------------------------------------
    def to_json(self) -> bytes:
        body = self._body()
        body["mac"] = self.mac
        return (json.dumps(body, indent=2, ensure_ascii=True) + "\n").encode()

    def save(self, path: Path) -> None:
        atomic_write_bytes(path, self.to_json())

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
            if data.get("format") != FORMAT or data.get("version") != VERSION:
                raise ValueError("format")
            slots = [Slot(**s) for s in data["slots"]]
            return cls(store_salt=str(data["store_salt"]), slots=slots, mac=str(data["mac"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeySlotsTampered() from None

    def _body(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "store_salt": self.store_salt,
            "slots": [s.__dict__ for s in self.slots],
        }

    def _compute_mac(self, master: bytes) -> str:
        canonical = json.dumps(self._body(), sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(_subkey(master, b"keyslots-mac"), canonical, hashlib.sha256).hexdigest()


def new_master_key() -> bytes:
    return secrets.token_bytes(MASTER_KEY_BYTES)


def create_keyslots(master: bytes, store_salt: bytes) -> tuple[KeySlots, str]:
    """New key slots holding only the recovery slot. Returns (slots, recovery key to show once)."""
    recovery_key = format_recovery_key(secrets.token_bytes(RECOVERY_KEY_BYTES))
    slots = KeySlots(store_salt=store_salt.hex())
    slots.slots.append(
        _wrap(master, "recovery", None, None, normalise_recovery_key(recovery_key).encode())
    )
    slots.mac = slots._compute_mac(master)
    return slots, recovery_key


def format_recovery_key(raw: bytes) -> str:
    letters = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def normalise_recovery_key(text: str) -> str:
    """Forgive how people copy keys: case, spaces, dashes, and digits that look like letters."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("018", "OIB"))


def _default_kdf_params() -> dict[str, Any]:
    return {"alg": "argon2id", "t": ARGON2_TIME, "m": ARGON2_MEMORY_KIB, "p": ARGON2_LANES}


def _derive(secret: bytes, salt: bytes, params: dict[str, Any]) -> bytes:
    if params.get("alg") != "argon2id" or int(params["m"]) < ARGON2_MEMORY_KIB:
        # A weakened slot is as good as a tampered one: refuse it.
        raise KeySlotsTampered()
    return hash_secret_raw(secret, salt, time_cost=int(params["t"]), memory_cost=int(params["m"]),
                           parallelism=int(params["p"]), hash_len=32, type=Type.ID)


def _wrap(master: bytes, kind: str, staff_id: str | None, login: str | None, secret: bytes) -> Slot:
    salt = os.urandom(16)
    params = _default_kdf_params() | {"salt": _b64(salt)}
    nonce = os.urandom(12)
    slot = Slot(id=new_id(), kind=kind, staff_id=staff_id, login=login, kdf=params,
                nonce=_b64(nonce), wrapped="")
    slot.wrapped = _b64(AESGCM(_derive(secret, salt, params)).encrypt(nonce, master, slot.aad()))
    return slot


def _unwrap(slot: Slot, secret: bytes) -> bytes | None:
    try:
        salt = base64.b64decode(slot.kdf["salt"], validate=True)
        nonce = base64.b64decode(slot.nonce, validate=True)
        wrapped = base64.b64decode(slot.wrapped, validate=True)
    except (KeyError, ValueError):
        raise KeySlotsTampered() from None
    try:
        return AESGCM(_derive(secret, salt, slot.kdf)).decrypt(nonce, wrapped, slot.aad())
    except (InvalidTag, ValueError):
        return None


def _subkey(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(master)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
