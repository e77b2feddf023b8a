"""Where people went (issue 13, item 4): a short list the site can extend (named hostels, say), each
entry of a kind the figures count by. "Moved on to accommodation" is a hostel, a B&B, supported housing
or settled accommodation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.text import clean_text

MAX_DESTINATIONS = 60


class DestinationKind(StrEnum):
    HOSTEL = "hostel"
    B_AND_B = "b_and_b"
    SUPPORTED_HOUSING = "supported_housing"
    SETTLED = "settled"
    FRIENDS_FAMILY = "friends_family"
    HOSPITAL = "hospital"
    PRISON = "prison"
    STREET = "street"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return {"hostel": "Hostel", "b_and_b": "B&B", "supported_housing": "Supported housing",
                "settled": "Settled accommodation", "friends_family": "Friends or family", "hospital": "Hospital",
                "prison": "Prison", "street": "Back to the street", "not_known": "Not known"}[self.value]

    @property
    def is_accommodation(self) -> bool:
        """Counted as "moved on to accommodation" (friends' sofas and hospital are not a home)."""
        return self in (DestinationKind.HOSTEL, DestinationKind.B_AND_B, DestinationKind.SUPPORTED_HOUSING,
                        DestinationKind.SETTLED)


@dataclass(frozen=True)
class Destination:
    name: str
    kind: DestinationKind

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Destination:
        return cls(str(data["name"]), DestinationKind(data["kind"]))


DEFAULT_DESTINATIONS = tuple(Destination(kind.label, kind) for kind in DestinationKind)


def match_destination(text: str | None, destinations: tuple[Destination, ...]) -> Destination | None:
    """The list's entry for what staff chose or typed (any case), or None for other text."""
    wanted = (text or "").strip().casefold()
    return next((d for d in destinations if d.name.casefold() == wanted), None) if wanted else None


def check_destinations(destinations: tuple[Destination, ...]) -> tuple[Destination, ...]:
    """Names present, unique, within limits; every kind still on the list (named hostels are added)."""
    cleaned = []
    seen: set[str] = set()
    for d in destinations:
        name = clean_text(d.name, field="destinations", label="Place name", max_len=80, required=True)
        if name.casefold() in seen:
            raise ValidationError(f"“{name}” is on the list twice.", field="destinations")
        seen.add(name.casefold())
        cleaned.append(Destination(name, DestinationKind(d.kind)))
    if len(cleaned) > MAX_DESTINATIONS:
        raise ValidationError(f"Up to {MAX_DESTINATIONS} places can be listed.", field="destinations")
    missing = sorted(k.label for k in DestinationKind if k not in {d.kind for d in cleaned})
    if missing:
        raise ValidationError(f"Keep at least one place of each kind on the list (missing: {', '.join(missing)}).",
                              field="destinations")
    return tuple(cleaned)
