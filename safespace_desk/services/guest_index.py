"""The in-memory guest search index: finds a guest in two or three keystrokes.

Twenty thousand guests with their aliases fit in a few megabytes, and matching in memory is far
faster than LIKE over an encrypted table. The index is built once per unlocked desk and kept up to
date by the services that change guests (``refresh``).

Ranking: a name that starts with the query, then a word that starts with it, then a close spelling
(typos, via rapidfuzz); within each tier the guest seen most recently comes first.
"""

from __future__ import annotations

import heapq
import json
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler
from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest, GuestAlias
from safespace_desk.domain.text import fold

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
        self._words: dict[str, set[str]] = {}  # folded word -> guest ids
        self._word_list: list[str] = []
        self._words_dirty = True

    @classmethod
    def build(cls, session: Session) -> GuestIndex:
        index = cls()
        index._load(session, None)
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
        merged: dict[str, list[str]] = {}
        for row in rows.values():
            if row.merged_into:
                merged.setdefault(row.merged_into, []).append(row.id)
        for row in rows.values():
            if row.merged_into or (only is not None and row.id not in only):
                continue
            extra = list(aliases.get(row.id, []))
            # A merged-away record's names and card keep finding the guest it was merged into.
            for other in _merged_closure(row.id, merged):
                extra.append(rows[other].preferred_name)
                extra.extend(aliases.get(other, []))
                if rows[other].legal_name:
                    extra.append(rows[other].legal_name)
                self._by_card[rows[other].card_code.upper()] = row.id
            self._put(row.id, row.preferred_name, row.legal_name, row.flags, row.card_code,
                      row.last_seen_at, extra)

    def touch(self, guest_id: str, seen_at: datetime) -> None:
        guest = self._guests.get(guest_id)
        if guest is not None:
            guest.last_seen_ts = seen_at.timestamp()

    def by_card(self, code: str) -> str | None:
        return self._by_card.get(code.strip().upper())

    def get(self, guest_id: str) -> IndexedGuest | None:
        return self._guests.get(guest_id)

    def __len__(self) -> int:
        return len(self._guests)

    def search(self, query: str, limit: int = 20) -> list[Match]:
        q = " ".join(fold(query).split())
        if not q:
            return []
        if self._words_dirty:
            self._rebuild_words()
        # Every match starts a word with the query's first word, so a binary search over the sorted
        # distinct words finds the candidates without looking at every guest.
        first = q.split()[0]
        start = bisect_left(self._word_list, first)
        end = bisect_left(self._word_list, first + "\uffff", lo=start)
        candidates: set[str] = set()
        for word in self._word_list[start:end]:
            candidates.update(self._words[word])
        best: dict[str, Match] = {}
        needle_start = " " + q
        for guest_id in candidates:
            guest = self._guests.get(guest_id)
            if guest is None:
                continue
            for shown, folded in guest.names:
                if folded.startswith(needle_start):
                    tier = TIER_PREFIX
                elif needle_start in folded:
                    tier = TIER_WORD
                else:
                    continue
                current = best.get(guest.id)
                if current is None or tier < current.tier:
                    best[guest.id] = Match(guest, shown, tier)
        if len(q) >= 3 and len(best) < limit:
            self._add_fuzzy(q, best)
        # The id last: two guests of the same name never seen (imported, say) keep one order
        # rather than the order of a set, which changes from run to run.
        return heapq.nsmallest(limit, best.values(),
                               key=lambda m: (m.tier, -m.guest.last_seen_ts, m.guest.name, m.guest.id))

    def similar(self, name: str, cutoff: float = 0.88, limit: int = 3) -> list[IndexedGuest]:
        """Guests with a whole name spelled much like ``name`` (Jonny/Jonnie), best first.

        Jaro-Winkler favours names that share their start, as people's spellings of a name do."""
        key = " ".join(fold(name).split())
        entries = [(folded.strip(), guest.id) for guest in self._guests.values() for _, folded in guest.names]
        hits = process.extract(key, [e[0] for e in entries], scorer=JaroWinkler.normalized_similarity,
                               score_cutoff=cutoff, limit=limit * 3)
        out: list[IndexedGuest] = []
        for _, _, position in hits:
            guest = self._guests[entries[position][1]]
            if guest not in out:
                out.append(guest)
        return out[:limit]

    # --- internals ---------------------------------------------------------------------------
    def _add_fuzzy(self, q: str, best: dict[str, Match]) -> None:
        last_word = q.split()[-1]
        if len(last_word) < 3:
            return
        # Jaro-Winkler (in C) rewards a shared start, as a tired typist's "stehp" shares "ste" with
        # "stephen"; a Python scorer here would cost a callback per word on every keystroke.
        hits = process.extract(last_word, self._word_list, scorer=JaroWinkler.normalized_similarity,
                               score_cutoff=FUZZY_CUTOFF, limit=40)
        for word, _score, _ in hits:
            for guest_id in self._words.get(word, ()):
                if guest_id in best:
                    continue
                guest = self._guests.get(guest_id)
                if guest is None:
                    continue
                shown = next((s for s, f in guest.names if f" {word}" in f), guest.name)
                best[guest_id] = Match(guest, shown, TIER_FUZZY)

    def _rebuild_words(self) -> None:
        self._words = {}
        for guest in self._guests.values():
            for _, folded in guest.names:
                for word in folded.split():
                    self._words.setdefault(word, set()).add(guest.id)
        self._word_list = sorted(self._words)
        self._words_dirty = False

    def _put(self, guest_id: str, name: str, legal: str | None, flags_json: str, card: str,
             last_seen: datetime | None, extra_names: list[str]) -> None:
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
        self._guests[guest_id] = IndexedGuest(guest_id, name, legal, flags, card,
                                              last_seen.timestamp() if last_seen else 0.0, entries)
        self._by_card[card.upper()] = guest_id
        self._words_dirty = True

    def _remove(self, guest_id: str) -> None:
        guest = self._guests.pop(guest_id, None)
        if guest is not None:
            self._by_card = {c: g for c, g in self._by_card.items() if g != guest_id}


def _merged_closure(guest_id: str, merged: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    stack = list(merged.get(guest_id, []))
    while stack:
        other = stack.pop()
        out.append(other)
        stack.extend(merged.get(other, []))
    return out
