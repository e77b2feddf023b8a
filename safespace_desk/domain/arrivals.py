"""Expected arrivals (issue 13, item 3): "a weekend prison release … only offer of shelter", hospital
discharges, hostel swaps. The desk is told someone is coming; it shows them at the right time, and the
visit they arrive on is linked (or they are marked as not arrived).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from safespace_desk.domain.guests import ArrivedVia

# Shown on the desk from this long before the time given (a release "in the afternoon" may come at
# noon), and called late this long after it.
SHOW_AHEAD = timedelta(hours=12)
LATE_AFTER = timedelta(hours=2)


class ArrivalState(StrEnum):
    EXPECTED = "expected"
    ARRIVED = "arrived"
    NOT_ARRIVED = "not_arrived"

    @property
    def label(self) -> str:
        return {"expected": "Expected", "arrived": "Arrived", "not_arrived": "Did not arrive"}[self.value]


@dataclass(frozen=True)
class ExpectedView:
    id: str
    guest_id: str | None
    who: str  # the guest's name, or the description given
    from_whom: str
    via: ArrivedVia
    expected_at: datetime
    needs: str | None
    state: ArrivalState
    visit_id: str | None = None

    def due(self, now: datetime) -> bool:
        """Shown on the desk: from SHOW_AHEAD before the time given until it is closed."""
        return self.state is ArrivalState.EXPECTED and now >= self.expected_at - SHOW_AHEAD

    def late(self, now: datetime) -> bool:
        return self.state is ArrivalState.EXPECTED and now > self.expected_at + LATE_AFTER


def arrival_state(arrived_at: datetime | None, not_arrived_at: datetime | None) -> ArrivalState:
    if arrived_at is not None:
        return ArrivalState.ARRIVED
    if not_arrived_at is not None:
        return ArrivalState.NOT_ARRIVED
    return ArrivalState.EXPECTED
