"""Gentle prompts for respectful, strengths-based wording in logs and handovers.

Peer-support practice asks that records speak of people with respect ("handovers can be
traumatising"). These prompts never block saving; they suggest another way to say it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class WordingPrompt:
    phrase: str
    suggestion: str


_PROMPTS: tuple[tuple[str, str], ...] = (
    (r"\bjunkies?\b", "Describe the person, not a label: e.g. “uses heroin; engaged with needle exchange”."),
    (r"\baddicts?\b", "Try “person who uses drugs/alcohol” and what support they want."),
    (r"\balcoholics?\b", "Try “drinks heavily; open to talking to the drug and alcohol team”."),
    (r"\bkicked off\b", "Say what happened and what helped: e.g. “shouted at staff; calmed after time outside”."),
    (r"\bnon[- ]?complian(t|ce)\b", "Say what was offered and what the person chose, and why if known."),
    (r"\brefused\b", "“Declined” is kinder, and add what they would prefer if you know."),
    (r"\bmanipulative\b", "Describe the behaviour and the need behind it, not a judgement of character."),
    (r"\battention[- ]seeking\b", "Consider “seeking connection/support” and what they were asking for."),
    (r"\bdifficult\b", "Say what was hard, and what worked: it helps the next shift."),
    (r"\bfrequent flyer\b", "Try “comes in often” — and what brings them."),
    (r"\bbed ?blocker\b", "Describe the situation: e.g. “waiting for a hostel place since 3 March”."),
    (r"\bthe (client|user)s?\b", "At the hub people are “guests”."),
    (r"\bsmackhead\b", "Describe the person, not a label."),
    (r"\bpsycho\b", "Describe what you saw (e.g. “very distressed, hearing voices”)."),
)


def wording_prompts(text: str) -> list[WordingPrompt]:
    found = []
    for pattern, suggestion in _PROMPTS:
        match = re.search(pattern, text, flags=re.IGNORECASE)
        if match:
            found.append(WordingPrompt(match.group(0), suggestion))
    return found
