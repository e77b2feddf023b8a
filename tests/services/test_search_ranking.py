"""The search index's answers, pinned: the same guests in the same order, the same matched names.

A fixed synthetic set of 3,000 guests (the demo's own name generator: shared first names,
nicknames, accents, other scripts, aliases, legal names, merged records) is indexed through the
real ``GuestIndex`` loader, and every query the bench types (one to four letters, typos,
multi-word, no match) is compared with the answers recorded in data/search_ranking.json before
search was made faster. A change to the ranking fails here; regenerate the file only for a
ranking change that is meant (``python -m tests.services.test_search_ranking``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from safespace_desk.db.models import Base, Guest, GuestAlias
from safespace_desk.demo.names import profile
from safespace_desk.services.guest_index import GuestIndex

GOLDEN = Path(__file__).with_name("data") / "search_ranking.json"
GUESTS = 3000
EPOCH = datetime(2016, 1, 1, tzinfo=UTC)


def _guest_rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    rng = random.Random(20261124)
    guests, aliases = [], []
    for i in range(GUESTS):
        person = profile(rng, 2026)
        guest_id = f"g{i:05d}"
        # Distinct last-seen times (a tie on time and name would have no defined order), a few
        # never seen, and one in fifty merged into an earlier guest (its names find the survivor).
        seen = None if i % 37 == 0 else EPOCH + timedelta(minutes=rng.randrange(5_000_000) * 7 + i)
        merged = f"g{rng.randrange(i):05d}" if i > 10 and i % 50 == 0 else None
        guests.append({"id": guest_id, "preferred_name": person.preferred_name, "legal_name": person.legal_name,
                       "flags": json.dumps(list(person.flags)), "card_code": f"SS{i:06d}", "merged_into": merged,
                       "created_at": EPOCH, "updated_at": EPOCH, "last_seen_at": seen})
        for n, alias in enumerate(person.aliases):
            aliases.append({"id": f"a{i:05d}-{n}", "guest_id": guest_id, "name": alias, "created_at": EPOCH})
    return guests, aliases


def _queries(guests: list[dict[str, object]]) -> list[str]:
    names = [str(g["preferred_name"]) for g in random.Random(7).sample(guests, 150)]
    legal = [str(g["legal_name"]) for g in guests[:400] if g["legal_name"]][:30]
    typed = [name[:n] for name in names for n in range(1, 5) if len(name) >= n]
    typos = []
    for name in names:
        word = name.split()[0]
        typos.append(word if len(word) < 4 else word[0] + word[2] + word[1] + word[3:])
    multi = [" ".join(w[:3] for w in name.split()) for name in legal] + [name.split()[-1][:5] for name in legal]
    odd = ["", "   ", "qqq", "zzzz", "x", "ZOE", "zoë", "  big   da ", "o d", "ó demo", "stehp", "MARIA", "мар",
           "lukasz", "shaen", "chris ", "jo", "jo a", "sam", "darrne", "kaylegh", "wolfi", "paddy", "irish j"]
    return list(dict.fromkeys(typed + typos + multi + odd))


@pytest.fixture(scope="module")
def index() -> Iterator[GuestIndex]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[Guest.__table__, GuestAlias.__table__])
    guests, aliases = _guest_rows()
    with Session(engine) as session, session.begin():
        session.execute(insert(Guest), guests)
        session.execute(insert(GuestAlias), aliases)
    with Session(engine) as session:
        yield GuestIndex.build(session)
    engine.dispose()


def _answers(index: GuestIndex) -> dict[str, list[list[object]]]:
    guests, _ = _guest_rows()
    return {query: [[m.guest.id, m.matched_name, m.tier] for m in index.search(query, limit=20)]
            for query in _queries(guests)}


def test_search_answers_are_the_pinned_ones(index: GuestIndex) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = _answers(index)
    assert got.keys() == expected.keys()
    differ = [q for q in expected if got[q] != expected[q]]
    assert not differ, f"{len(differ)} queries answer differently, e.g. {differ[:5]}"
    # The pinned set exercises every tier and the full page of results, so it can fail.
    tiers = {tier for hits in expected.values() for _, _, tier in hits}
    assert tiers == {0, 1, 2} and max(len(hits) for hits in expected.values()) == 20


if __name__ == "__main__":  # regenerate the pinned answers (only for a ranking change that is meant)
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[Guest.__table__, GuestAlias.__table__])
    rows, alias_rows = _guest_rows()
    with Session(engine) as s, s.begin():
        s.execute(insert(Guest), rows)
        s.execute(insert(GuestAlias), alias_rows)
    with Session(engine) as s:
        answers = _answers(GuestIndex.build(s))
    lines = [f"{json.dumps(q, ensure_ascii=False)}: {json.dumps(a, ensure_ascii=False, separators=(',', ':'))}"
             for q, a in sorted(answers.items())]
    GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")  # a line per query: readable diffs
    print(f"wrote {len(answers)} queries to {GOLDEN}")
