"""The in-memory guest search index: finds a guest in two or three keystrokes.

Twenty thousand guests with their aliases fit in a few megabytes, and matching in memory is far
faster than LIKE over an encrypted table. The index is built once per unlocked desk and kept up to
date by the services that change guests (``refresh``).

Ranking: a name that starts with the query, then a word that starts with it, then a close spelling
(typos, via rapidfuzz); within each tier the guest seen most recently comes first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler
from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest, GuestAlias
from safespace_desk.db.models_hub_day import GuestDeath
from safespace_desk.domain.text import fold
from safespace_desk.services.ranked_names import Entry, KeyedLists, Rank, best_guests, rank_of, word_starts

TIER_PREFIX = 0
TIER_WORD = 1
TIER_FUZZY = 2
FUZZY_CUTOFF = 0.85


@dataclass
class IndexedGuest:
    id: str
    name: str
    legal_name: str | None
    flags: tuple[str, ...]
    card_code: str
    last_seen_ts: float
    names: list[tuple[str, str]] = field(default_factory=list)  # (shown name, " " + folded)


@dataclass(frozen=True)
class Match:
    guest: IndexedGuest
    matched_name: str  # the name or alias that matched (shown when it is not the preferred name)
    tier: int


class GuestIndex:
    def __init__(self) -> None:
        self._guests: dict[str, IndexedGuest] = {}
        self._by_card: dict[str, str] = {}
        self._cards_of: dict[str, list[str]] = {}  # guest id -> every card that finds them
        self._ranks: dict[str, Rank] = {}
        self._names = KeyedLists()  # folded whole name -> guests (tier 0: the name starts with it)
        self._inner = KeyedLists()  # a name from its second, third... word on (tier 1)
        self._words = KeyedLists()  # each word -> guests with it (the typo tier)
        self._word_guests: dict[str, set[str]] = {}
        self._similar_names: tuple[list[str], list[list[str]]] | None = None  # for similar()
        self._bulk = False

    @classmethod
    def build(cls, session: Session) -> GuestIndex:
        index = cls()
        index._bulk = True
        index._load(session, None)
        for lists in (index._names, index._inner, index._words):
            lists.sort_all()
        index._bulk = False
        return index

    def refresh(self, session: Session, guest_ids: set[str]) -> None:
        """Re-read these guests (after add, edit, merge, sign-in) without rebuilding everything."""
        for guest_id in guest_ids:
            self._remove(guest_id)
        self._load(session, guest_ids)

    def _load(self, session: Session, only: set[str] | None) -> None:
        """Index every live guest, or only ``only`` (with the records merged into them)."""
        guest_q = select(Guest.id, Guest.preferred_name, Guest.legal_name, Guest.flags,
                         Guest.card_code, Guest.last_seen_at, Guest.merged_into)
        alias_q = select(GuestAlias.guest_id, GuestAlias.name)
        if only is not None:
            related = set(only)
            frontier = set(only)
            while frontier:  # follow merges downwards: A <- B <- C
                children = set(session.scalars(select(Guest.id).where(Guest.merged_into.in_(frontier))))
                frontier = children - related
                related |= children
            guest_q = guest_q.where(Guest.id.in_(related))
            alias_q = alias_q.where(GuestAlias.guest_id.in_(related))
        aliases: dict[str, list[str]] = {}
        for guest_id, name in session.execute(alias_q):
            aliases.setdefault(guest_id, []).append(name)
        rows = {row.id: row for row in session.execute(guest_q)}
        # A person recorded as having died leaves the desk's search (issue 13): their record stays.
        died = set(session.scalars(select(GuestDeath.guest_id)))
        merged: dict[str, list[str]] = {}
        for row in rows.values():
            if row.merged_into:
                merged.setdefault(row.merged_into, []).append(row.id)
        for row in rows.values():
            if row.merged_into or (only is not None and row.id not in only) or row.id in died:
                continue
            extra = list(aliases.get(row.id, []))
            cards = [row.card_code]
            # A merged-away record's names and card keep finding the guest it was merged into.
            for other in _merged_closure(row.id, merged):
                extra.append(rows[other].preferred_name)
                extra.extend(aliases.get(other, []))
                if rows[other].legal_name:
                    extra.append(rows[other].legal_name)
                cards.append(rows[other].card_code)
            self._put(row.id, row.preferred_name, row.legal_name, row.flags, row.card_code,
                      row.last_seen_at, extra, cards)

    def touch(self, guest_id: str, seen_at: datetime) -> None:
        guest = self._guests.get(guest_id)
        if guest is not None:
            self._unlist(guest)
            guest.last_seen_ts = seen_at.timestamp()
            self._list(guest)

    def by_card(self, code: str) -> str | None:
        return self._by_card.get(code.strip().upper())

    def get(self, guest_id: str) -> IndexedGuest | None:
        return self._guests.get(guest_id)

    def guests(self) -> list[IndexedGuest]:
        return list(self._guests.values())

    def __len__(self) -> int:
        return len(self._guests)

    def search(self, query: str, limit: int = 20) -> list[Match]:
        q = " ".join(fold(query).split())
        if not q:
            return []
        # A name that starts with the query; then (only while the page is not full) a word inside
        # a name that starts with it, for guests not already found; then close spellings.
        found = [(guest_id, position, TIER_PREFIX)
                 for guest_id, position in best_guests(self._names.lists_starting_with(q), limit)]
        if len(found) < limit:
            seen = {guest_id for guest_id, _, _ in found}
            found += [(guest_id, position, TIER_WORD) for guest_id, position
                      in best_guests(self._inner.lists_starting_with(q), limit - len(found), seen)]
        matches = []
        for guest_id, position, tier in found:
            guest = self._guests[guest_id]
            matches.append(Match(guest, guest.names[position][0], tier))
        if len(q) >= 3 and len(matches) < limit:
            matches += self._fuzzy(q, {m.guest.id for m in matches}, limit - len(matches))
        return matches

    def named(self, name: str, limit: int = 10) -> list[IndexedGuest]:
        """Guests with a name or alias that is ``name`` exactly once accents, case and spacing are set
        aside, most recently seen first (a dictionary look-up: an import asks this for every name)."""
        key = " ".join(fold(name).split())
        return [self._guests[guest_id] for guest_id, _ in best_guests([self._names.list_for(key)], limit)]

    def similar(self, name: str, cutoff: float = 0.88, limit: int = 3) -> list[IndexedGuest]:
        """Guests with a whole name spelled much like ``name`` (Jonny/Jonnie), best first.

        Jaro-Winkler favours names that share their start, as people's spellings of a name do.
        Each distinct name is scored once (twenty thousand guests share far fewer names), and its
        guests follow in index order: an import asks this for every new name in a sheet."""
        key = " ".join(fold(name).split())
        if self._similar_names is None:
            holders: dict[str, list[str]] = {}
            for guest in self._guests.values():
                for _, folded in guest.names:
                    holders.setdefault(folded.strip(), []).append(guest.id)
            self._similar_names = (list(holders), list(holders.values()))
        names, guest_ids = self._similar_names
        hits = process.extract(key, names, scorer=JaroWinkler.normalized_similarity,
                               score_cutoff=cutoff, limit=limit * 3)
        out: list[IndexedGuest] = []
        seen: set[str] = set()
        for _, _, position in hits:
            for guest_id in guest_ids[position]:
                if guest_id not in seen:
                    seen.add(guest_id)
                    out.append(self._guests[guest_id])
                    if len(out) == limit:
                        return out
        return out

    # --- internals ---------------------------------------------------------------------------
    def _fuzzy(self, q: str, found: set[str], wanted: int) -> list[Match]:
        last_word = q.split()[-1]
        if len(last_word) < 3:
            return []
        # Jaro-Winkler (in C) rewards a shared start, as a tired typist's "stehp" shares "ste" with
        # "stephen"; a Python scorer here would cost a callback per word on every keystroke.
        hits = process.extract(last_word, self._words.keys, scorer=JaroWinkler.normalized_similarity,
                               score_cutoff=FUZZY_CUTOFF, limit=40)
        words = [word for word, _score, _ in hits]
        chosen = best_guests([self._words.list_for(word) for word in words], wanted, found)
        out = []
        for guest_id, _ in chosen:
            guest = self._guests[guest_id]
            # The name shown is the first holding the best-scored of the words that found them.
            word = next(w for w in words if guest_id in self._word_guests.get(w, ()))
            shown = next((s for s, f in guest.names if f" {word}" in f), guest.name)
            out.append(Match(guest, shown, TIER_FUZZY))
        return out

    def _put(self, guest_id: str, name: str, legal: str | None, flags_json: str, card: str,
             last_seen: datetime | None, extra_names: list[str], cards: list[str]) -> None:
        names = [name] + ([legal] if legal else []) + extra_names
        seen: set[str] = set()
        entries = []
        for shown in names:
            folded = " " + " ".join(fold(shown).split())
            if folded not in seen:
                seen.add(folded)
                entries.append((shown, folded))
        try:
            flags = tuple(json.loads(flags_json or "[]"))
        except ValueError:
            flags = ()
        guest = IndexedGuest(guest_id, name, legal, flags, card, last_seen.timestamp() if last_seen else 0.0, entries)
        self._guests[guest_id] = guest
        # Cards are upper-cased as typed or scanned; a merged-away record's card finds the survivor.
        self._cards_of[guest_id] = [c.upper() for c in reversed(cards)]
        for code in self._cards_of[guest_id]:
            self._by_card[code] = guest_id
        self._list(guest)
        self._similar_names = None

    def _remove(self, guest_id: str) -> None:
        guest = self._guests.pop(guest_id, None)
        if guest is not None:
            self._unlist(guest)
            for code in self._cards_of.pop(guest_id, []):
                if self._by_card.get(code) == guest_id:
                    del self._by_card[code]
            self._similar_names = None

    def _list(self, guest: IndexedGuest) -> None:
        rank = rank_of(guest.id, guest.name, guest.last_seen_ts)
        self._ranks[guest.id] = rank
        add = "add_unsorted" if self._bulk else "add"
        for key_lists, key, entry in self._entries(guest, rank):
            getattr(key_lists, add)(key, entry)
        for word in self._words_of(guest):
            self._word_guests.setdefault(word, set()).add(guest.id)

    def _unlist(self, guest: IndexedGuest) -> None:
        rank = self._ranks.pop(guest.id)
        for key_lists, key, entry in self._entries(guest, rank):
            key_lists.remove(key, entry)
        for word in self._words_of(guest):
            holders = self._word_guests.get(word)
            if holders is not None:
                holders.discard(guest.id)
                if not holders:
                    del self._word_guests[word]

    def _entries(self, guest: IndexedGuest, rank: Rank) -> Iterator[tuple[KeyedLists, str, Entry]]:
        for position, (_, folded) in enumerate(guest.names):
            whole, *inner = word_starts(folded)
            yield self._names, whole, (rank, guest.id, position)
            for suffix in inner:
                yield self._inner, suffix, (rank, guest.id, position)
        for word in self._words_of(guest):
            yield self._words, word, (rank, guest.id, 0)

    @staticmethod
    def _words_of(guest: IndexedGuest) -> list[str]:
        return sorted({word for _, folded in guest.names for word in folded.split()})


def _merged_closure(guest_id: str, merged: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    stack = list(merged.get(guest_id, []))
    while stack:
        other = stack.pop()
        out.append(other)
        stack.extend(merged.get(other, []))
    return out
