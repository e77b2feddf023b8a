"""Guests: the people who use the hub. Known by a first name or nickname; nothing else is forced."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.text import LONG_TEXT_MAX, NAME_MAX, clean_text


class ArrivedVia(StrEnum):
    SELF = "self"
    POLICE = "police"
    PARAMEDIC = "paramedic"
    OUTREACH = "outreach"
    HOUSING = "housing"
    PROBATION = "probation"
    HOSPITAL = "hospital"
    OTHER = "other"
    # Issue 13: prison releases (often at weekends, out of hours) and hostel "swaps". After Other, so
    # the keys staff know (Alt+1 to Alt+8) stay as they were: these are Alt+9 and Alt+0.
    PRISON = "prison"
    HOSTEL = "hostel"

    @property
    def label(self) -> str:
        return {"self": "Self", "police": "Police", "paramedic": "Paramedic", "outreach": "Outreach",
                "housing": "Housing", "probation": "Probation", "hospital": "Hospital",
                "other": "Other", "prison": "Prison", "hostel": "Hostel"}[self.value]


# Arrivals that belong to a 24/7 hub: prison releases and hostel swaps come to the hub (issue 13) and are
# not offered at a crisis service's or haven's desk. They are the last keys (Alt+9, Alt+0), so hiding
# them moves no other. A visit recorded with one elsewhere (an import) is still accepted.
HUB_ONLY_ARRIVALS = frozenset({ArrivedVia.PRISON, ArrivedVia.HOSTEL})


def arrivals_offered(is_hub: bool) -> tuple[ArrivedVia, ...]:
    return tuple(v for v in ArrivedVia if is_hub or v not in HUB_ONLY_ARRIVALS)


class GuestFlag(StrEnum):
    NRPF = "nrpf"
    NRM = "nrm"
    DA_RISK = "da_risk"
    SAFEGUARDING = "safeguarding"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    MOBILITY = "mobility"
    PRISON_RELEASE = "prison_release"
    # The guest asked not to be discussed at the partnership's by-name list meeting: they are left
    # off the list (only the number left off is shown).
    NOT_DISCUSSED = "not_discussed"

    @property
    def label(self) -> str:
        return {
            "nrpf": "No recourse to public funds",
            "nrm": "NRM (modern slavery)",
            "da_risk": "Domestic abuse risk",
            "safeguarding": "Safeguarding concern",
            "mental_health": "Mental health support",
            "substance_use": "Drug or alcohol support",
            "mobility": "Mobility needs",
            "prison_release": "Recent prison release",
            "not_discussed": "Not to be discussed at partnership meetings",
        }[self.value]

    @property
    def short(self) -> str:
        return {"nrpf": "NRPF", "nrm": "NRM", "da_risk": "DA risk", "safeguarding": "Safeguarding",
                "mental_health": "MH", "substance_use": "D&A", "mobility": "Mobility",
                "prison_release": "Prison release", "not_discussed": "Not discussed"}[self.value]


# Card codes carry no personal data: random, unambiguous letters and digits (Crockford base32).
_CARD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CARD_PREFIX = "SS"
CARD_LENGTH = 8


def new_card_code() -> str:
    return CARD_PREFIX + "".join(secrets.choice(_CARD_ALPHABET) for _ in range(CARD_LENGTH))


def looks_like_card_code(text: str) -> bool:
    text = text.strip().upper()
    return (len(text) == len(CARD_PREFIX) + CARD_LENGTH and text.startswith(CARD_PREFIX)
            and all(ch in _CARD_ALPHABET for ch in text[len(CARD_PREFIX):]))


@dataclass(frozen=True)
class GuestDetails:
    """What staff may record about a guest. Only the preferred name is required."""

    preferred_name: str
    aliases: tuple[str, ...] = ()
    legal_name: str | None = None
    birth_year: int | None = None
    birth_date: date | None = None
    gender: str | None = None
    flags: frozenset[GuestFlag] = frozenset()
    support_notes: str | None = None


def clean_guest_details(details: GuestDetails, *, today: date) -> GuestDetails:
    name = clean_text(details.preferred_name, field="preferred_name", label="Name", max_len=NAME_MAX,
                      required=True)
    aliases = []
    for alias in details.aliases:
        cleaned = clean_text(alias, field="aliases", label="Other name", max_len=NAME_MAX)
        if cleaned and cleaned not in aliases and cleaned != name:
            aliases.append(cleaned)
    if len(aliases) > 20:
        raise ValidationError("Up to 20 other names can be kept.", field="aliases")
    legal = clean_text(details.legal_name, field="legal_name", label="Legal name", max_len=NAME_MAX) or None
    gender = clean_text(details.gender, field="gender", label="Gender", max_len=40) or None
    notes = clean_text(details.support_notes, field="support_notes", label="Support notes",
                       max_len=LONG_TEXT_MAX, multiline=True) or None
    birth_year = details.birth_year
    if details.birth_date is not None:
        if details.birth_date > today:
            raise ValidationError("The date of birth is in the future.", field="birth_date")
        birth_year = details.birth_date.year
    if birth_year is not None and not today.year - 110 <= birth_year <= today.year - 10:
        raise ValidationError(f"The year of birth should be between {today.year - 110} and "
                              f"{today.year - 10}.", field="birth_year")
    return GuestDetails(preferred_name=name, aliases=tuple(aliases), legal_name=legal,
                        birth_year=birth_year, birth_date=details.birth_date, gender=gender,
                        flags=frozenset(details.flags), support_notes=notes)


def age_on(birth_year: int | None, birth_date: date | None, when: datetime) -> int | None:
    if birth_date is not None:
        today = when.date()
        return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return when.year - birth_year
    return None
