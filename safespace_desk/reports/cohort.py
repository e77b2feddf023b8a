"""The cohort report (issue 13, item 6), the Derby review's headline: of the people first seen in a
period, where they are now. docs/figures.md defines it. Counts only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from safespace_desk.db.models import Guest, Visit
from safespace_desk.db.models_hub_day import AccommodationStatus, GuestDeath
from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.roles import Permission
from safespace_desk.reports.csv_safe import csv_text
from safespace_desk.reports.figures import _live_ids
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.context import DeskContext

DIED = "died"
NO_STATUS = "no_status"


@dataclass(frozen=True)
class Cohort:
    first_day: date
    last_day: date
    generated_at: datetime
    people: int  # first seen in the period (their first sign-in ever)
    now: dict[str, int]  # where they are now: each DestinationKind, "died", "no_status"

    @property
    def in_accommodation(self) -> int:
        return sum(n for kind, n in self.now.items()
                   if kind in DestinationKind._value2member_map_ and DestinationKind(kind).is_accommodation)

    def rows(self) -> list[tuple[str, str, object]]:
        """``section,key,value`` rows, as the figures' CSV."""
        out: list[tuple[str, str, object]] = [
            ("cohort", "first_day", self.first_day.isoformat()), ("cohort", "last_day", self.last_day.isoformat()),
            ("cohort", "people", self.people), ("cohort", "in_accommodation_now", self.in_accommodation)]
        out += [("cohort_now", key, value) for key, value in self.now.items()]
        return out

    def to_json(self) -> dict[str, object]:
        """The documented snake_case JSON (docs/figures.md)."""
        return {"first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
                "generated_at": self.generated_at.isoformat(), "people": self.people,
                "in_accommodation_now": self.in_accommodation, "now": dict(self.now)}


def cohort_to_csv(cohort: Cohort) -> str:
    """``section,key,value`` rows, as the figures' CSV."""
    return csv_text(("section", "key", "value"), cohort.rows())


def cohort_to_json_text(cohort: Cohort) -> str:
    return json.dumps(cohort.to_json(), indent=2, ensure_ascii=False) + "\n"


def cohort_file_name(cohort: Cohort, kind: str) -> str:
    return f"where-they-are-now-{cohort.first_day.isoformat()}-to-{cohort.last_day.isoformat()}.{kind}"


def cohort_report(desk: DeskContext, rng: ReportRange) -> Cohort:
    """People whose first ever sign-in falls in ``rng`` (merged records as one person; sign-ins undone
    left out), by their status now: the newest accommodation status, or died, or none recorded."""
    desk.require(Permission.REPORTS, "see reports")
    now = desk.clock.now()
    with desk.store.read() as session:
        live = _live_ids(session)
        first: dict[str, datetime] = {}
        for guest_id, at in session.execute(select(Visit.guest_id, func.min(Visit.signed_in_at))
                                            .where(Visit.voided_at.is_(None)).group_by(Visit.guest_id)):
            person = live.get(guest_id, guest_id)
            if person not in first or at < first[person]:
                first[person] = at
        people = {p for p, at in first.items() if rng.starts_at <= at < rng.ends_at}
        erased = set(session.scalars(select(Guest.id).where(Guest.erased_at.is_not(None))))
        died = {live.get(g, g) for g in session.scalars(select(GuestDeath.guest_id))}
        latest: dict[str, tuple[datetime, datetime, str]] = {}
        for guest_id, kind, since, recorded in session.execute(
                select(AccommodationStatus.guest_id, AccommodationStatus.kind, AccommodationStatus.since,
                       AccommodationStatus.recorded_at)):
            person = live.get(guest_id, guest_id)
            if person in people and (person not in latest or (since, recorded) > latest[person][:2]):
                latest[person] = (since, recorded, kind)
    counts = {kind.value: 0 for kind in DestinationKind} | {DIED: 0, NO_STATUS: 0}
    for person in people:
        if person in died:
            counts[DIED] += 1
        elif person in latest and person not in erased:
            counts[latest[person][2]] = counts.get(latest[person][2], 0) + 1
        else:
            counts[NO_STATUS] += 1
    with desk.unit_of_work() as uow:
        uow.audit("cohort_report", "report", None, detail=f"{rng.first_day}..{rng.last_day};people={len(people)}")
    return Cohort(rng.first_day, rng.last_day, now, len(people), counts)
