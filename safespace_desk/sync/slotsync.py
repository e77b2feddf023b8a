"""The site's key-slot set as it travels: sealed with the sync key, which the server never holds.

Each desk keeps its own key-slot file (bound to its own database file); what syncs is the set of
slots. A copy of the server therefore holds nothing to guess staff passwords against. When two desks
changed slots since they last agreed, the sets are merged slot by slot (per staff account and the
recovery slot): a slot this desk changed wins, otherwise the server's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safespace_desk.db.errors import UnknownStaffName, WrongPassword
from safespace_desk.db.keyslots import KeySlots, Slot
from safespace_desk.sync.sealing import IntegrityError

AD = b"safespace-desk slot set v1"


def seal(sync_key: bytes, slots: KeySlots, version: int) -> str:
    # The key version and the chain of older versions travel too: a desk that joins later opens what
    # was sealed before a rotation (issue 16 rotates across desks).
    body = json.dumps({"version": version, "slots": [s.__dict__ for s in slots.slots], "key_version": slots.current,
                       "chain": slots.chain}, sort_keys=True).encode()
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(sync_key).encrypt(nonce, body, AD)).decode()


def open_set(sync_key: bytes, blob: str) -> tuple[int, list[Slot]]:
    version, slots, _, _ = open_set_keys(sync_key, blob)
    return version, slots


def open_set_keys(sync_key: bytes, blob: str) -> tuple[int, list[Slot], int, dict[str, dict[str, Any]]]:
    """(set version, slots, master key version they carry, chain of older key versions)."""
    try:
        raw = base64.b64decode(blob, validate=True)
        body = json.loads(AESGCM(sync_key).decrypt(raw[:12], raw[12:], AD))
        chain = {str(k): {"under": int(v["under"]), "blob": str(v["blob"])} for k, v in (body.get("chain") or {}).items()}
        return int(body["version"]), [Slot(**s) for s in body["slots"]], int(body.get("key_version", 1)), chain
    except (InvalidTag, ValueError, KeyError, TypeError, AttributeError):
        raise IntegrityError("the key-slot set from the server does not open with this hub's sync key") from None


def fingerprint(slots: list[Slot]) -> str:
    return hashlib.sha256(json.dumps([s.__dict__ for s in slots], sort_keys=True).encode()).hexdigest()


def slots_json(slots: list[Slot]) -> str:
    return json.dumps([s.__dict__ for s in slots], sort_keys=True)


def slots_from_json(text: str) -> list[Slot]:
    return [Slot(**s) for s in json.loads(text)] if text else []


def _by_account(slots: list[Slot]) -> dict[tuple[str, str | None], Slot]:
    return {(s.kind, s.staff_id): s for s in slots}


def _identity(slot: Slot | None) -> dict[str, Any] | None:
    return None if slot is None else {k: v for k, v in slot.__dict__.items() if k != "sealed"}


def merge(base: list[Slot], local: list[Slot], remote: list[Slot]) -> list[Slot]:
    """Three-way merge by account: what changed here since ``base`` wins, else the server's."""
    b, loc, rem = _by_account(base), _by_account(local), _by_account(remote)
    out = []
    for account in dict.fromkeys([*rem, *loc]):
        mine, theirs, before = loc.get(account), rem.get(account), b.get(account)
        # A slot changed here if its key pair or login did (a new password, an account added or removed).
        # The key versions sealed into it are not such a change: a rotation seals a new one into every
        # slot, and that must not undo a password another desk changed (the desk that holds the new
        # version seals it into the slots it takes: KeySlots.seal_missing).
        changed_here = _identity(mine) != _identity(before)
        chosen = mine if changed_here else theirs
        if chosen is not None:
            out.append(chosen)
    return out


def adopt(current: KeySlots, master: bytes, slots: list[Slot], version: int | None = None, *,
          key_version: int | None = None, chain: dict[str, dict[str, Any]] | None = None) -> KeySlots:
    """These slots, bound to this desk's own database (its salt) and sealed with its MAC under
    ``master`` (master key ``version``, this desk's current one if not given).

    Slots that carry a newer master key version (``key_version``: a desk rotated the key) are
    adopted with it *pending*, and with the chain that reaches this desk's version from it: the next
    sign-in here opens the new version from a slot, reaches the current one down the chain, and the
    store is rekeyed as after a rotation cut off (services/keyrotation.open_store)."""
    own = current.current if version is None else version
    merged = dict(current.chain)
    merged.update(chain or {})
    pending = key_version if key_version is not None and key_version > own else None
    candidate = KeySlots(store_salt=current.store_salt, slots=[Slot(**s.__dict__) for s in slots],
                         current=own, pending=pending, chain=merged)
    candidate.mac = candidate._compute_mac(master)
    return candidate


def unlock(slots: list[Slot], login: str, password: str) -> tuple[bytes, str]:
    """The site key from a staff member's slot of the synced set (its integrity came from the sync
    key's seal; a desk's own file carries a MAC instead)."""
    _, master, staff_id = unlock_version(slots, login, password)
    return master, staff_id


def unlock_version(slots: list[Slot], login: str, password: str) -> tuple[int, bytes, str]:
    """(key version, site key of that version, staff id): the newest version sealed to the slot."""
    slot = next((s for s in slots if s.kind == "staff" and s.login == login), None)
    if slot is None or slot.staff_id is None:
        raise UnknownStaffName()
    masters = slot.open(password.encode())
    if not masters:
        raise WrongPassword()
    version = max(masters)
    return version, masters[version], slot.staff_id
