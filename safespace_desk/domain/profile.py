"""The site profile: what kind of service this is and which parts of the program it uses.

Three kinds of service use SafeSpace Desk (shared DOMAIN.md): a 24/7 hub for rough sleepers (Derby),
a peer-led crisis service that takes referrals (PFG Doncaster), and an evening walk-in haven
(Coventry and Warwickshire). The profile's default is the hub exactly as it was before profiles
existed, so a hub's store reads the same with or without one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.opening import OpeningHours, Season, WeeklyHours, check_hours
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text


class ServiceKind(StrEnum):
    HUB = "hub"
    CRISIS = "crisis"
    HAVEN = "haven"

    @property
    def label(self) -> str:
        return {"hub": "24/7 hub", "crisis": "Crisis service (by referral)",
                "haven": "Walk-in haven"}[self.value]


class Part(StrEnum):
    """Parts of the program a site may switch on or off. Beds follow the capacity periods (a period
    that gives beds), so they are not a part of their own."""

    EXCLUSIONS = "exclusions"
    MESSAGES = "messages"
    TRIAGE = "triage"
    REFERRALS = "referrals"  # referrals, cases and their lists
    DIARY = "diary"  # contacts, follow-ups, people around the person, escalation
    PLANS = "plans"  # staying-well and crisis plans
    SUPPORT = "support"  # practical support and onward referrals
    SESSIONS = "sessions"  # group sessions and the closing step

    @property
    def label(self) -> str:
        return {"exclusions": "Exclusions", "messages": "Messages from agencies", "triage": "Paramedic triage",
                "referrals": "Referrals and cases", "diary": "Diary of contacts and follow-ups",
                "plans": "Staying-well and crisis plans", "support": "Practical support and onward referrals",
                "sessions": "Group sessions and closing"}[self.value]


HUB_PARTS = frozenset({Part.EXCLUSIONS, Part.MESSAGES, Part.TRIAGE})
CASEWORK_PARTS = frozenset({Part.REFERRALS, Part.DIARY, Part.PLANS, Part.SUPPORT, Part.SESSIONS})
MAX_ESCALATION_CONTACTS = 8
MIN_AGE_RANGE = (10, 25)


@dataclass(frozen=True)
class EscalationContact:
    """Someone to call when a person is at risk (e.g. the crisis team's duty manager, 999)."""

    name: str
    number: str = ""
    note: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "number": self.number, "note": self.note}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EscalationContact:
        return cls(str(data["name"]), str(data.get("number", "")), str(data.get("note", "")))


@dataclass(frozen=True)
class SiteProfile:
    kind: ServiceKind = ServiceKind.HUB
    parts: frozenset[Part] = HUB_PARTS
    hours: OpeningHours = field(default_factory=OpeningHours)
    minimum_age: int | None = None
    helpline: str = ""  # a 24/7 line for when the service is closed, or where else to go
    escalation: tuple[EscalationContact, ...] = ()
    no_contact_days: int = 7  # "cases with no contact in N days"

    def uses(self, part: Part) -> bool:
        return part in self.parts

    @property
    def casework(self) -> bool:
        return bool(self.parts & CASEWORK_PARTS)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "parts": sorted(p.value for p in self.parts),
                "hours": self.hours.to_json(), "minimum_age": self.minimum_age, "helpline": self.helpline,
                "escalation": [c.to_json() for c in self.escalation], "no_contact_days": self.no_contact_days}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SiteProfile:
        if not data:
            return cls()
        age = data.get("minimum_age")
        return cls(kind=ServiceKind(data.get("kind", "hub")),
                   parts=frozenset(Part(p) for p in data.get("parts", []) if p in Part._value2member_map_),
                   hours=OpeningHours.from_json(data.get("hours")),
                   minimum_age=int(age) if age is not None else None,
                   helpline=str(data.get("helpline", "")),
                   escalation=tuple(EscalationContact.from_json(c) for c in data.get("escalation", [])),
                   no_contact_days=int(data.get("no_contact_days", 7)))


def check_profile(profile: SiteProfile) -> SiteProfile:
    """Every field named when it is wrong; returns the profile with its texts cleaned."""
    check_hours(profile.hours)
    if profile.minimum_age is not None and not MIN_AGE_RANGE[0] <= profile.minimum_age <= MIN_AGE_RANGE[1]:
        raise ValidationError(f"The minimum age should be between {MIN_AGE_RANGE[0]} and {MIN_AGE_RANGE[1]} "
                              "(or none).", field="minimum_age")
    if Part.REFERRALS in profile.parts and Part.DIARY not in profile.parts:
        raise ValidationError("Referrals need the diary of contacts: a referral waits for its first contact.",
                              field="parts")
    if not 1 <= profile.no_contact_days <= 90:
        raise ValidationError("“No contact in N days” takes 1 to 90 days.", field="no_contact_days")
    helpline = clean_text(profile.helpline, field="helpline", label="Helpline", max_len=SHORT_TEXT_MAX)
    if len(profile.escalation) > MAX_ESCALATION_CONTACTS:
        raise ValidationError(f"Up to {MAX_ESCALATION_CONTACTS} escalation contacts.", field="escalation")
    contacts = []
    for contact in profile.escalation:
        name = clean_text(contact.name, field="escalation", label="Escalation contact's name", max_len=80,
                          required=True)
        number = clean_text(contact.number, field="escalation", label=f"{name}: number", max_len=40)
        # Digits, with room for "ext 2" or "option 2"; a number has at least three digits (999).
        if number and sum(ch.isdigit() for ch in number) < 3:
            raise ValidationError(f"{name}: “{number}” does not look like a phone number.", field="escalation")
        note = clean_text(contact.note, field="escalation", label=f"{name}: note", max_len=SHORT_TEXT_MAX)
        contacts.append(EscalationContact(name, number, note))
    names = [c.name.casefold() for c in contacts]
    if len(set(names)) != len(names):
        raise ValidationError("Two escalation contacts have the same name.", field="escalation")
    return SiteProfile(profile.kind, frozenset(profile.parts), profile.hours, profile.minimum_age, helpline,
                       tuple(contacts), profile.no_contact_days)


# --- starting points for the set-up wizard (the three services in shared DOMAIN.md) ---------------

EMERGENCY = EscalationContact("Emergency services", "999", "Life at immediate risk")
NHS_111_MH = "NHS 111, option 2 (24/7 mental health crisis line)"


def crisis_profile() -> SiteProfile:
    """PFG Doncaster's Safe Space: referrals from the SPA, open 7 days, 16:30-21:00 and
    12:00-21:30 from December to March."""
    winter = Season("Winter hours", (12, 1), (3, 31), WeeklyHours.daily(time(12, 0), time(21, 30)))
    return SiteProfile(
        kind=ServiceKind.CRISIS,
        parts=frozenset({Part.REFERRALS, Part.DIARY, Part.PLANS, Part.SUPPORT, Part.SESSIONS}),
        hours=OpeningHours(always_open=False, usual=WeeklyHours.daily(time(16, 30), time(21, 0)),
                           seasons=(winter,)),
        minimum_age=18, helpline=NHS_111_MH,
        escalation=(EscalationContact("Crisis team duty manager", "", "Add the number in the service profile"),
                    EMERGENCY))


def haven_profile() -> SiteProfile:
    """Coventry and Warwickshire's Safe Havens: every night 18:00-23:00, walk-in and virtual,
    18+ (16+ in Warwickshire), no referral needed."""
    return SiteProfile(
        kind=ServiceKind.HAVEN,
        parts=frozenset({Part.DIARY, Part.PLANS, Part.SUPPORT, Part.SESSIONS}),
        hours=OpeningHours(always_open=False, usual=WeeklyHours.daily(time(18, 0), time(23, 0))),
        minimum_age=18, helpline=NHS_111_MH,
        escalation=(EscalationContact("Crisis team", "", "Add the number in the service profile"), EMERGENCY))


def starting_profile(kind: ServiceKind | str) -> SiteProfile:
    kind = ServiceKind(kind)
    if kind is ServiceKind.CRISIS:
        return crisis_profile()
    if kind is ServiceKind.HAVEN:
        return haven_profile()
    return SiteProfile()


# --- the minimum age: a warning, never a refusal -----------------------------------------------


def age_warning(profile: SiteProfile, name: str, birth_year: int | None, birth_date: date | None,
                today: date) -> str | None:
    """A clear warning when a person is (or may be) younger than the service's minimum age, with
    where else they can go. None when no age is known or they are old enough."""
    minimum = profile.minimum_age
    if minimum is None or (birth_year is None and birth_date is None):
        return None
    if birth_date is not None:
        age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
        if age >= minimum:
            return None
        said = f"is {age}"
    else:
        assert birth_year is not None
        oldest = today.year - birth_year  # born in that year: this old, or one less before the birthday
        if oldest - 1 >= minimum:
            return None
        said = f"{'is' if oldest < minimum else 'may be'} under {minimum} (born {birth_year})"
    where = f" Where else to go: {profile.helpline}." if profile.helpline else ""
    return (f"{name} {said}: this service is for people aged {minimum} and over. You can still help them "
            f"now; make sure they are safe and know where to get support for their age.{where}")
