"""Staying-well and crisis plans, written with the person in their own words.

The sections follow the Safe Havens' staying-well and crisis plans (shared DOMAIN.md). Every change
is a new version; nothing is overwritten, so "who wrote what, and when" is always there.
"""

from __future__ import annotations

from enum import StrEnum

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.text import LONG_TEXT_MAX, clean_text


class PlanKind(StrEnum):
    STAYING_WELL = "staying_well"
    CRISIS = "crisis"

    @property
    def label(self) -> str:
        return {"staying_well": "Staying-well plan", "crisis": "Crisis plan"}[self.value]


PLAN_SECTIONS: tuple[tuple[str, str], ...] = (
    ("keeps_me_well", "What keeps me well"),
    ("warning_signs", "My warning signs"),
    ("what_helps", "What helps me"),
    ("what_doesnt", "What doesn't help"),
    ("who_to_contact", "Who to contact"),
    ("safe_places", "Safe places I can go"),
)
SECTION_KEYS = tuple(key for key, _ in PLAN_SECTIONS)
SECTION_LABELS = dict(PLAN_SECTIONS)


def clean_sections(sections: dict[str, str | None]) -> dict[str, str]:
    """Each section trimmed (empty ones dropped); at least one must say something."""
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise ValidationError(f"A plan has no section called {sorted(unknown)[0]}.", field="sections")
    out = {}
    for key in SECTION_KEYS:
        text = clean_text(sections.get(key), field=key, label=SECTION_LABELS[key], max_len=LONG_TEXT_MAX,
                          multiline=True)
        if text:
            out[key] = text
    if not out:
        raise ValidationError("Write at least one section of the plan.", field=SECTION_KEYS[0])
    return out
