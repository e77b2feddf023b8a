"""The by-name list for the partnership's fortnightly meeting (MARSH): who it holds, what each row
shows, its filters, meeting days and the "action agreed" line. Pure: no store, no clock.

docs/figures.md ("The by-name list") defines every column. The list holds counts and dates only:
never support notes, exclusion reasons, message text or anything a paramedic wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.text import NAME_MAX, clean_text

MEETING_EVERY_DAYS = 14  # the partnership meets fortnightly
NOT_SEEN_DAYS = 14
ACTION_MAX = 300
OWNER_MAX = NAME_MAX
# A due date further out than this is almost certainly a typing slip (a year instead of a month).
DUE_WITHIN_DAYS = 366


class ListFilter(StrEnum):
    NEW = "new"
    NOT_SEEN = "not_seen"
    EXCLUDED = "excluded"
    MESSAGES_WAITING = "messages_waiting"

    @property
    def label(self) -> str:
        return {"new": "New since last meeting", "not_seen": f"Not seen for {NOT_SEEN_DAYS} days",
                "excluded": "Excluded", "messages_waiting": "Messages waiting"}[self.value]


@dataclass(frozen=True)
class AgreedAction:
    """What the meeting agreed for one person: kept with the meeting's date, an owner and a due date."""

    id: str
    meeting_day: date
    text: str
    owner: str
    due_on: date
    done_on: date | None = None

    def overdue_on(self, day: date) -> bool:
        return self.done_on is None and self.due_on < day


@dataclass(frozen=True)
class ListRow:
    """One person on the list. Counts and dates only (need-to-know: never notes or triage content)."""

    guest_id: str
    name: str
    other_names: tuple[str, ...]
    on_list_since: date | None  # the meeting that agreed to add them; None: seen, not on the list
    left_list_on: date | None  # the meeting that agreed to take them off (shown on that day's list)
    first_seen: datetime | None
    last_seen: datetime | None
    in_now: bool
    visits: int
    nights: int
    arrivals: dict[str, int]  # sign-ins in the period by "arrived via" (sources with none left out)
    exclusions: int  # exclusions that began in the period
    excluded_now: bool  # an exclusion in force at the list's "as of" moment
    messages_waiting: dict[str, int]  # by agency
    messages_delivered: dict[str, int]  # delivered in the period, by agency
    triage_assessments: int
    flags: tuple[GuestFlag, ...]
    action: AgreedAction | None  # the latest agreed at this meeting or before
    new_since_last_meeting: bool

    @property
    def waiting_total(self) -> int:
        return sum(self.messages_waiting.values())

    @property
    def delivered_total(self) -> int:
        return sum(self.messages_delivered.values())

    def matches(self, chosen: ListFilter, as_of: datetime) -> bool:
        if chosen is ListFilter.NEW:
            return self.new_since_last_meeting
        if chosen is ListFilter.NOT_SEEN:
            return not self.in_now and (self.last_seen is None
                                        or self.last_seen <= as_of - timedelta(days=NOT_SEEN_DAYS))
        if chosen is ListFilter.EXCLUDED:
            return self.excluded_now or self.exclusions > 0
        return self.waiting_total > 0


@dataclass(frozen=True)
class ByNameList:
    meeting_day: date
    previous_meeting: date | None
    first_day: date
    last_day: date
    as_of: datetime  # the end of the period, or now if the period has not ended
    rows: list[ListRow]
    left_off: int  # people who asked not to be discussed (only the number is ever shown)
    filters: frozenset[ListFilter] = field(default_factory=frozenset)
    before_filters: int = 0  # rows before the filters were applied

    @property
    def on_list(self) -> int:
        return sum(1 for row in self.rows if row.on_list_since is not None)

    def actions_due(self) -> list[AgreedAction]:
        """Actions agreed at earlier meetings, not done, due by this meeting."""
        return [row.action for row in self.rows if row.action is not None and row.action.done_on is None
                and row.action.meeting_day < self.meeting_day and row.action.due_on <= self.meeting_day]


def sort_rows(rows: Iterable[ListRow]) -> list[ListRow]:
    """Most recently seen first (in now counts as seen now); never seen last, by name."""
    def key(row: ListRow) -> tuple[int, float, str]:
        if row.in_now:
            return (0, 0.0, row.name.casefold())
        if row.last_seen is not None:
            return (1, -row.last_seen.timestamp(), row.name.casefold())
        return (2, 0.0, row.name.casefold())
    return sorted(rows, key=key)


def apply_filters(rows: Sequence[ListRow], chosen: Iterable[ListFilter], as_of: datetime) -> list[ListRow]:
    """Rows that match every chosen filter (each narrows the list)."""
    wanted = list(chosen)
    return [row for row in rows if all(row.matches(f, as_of) for f in wanted)]


# --- meeting days -------------------------------------------------------------------------------


def default_meeting_day(today: date, recorded: Sequence[date]) -> date:
    """The meeting the manager is most likely preparing: the next recorded one from today, else the
    next fortnightly day after the last recorded meeting, else today."""
    upcoming = sorted(day for day in recorded if day >= today)
    if upcoming:
        return upcoming[0]
    if not recorded:
        return today
    last = max(recorded)
    steps = -(-(today - last).days // MEETING_EVERY_DAYS)  # ceiling division
    return last + timedelta(days=MEETING_EVERY_DAYS * max(steps, 1))


def previous_meeting(day: date, recorded: Sequence[date]) -> date | None:
    earlier = [d for d in recorded if d < day]
    return max(earlier) if earlier else None


def default_period(meeting_day: date, previous: date | None) -> tuple[date, date]:
    """Since the last meeting (that day included) up to the meeting day; a first meeting looks back
    a fortnight."""
    return (previous if previous is not None else meeting_day - timedelta(days=MEETING_EVERY_DAYS)), meeting_day


# --- the "action agreed" line -------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: str
    due_on: date | None


def clean_action(entry: ActionInput, meeting_day: date) -> ActionInput:
    """What the meeting agreed, who does it and by when: all three are needed."""
    text = clean_text(entry.text, field="action", label="The action agreed", max_len=ACTION_MAX, required=True)
    owner = clean_text(entry.owner, field="owner", label="Who does it", max_len=OWNER_MAX, required=True)
    if entry.due_on is None:
        raise ValidationError("A due date is needed, so the next meeting can see whether it was done.",
                              field="due_on")
    if entry.due_on < meeting_day:
        raise ValidationError(f"The due date is before the meeting ({meeting_day:%-d %b %Y}).", field="due_on")
    if entry.due_on > meeting_day + timedelta(days=DUE_WITHIN_DAYS):
        raise ValidationError("The due date is more than a year after the meeting; check the year.",
                              field="due_on")
    return ActionInput(text, owner, entry.due_on)


def check_meeting_day(day: date, today: date) -> None:
    """A meeting day can be planned ahead, but not so far that it is surely a slip."""
    if day > today + timedelta(days=DUE_WITHIN_DAYS):
        raise ValidationError("The meeting day is more than a year ahead; check the year.", field="meeting_day")


def check_period(first: date, last: date) -> None:
    if last < first:
        raise ValidationError("The list's period ends before it starts.", field="period")
    if (last - first).days > DUE_WITHIN_DAYS:
        raise ValidationError("A by-name list covers at most a year; choose a shorter period.", field="period")

