"""Write a key-slot file as SafeSpace Desk wrote it before format 2 (each slot wrapping the master
key itself under Argon2id), to test that such stores still open and are migrated."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safespace_desk.db.keyslots import normalise_recovery_key
from safespace_desk.db.sealing import hkdf
from safespace_desk.db.store import StorePaths, read_store_salt
from safespace_desk.ids import new_id

FORMAT = "safespace-desk-keyslots"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _slot(master: bytes, kind: str, staff_id: str | None, login: str | None, secret: bytes,
          memory_kib: int) -> dict[str, object]:
    salt, nonce = os.urandom(16), os.urandom(12)
    params = {"alg": "argon2id", "t": 1, "m": memory_kib, "p": 1, "salt": _b64(salt)}
    slot_id = new_id()
    key = hash_secret_raw(secret, salt, time_cost=1, memory_cost=memory_kib, parallelism=1, hash_len=32,
                          type=Type.ID)
    aad = json.dumps([FORMAT, slot_id, kind, staff_id], separators=(",", ":")).encode()
    return {"id": slot_id, "kind": kind, "staff_id": staff_id, "login": login, "kdf": params,
            "nonce": _b64(nonce), "wrapped": _b64(AESGCM(key).encrypt(nonce, master, aad))}


def write_v1(data_dir: Path, master: bytes, staff: list[tuple[str, str, str]], recovery_key: str,
             memory_kib: int = 8192) -> None:
    """Replace ``data_dir``'s key-slot file by a format 1 one: ``staff`` is [(staff id, login, password)]."""
    paths = StorePaths(data_dir)
    slots = [_slot(master, "recovery", None, None, normalise_recovery_key(recovery_key).encode(), memory_kib)]
    slots += [_slot(master, "staff", sid, login, pw.encode(), memory_kib) for sid, login, pw in staff]
    body = {"format": FORMAT, "version": 1, "store_salt": read_store_salt(paths.db).hex(), "slots": slots}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    body["mac"] = hmac.new(hkdf(master, b"keyslots-mac"), canonical, hashlib.sha256).hexdigest()
    paths.keyslots.write_text(json.dumps(body, indent=2) + "\n")
