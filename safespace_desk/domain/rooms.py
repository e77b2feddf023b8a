"""The site's list of rooms, edited with its history kept (issue 13, item 5): a room is added, renamed,
retired (kept with its bookings, offered for none) or brought back; one that never had a booking can be
removed. A booking keeps the room's name as it was when booked, so a renamed room is found by following
its renames; a name is therefore never used for a second room (the old bookings would move to it).
Pure: the service (services/rooms.py) checks bookings and writes the site's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from safespace_desk.domain.errors import RuleViolation, ValidationError
from safespace_desk.domain.text import clean_text

ROOM_NAME_MAX = 80  # appointment.room holds the name


class RoomChangeKind(StrEnum):
    ADDED = "added"
    RENAMED = "renamed"
    RETIRED = "retired"
    BROUGHT_BACK = "brought_back"
    REMOVED = "removed"


@dataclass(frozen=True)
class RoomChange:
    at: str  # UTC, ISO 8601
    kind: RoomChangeKind
    name: str
    to: str | None = None  # the new name of a rename

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind.value, "name": self.name, "to": self.to}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoomChange:
        to = data.get("to")
        return cls(str(data["at"]), RoomChangeKind(data["kind"]), str(data["name"]), None if to is None else str(to))

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)

    def describe(self) -> str:
        return {RoomChangeKind.ADDED: f"{self.name} added", RoomChangeKind.RENAMED: f"{self.name} renamed {self.to}",
                RoomChangeKind.RETIRED: f"{self.name} retired", RoomChangeKind.BROUGHT_BACK: f"{self.name} brought back",
                RoomChangeKind.REMOVED: f"{self.name} removed"}[self.kind]


@dataclass(frozen=True)
class RoomList:
    """The rooms offered for bookings (in order), those retired, and every change."""

    rooms: tuple[str, ...]
    retired: tuple[str, ...] = ()
    history: tuple[RoomChange, ...] = ()

    def former_names(self, room: str) -> set[str]:
        """``room`` and every name it had before (bookings made then carry those)."""
        names = {room}
        for change in reversed(self.history):
            if change.kind is RoomChangeKind.RENAMED and change.to in names:
                names.add(change.name)
        return names

    def current_name(self, name: str) -> str:
        """The room's name now, for a name a booking carries (following renames)."""
        for change in self.history:
            if change.kind is RoomChangeKind.RENAMED and change.name == name:
                name = change.to or name
        return name

    def names_ever(self) -> set[str]:
        names = set(self.rooms) | set(self.retired)
        for change in self.history:
            names.add(change.name)
            if change.to:
                names.add(change.to)
        return {n.casefold() for n in names}

    def add(self, name: str, at: str) -> RoomList:
        name = self._new_name(name)
        return RoomList(self.rooms + (name,), self.retired, self.history + (RoomChange(at, RoomChangeKind.ADDED, name),))

    def rename(self, room: str, new: str, at: str, *, fixed: str | None = None) -> RoomList:
        current = self._known(room)
        if fixed is not None and current == fixed:
            raise RuleViolation(f"“{fixed}” is the room for online appointments (it is never double-booked): its "
                                "name stays.")
        new = self._new_name(new)
        return RoomList(tuple(new if r == current else r for r in self.rooms),
                        tuple(new if r == current else r for r in self.retired),
                        self.history + (RoomChange(at, RoomChangeKind.RENAMED, current, new),))

    def retire(self, room: str, at: str) -> RoomList:
        current = self._known(room)
        if current in self.retired:
            raise RuleViolation(f"{current} is retired already.")
        if len(self.rooms) == 1:
            raise RuleViolation("Keep at least one room to book: add another before retiring this one.")
        return RoomList(tuple(r for r in self.rooms if r != current), self.retired + (current,),
                        self.history + (RoomChange(at, RoomChangeKind.RETIRED, current),))

    def bring_back(self, room: str, at: str) -> RoomList:
        current = self._known(room)
        if current not in self.retired:
            raise RuleViolation(f"{current} is in use already.")
        return RoomList(self.rooms + (current,), tuple(r for r in self.retired if r != current),
                        self.history + (RoomChange(at, RoomChangeKind.BROUGHT_BACK, current),))

    def remove(self, room: str, at: str, *, has_bookings: bool) -> RoomList:
        """Only a room that never had a booking (added by mistake); the removal stays in the history."""
        current = self._known(room)
        if has_bookings:
            raise RuleViolation(f"{current} has bookings, which keep its name: retire it instead (it is then "
                                "offered for no new bookings, and its bookings stay).")
        if current in self.rooms and len(self.rooms) == 1:
            raise RuleViolation("Keep at least one room to book: add another before removing this one.")
        return RoomList(tuple(r for r in self.rooms if r != current), tuple(r for r in self.retired if r != current),
                        self.history + (RoomChange(at, RoomChangeKind.REMOVED, current),))

    def _known(self, room: str) -> str:
        if room not in self.rooms and room not in self.retired:
            raise ValidationError("Choose a room from the list.", field="room")
        return room

    def _new_name(self, name: str) -> str:
        clean = clean_text(name, field="room_name", label="Room name", max_len=ROOM_NAME_MAX, required=True)
        if clean.casefold() in {r.casefold() for r in self.rooms + self.retired}:
            raise ValidationError(f"There is a room called {clean} already.", field="room_name")
        if clean.casefold() in self.names_ever():
            raise ValidationError(f"{clean} was a room's name before, and its bookings keep it: choose another "
                                  "name.", field="room_name")
        return clean
