"""The keys sync seals with, all derived from the site key (the store's master key), and the ONE place
that reaches into the unlocked desk for them.

- data key (version v): seals the fields an operation does not carry in clear;
- MAC key (version v): the MAC on each operation, which desks check before applying it;
- the sync key: random, made when the first desk enrols, kept in the encrypted store and carried by
  join codes; it seals the synced key-slot set. It cannot be derived from the site key, because a
  joining desk needs the slot set to learn the site key.

The server never holds any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safespace_desk.services.context import DeskContext

DATA_PURPOSE = b"safespace-sync-data"
MAC_PURPOSE = b"safespace-sync-mac"


class UnknownKeyVersion(LookupError):
    """Sealed under a key version this desk does not have (it needs the newer keys first)."""


@dataclass
class SiteKeys:
    """The current key version and the derived keys of every version this desk holds."""

    current_version: int
    _masters: dict[int, bytes] = field(repr=False)
    _cache: dict[tuple[bytes, int], bytes] = field(default_factory=dict, repr=False)

    def data_key(self, version: int) -> bytes:
        return self._derive(DATA_PURPOSE, version)

    def mac_key(self, version: int) -> bytes:
        return self._derive(MAC_PURPOSE, version)

    def _derive(self, purpose: bytes, version: int) -> bytes:
        cached = self._cache.get((purpose, version))
        if cached is None:
            master = self._masters.get(version)
            if master is None:
                raise UnknownKeyVersion(version)
            cached = HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(master)
            self._cache[(purpose, version)] = cached
        return cached


def site_keys(desk: DeskContext) -> SiteKeys:
    """The site's keys on this unlocked desk. (Until versioned master keys arrive, the store's one
    master key is version 1.)"""
    return SiteKeys(current_version=1, _masters={1: desk.master_key})


def keys_from_master(master: bytes, version: int = 1) -> SiteKeys:
    """For a desk that is joining and has only just opened the site key from the slot set."""
    return SiteKeys(current_version=version, _masters={version: master})
