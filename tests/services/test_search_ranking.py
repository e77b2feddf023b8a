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
from sqlalchemy import create_engine, insert, update
from sqlalchemy.orm import Session

from safespace_desk.db.models import Base, Guest, GuestAlias
from safespace_desk.db.models_hub_day import GuestDeath
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
    Base.metadata.create_all(engine, tables=[Guest.__table__, GuestAlias.__table__, GuestDeath.__table__])
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


def test_an_index_kept_up_to_date_answers_as_one_built_afresh() -> None:
    """Sign-ins (touch), edits, merges and new guests update the index in place; its answers must
    be those of an index built from scratch over the same rows."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[Guest.__table__, GuestAlias.__table__, GuestDeath.__table__])
    rows, alias_rows = _guest_rows()
    rows = rows[:800]
    alias_rows = [a for a in alias_rows if a["guest_id"] in {r["id"] for r in rows}]
    with Session(engine) as session, session.begin():
        session.execute(insert(Guest), rows)
        session.execute(insert(GuestAlias), alias_rows)
    rng = random.Random(3)
    with Session(engine) as session:
        live = GuestIndex.build(session)
        now = datetime(2026, 11, 24, tzinfo=UTC)
        for step in range(300):
            guest = rng.choice(live.guests())
            if step % 3:  # a sign-in: seen now (sometimes at the same moment as another guest)
                now += timedelta(minutes=rng.choice((0, 1, 7)))
                session.execute(update(Guest).where(Guest.id == guest.id).values(last_seen_at=now))
                live.touch(guest.id, now)
            elif step % 2:  # an edit: a new name, and a new guest with an alias
                session.execute(update(Guest).where(Guest.id == guest.id).values(preferred_name=f"Dave {step}"))
                new = {**rows[0], "id": f"n{step:04d}", "card_code": f"NEW{step:05d}", "merged_into": None,
                       "preferred_name": rng.choice(("Sam", "Jo Ann", "Zoë")), "last_seen_at": None}
                session.execute(insert(Guest), [new])
                session.execute(insert(GuestAlias), [{"id": f"na{step}", "guest_id": new["id"], "name": "Sparky",
                                                      "created_at": EPOCH}])
                live.refresh(session, {guest.id, str(new["id"])})
            else:  # a merge: the record merged away is found through the one kept
                other = rng.choice(live.guests())
                if other.id != guest.id:
                    session.execute(update(Guest).where(Guest.id == other.id).values(merged_into=guest.id))
                    live.refresh(session, {guest.id, other.id})
        fresh = GuestIndex.build(session)
        queries = _queries(rows) + ["dave 1", "jo a", "sparky", "sprky", "dave"]
        for query in queries:
            assert [(m.guest.id, m.matched_name, m.tier) for m in live.search(query)] == \
                [(m.guest.id, m.matched_name, m.tier) for m in fresh.search(query)], query
        assert len(live) == len(fresh) and all(live.by_card(c) == fresh.by_card(c) for c in ("NEW00004", "SS000005"))


if __name__ == "__main__":  # regenerate the pinned answers (only for a ranking change that is meant)
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[Guest.__table__, GuestAlias.__table__, GuestDeath.__table__])
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
