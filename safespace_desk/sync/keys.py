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

from dataclasses import dataclass

from safespace_desk.db.sealing import Keyring, UnknownKeyVersion
from safespace_desk.services.context import DeskContext

DATA_PURPOSE = b"safespace-sync-data"
MAC_PURPOSE = b"safespace-sync-mac"


__all__ = ["DATA_PURPOSE", "MAC_PURPOSE", "SiteKeys", "UnknownKeyVersion", "keys_from_master", "site_keys"]


@dataclass
class SiteKeys:
    """Sync's keys of every master key version the desk's keyring holds (db/sealing.py)."""

    keyring: Keyring

    @property
    def current_version(self) -> int:
        return self.keyring.current_version

    def data_key(self, version: int) -> bytes:
        return self.keyring.derive(DATA_PURPOSE, version)

    def mac_key(self, version: int) -> bytes:
        return self.keyring.derive(MAC_PURPOSE, version)


def site_keys(desk: DeskContext) -> SiteKeys:
    """The site's keys on this unlocked desk: its keyring, every version it holds."""
    return SiteKeys(desk.keys)


def keys_from_master(master: bytes, version: int = 1) -> SiteKeys:
    """For a desk that is joining and has only just opened the site key from the slot set."""
    return SiteKeys(Keyring(version, {version: master}))
