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
    try:
        raw = base64.b64decode(blob, validate=True)
        body = json.loads(AESGCM(sync_key).decrypt(raw[:12], raw[12:], AD))
        return int(body["version"]), [Slot(**s) for s in body["slots"]]
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise IntegrityError("the key-slot set from the server does not open with this hub's sync key") from None


def fingerprint(slots: list[Slot]) -> str:
    return hashlib.sha256(json.dumps([s.__dict__ for s in slots], sort_keys=True).encode()).hexdigest()


def slots_json(slots: list[Slot]) -> str:
    return json.dumps([s.__dict__ for s in slots], sort_keys=True)


def slots_from_json(text: str) -> list[Slot]:
    return [Slot(**s) for s in json.loads(text)] if text else []


def _by_account(slots: list[Slot]) -> dict[tuple[str, str | None], Slot]:
    return {(s.kind, s.staff_id): s for s in slots}


def merge(base: list[Slot], local: list[Slot], remote: list[Slot]) -> list[Slot]:
    """Three-way merge by account: what changed here since ``base`` wins, else the server's."""
    b, loc, rem = _by_account(base), _by_account(local), _by_account(remote)
    out = []
    for account in dict.fromkeys([*rem, *loc]):
        mine, theirs, before = loc.get(account), rem.get(account), b.get(account)
        changed_here = (mine.id if mine else None) != (before.id if before else None)
        chosen = mine if changed_here else theirs
        if chosen is not None:
            out.append(chosen)
    return out


def adopt(current: KeySlots, master: bytes, slots: list[Slot], version: int | None = None) -> KeySlots:
    """These slots, bound to this desk's own database (its salt) and sealed with its MAC under
    ``master`` (master key ``version``, this desk's current one if not given)."""
    candidate = KeySlots(store_salt=current.store_salt, slots=[Slot(**s.__dict__) for s in slots],
                         current=current.current if version is None else version, chain=dict(current.chain))
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
