"""Sealing what leaves the desk, and checking what arrives.

A row change travels as: its table ``t`` and key ``k`` (ids), ``c`` the fields on the table's
allowlist in clear, ``n`` the names of the other fields and ``s`` their values sealed with AES-256-GCM
under the data key of key version ``kv``. The GCM associated data binds the site, key version,
operation id, operation kind, table, record key, the clear fields and the sealed names, so the server
can neither read nor alter a field, move one to another record, nor change a clear value and keep
the tag valid. Every row change is sealed, even with nothing secret in it (its tag then covers its
clear fields): a joining desk checks each change of its snapshot the same way.

Each operation also carries a MAC (HMAC-SHA256 under the MAC key) over its header (site, id,
device, seq, kind, version, key version, time, staff) and each row change's table, key, action and
sealed bytes. Desks check it before applying anything, so an operation the server made up, or copied
from another site, is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safespace_desk.domain.errors import DeskError
from safespace_desk.sync import protocol, registry
from safespace_desk.sync.keys import SiteKeys, UnknownKeyVersion

NONCE = 12


class IntegrityError(DeskError):
    """Something that arrived was not made by a desk of this site (forged, altered or replayed)."""


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


@dataclass
class Sealer:
    """Seals for one site with one key version (keeps the AES object, as a push seals thousands)."""

    site_id: str
    keys: SiteKeys
    kv: int

    def __post_init__(self) -> None:
        self._gcm = _aead(self.keys.data_key(self.kv))
        self._mac_key = self.keys.mac_key(self.kv)

    def seal_change(self, op_id: str, kind: str, table: str, key: Any, action: str,
                    values: dict[str, Any]) -> protocol.RowChange:
        clear_names = registry.clear_fields(table)
        clear = {k: v for k, v in values.items() if k in clear_names}
        names = sorted(k for k in values if k not in clear_names)
        s = self._seal(op_id, kind, table, key, clear, names, [values[n] for n in names])
        # Built without validation: the server validates what it receives, and a push seals thousands.
        return protocol.RowChange.model_construct(t=table, k=key, a=action, c=clear, n=names, s=s)

    def seal_record(self, base_id: str, table: str, key: Any, values: dict[str, Any]) -> protocol.BaseRecord:
        clear_names = registry.clear_fields(table)
        clear = {k: v for k, v in values.items() if k in clear_names}
        names = sorted(k for k in values if k not in clear_names)
        s = self._seal(base_id, registry.BASE_KIND, table, key, clear, names, [values[n] for n in names])
        return protocol.BaseRecord.model_construct(t=table, k=key, c=clear, n=names, s=s)

    def _seal(self, op_id: str, kind: str, table: str, key: Any, clear: dict[str, Any], names: list[str],
              values: list[Any]) -> str:
        nonce = os.urandom(NONCE)
        ad = change_ad(self.site_id, self.kv, op_id, kind, table, key, clear, names)
        return _b64(nonce + self._gcm.encrypt(nonce, canonical(values), ad))

    def mac(self, op: protocol.Op) -> str:
        return _b64(hmac.new(self._mac_key, mac_body(self.site_id, op), hashlib.sha256).digest())

    def seal_audit(self, device_id: str, seq: int, prev: str, digest: str, at: str,
                   fields: list[Any]) -> str:
        nonce = os.urandom(NONCE)
        ad = canonical(["audit", self.site_id, self.kv, device_id, seq, prev, digest, at])
        return _b64(nonce + self._gcm.encrypt(nonce, canonical(fields), ad))


def change_ad(site_id: str, kv: int, op_id: str, kind: str, table: str, key: Any, clear: dict[str, Any],
              names: list[str]) -> bytes:
    return canonical([site_id, kv, op_id, kind, table, key, clear, names])


def mac_body(site_id: str, op: protocol.Op) -> bytes:
    return canonical([site_id, op.id, op.device, op.seq, op.kind, op.v, op.kv, op.at, op.staff,
                      [[r.t, r.k, r.a, r.s] for r in op.rows]])


class Opener:
    """Checks and opens what other desks sealed (every key version this desk holds)."""

    def __init__(self, site_id: str, keys: SiteKeys) -> None:
        self.site_id = site_id
        self.keys = keys
        self._gcm: dict[int, AESGCM] = {}

    def _gcm_for(self, kv: int) -> AESGCM:
        gcm = self._gcm.get(kv)
        if gcm is None:
            gcm = self._gcm[kv] = _aead(self.keys.data_key(kv))
        return gcm

    def check_mac(self, op: protocol.Op) -> None:
        try:
            key = self.keys.mac_key(op.kv)
        except UnknownKeyVersion:
            raise IntegrityError("sealed with a key this desk does not have") from None
        expected = hmac.new(key, mac_body(self.site_id, op), hashlib.sha256).digest()
        try:
            given = base64.b64decode(op.mac, validate=True)
        except ValueError:
            raise IntegrityError("its MAC is not readable") from None
        if not hmac.compare_digest(expected, given):
            raise IntegrityError("its MAC does not match")

    def open_values(self, kv: int, op_id: str, kind: str, table: str, key: Any, clear: dict[str, Any],
                    names: list[str], sealed: str | None) -> dict[str, Any]:
        """The row change's fields (clear and sealed together), or IntegrityError."""
        if sealed is None:
            raise IntegrityError("a row change is not sealed")
        try:
            raw = base64.b64decode(sealed, validate=True)
            gcm = self._gcm_for(kv)
            plain = gcm.decrypt(raw[:NONCE], raw[NONCE:],
                                change_ad(self.site_id, kv, op_id, kind, table, key, clear, names))
        except (InvalidTag, ValueError, UnknownKeyVersion):
            raise IntegrityError("a sealed field does not open") from None
        values = json.loads(plain)
        if not isinstance(values, list) or len(values) != len(names):
            raise IntegrityError("a sealed field does not open")
        out = dict(clear)
        out.update(zip(names, values, strict=True))
        return out

    def open_redacted(self, op: protocol.Op) -> list[tuple[str, Any, str, dict[str, Any]] | None]:
        """An operation the server redacted after an erasure: the rows about the erased guest lost
        their fields (so the MAC cannot check out; each is None here, keeping the others' places for
        the server's amendment); every row still sealed is checked and opened."""
        return [(r.t, r.k, r.a, self.open_values(op.kv, op.id, op.kind, r.t, r.k, r.c, r.n, r.s))
                if r.s is not None else None for r in op.rows]

    def open_op(self, op: protocol.Op) -> list[tuple[str, Any, str, dict[str, Any]]]:
        """Check the MAC, then open every row change: [(table, key, action, values)]."""
        self.check_mac(op)
        return [(r.t, r.k, r.a, self.open_values(op.kv, op.id, op.kind, r.t, r.k, r.c, r.n, r.s))
                for r in op.rows]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
