"""Retention periods per kind of record, set by a manager, in months.

Defaults follow common UK practice for charities holding special-category data: six years for
most records, eight for health (triage) records. ``None`` keeps a kind of record for ever.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from safespace_desk.domain.errors import ValidationError

RETENTION_KINDS = ("visits", "messages", "shift_log", "handovers", "triage", "exclusions", "casework", "plans",
                   "guests")
LABELS = {
    "visits": "Visits and beds", "messages": "Messages (finished ones)", "shift_log": "Shift log entries",
    "handovers": "Handovers (acknowledged)", "triage": "Triage assessments", "exclusions": "Exclusions",
    "casework": "Casework (referrals, diary)",
    "plans": "Plans (not updated since)",
    "guests": "Guests not seen since (anonymised)",
}
_DEFAULTS = {"visits": 72, "messages": 72, "shift_log": 72, "handovers": 72, "triage": 96, "exclusions": 72,
             "casework": 72, "plans": 72, "guests": 72}
MIN_MONTHS = 1
MAX_MONTHS = 240


@dataclass(frozen=True)
class RetentionPolicy:
    periods: dict[str, int | None] = field(default_factory=lambda: dict(_DEFAULTS))

    def months(self, kind: str) -> int | None:
        return self.periods.get(kind, _DEFAULTS[kind])

    def check(self) -> None:
        for kind, months in self.periods.items():
            if kind not in RETENTION_KINDS:
                raise ValidationError(f"Unknown kind of record: {kind}.", field="retention")
            if months is not None and not MIN_MONTHS <= months <= MAX_MONTHS:
                raise ValidationError(f"{LABELS[kind]}: keep between {MIN_MONTHS} and {MAX_MONTHS} months "
                                      "(or for ever).", field=kind)

    def to_json(self) -> dict[str, Any]:
        return {kind: self.months(kind) for kind in RETENTION_KINDS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RetentionPolicy:
        return cls({kind: (None if data.get(kind, _DEFAULTS[kind]) is None else int(data.get(kind, _DEFAULTS[kind])))
                    for kind in RETENTION_KINDS})


def cutoff_for(now: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months ago (clamped to the month's last day)."""
    year, month = divmod(now.year * 12 + (now.month - 1) - months, 12)
    month += 1
    day = min(now.day, _days_in(year, month))
    return now.replace(year=year, month=month, day=day)


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
