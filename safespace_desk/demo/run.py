"""What the generator's steps share: the open store, the plan, and what earlier steps produced."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from safespace_desk.demo import volumes as v
from safespace_desk.demo.history import History
from safespace_desk.demo.timeline import Timeline
from safespace_desk.services.context import DeskContext


@dataclass(frozen=True)
class DemoStaffIds:
    manager: str
    lead: str
    desk_one: str
    desk_two: str
    paramedic: str

    @property
    def on_desk(self) -> tuple[str, str, str]:
        """In the order of history.STAFF_ON_DESK codes."""
        return (self.desk_one, self.desk_two, self.lead)


@dataclass(frozen=True, slots=True)
class WrittenMessage:
    """A message as the handover snapshot needs it; times are UTC epoch seconds, -1 for none."""

    created: int
    for_name: str  # the guest's name, or the name it was left for
    agency: str
    category: str  # MessageCategory value
    urgent: bool
    until: int
    closed: int  # delivered, not passed on or withdrawn at


@dataclass(frozen=True, slots=True)
class WrittenLogEntry:
    at: int
    kind: str  # LogKind value
    guest_name: str | None
    text: str


@dataclass
class DemoRun:
    """What the steps share: the open store, the plan, and what earlier steps produced."""

    desk: DeskContext
    timeline: Timeline
    volumes: v.DemoVolumes
    seed: int
    staff: DemoStaffIds
    bed_labels: tuple[str, ...]
    history: History | None = None
    guest_ids: list[str | None] = field(default_factory=list)  # by history person index
    guest_names: list[str] = field(default_factory=list)  # preferred names, by person index
    guest_flags: list[tuple[str, ...]] = field(default_factory=list)  # flag codes, by person index
    counts: dict[str, int] = field(default_factory=dict)
    # What the message and shift log steps wrote, kept for the handover snapshots (handovers.py).
    messages: list[WrittenMessage] = field(default_factory=list)
    log_entries: list[WrittenLogEntry] = field(default_factory=list)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"safespace-demo:{self.seed}:{step}")

    @property
    def desk_records_from(self) -> int:
        """The first day index of the desk's own records (volumes.DESK_RECORDS_YEARS)."""
        return max(0, self.timeline.days - round(v.DESK_RECORDS_YEARS * 365.25))

    def require_history(self) -> History:
        if self.history is None:
            raise RuntimeError("the history step must run first")
        return self.history


Step = Callable[[DemoRun], None]
