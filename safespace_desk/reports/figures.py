"""Figures for funders and partners over any date range. docs/figures.md defines each one.

All queries are bounded by indexed time ranges so a monthly report stays fast on ten years of data;
the arithmetic (people per day, occupancy sweeps) is done in memory over the range's visits.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from safespace_desk.db.models import (
    Agency,
    Exclusion,
    Guest,
    Message,
    ShiftLogEntry,
    Triage,
    Visit,
)
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.capacity import window_at
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.messages import LogKind
from safespace_desk.domain.profile import Part
from safespace_desk.domain.roles import Permission
from safespace_desk.reports.casework_figures import CaseworkFigures, compute_casework
from safespace_desk.reports.hub_day_figures import HubDayFigures, compute_hub_day
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import SiteInfo, get_site

HUB_SECTIONS = frozenset({"beds", "exclusions", "messages", "health"})
# The figures each optional section holds (a section the profile does not use is left out).
SECTION_KEYS = {
    "beds": ("bed_nights",),
    "exclusions": ("exclusions_issued", "average_exclusion_hours", "exclusions_lifted_early"),
    "messages": ("messages_received", "messages_delivered", "messages_expired", "messages_not_passed_on",
                 "median_hours_to_delivery", "messages_by_agency"),
    "health": ("triage_assessments", "guests_triaged"),
}


@dataclass(frozen=True)
class PeriodOccupancy:
    name: str
    places: int
    windows: int
    peak: int
    average: float


@dataclass(frozen=True)
class AgencyFigures:
    received: int = 0
    delivered: int = 0
    expired: int = 0
    not_passed_on: int = 0
    median_hours_to_delivery: float | None = None


@dataclass(frozen=True)
class Figures:
    site_name: str
    range_label: str
    first_day: date
    last_day: date
    generated_at: datetime
    unique_guests: int
    new_guests: int
    returning_guests: int
    visits: int
    average_daily_unique_guests: float
    occupancy: list[PeriodOccupancy]
    bed_nights: int
    arrivals_by_source: dict[str, int]
    police_drop_offs: int
    exclusions_issued: int
    average_exclusion_hours: float | None
    exclusions_lifted_early: int
    messages_received: int
    messages_delivered: int
    messages_expired: int
    messages_not_passed_on: int
    median_hours_to_delivery: float | None
    messages_by_agency: dict[str, AgencyFigures]
    triage_assessments: int
    guests_triaged: int
    log_entries_by_kind: dict[str, int]
    guests_by_gender: dict[str, int]
    daily_unique_guests: list[tuple[date, int]] = field(default_factory=list)
    # What kind of service, which optional sections it uses (reports show only those), and the
    # casework figures of a crisis service or haven (None for a hub).
    service_kind: str = "hub"
    shown: frozenset[str] = HUB_SECTIONS
    casework: CaseworkFigures | None = None
    # The hub's day beyond sign-in (issue 13): where people went, swaps, expected arrivals, debriefs.
    hub_day: HubDayFigures | None = None

    def shows(self, section: str) -> bool:
        return section in self.shown

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_day"] = self.first_day.isoformat()
        data["last_day"] = self.last_day.isoformat()
        data["generated_at"] = self.generated_at.isoformat()
        data["daily_unique_guests"] = [{"date": d.isoformat(), "unique_guests": n}
                                       for d, n in self.daily_unique_guests]
        del data["shown"]
        for section, keys in SECTION_KEYS.items():
            if section not in self.shown:
                for key in keys:
                    data.pop(key, None)
        if self.casework is None:
            del data["casework"]
        if self.hub_day is None:
            del data["hub_day"]
        return data


@dataclass(frozen=True)
class _Visit:
    guest: str  # the live guest (merged records resolved)
    start: datetime
    end: datetime | None
    in_building: bool = True  # online and phone visits never count toward occupancy


def shown_sections(site: SiteInfo) -> frozenset[str]:
    """The optional sections this site's profile uses (a hub: all of its usual ones)."""
    profile = site.settings.profile
    shown = {"beds"} if site.settings.uses_beds else set()
    shown |= {section for section, part in (("exclusions", Part.EXCLUSIONS), ("messages", Part.MESSAGES),
                                             ("health", Part.TRIAGE)) if profile.uses(part)}
    if profile.casework:
        shown.add("casework")
    return frozenset(shown)


def compute_figures(desk: DeskContext, rng: ReportRange) -> Figures:
    desk.require(Permission.REPORTS, "see reports")
    site = get_site(desk)
    now = desk.clock.now()
    lo, hi = rng.starts_at, rng.ends_at
    with desk.store.read() as session:
        live = _live_ids(session)
        visits = _overlapping_visits(session, lo, hi, live)
        present = {v.guest for v in visits}
        signed_in = [v for v in visits if lo <= v.start < hi]
        arrivals = _arrivals(session, lo, hi)
        new = present - _seen_before(session, present, live, lo)
        exclusions = _exclusions(session, lo, hi)
        messages = _messages(session, lo, hi, now)
        triage_count, triaged = _triage(session, lo, hi, live)
        log_kinds = _log_kinds(session, lo, hi)
        genders = _genders(session, present)
        bed_nights = _bed_nights(session, rng, site, live)
        shown = shown_sections(site)
        casework = compute_casework(session, rng, now, live) if "casework" in shown else None
        hub_day = compute_hub_day(session, rng, live)
    daily = _daily_present(visits, rng)
    return Figures(
        site_name=site.name, range_label=rng.label(), first_day=rng.first_day, last_day=rng.last_day,
        generated_at=now, unique_guests=len(present), new_guests=len(new),
        returning_guests=len(present) - len(new), visits=len(signed_in),
        average_daily_unique_guests=round(sum(n for _, n in daily) / len(daily), 1) if daily else 0.0,
        occupancy=_occupancy([v for v in visits if v.in_building], rng, site, now), bed_nights=bed_nights,
        arrivals_by_source=arrivals, police_drop_offs=arrivals.get(ArrivedVia.POLICE.value, 0),
        exclusions_issued=exclusions[0], average_exclusion_hours=exclusions[1],
        exclusions_lifted_early=exclusions[2], messages_received=messages["received"],
        messages_delivered=messages["delivered"], messages_expired=messages["expired"],
        messages_not_passed_on=messages["not_passed_on"], median_hours_to_delivery=messages["median"],
        messages_by_agency=messages["by_agency"], triage_assessments=triage_count, guests_triaged=triaged,
        log_entries_by_kind=log_kinds, guests_by_gender=genders, daily_unique_guests=daily,
        service_kind=site.settings.profile.kind.value, shown=shown, casework=casework, hub_day=hub_day)


# --- queries ----------------------------------------------------------------------------------


def _live_ids(session: Session) -> dict[str, str]:
    """Merged-away guest id -> the live guest it now belongs to (only merged ones are listed)."""
    parent = {c: p for c, p in session.execute(select(Guest.id, Guest.merged_into)
                                               .where(Guest.merged_into.is_not(None))) if p}
    resolved = {}
    for child in parent:
        top, hops = child, 0
        while top in parent and hops < 50:
            top, hops = parent[top], hops + 1
        resolved[child] = top
    return resolved


# A stay longer than a week: migration 0014's partial index holds only these (keep in step).
LONG_STAY = "julianday(signed_out_at) - julianday(signed_in_at) > 7"
_SPANNING = "signed_out_at >= :hi AND signed_in_at < :lo"  # began before the period, ended after it
_OVERLAP_PARTS = (
    ("", "signed_in_at >= :lo AND signed_in_at < :hi"),
    ("", "signed_out_at > :lo AND signed_out_at < :hi AND signed_in_at < :lo"),
    ("", _SPANNING),
    # Left to itself the planner walks the time index over every earlier visit (a second at ten
    # years); the small partial index of open visits is the right one.
    ("INDEXED BY visit_open", "signed_out_at IS NULL AND voided_at IS NULL AND signed_in_at < :lo"),
)


def _overlapping_visits(session: Session, lo: datetime, hi: datetime, live: dict[str, str]) -> list[_Visit]:
    """Visits present at some moment in [lo, hi), each part found through an index: began inside;
    began before and ended inside; began before and ended after; began before and still open.
    (One query with OR would scan a million rows.) Raw rows, parsed here: a month is ten thousand
    visits at the bench scale and the ORM's per-row work would be most of the report's time."""
    params = {"lo": utc_text(lo), "hi": utc_text(hi)}
    found: dict[str, _Visit] = {}
    for index_hint, where in _OVERLAP_PARTS:
        if where is _SPANNING and hi - lo >= timedelta(days=8):  # a day clear of the index's 7
            # A visit spanning the whole period stayed longer than it: one of the few long stays
            # (through the time indexes this read every visit on one side of the period: seconds
            # for a month years back).
            index_hint, where = "INDEXED BY visit_long_stay", f"{LONG_STAY} AND {_SPANNING}"
        # Through the driver and fetched whole: iterating a SQLAlchemy result row by row cost more
        # than the query for a month of ten thousand visits.
        rows = session.connection().exec_driver_sql(
            f"SELECT id, guest_id, signed_in_at, signed_out_at, mode FROM visit "
            f"{index_hint} WHERE {where} AND voided_at IS NULL", params).fetchall()
        for visit_id, guest_id, start, end, mode in rows:
            if visit_id not in found:
                found[visit_id] = _Visit(live.get(guest_id, guest_id), parse_utc(start),
                                         parse_utc(end) if end else None, mode == "in_person")
    return list(found.values())


def _arrivals(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    counts = {via.value: 0 for via in ArrivedVia}
    for via, n in session.execute(select(Visit.arrived_via, func.count()).where(
            Visit.signed_in_at >= lo, Visit.signed_in_at < hi, Visit.voided_at.is_(None))
            .group_by(Visit.arrived_via)):
        counts[via] = counts.get(via, 0) + n
    return counts


def _seen_before(session: Session, guests: set[str], live: dict[str, str], lo: datetime) -> set[str]:
    """Of these (live) guests, those with a sign-in before ``lo``: the returning ones.

    EXISTS stops at the first earlier visit it finds in the (guest, time) index, so each guest
    costs one index seek however long their history."""
    if not guests:
        return set()
    members = [child for child, top in live.items() if top in guests]
    ids = list(guests) + members
    earlier = (select(Visit.id).where(Visit.guest_id == Guest.id, Visit.signed_in_at < lo,
                                      Visit.voided_at.is_(None)).exists())
    seen: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for (guest_id,) in session.execute(select(Guest.id).where(Guest.id.in_(chunk), earlier)):
            seen.add(live.get(guest_id, guest_id))
    return seen


def _exclusions(session: Session, lo: datetime, hi: datetime) -> tuple[int, float | None, int]:
    rows = session.execute(select(Exclusion.starts_at, Exclusion.ends_at, Exclusion.lifted_at)
                           .where(Exclusion.starts_at >= lo, Exclusion.starts_at < hi)).all()
    hours = [(end - start).total_seconds() / 3600 for start, end, _ in rows]
    lifted = sum(1 for _, end, lifted_at in rows if lifted_at is not None and lifted_at < end)
    return len(rows), (round(sum(hours) / len(hours), 1) if hours else None), lifted


def _messages(session: Session, lo: datetime, hi: datetime, now: datetime) -> dict[str, Any]:
    agencies = {a.id: a.name for a in session.scalars(select(Agency))}
    per: dict[str, dict[str, Any]] = {}

    def bucket(agency_id: str) -> dict[str, Any]:
        return per.setdefault(agencies.get(agency_id, "Unknown"),
                              {"received": 0, "delivered": 0, "expired": 0, "not_passed_on": 0, "hours": []})

    for (agency_id,) in session.execute(select(Message.agency_id).where(Message.created_at >= lo,
                                                                         Message.created_at < hi)):
        bucket(agency_id)["received"] += 1
    for agency_id, created, delivered in session.execute(
            select(Message.agency_id, Message.created_at, Message.delivered_at)
            .where(Message.delivered_at >= lo, Message.delivered_at < hi)):
        b = bucket(agency_id)
        b["delivered"] += 1
        if delivered is not None:  # always, given the WHERE; this tells the type checker
            b["hours"].append((delivered - created).total_seconds() / 3600)
    for (agency_id,) in session.execute(select(Message.agency_id).where(
            Message.not_passed_at >= lo, Message.not_passed_at < hi, Message.delivered_at.is_(None))):
        bucket(agency_id)["not_passed_on"] += 1
    for (agency_id,) in session.execute(select(Message.agency_id).where(
            Message.relevant_until >= lo, Message.relevant_until < hi, Message.relevant_until <= now,
            Message.delivered_at.is_(None), Message.not_passed_at.is_(None), Message.withdrawn_at.is_(None))):
        bucket(agency_id)["expired"] += 1
    all_hours = [h for b in per.values() for h in b["hours"]]
    by_agency = {name: AgencyFigures(b["received"], b["delivered"], b["expired"], b["not_passed_on"],
                                     _median(b["hours"])) for name, b in sorted(per.items())}
    return {"received": sum(b.received for b in by_agency.values()),
            "delivered": sum(b.delivered for b in by_agency.values()),
            "expired": sum(b.expired for b in by_agency.values()),
            "not_passed_on": sum(b.not_passed_on for b in by_agency.values()),
            "median": _median(all_hours), "by_agency": by_agency}


def _triage(session: Session, lo: datetime, hi: datetime, live: dict[str, str]) -> tuple[int, int]:
    rows = session.execute(select(Triage.guest_id).where(Triage.at >= lo, Triage.at < hi)).all()
    return len(rows), len({live.get(g, g) for (g,) in rows})


def _log_kinds(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
    counts = {kind.value: 0 for kind in LogKind}
    for kind, n in session.execute(select(ShiftLogEntry.kind, func.count()).where(
            ShiftLogEntry.at >= lo, ShiftLogEntry.at < hi).group_by(ShiftLogEntry.kind)):
        counts[kind] = counts.get(kind, 0) + n
    return counts


def _genders(session: Session, guests: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    ids = list(guests)
    for start in range(0, len(ids), 500):
        for (gender,) in session.execute(select(Guest.gender).where(Guest.id.in_(ids[start:start + 500]))):
            key = (gender or "").strip().lower() or "not recorded"
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (kv[0] == "not recorded", -kv[1], kv[0])))


def _bed_nights(session: Session, rng: ReportRange, site: SiteInfo, live: dict[str, str]) -> int:
    return len(bed_night_pairs(session, rng, site, live))


def bed_night_pairs(session: Session, rng: ReportRange, site: SiteInfo, live: dict[str, str]) -> set[tuple[str, str]]:
    """(night, live guest) for each night (by the local date it began) on which a guest held a bed
    during the night. Beds of sign-ins undone by staff are left out; merged records count as one guest."""
    # Raw rows from the covering index (bed_assignment_night_cover): a year of a large hub is tens of
    # thousands of beds, and visiting each row (or its visit, to leave out sign-ins undone) one by one
    # took a third of a second. Times are compared as stored text, which sorts as time does.
    rows = session.execute(text(
        "SELECT night_of, guest_id, released_at FROM bed_assignment INDEXED BY bed_assignment_night_cover "
        "WHERE night_of >= :first AND night_of <= :last "
        "AND visit_id NOT IN (SELECT id FROM visit INDEXED BY visit_voided WHERE voided_at IS NOT NULL)"),
        {"first": rng.first_day.isoformat(), "last": rng.last_day.isoformat()})
    nights: set[tuple[str, str]] = set()
    starts: dict[str, str] = {}
    for night_of, guest_id, released in rows:
        if night_of not in starts:
            starts[night_of] = utc_text(_night_start(night_of, site))
        # A bed given by day for tonight and freed before the night began was never slept in.
        if released is None or released > starts[night_of]:
            nights.add((night_of, live.get(guest_id, guest_id)))
    return nights


def bed_night_count(session: Session, rng: ReportRange, site: SiteInfo, live: dict[str, str]) -> int:
    """``len(bed_night_pairs(...))``, counted inside SQLite: a year of a large hub is tens of thousands
    of (night, guest) pairs, too many to bring into Python within a report's budget.

    The nights are taken in runs that begin at the same UTC time on their own date (one run per clock
    change), so "freed after the night began" compares with the night's date and a fixed time, and the
    GROUP BY follows the covering index's order (no sorting). Merged records are put right in Python,
    from the few pairs that involve them."""
    total = 0
    related = sorted(set(live) | set(live.values()))
    for first, last, start_time in _night_runs(rng, site):
        if start_time is None:  # a night that begins on the UTC date before its own: count it in Python
            total += len(bed_night_pairs(session, ReportRange(first, last, rng.zone), site, live))
            continue
        params: dict[str, str] = {"first": first.isoformat(), "last": last.isoformat(), "start": start_time}
        total += session.execute(text(
            "SELECT count(*) FROM (SELECT 1 FROM bed_assignment AS b INDEXED BY bed_assignment_night_cover "
            f"WHERE {_BED_NIGHT_WHERE} GROUP BY b.night_of, b.guest_id)"), params).scalar_one()
        for chunk_start in range(0, len(related), 500):
            chunk = related[chunk_start:chunk_start + 500]
            names = ", ".join(f":g{n}" for n in range(len(chunk)))
            pairs = session.execute(text(
                "SELECT DISTINCT b.night_of, b.guest_id FROM bed_assignment AS b INDEXED BY bed_assignment_night_cover "
                f"WHERE {_BED_NIGHT_WHERE} AND b.guest_id IN ({names})"),
                params | {f"g{n}": guest for n, guest in enumerate(chunk)}).all()
            total += len({(night, live.get(guest, guest)) for night, guest in pairs}) - len(pairs)
    return total


# A bed held during the night (freed after it began, or not yet), of a sign-in not undone.
_BED_NIGHT_WHERE = ("b.night_of >= :first AND b.night_of <= :last "
                    "AND (b.released_at IS NULL OR b.released_at > b.night_of || :start) "
                    "AND b.visit_id NOT IN (SELECT id FROM visit INDEXED BY visit_voided WHERE voided_at IS NOT NULL)")


def _night_runs(rng: ReportRange, site: SiteInfo) -> list[tuple[date, date, str | None]]:
    """(first night, last night, "THH:MM:SS.ffffffZ") for runs of consecutive nights that begin at the
    same UTC time on their own date; None for a night that begins on the UTC date before."""
    runs: list[tuple[date, date, str | None]] = []
    for day in rng.days:
        night = day.isoformat()
        start = utc_text(_night_start(night, site))
        suffix = start[len(night):] if start.startswith(night) else None
        if runs and suffix is not None and runs[-1][2] == suffix:
            runs[-1] = (runs[-1][0], day, suffix)
        else:
            runs.append((day, day, suffix))
    return runs


def _night_start(night_of: str, site: SiteInfo) -> datetime:
    night = next((p for p in site.settings.periods if p.beds), None)
    day = date.fromisoformat(night_of)
    return datetime.combine(day, night.starts if night else datetime.min.time(), tzinfo=site.zone)


# --- arithmetic -------------------------------------------------------------------------------


def _daily_present(visits: list[_Visit], rng: ReportRange) -> list[tuple[date, int]]:
    """Different guests present on each local day: each visit is added to the days it touches."""
    days = rng.days
    bounds = [rng.day_bounds(day)[0] for day in days] + [rng.ends_at]
    present: list[set[str]] = [set() for _ in days]
    for v in visits:
        first = max(bisect_right(bounds, v.start) - 1, 0)
        last = len(days) - 1 if v.end is None else min(bisect_left(bounds, v.end) - 1, len(days) - 1)
        for index in range(first, last + 1):
            present[index].add(v.guest)
    return [(day, len(guests)) for day, guests in zip(days, present, strict=True)]


def _occupancy(visits: list[_Visit], rng: ReportRange, site: SiteInfo, now: datetime) -> list[PeriodOccupancy]:
    """Peak and time-weighted average number present, per capacity period, over the range.

    One sweep over the sorted arrivals and departures, window after window (a window per period
    per day), rather than re-reading every visit for each window."""
    windows = []
    cursor = rng.starts_at
    end = min(rng.ends_at, now) if rng.starts_at < now else rng.ends_at
    while cursor < end:
        window = window_at(site.settings, site.zone, cursor)
        windows.append((window.period.name, window.period.places, max(window.starts_at, rng.starts_at),
                        min(window.ends_at, end)))
        cursor = window.ends_at
    if not windows:
        return []
    first = windows[0][2]
    # Departures sort before arrivals at the same instant, so a bed handed over is not double counted.
    events = sorted([(max(v.start, first), 1) for v in visits] +
                    [(v.end, -1) for v in visits if v.end is not None and v.end > first])
    stats: dict[str, dict[str, Any]] = {}
    count = 0
    i = 0
    for name, places, lo, hi in windows:
        while i < len(events) and events[i][0] <= lo:
            count += events[i][1]
            i += 1
        peak = count
        area = 0.0
        last = lo
        while i < len(events) and events[i][0] < hi:
            when, delta = events[i]
            area += count * (when - last).total_seconds()
            count += delta
            peak = max(peak, count)
            last = when
            i += 1
        area += count * (hi - last).total_seconds()
        s = stats.setdefault(name, {"places": places, "windows": 0, "peak": 0, "area": 0.0, "seconds": 0.0})
        s["windows"] += 1
        s["peak"] = max(s["peak"], peak)
        s["area"] += area
        s["seconds"] += (hi - lo).total_seconds()
    return [PeriodOccupancy(name, s["places"], s["windows"], s["peak"],
                            round(s["area"] / s["seconds"], 1) if s["seconds"] else 0.0)
            for name, s in stats.items()]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None
