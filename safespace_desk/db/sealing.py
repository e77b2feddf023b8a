"""Sealing with versioned keys: the desk's keyring and AES-256-GCM with associated data.

The store's master key has versions (a new one each time the key is rotated, see keyrotation.py).
An unlocked desk holds a ``Keyring``: the current version, and every older version it can reach
(each older version is kept sealed under the next, in keyslots.json). Everything sealed with a key
derived from the master key (sync's data and MAC keys, the clinical key's seal) goes through
``derive(purpose, version)``, so there is one key mechanism and a rotation reaches all of it.

A sealed value names the key version it was sealed with, so a value sealed before a rotation
opens after it.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
KEY_BYTES = 32
_PREFIX = "s1"


class UnknownKeyVersion(LookupError):
    """Sealed under a key version this desk does not hold (it needs the newer keys first)."""


class SealBroken(ValueError):
    """A sealed value does not open: altered, moved to another record, or not sealed by this site."""


def hkdf(key: bytes, purpose: bytes) -> bytes:
    """A 256-bit key for one purpose, derived from ``key`` (HKDF-SHA256, no salt)."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(key)


def seal_bytes(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    """nonce + AES-256-GCM(plaintext) with ``ad`` as associated data."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def open_bytes(key: bytes, sealed: bytes, ad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], ad)
    except (InvalidTag, ValueError):
        raise SealBroken() from None


@dataclass
class Keyring:
    """The master key versions an unlocked desk holds. Never printed (repr hides the keys)."""

    current_version: int
    _masters: dict[int, bytes] = field(repr=False)
    _cache: dict[tuple[bytes, int], bytes] = field(default_factory=dict, repr=False)

    @property
    def current(self) -> bytes:
        return self.master(self.current_version)

    @property
    def versions(self) -> list[int]:
        return sorted(self._masters)

    def master(self, version: int) -> bytes:
        try:
            return self._masters[version]
        except KeyError:
            raise UnknownKeyVersion(version) from None

    def derive(self, purpose: bytes | str, version: int | None = None) -> bytes:
        """The key for ``purpose`` of master key ``version`` (the current one if not given)."""
        raw = purpose.encode() if isinstance(purpose, str) else purpose
        version = self.current_version if version is None else version
        cached = self._cache.get((raw, version))
        if cached is None:
            cached = self._cache[(raw, version)] = hkdf(self.master(version), raw)
        return cached

    def with_version(self, version: int, master: bytes, *, current: bool = True) -> Keyring:
        """This keyring with one more version (made current unless told otherwise)."""
        masters = dict(self._masters)
        masters[version] = master
        return Keyring(version if current else self.current_version, masters)

    # --- sealing values with the keyring ---------------------------------------------------------
    def seal(self, purpose: bytes | str, plaintext: bytes, ad: bytes) -> str:
        """Seal with the current version's key for ``purpose``: text naming the version."""
        body = seal_bytes(self.derive(purpose), plaintext, _versioned_ad(self.current_version, ad))
        return f"{_PREFIX}.{self.current_version}.{base64.b64encode(body).decode()}"

    def open(self, purpose: bytes | str, sealed: str, ad: bytes) -> bytes:
        """Open what ``seal`` made, with whichever version it names; SealBroken if it does not open."""
        version, body = parse_sealed(sealed)
        return open_bytes(self.derive(purpose, version), body, _versioned_ad(version, ad))


def parse_sealed(sealed: str) -> tuple[int, bytes]:
    try:
        prefix, version, body = sealed.split(".", 2)
        if prefix != _PREFIX:
            raise ValueError(prefix)
        return int(version), base64.b64decode(body, validate=True)
    except (ValueError, AttributeError):
        raise SealBroken() from None


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_PREFIX + ".")


def _versioned_ad(version: int, ad: bytes) -> bytes:
    return b"%d|" % version + ad
