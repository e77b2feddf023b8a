"""What the crisis-service and haven demos share: synthetic people, the rows they write, and the
volumes they are tuned to (shared DOMAIN.md, sources growing-peer-support.txt and safe-havens.txt).

PFG Doncaster's Safe Space: 100 to 150 referrals a month, about 30% of them repeats or duplicates
(57% women); 747 calls a month rising to 1,500 (9.4 calls per person on average, up to 89 for one
person); 17 to 38 visits in person a month; about 138 cases open at once; 500+ food packs and 57+
counselling referrals (offered within 2 working days) over the first 17 months. The Safe Havens:
every night 18:00-23:00, walk-in and virtual, 18+; staying-well and crisis plans, signposting.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from safespace_desk.demo import names
from safespace_desk.demo.timeline import utc_text, uuid7_at

Row = dict[str, Any]
HOUR = 3600
DAY = 24 * HOUR

# --- PFG Doncaster's volumes (scale 1) -------------------------------------------------------------
NEW_PEOPLE_PER_DAY = 2.4  # first referrals; with repeats and duplicates ~110 referrals a month
DECLINED = 0.08
EPISODE_MEAN_DAYS = 45.0  # with ~85 episodes opened a month, ~130 open at once
REPEAT_CHANCE = 0.3  # a closed case referred again later (a second crisis)
REPEAT_GAP_MEAN_DAYS = 100.0
DUPLICATE_PER_OPEN_DAY = 0.006  # rang in again at the same point of crisis
CALLS_MEDIAN_PER_DAY = 0.2  # per open case; spread so a few people have many (up to ~90)
CALLS_SPREAD = 0.9  # sigma of the log-normal call rate
VISIT_PER_OPEN_DAY = 0.008  # ~1 a day in person
VIRTUAL_PER_OPEN_DAY = 0.004
ESCALATION_PER_OPEN_DAY = 0.0008
WOMEN = 0.57
CLOSURES = (("resolved", 45), ("other_support", 20), ("no_contact", 20), ("person_ended", 10),
            ("moved_away", 5))
SOURCES = (("spa", 85), ("crisis_team", 10), ("gp", 5))
FACTORS = (("isolation", 17), ("relationships", 15), ("bereavement", 12), ("financial", 12),
           ("self_harm", 10), ("mental_health", 22), ("drugs_alcohol", 8), ("domestic_abuse", 7),
           ("housing", 6), ("caring", 4))
ETHNICITIES = (("White British", 78), ("White other", 6), ("Asian or Asian British", 6),
               ("Black or Black British", 4), ("Mixed heritage", 3), ("Other", 3))

REASONS = ("Low mood after losing work", "Struggling since a bereavement", "Money worries and not sleeping",
           "Relationship breakdown, feeling alone", "Anxiety, not leaving the house", "Thoughts of self-harm",
           "Crisis line call overnight", "Housing worries, feeling overwhelmed", "Isolated since moving here",
           "Carer under strain, low mood")
CONTACT_NOTES = ("Talked through the week; agreed to call back", "Feeling a bit brighter; planning a walk",
                 "Worried about the gas bill; talked about a top-up", "Tearful; stayed on the line until calmer",
                 "Went over their crisis plan together", "Said the group helped; wants to come again",
                 "No answer; left a message", "Talked about sleep; will try the routine we discussed")
PLAN_TEXT = {
    "keeps_me_well": ("Walking by the river in the morning", "Seeing my sister on Sundays", "Cooking for friends"),
    "warning_signs": ("Not sleeping, staying in bed all day", "Stopping answering the phone", "Drinking more"),
    "what_helps": ("Someone to talk to in the evening", "Music and a hot drink", "Getting out of the house"),
    "what_doesnt": ("Being told to calm down", "Lots of questions at once", "Being left on hold"),
    "who_to_contact": ("Safe Space peer line", "My sister", "My CPN in the week"),
    "safe_places": ("The Safe Space building", "The library", "My friend's flat"),
}
FOLLOW_UPS = ("Call back after 6pm", "Check how the appointment went", "Ring about the food bank",
              "Call back tomorrow evening", "See if they want to come to the group")


@dataclass
class Person:
    index: int
    guest_id: str
    name: str
    gender: str | None
    birth_year: int | None
    first_at: int
    row: Row = field(default_factory=dict, repr=False)  # the guest row, for last_seen_at at the end
    call_rate: float = 0.0
    last_at: int = 0

    def seen(self, at: int) -> None:
        self.last_at = max(self.last_at, at)
        self.row["last_seen_at"] = utc_text(self.last_at)


@dataclass
class Rows:
    """Rows per table, in the order they must be written (parents first)."""

    tables: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> None:
        self.tables.setdefault(table, []).append(row)

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))


def pick(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small means used here.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def new_person(rows: Rows, rng: random.Random, index: int, at: int, year_now: int, *, women: float,
               youngest: int = 18, ethnicity_recorded: float = 0.8) -> Person:
    gender = "woman" if rng.random() < women else ("non-binary" if rng.random() < 0.03 else "man")
    pool = names.WOMEN if gender == "woman" else names.MEN if gender == "man" else names.NEUTRAL
    name = rng.choice(pool)
    birth_year = year_now - int(min(80, max(youngest, rng.gauss(38, 13)))) if rng.random() < 0.85 else None
    guest_id = uuid7_at(at, rng)
    row: Row = {"id": guest_id, "preferred_name": name, "birth_year": birth_year, "gender": gender,
                "flags": "[]", "card_code": names.card_code(rng), "created_at": utc_text(at),
                "updated_at": utc_text(at), "last_seen_at": utc_text(at),
                "ethnicity": pick(rng, ETHNICITIES) if rng.random() < ethnicity_recorded else None}
    rows.add("guest", row)
    return Person(index, guest_id, name, gender, birth_year, at, row, last_at=at)
