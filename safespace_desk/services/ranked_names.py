"""Guests' names laid out so that the best few matches are read first, not sorted out of thousands.

The search ranks a name that starts with the query, then a word that starts with it, then a close
spelling, and within each tier the guest seen most recently first (then name, then id). With
twenty thousand guests sharing a few hundred first names, one or two letters match thousands of
guests; scoring all of them on every keystroke was most of the search's time.

So each distinct name (and each word-start inside a name, and each word) keeps its own list of
guests already in rank order. A query's candidates are a contiguous run of those keys (a bisect);
merging their lists in rank order and stopping after ``limit`` guests reads about ``limit``
entries, whatever the number of matches. Seeing a guest (a sign-in) moves their entries within
the few lists that hold them, and adding or editing a guest inserts into a few lists: nothing is
rebuilt while staff type.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Iterator

# An entry: (rank, guest id, position of the name in the guest's names). The rank is unique per
# guest, so a guest's entries sit together and the first of them names the guest's best name.
Rank = tuple[float, str, str]
Entry = tuple[Rank, str, int]


def rank_of(guest_id: str, name: str, last_seen_ts: float) -> Rank:
    """The most recently seen first; the same moment (or never seen) by name, then by id."""
    return (-last_seen_ts, name, guest_id)


class KeyedLists:
    """Sorted distinct keys, each with its entries in rank order."""

    def __init__(self) -> None:
        self._lists: dict[str, list[Entry]] = {}
        self._keys: list[str] = []

    @property
    def keys(self) -> list[str]:
        """The distinct keys, sorted (do not modify)."""
        return self._keys

    def add(self, key: str, entry: Entry) -> None:
        entries = self._lists.get(key)
        if entries is None:
            self._lists[key] = [entry]
            insort(self._keys, key)
        else:
            insort(entries, entry)

    def add_unsorted(self, key: str, entry: Entry) -> None:
        """For building from scratch: call ``sort_all`` once afterwards."""
        self._lists.setdefault(key, []).append(entry)

    def sort_all(self) -> None:
        for entries in self._lists.values():
            entries.sort()
        self._keys = sorted(self._lists)

    def remove(self, key: str, entry: Entry) -> None:
        entries = self._lists.get(key)
        if entries is None:
            return
        at = bisect_left(entries, entry)
        if at < len(entries) and entries[at] == entry:
            del entries[at]
        if not entries:
            del self._lists[key]
            del self._keys[bisect_left(self._keys, key)]

    def lists_starting_with(self, prefix: str) -> list[list[Entry]]:
        # "\uffff" as the upper bound, as the search always has: a key whose next letter lies
        # beyond the Basic Multilingual Plane is not a prefix match.
        start = bisect_left(self._keys, prefix)
        end = bisect_left(self._keys, prefix + "\uffff", lo=start)
        return [self._lists[key] for key in self._keys[start:end]]

    def list_for(self, key: str) -> list[Entry]:
        return self._lists.get(key, [])


def best_guests(lists: list[list[Entry]], limit: int, skip: set[str] | frozenset[str] = frozenset()
                ) -> list[tuple[str, int]]:
    """The first ``limit`` guests (not in ``skip``) over these lists in rank order, each with the
    position of their first matching name."""
    out: list[tuple[str, int]] = []
    last = None
    if limit <= 0:
        return out
    merged: Iterator[Entry] = lists[0].__iter__() if len(lists) == 1 else heapq.merge(*lists)
    for _rank, guest_id, position in merged:
        if guest_id == last or guest_id in skip:
            continue
        if len(out) == limit:
            break
        out.append((guest_id, position))
        last = guest_id
    return out


def word_starts(folded: str) -> list[str]:
    """' big dave' -> ['big dave', 'dave']: the name from each word on (names are space-joined)."""
    text = folded[1:]
    out = [text]
    at = text.find(" ")
    while at != -1:
        out.append(text[at + 1:])
        at = text.find(" ", at + 1)
    return out
