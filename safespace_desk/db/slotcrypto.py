"""The cryptography of a key slot: Argon2id with bounded parameters, and sealing to a public key.

A slot is an X25519 key pair. Argon2id of the password (or recovery key) gives the key that wraps
the slot's private key (AES-256-GCM). Each master key version is sealed to the slot's public key
(an ephemeral X25519 key, HKDF-SHA256 of the shared secret, AES-256-GCM), so a manager can seal a new
master key to every slot without knowing anyone's password.

Argon2 parameters come from the slot file, which anyone with the folder can edit: they are checked
against fixed bounds before Argon2 runs (an absurd memory or time cost would stop the desk or run it
out of memory), and a slot weaker than the program's own floor is refused as tampered.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from safespace_desk.db.errors import KeySlotsTampered
from safespace_desk.db.sealing import SealBroken, hkdf, open_bytes, seal_bytes

TEST_PARAMS_ENV = "SAFESPACE_TEST_ARGON2"  # "memory KiB,time,lanes": the test suite only


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int
    time: int
    lanes: int

    def to_json(self, salt: bytes) -> dict[str, Any]:
        return {"alg": "argon2id", "m": self.memory_kib, "t": self.time, "p": self.lanes,
                "salt": b64(salt)}


# DESIGN.md 5: 256 MiB, 3 passes, 4 lanes (about a second on a slow desk PC).
STRONG = Argon2Params(256 * 1024, 3, 4)
# Bounds on what a file may ask for, checked before Argon2 runs (finding 15).
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_TIME = 16
MAX_LANES = 16
# The slots written before version 2 used 64 MiB, 3 passes, 2 lanes: still accepted, to migrate them.
V1_FLOOR = Argon2Params(64 * 1024, 3, 2)


def _test_params() -> Argon2Params | None:
    """The test suite's cheaper parameters (its stores are thrown away); never set on a desk."""
    spec = os.environ.get(TEST_PARAMS_ENV)
    if not spec:
        return None
    m, t, p = (int(part) for part in spec.split(","))
    return Argon2Params(m, t, p)


def new_slot_params() -> Argon2Params:
    return _test_params() or STRONG


def floor(legacy: bool = False) -> Argon2Params:
    """The weakest parameters a slot may have (a weaker one was not written by this program)."""
    test = _test_params()
    if test is not None:
        return test
    return V1_FLOOR if legacy else STRONG


def check_params(params: Any, *, legacy: bool = False) -> tuple[Argon2Params, bytes]:
    """The parameters and salt of a slot, refused (KeySlotsTampered) if absurd or too weak."""
    try:
        if params.get("alg") != "argon2id":
            raise ValueError("alg")
        values = Argon2Params(int(params["m"]), int(params["t"]), int(params["p"]))
        salt = base64.b64decode(params["salt"], validate=True)
    except (KeyError, ValueError, TypeError, AttributeError):
        raise KeySlotsTampered() from None
    least = floor(legacy)
    if not (least.memory_kib <= values.memory_kib <= MAX_MEMORY_KIB and least.time <= values.time <= MAX_TIME
            and 1 <= values.lanes <= MAX_LANES and len(salt) >= 16):
        raise KeySlotsTampered()
    if values.memory_kib < 8 * values.lanes:  # Argon2's own minimum: refuse rather than fail inside it
        raise KeySlotsTampered()
    return values, salt


def derive(secret: bytes, salt: bytes, params: Argon2Params) -> bytes:
    return hash_secret_raw(secret, salt, time_cost=params.time, memory_cost=params.memory_kib,
                           parallelism=params.lanes, hash_len=32, type=Type.ID)


# --- key pairs --------------------------------------------------------------------------------------
def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public), 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    return (private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
            private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_of(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def seal_to(public: bytes, plaintext: bytes, ad: bytes) -> str:
    """Seal ``plaintext`` so that only the holder of the private key of ``public`` opens it."""
    ephemeral = X25519PrivateKey.generate()
    eph_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    key = hkdf(shared, b"safespace-desk seal-to-slot|" + eph_public + public)
    return b64(eph_public + seal_bytes(key, plaintext, ad))


def open_sealed_to(private: bytes, sealed: str, ad: bytes) -> bytes:
    """Open what ``seal_to`` sealed to this private key's public key; KeySlotsTampered if it does not."""
    try:
        raw = base64.b64decode(sealed, validate=True)
        eph_public, body = raw[:32], raw[32:]
        own = X25519PrivateKey.from_private_bytes(private)
        public = own.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = own.exchange(X25519PublicKey.from_public_bytes(eph_public))
        return open_bytes(hkdf(shared, b"safespace-desk seal-to-slot|" + eph_public + public), body, ad)
    except (ValueError, SealBroken):
        raise KeySlotsTampered() from None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise KeySlotsTampered() from None
