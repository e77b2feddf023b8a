"""Site settings: capacity periods, beds, staffing ratio, exclusion default, idle lock.

Defaults follow Derby's Safe Space (DOMAIN.md): 16 places by day, 8 beds from 8pm to 8am,
one staff member to three guests at night and never fewer than two staff.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from safespace_desk.domain.appointments import DEFAULT_ROOMS
from safespace_desk.domain.destinations import DEFAULT_DESTINATIONS, Destination
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.profile import ServiceKind, SiteProfile, starting_profile
from safespace_desk.domain.rooms import RoomChange, RoomList


@dataclass(frozen=True)
class CapacityPeriod:
    name: str
    starts: time
    ends: time
    places: int
    beds: bool  # a night period: every guest in needs a bed

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "starts": self.starts.strftime("%H:%M"),
                "ends": self.ends.strftime("%H:%M"), "places": self.places, "beds": self.beds}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CapacityPeriod:
        return cls(name=str(data["name"]), starts=time.fromisoformat(data["starts"]),
                   ends=time.fromisoformat(data["ends"]), places=int(data["places"]),
                   beds=bool(data["beds"]))


def _default_periods() -> tuple[CapacityPeriod, ...]:
    return (
        CapacityPeriod("Day", time(8, 0), time(20, 0), 16, beds=False),
        CapacityPeriod("Night", time(20, 0), time(8, 0), 8, beds=True),
    )


@dataclass(frozen=True)
class SiteSettings:
    periods: tuple[CapacityPeriod, ...] = field(default_factory=_default_periods)
    bed_labels: tuple[str, ...] = tuple(f"Bed {n}" for n in range(1, 9))
    night_guests_per_staff: int = 3
    minimum_staff: int = 2
    default_exclusion_hours: int = 24
    idle_lock_minutes: int = 5
    # What kind of service this is and which parts it uses (domain/profile.py); the default is
    # the 24/7 hub exactly as before profiles existed.
    profile: SiteProfile = field(default_factory=SiteProfile)
    # Where people go when they leave (issue 13): the kinds, and places the site adds (named hostels).
    destinations: tuple[Destination, ...] = DEFAULT_DESTINATIONS
    # The rooms the hub books for appointments and agencies' sessions (issue 13); rooms retired (kept
    # with their bookings, offered for none) and every change to the list (domain/rooms.py).
    rooms: tuple[str, ...] = DEFAULT_ROOMS
    retired_rooms: tuple[str, ...] = ()
    room_history: tuple[RoomChange, ...] = ()

    @property
    def room_list(self) -> RoomList:
        return RoomList(self.rooms, self.retired_rooms, self.room_history)

    def with_rooms(self, rooms: RoomList) -> SiteSettings:
        return replace(self, rooms=rooms.rooms, retired_rooms=rooms.retired, room_history=rooms.history)

    @property
    def uses_beds(self) -> bool:
        return any(p.beds for p in self.periods)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["periods"] = [p.to_json() for p in self.periods]
        data["bed_labels"] = list(self.bed_labels)
        data["profile"] = self.profile.to_json()
        data["destinations"] = [d.to_json() for d in self.destinations]
        data["rooms"] = list(self.rooms)
        data["retired_rooms"] = list(self.retired_rooms)
        data["room_history"] = [c.to_json() for c in self.room_history]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteSettings:
        defaults = cls()
        periods = tuple(CapacityPeriod.from_json(p) for p in data.get("periods", [])) or defaults.periods
        return cls(
            periods=periods,
            bed_labels=tuple(data.get("bed_labels", defaults.bed_labels)),
            night_guests_per_staff=int(data.get("night_guests_per_staff", defaults.night_guests_per_staff)),
            minimum_staff=int(data.get("minimum_staff", defaults.minimum_staff)),
            default_exclusion_hours=int(data.get("default_exclusion_hours",
                                                 defaults.default_exclusion_hours)),
            idle_lock_minutes=int(data.get("idle_lock_minutes", defaults.idle_lock_minutes)),
            profile=SiteProfile.from_json(data.get("profile")),
            destinations=tuple(Destination.from_json(d) for d in data.get("destinations", []))
            or defaults.destinations,
            rooms=tuple(str(r) for r in data.get("rooms", [])) or defaults.rooms,
            retired_rooms=tuple(str(r) for r in data.get("retired_rooms", [])),
            room_history=tuple(RoomChange.from_json(c) for c in data.get("room_history", [])),
        )


# A crisis service or a haven has no beds; one "service day" from 06:00 holds its places in the
# building (online and phone visits never take one), and its handover shift is that day.
_SERVICE_DAY_PLACES = {ServiceKind.CRISIS: 6, ServiceKind.HAVEN: 15}


def starting_settings(kind: ServiceKind | str) -> SiteSettings:
    """The set-up wizard's three starting points: Derby's hub, PFG Doncaster's crisis service and a
    Coventry and Warwickshire Safe Haven (shared DOMAIN.md). The hub is exactly the old default."""
    kind = ServiceKind(kind)
    if kind is ServiceKind.HUB:
        return SiteSettings()
    day = CapacityPeriod("Service day", time(6, 0), time(6, 0), _SERVICE_DAY_PLACES[kind], beds=False)
    return SiteSettings(periods=(day,), bed_labels=(), profile=starting_profile(kind))


def check_timezone(name: str | None) -> ZoneInfo:
    name = (name or "").strip()
    if not name:
        raise ValidationError("A time zone is needed, e.g. Europe/London.", field="timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{name[:64]}” is not a known time zone; use a name such as "
                              "Europe/London.", field="timezone") from None


def known_timezones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def check_idle_lock_minutes(value: int) -> int:
    if not 1 <= value <= 60:
        raise ValidationError("The idle lock must be between 1 and 60 minutes.", field="idle_lock_minutes")
    return value
