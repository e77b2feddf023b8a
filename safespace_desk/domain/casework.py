"""The words of a crisis service's casework: referrals, cases, contacts, support, the people around
a person. Labels are what staff see; values are what is stored and counted (docs/figures.md).

From PFG Doncaster's Safe Space (shared DOMAIN.md): referrals come from the NHS Single Point of
Access; a person is accepted only after a first conversation; about 30% of referrals are repeats,
which re-open the person's case rather than create a new one; a second referral at the same point
of crisis is a duplicate, not a repeat.
"""

from __future__ import annotations

import re
from enum import StrEnum

from safespace_desk.domain.errors import ValidationError


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS[self.value]

    @classmethod
    def parse(cls, text: str | _Labelled, *, field: str) -> _Labelled:
        """By value or by label, case and spacing ignored; an unknown one names the choices."""
        if isinstance(text, cls):
            return text
        key = " ".join(str(text or "").replace("_", " ").split()).casefold()
        for member in cls:
            if key in (member.value.replace("_", " "), member.label.casefold()):
                return member
        choices = ", ".join(m.value for m in cls)
        raise ValidationError(f"“{str(text)[:30]}” is not one of: {choices}.", field=field) from None


class ReferralSource(_Labelled):
    @property
    def short(self) -> str:
        """For narrow table columns: "SPA" rather than "NHS Single Point of Access"."""
        return "SPA" if self is ReferralSource.SPA else self.label

    SPA = "spa"
    CRISIS_TEAM = "crisis_team"
    GP = "gp"
    AE = "ae"
    POLICE = "police"
    SELF = "self"
    FAMILY = "family"
    OTHER = "other"


class ReferralKind(_Labelled):
    NEW = "new"  # never referred before
    REPEAT = "repeat"  # referred before, no episode open: accepting it re-opens the case
    DUPLICATE = "duplicate"  # referred again while an episode is open or a referral is waiting


class ReferralStatus(_Labelled):
    WAITING = "waiting"  # received; accepted or declined after the first conversation
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DUPLICATE = "duplicate"  # kept and counted, but opens nothing


class ClosureReason(_Labelled):
    RESOLVED = "resolved"
    OTHER_SUPPORT = "other_support"
    NO_CONTACT = "no_contact"
    PERSON_ENDED = "person_ended"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


class ReferralFactor(_Labelled):
    """What brought the person in (optional; sealed; only ever counted)."""

    FINANCIAL = "financial"
    HOUSING = "housing"
    RELATIONSHIPS = "relationships"
    BEREAVEMENT = "bereavement"
    ISOLATION = "isolation"
    PHYSICAL_HEALTH = "physical_health"
    MENTAL_HEALTH = "mental_health"
    DRUGS_ALCOHOL = "drugs_alcohol"
    DOMESTIC_ABUSE = "domestic_abuse"
    SELF_HARM = "self_harm"
    CARING = "caring"
    OTHER = "other"


class ContactKind(_Labelled):
    CALL_IN = "call_in"
    CALL_OUT = "call_out"
    VISIT = "visit"
    VIRTUAL = "virtual"

    @property
    def is_call(self) -> bool:
        return self in (ContactKind.CALL_IN, ContactKind.CALL_OUT)


class ContactOutcome(_Labelled):
    SUPPORTED = "supported"
    NO_ANSWER = "no_answer"
    MESSAGE_LEFT = "message_left"
    SIGNPOSTED = "signposted"
    ESCALATED = "escalated"
    OTHER = "other"


class VisitMode(_Labelled):
    """How someone is with the service. Only in-person visits take a place in the building."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    PHONE = "phone"

    @property
    def in_building(self) -> bool:
        return self is VisitMode.IN_PERSON


class SupportKind(_Labelled):
    FOOD_PACK = "food_pack"
    CLOTHING_PACK = "clothing_pack"
    GAS_TOPUP = "gas_topup"
    ELECTRIC_TOPUP = "electric_topup"
    BEDDING = "bedding"
    HOUSEHOLD = "household"
    TRAVEL = "travel"
    OTHER = "other"


class OnwardKind(_Labelled):
    COUNSELLING = "counselling"
    CITIZENS_ADVICE = "citizens_advice"
    HOUSING = "housing"
    GP = "gp"
    DRUGS_ALCOHOL = "drugs_alcohol"
    DOMESTIC_ABUSE = "domestic_abuse"
    BENEFITS = "benefits"
    COMMUNITY = "community"
    OTHER = "other"


class OnwardStatus(_Labelled):
    REFERRED = "referred"
    OFFERED = "offered"  # an appointment or place was offered
    ACCEPTED = "accepted"  # the person took it up
    SEEN = "seen"
    DECLINED = "declined"  # the person chose not to (or it lapsed)


ONWARD_ORDER = (OnwardStatus.REFERRED, OnwardStatus.OFFERED, OnwardStatus.ACCEPTED, OnwardStatus.SEEN)


class CircleRole(_Labelled):
    """People around the person: agencies' contacts, and carers or family with consent."""

    CPN = "cpn"
    CARE_COORDINATOR = "care_coordinator"
    PROBATION = "probation"
    HOUSING = "housing"
    GP = "gp"
    SOCIAL_WORKER = "social_worker"
    CARER = "carer"
    FAMILY_FRIEND = "family_friend"
    OTHER = "other"

    @property
    def needs_consent(self) -> bool:
        return self in (CircleRole.CARER, CircleRole.FAMILY_FRIEND)


_LABELS = {
    # referral sources
    "spa": "NHS Single Point of Access", "crisis_team": "Crisis team", "gp": "GP", "ae": "A&E",
    "police": "Police", "self": "Self", "family": "Family or friend", "other": "Other",
    # referral kinds and statuses
    "new": "New", "repeat": "Repeat", "duplicate": "Duplicate",
    "waiting": "Waiting for a decision", "accepted": "Accepted", "declined": "Declined",
    # closure reasons
    "resolved": "Feeling safer; support ended together", "other_support": "Moved on to other support",
    "no_contact": "Could not reach them", "person_ended": "They chose to stop",
    "moved_away": "Moved out of the area",
    # factors
    "financial": "Money worries", "housing": "Housing", "relationships": "Relationships or family",
    "bereavement": "Bereavement", "isolation": "Isolation or loneliness", "physical_health": "Physical health",
    "mental_health": "Mental health", "drugs_alcohol": "Drugs or alcohol", "domestic_abuse": "Domestic abuse",
    "self_harm": "Self-harm or suicidal thoughts", "caring": "Caring for someone",
    # contacts
    "call_in": "Call in", "call_out": "Call out", "visit": "Visit in person", "virtual": "Virtual visit",
    "supported": "Talked; support given", "no_answer": "No answer", "message_left": "Message left",
    "signposted": "Signposted elsewhere", "escalated": "Escalated",
    # visit modes
    "in_person": "Walk-in", "online": "Online", "phone": "Phone",
    # practical support
    "food_pack": "Food pack", "clothing_pack": "Clothing pack", "gas_topup": "Gas top-up",
    "electric_topup": "Electric top-up", "bedding": "Bed or bedding", "household": "Household goods",
    "travel": "Travel (bus fare, taxi)",
    # onward referrals
    "counselling": "Counselling", "citizens_advice": "Citizens Advice", "benefits": "Benefits advice",
    "community": "Community group",
    "referred": "Referred", "offered": "Offered", "seen": "Seen",
    # people around the person
    "cpn": "CPN", "care_coordinator": "Care coordinator", "probation": "Probation",
    "social_worker": "Social worker", "carer": "Carer", "family_friend": "Family or friend (named by them)",
}

MAX_MINUTES = 600
MAX_AMOUNT_PENCE = 100_000  # £1,000: a typing slip beyond that, not a top-up


def check_minutes(minutes: int | None) -> int | None:
    if minutes is None:
        return None
    if not 0 <= minutes <= MAX_MINUTES:
        raise ValidationError(f"Minutes should be between 0 and {MAX_MINUTES}.", field="minutes")
    return minutes


def parse_amount(text: str | int | None) -> int | None:
    """'£10', '10.50', '10' -> pence; empty -> None."""
    if text is None or text == "":
        return None
    if isinstance(text, int):
        pence = text
    else:
        cleaned = text.strip().lstrip("£").replace(",", "").strip()
        if not cleaned:
            return None
        match = _AMOUNT.fullmatch(cleaned)
        if match is None:
            raise ValidationError(f"“{text[:20]}” is not an amount; write it as e.g. £10 or 10.50.",
                                  field="amount")
        pence = int(match.group(1) or "0") * 100 + int((match.group(2) or "").ljust(2, "0"))
    if not 0 < pence <= MAX_AMOUNT_PENCE:
        raise ValidationError("An amount is between 1p and £1,000.", field="amount")
    return pence


_AMOUNT = re.compile(r"(\d*)(?:\.(\d{1,2}))?")


def pounds_text(pence: int | None) -> str:
    if pence is None:
        return ""
    return f"£{pence // 100}" if pence % 100 == 0 else f"£{pence // 100}.{pence % 100:02d}"


def classify_referral(*, has_open_episode: bool, has_waiting_referral: bool,
                      referred_before: bool) -> ReferralKind:
    """New, repeat or duplicate (PFG's register): a duplicate arrives at the same point of crisis."""
    if has_open_episode or has_waiting_referral:
        return ReferralKind.DUPLICATE
    return ReferralKind.REPEAT if referred_before else ReferralKind.NEW
