"""Synthetic guests: first names and nicknames, made-up surnames, years of birth, flags.

Every name here is a common given name or an invented word; surnames are invented so that no
record can be mistaken for a real person. Accents and other scripts are there on purpose: the
desk's search must find "Zoë" from "zoe" and "Łukasz" from "lukasz".
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from safespace_desk.demo import volumes as v
from safespace_desk.domain.guests import _CARD_ALPHABET, CARD_LENGTH, CARD_PREFIX, GuestFlag

WOMEN = (
    "Zoë", "Siân", "Aoife", "Niamh", "Chloé", "Renée", "Agnieszka", "Małgorzata", "Ioana", "Ayşe",
    "Fatima", "Amara", "Precious", "Kerry", "Leanne", "Stacey", "Gemma", "Jade", "Kayleigh", "Donna",
    "Tracy", "Michelle", "Sharon", "Shannon", "Chantelle", "Becky", "Sam", "Jo", "Lou", "Mags",
    "Bernadette", "Roisín", "Saoirse", "Dorota", "Oksana", "Мария", "Ελένη", "Nadia", "Yasmin", "Aaliyah",
)
MEN = (
    "Łukasz", "José", "Seán", "Dáithí", "Oisín", "Jürgen", "Zoltán", "Ionuț", "Şükrü", "Mehmet",
    "Yusuf", "Kofi", "Kwame", "Jamal", "Tariq", "Dariusz", "Piotr", "Bogdan", "Vasile", "Andrés",
    "Dave", "Steve", "Gaz", "Daz", "Lee", "Wayne", "Craig", "Shane", "Mick", "Tony", "Kev", "Jonno",
    "Terry", "Paul", "Mark", "Darren", "Jason", "Carl", "Liam", "Connor", "Ryan", "Callum", "Kieran",
    "Jamie", "Ross", "Sam", "Jo", "Chris", "Olek", "Олег", "Дмитро", "Γιώργος", "Ahmed", "Mohammed",
)
NEUTRAL = ("Alex", "Charlie", "Frankie", "Robin", "Jules", "Ash", "Kit", "Rowan", "Sky", "River")
NICKNAMES = (
    "Scouse", "Geordie", "Big Dave", "Little Mo", "Tiny", "Red", "Smiler", "Ginger", "Brummie",
    "Taff", "Jock", "Paddy D", "Irish John", "Polish Tom", "Cowboy", "Specs", "Biscuit", "Rocket",
    "Buzz", "Nan", "Duchess", "Sunny", "Lucky", "Bear", "Sparky", "Dubs", "Wolfie", "Rasta Paul",
    "Old Bill", "Magic", "Dizzy", "Peanut", "Pixie", "Ziggy", "Tank", "Jaffa", "Mouse", "Noodle",
)
# Invented surnames: plausible-sounding, found in no register.
SURNAMES = (
    "Ambledown", "Brackenfold", "Cindermoor", "Dapplewick", "Elmbrough", "Fernhallow", "Gorseby",
    "Hollowmere", "Inchcombe", "Juniperly", "Kestrelby", "Larkspurr", "Marrowby", "Nettlecombe",
    "Oakhanger-Vale", "Pebbleworth", "Quillfeather", "Rushmeade", "Sallowfield", "Thistlewick",
    "Umberleigh-Moss", "Vetchley", "Willowkettle", "Yarrowdene", "Zephyrine", "Ó Demoláin",
    "Brzózkowski-Demo", "Çamdemir", "Ñandúvez", "MacTestaig",
)
# Flags are mostly absent; when present, weights follow what hubs report as common needs.
FLAG_WEIGHTS = (
    (GuestFlag.SUBSTANCE_USE, 30), (GuestFlag.MENTAL_HEALTH, 28), (GuestFlag.PRISON_RELEASE, 14),
    (GuestFlag.NRPF, 8), (GuestFlag.SAFEGUARDING, 8), (GuestFlag.MOBILITY, 5), (GuestFlag.DA_RISK, 5),
    (GuestFlag.NRM, 2),
)


@dataclass(frozen=True)
class GuestProfile:
    preferred_name: str
    aliases: tuple[str, ...]
    legal_name: str | None
    birth_year: int | None
    gender: str | None
    flags: tuple[str, ...]


def _gender(rng: random.Random) -> str | None:
    r = rng.random()
    if r < v.WOMEN_SHARE:
        return "woman"
    r -= v.WOMEN_SHARE
    if r < v.NON_BINARY_SHARE:
        return "non-binary"
    r -= v.NON_BINARY_SHARE
    return None if r < v.GENDER_UNKNOWN_SHARE else "man"


def profile(rng: random.Random, year_now: int) -> GuestProfile:
    """One synthetic guest. Most are known by a first name or nickname only."""
    gender = _gender(rng)
    pool = WOMEN if gender == "woman" else MEN if gender == "man" else NEUTRAL + WOMEN[:10] + MEN[:10]
    first = rng.choice(pool)
    nickname = rng.choice(NICKNAMES)
    preferred = nickname if rng.random() < 0.12 else first
    aliases: list[str] = []
    if rng.random() < 0.1:
        aliases.append(first if preferred == nickname else nickname)
    legal = f"{first} {rng.choice(SURNAMES)}" if rng.random() < 0.3 else None
    birth_year = None
    if rng.random() < 0.65:
        birth_year = year_now - int(min(75, max(18, rng.gauss(38, 11))))
    flags: list[str] = []
    if rng.random() < 0.22:
        kinds = [f for f, _ in FLAG_WEIGHTS]
        weights = [w * (4 if f is GuestFlag.DA_RISK and gender == "woman" else 1) for f, w in FLAG_WEIGHTS]
        for flag in rng.choices(kinds, weights, k=1 + (rng.random() < 0.3)):
            if flag.value not in flags:
                flags.append(flag.value)
    return GuestProfile(preferred, tuple(a for a in aliases if a != preferred), legal, birth_year, gender,
                        tuple(flags))


def card_code(rng: random.Random) -> str:
    """Same shape as domain.guests.new_card_code(), but from the seeded generator."""
    return CARD_PREFIX + "".join(rng.choice(_CARD_ALPHABET) for _ in range(CARD_LENGTH))
