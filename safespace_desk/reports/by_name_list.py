"""The by-name list's rows, read from the store (docs/figures.md, "The by-name list", defines each
column). Services call this inside their own read; it checks no role and records nothing.

Every query is bounded: by the period through the time indexes, or by the few hundred people on the
list through the per-guest indexes, so a fortnight's list stays fast on ten years of a large hub.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from safespace_desk.db.models_partnership import PartnershipAction, PartnershipMeeting
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.partnership import AgreedAction, ListRow
from safespace_desk.reports.figures import _OVERLAP_PARTS, _live_ids, bed_night_pairs
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.site import SiteInfo

Person = Callable[[str], str]  # a record's id -> the live record it belongs to (merges followed)


@dataclass(frozen=True)
class ListRead:
    rows: list[ListRow]  # unsorted, unfiltered
    left_off: int
    previous_meeting: date | None
    as_of: datetime


def meeting_days(session: Session) -> list[date]:
    return sorted(date.fromisoformat(day) for day in session.scalars(select(PartnershipMeeting.day)))


def read_list(session: Session, site: SiteInfo, meeting_day: date, rng: ReportRange, now: datetime) -> ListRead:
    lo, hi = rng.starts_at, rng.ends_at
    as_of = min(hi, now)
    previous = max((d for d in meeting_days(session) if d < meeting_day), default=None)
    live = _live_ids(session)

    def person(guest_id: str) -> str:
        return live.get(guest_id, guest_id)

    presence = _present(session, lo, hi, as_of, person)
    members = _members_at(session, meeting_day, person)
    candidates = presence.present | set(members) | _open_actions(session, rng, meeting_day, person)
    guests, left_off = _guests(session, candidates)
    if not guests:
        return ListRead([], left_off, previous, as_of)
    ids = list(guests)
    all_ids = ids + [child for child, top in live.items() if top in guests]
    other_names = _other_names(session, all_ids, person, guests)
    seen = _first_and_last_seen(session, all_ids, hi, person)
    nights: dict[str, int] = defaultdict(int)
    for _night, guest in bed_night_pairs(session, rng, site, live):
        nights[guest] += 1
    exclusions, excluded_now = _exclusions(session, all_ids, lo, hi, as_of, person)
    waiting, delivered = _messages(session, all_ids, lo, hi, as_of, now, person)
    triage = _triage(session, lo, hi, person)
    actions = _latest_actions(session, all_ids, meeting_day, person)
    since = previous or rng.first_day
    new_from = datetime.combine(since, time(0), tzinfo=site.zone)

    rows = []
    for guest_id, (name, flags) in guests.items():
        first_seen, last_seen = seen.get(guest_id, (None, None))
        joined = members.get(guest_id)
        new = (first_seen is not None and first_seen >= new_from) or (
            joined is not None and (joined[0] > previous if previous is not None else joined[0] >= since))
        by_source = presence.arrivals.get(guest_id, {})
        rows.append(ListRow(
            guest_id=guest_id, name=name, other_names=other_names.get(guest_id, ()),
            on_list_since=joined[0] if joined else None, left_list_on=joined[1] if joined else None,
            first_seen=first_seen, last_seen=last_seen, in_now=guest_id in presence.in_now,
            visits=sum(by_source.values()), nights=nights.get(guest_id, 0), arrivals=by_source,
            exclusions=exclusions.get(guest_id, 0), excluded_now=guest_id in excluded_now,
            messages_waiting=waiting.get(guest_id, {}), messages_delivered=delivered.get(guest_id, {}),
            triage_assessments=triage.get(guest_id, 0), flags=flags, action=actions.get(guest_id),
            new_since_last_meeting=new))
    return ListRead(rows, left_off, previous, as_of)


# --- queries ----------------------------------------------------------------------------------
# Read straight through the driver, inside the session's own transaction: a fortnight at the bench
# scale is thousands of short rows and about a thousand people, and SQLAlchemy's row objects and its
# parsing of statements with hundreds of named ids cost more than the queries. Lists of ids are one
# JSON parameter (``IN (SELECT value FROM json_each(:ids))``), so the statement text never changes.

IDS = "(SELECT value FROM json_each(:ids))"


def _rows(session: Session, sql: str, params: Mapping[str, str] | None = None) -> list[tuple[Any, ...]]:
    cursor = session.connection().connection.cursor()
    try:
        return cursor.execute(sql, params or {}).fetchall()
    finally:
        cursor.close()


def _ids(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


def _members_at(session: Session, day: date, person: Person) -> dict[str, tuple[date, date | None]]:
    """Live guest -> (joined on, left on) for memberships in force at the meeting ``day`` (one who
    leaves at this meeting is still on this meeting's list, marked so)."""
    text = day.isoformat()
    found: dict[str, tuple[date, date | None]] = {}
    rows = _rows(session, "SELECT guest_id, joined_on, left_on FROM partnership_member WHERE joined_on <= :day",
                 {"day": text})
    for guest_id, joined, left in rows:
        if left is not None and left < text:
            continue
        key = person(guest_id)
        entry = (date.fromisoformat(joined), date.fromisoformat(left) if left else None)
        # Two merged records both on the list are one person: the earlier joining and the open one win.
        if key in found:
            old = found[key]
            entry = (min(old[0], entry[0]), None if old[1] is None or entry[1] is None else max(old[1], entry[1]))
        found[key] = entry
    return found


def _open_actions(session: Session, rng: ReportRange, meeting_day: date, person: Person) -> set[str]:
    """People with an action not yet done that was agreed, or falls due, in the period: the meeting
    starts from what the last one agreed, even for someone not seen since."""
    first, last = rng.first_day.isoformat(), meeting_day.isoformat()
    rows = session.scalars(select(PartnershipAction.guest_id).where(
        PartnershipAction.done_on.is_(None),
        or_(PartnershipAction.meeting_day.between(first, last), PartnershipAction.due_on.between(first, last))))
    return {person(guest_id) for guest_id in rows}


@dataclass
class _Presence:
    present: set[str]  # live guests in at some moment of the period
    in_now: set[str]  # ... and at ``as_of``
    arrivals: dict[str, dict[str, int]]  # live guest -> how they arrived -> sign-ins in the period


def _present(session: Session, lo: datetime, hi: datetime, as_of: datetime, person: Person) -> _Presence:
    """People present at some moment of the period, those in at ``as_of``, and how each sign-in of
    the period arrived: the report's four indexed parts (figures._OVERLAP_PARTS), times compared as
    stored text (no parsing). Only the first part's visits began in the period (the others began
    before it), so the arrivals are counted from it without a second pass over the period's visits."""
    params = {"lo": utc_text(lo), "hi": utc_text(hi)}
    moment = utc_text(as_of)
    found = _Presence(set(), set(), defaultdict(dict))
    for part, (index_hint, where) in enumerate(_OVERLAP_PARTS):
        for guest_id, start, end, via in _rows(
                session, f"SELECT guest_id, signed_in_at, signed_out_at, arrived_via FROM visit {index_hint} "
                         f"WHERE {where} AND voided_at IS NULL", params):
            key = person(guest_id)
            found.present.add(key)
            if start <= moment and (end is None or end > moment):
                found.in_now.add(key)
            if part == 0:
                by_source = found.arrivals[key]
                by_source[via] = by_source.get(via, 0) + 1
    return found


def _guests(session: Session, candidates: set[str]) -> tuple[dict[str, tuple[str, tuple[GuestFlag, ...]]], int]:
    """Live, not erased guests -> (name, flags); and how many asked not to be discussed."""
    guests: dict[str, tuple[str, tuple[GuestFlag, ...]]] = {}
    left_off = 0
    for guest_id, name, flags in sorted(_rows(
            session, f"SELECT id, preferred_name, flags FROM guest WHERE id IN {IDS} "
                     "AND erased_at IS NULL AND merged_into IS NULL "
                     # someone recorded as having died is not discussed as if alive (issue 13)
                     "AND id NOT IN (SELECT guest_id FROM guest_death)", {"ids": _ids(candidates)})):
        codes = [f for f in json.loads(flags or "[]") if f in GuestFlag._value2member_map_]
        if GuestFlag.NOT_DISCUSSED.value in codes:
            left_off += 1
            continue
        guests[guest_id] = (name, tuple(sorted((GuestFlag(f) for f in codes), key=lambda f: f.short)))
    return guests, left_off


def _other_names(session: Session, all_ids: list[str], person: Person,
                 guests: dict[str, tuple[str, tuple[GuestFlag, ...]]]) -> dict[str, tuple[str, ...]]:
    """Aliases of the person's records, and the names of records merged into theirs."""
    names: dict[str, list[str]] = defaultdict(list)

    def add(guest_id: str, name: str) -> None:
        key = person(guest_id)
        if key in guests and name != guests[key][0] and name not in names[key]:
            names[key].append(name)

    params = {"ids": _ids(all_ids)}
    for guest_id, name in _rows(session, f"SELECT guest_id, name FROM guest_alias WHERE guest_id IN {IDS} "
                                         "ORDER BY created_at", params):
        add(guest_id, name)
    for guest_id, name in _rows(session, f"SELECT id, preferred_name FROM guest WHERE id IN {IDS} "
                                         "AND merged_into IS NOT NULL", params):
        add(guest_id, name)
    return {key: tuple(value) for key, value in names.items()}


def _first_and_last_seen(session: Session, all_ids: list[str], hi: datetime,
                         person: Person) -> dict[str, tuple[datetime | None, datetime | None]]:
    """First sign-in ever and last sign-in before the end of the period (sign-ins undone left out):
    one seek each way in the (guest, time, voided) index per record, however long their history."""
    seen: dict[str, tuple[datetime | None, datetime | None]] = {}
    rows = _rows(session,
                 "SELECT g.id, "
                 "(SELECT v.signed_in_at FROM visit AS v WHERE v.guest_id = g.id AND v.voided_at IS NULL "
                 " AND v.signed_in_at < :hi ORDER BY v.signed_in_at LIMIT 1), "
                 "(SELECT v.signed_in_at FROM visit AS v WHERE v.guest_id = g.id AND v.voided_at IS NULL "
                 " AND v.signed_in_at < :hi ORDER BY v.signed_in_at DESC LIMIT 1) "
                 f"FROM guest AS g WHERE g.id IN {IDS}", {"hi": utc_text(hi), "ids": _ids(all_ids)})
    for guest_id, first, last in rows:
        if first is None:
            continue
        key = person(guest_id)
        old_first, old_last = seen.get(key, (None, None))
        first_at, last_at = parse_utc(first), parse_utc(last)
        seen[key] = (first_at if old_first is None else min(old_first, first_at),
                     last_at if old_last is None else max(old_last, last_at))
    return seen


def _exclusions(session: Session, all_ids: list[str], lo: datetime, hi: datetime, as_of: datetime,
                person: Person) -> tuple[dict[str, int], set[str]]:
    began: dict[str, int] = defaultdict(int)
    in_force: set[str] = set()
    low, high, moment = utc_text(lo), utc_text(hi), utc_text(as_of)  # stored text sorts as time does
    for guest_id, starts, ends, lifted in _rows(
            session, f"SELECT guest_id, starts_at, ends_at, lifted_at FROM exclusion WHERE guest_id IN {IDS} "
                     "AND ends_at > :lo", {"ids": _ids(all_ids), "lo": low}):
        key = person(guest_id)
        if low <= starts < high:
            began[key] += 1
        if starts <= moment < ends and (lifted is None or lifted > moment):
            in_force.add(key)
    return began, in_force


def _messages(session: Session, all_ids: list[str], lo: datetime, hi: datetime, as_of: datetime, now: datetime,
              person: Person) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Waiting at ``as_of`` and delivered in the period, by agency (never the message itself).

    Each part through its own partial index: deliveries by time; messages with no outcome yet (the
    board's index, by guest); and for a list of the past, messages whose outcome came after it."""
    agencies = dict(_rows(session, "SELECT id, name FROM agency"))
    wanted = set(all_ids)
    moment = utc_text(as_of)
    waiting: dict[str, dict[str, int]] = defaultdict(dict)
    delivered: dict[str, dict[str, int]] = defaultdict(dict)

    def add(counts: dict[str, dict[str, int]], guest_id: str, agency_id: str) -> None:
        key, agency = person(guest_id), agencies.get(agency_id, "Unknown")
        counts[key][agency] = counts[key].get(agency, 0) + 1

    for guest_id, agency_id in _rows(session, "SELECT guest_id, agency_id FROM message INDEXED BY message_delivered "
                                              "WHERE delivered_at >= :lo AND delivered_at < :hi",
                                     {"lo": utc_text(lo), "hi": utc_text(hi)}):
        if guest_id in wanted:
            add(delivered, guest_id, agency_id)
    candidates: dict[str, tuple[str, str, str, str | None]] = {}  # id -> guest, agency, created, until
    for message_id, guest_id, agency_id, created, until in _rows(
            session, "SELECT id, guest_id, agency_id, created_at, relevant_until FROM message INDEXED BY message_open "
                     "WHERE delivered_at IS NULL AND not_passed_at IS NULL AND withdrawn_at IS NULL "
                     f"AND guest_id IN {IDS}", {"ids": _ids(all_ids)}):
        candidates[message_id] = (guest_id, agency_id, created, until)
    if as_of < now:
        for index, column in (("message_delivered", "delivered_at"), ("message_not_passed", "not_passed_at"),
                              ("message_withdrawn", "withdrawn_at")):
            for message_id, guest_id, agency_id, created, until, *outcomes in _rows(
                    session, "SELECT id, guest_id, agency_id, created_at, relevant_until, delivered_at, not_passed_at, "
                             f"withdrawn_at FROM message INDEXED BY {index} WHERE {column} > :moment",
                    {"moment": moment}):
                first_outcome = min(t for t in outcomes if t is not None)
                if guest_id in wanted and first_outcome > moment:
                    candidates[message_id] = (guest_id, agency_id, created, until)
    for guest_id, agency_id, created, until in candidates.values():
        if created <= moment and (until is None or until > moment):
            add(waiting, guest_id, agency_id)
    return waiting, delivered


def _triage(session: Session, lo: datetime, hi: datetime, person: Person) -> dict[str, int]:
    """How many assessments, per person: a count only (the list never reads what was assessed)."""
    counts: dict[str, int] = defaultdict(int)
    for guest_id, n in _rows(session, "SELECT guest_id, count(*) FROM triage WHERE at >= :lo AND at < :hi "
                                      "GROUP BY guest_id", {"lo": utc_text(lo), "hi": utc_text(hi)}):
        counts[person(guest_id)] += n
    return counts


def _latest_actions(session: Session, all_ids: list[str], meeting_day: date,
                    person: Person) -> dict[str, AgreedAction]:
    latest: dict[str, tuple[tuple[str, str], AgreedAction]] = {}
    for action_id, guest_id, day, words, owner, due, done, updated in _rows(
            session, "SELECT id, guest_id, meeting_day, text, owner, due_on, done_on, updated_at "
                     f"FROM partnership_action WHERE guest_id IN {IDS} AND meeting_day <= :day",
            {"ids": _ids(all_ids), "day": meeting_day.isoformat()}):
        key = person(guest_id)
        rank = (day, updated)  # stored text: sorts as the dates and times do
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, AgreedAction(id=action_id, meeting_day=date.fromisoformat(day), text=words,
                                              owner=owner, due_on=date.fromisoformat(due),
                                              done_on=date.fromisoformat(done) if done else None))
    return {key: action for key, (_, action) in latest.items()}


def action_of(row: PartnershipAction) -> AgreedAction:
    return AgreedAction(id=row.id, meeting_day=date.fromisoformat(row.meeting_day), text=row.text,
                        owner=row.owner, due_on=date.fromisoformat(row.due_on),
                        done_on=date.fromisoformat(row.done_on) if row.done_on else None)

