"""Find a guest in two or three keystrokes, or by scanning their card, with status at a glance."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from safespace_desk.db.models import Guest, GuestAlias
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.guests import GuestFlag, looks_like_card_code
from safespace_desk.domain.roles import Permission, can
from safespace_desk.domain.text import fold
from safespace_desk.services.context import DeskContext
from safespace_desk.services.guest_index import Match
from safespace_desk.services.guests import guest_index, merged_owners
from safespace_desk.services.view_audit import record_list_view

MAX_RESULTS = 20


@dataclass(frozen=True)
class GuestHit:
    guest_id: str
    name: str
    also_known_as: str | None  # the alias or legal name that matched, if not the preferred name
    flags: frozenset[GuestFlag]
    last_seen_at: datetime | None
    in_since: datetime | None
    visit_id: str | None
    excluded_until: datetime | None
    exclusion_id: str | None
    exclusion_reason: str | None
    messages_waiting: int = 0
    urgent_messages: int = 0
    by_card: bool = False


@dataclass(frozen=True)
class PickedGuest:
    """A guest as the message and triage forms' pickers show them, to every role that uses those
    forms (the paramedic included): names, flags, whether they are in, messages waiting. Never an
    exclusion, and for the paramedic never a legal name (nor a match on one)."""

    guest_id: str
    name: str
    also_known_as: str | None
    flags: frozenset[GuestFlag]
    in_since: datetime | None
    messages_waiting: int = 0
    urgent_messages: int = 0


def find_guests(desk: DeskContext, query: str, limit: int = MAX_RESULTS) -> list[GuestHit]:
    """Names, aliases and legal names; prefix, word-start and typo-tolerant; accents and case ignored;
    the most recently seen first. A card code (as typed by a barcode scanner) finds its guest at once.
    Front-desk roles and managers; the results shown are audited (how many, never who)."""
    desk.require(Permission.READ_GUEST_RECORD, "search the guest register")
    hits = _find(desk, query, limit)
    record_list_view(desk, "search", len(hits))
    return hits


def pick_guests(desk: DeskContext, query: str, limit: int = MAX_RESULTS) -> list[PickedGuest]:
    """Guests for a message or triage form. Roles that may not read the whole record (the paramedic)
    find guests by the names they are known by, never by a legal name. Audited like a search."""
    actor = desk.require_actor()
    full = can(actor.role, Permission.READ_GUEST_RECORD)
    if not full and not can(actor.role, Permission.MESSAGES):
        raise PermissionDenied(f"{actor.role.label} accounts cannot look guests up. Ask a manager.")
    if full:
        hits = _find(desk, query, limit)
    else:
        text = query.strip()
        matches = [] if looks_like_card_code(text) else _known_names_only(desk, guest_index(desk).search(
            text, limit=limit * 2))[:limit]
        hits = _with_status(desk, [(m.guest.id, m.guest.name, m.matched_name if m.matched_name != m.guest.name
                                    else None, m.guest.flags, m.guest.last_seen_ts) for m in matches])
    record_list_view(desk, "guest_picker", len(hits))
    return [PickedGuest(h.guest_id, h.name, h.also_known_as, h.flags, h.in_since, h.messages_waiting,
                        h.urgent_messages) for h in hits]


def _find(desk: DeskContext, query: str, limit: int) -> list[GuestHit]:
    index = guest_index(desk)
    text = query.strip()
    if looks_like_card_code(text):
        guest_id = index.by_card(text)
        found = index.get(guest_id) if guest_id else None
        if found is None:
            return []
        return _with_status(desk, [(found.id, found.name, None, found.flags, found.last_seen_ts)], by_card=True)
    matches = index.search(text, limit=limit)
    rows = [(m.guest.id, m.guest.name, m.matched_name if m.matched_name != m.guest.name else None,
             m.guest.flags, m.guest.last_seen_ts) for m in matches]
    return _with_status(desk, rows)


def _known_names_only(desk: DeskContext, matches: list[Match]) -> list[Match]:
    """Keep the matches made on a name the guest is known by (preferred name or alias, theirs or a
    merged record's): a match made only on a legal name is dropped, so it cannot be confirmed."""
    if not matches:
        return []
    with desk.store.read() as session:
        owner = merged_owners(session, [m.guest.id for m in matches])
        known: dict[str, set[str]] = {}
        for guest_id, name in session.execute(select(Guest.id, Guest.preferred_name)
                                              .where(Guest.id.in_(list(owner)))):
            known.setdefault(owner[guest_id], set()).add(_key(name))
        for guest_id, name in session.execute(select(GuestAlias.guest_id, GuestAlias.name)
                                              .where(GuestAlias.guest_id.in_(list(owner)))):
            known.setdefault(owner[guest_id], set()).add(_key(name))
    return [m for m in matches if _key(m.matched_name) in known.get(m.guest.id, set())]


def _key(name: str) -> str:
    return " ".join(fold(name).split())


def _with_status(desk: DeskContext, rows: list[tuple[str, str, str | None, tuple[str, ...], float]], *,
                 by_card: bool = False) -> list[GuestHit]:
    if not rows:
        return []
    now = desk.clock.now()
    ids = [r[0] for r in rows]
    open_visits, exclusions, waiting = _status(desk, ids, now)
    hits = []
    for guest_id, name, aka, flags, seen_ts in rows:
        visit = open_visits.get(guest_id)
        ex = exclusions.get(guest_id)
        count, urgent = waiting.get(guest_id, (0, 0))
        hits.append(GuestHit(
            guest_id=guest_id, name=name, also_known_as=aka,
            flags=frozenset(GuestFlag(f) for f in flags if f in GuestFlag._value2member_map_),
            last_seen_at=datetime.fromtimestamp(seen_ts, tz=now.tzinfo) if seen_ts else None,
            in_since=visit[1] if visit else None, visit_id=visit[0] if visit else None,
            excluded_until=ex[1] if ex else None, exclusion_id=ex[0] if ex else None,
            exclusion_reason=ex[2] if ex else None, messages_waiting=count, urgent_messages=urgent,
            by_card=by_card))
    return hits


# Status at a glance for the guests shown, in ONE statement (a single statement reads one
# consistent snapshot, so no transaction is opened around it): records merged into them (through
# any chain of merges) count as the guest; then open visits, exclusions in force, and (for roles
# that see the board) messages waiting. CROSS JOIN keeps SQLite walking the twenty ids into each
# index; left to itself it scanned every open visit and message instead.
_OWNERS = """WITH RECURSIVE owner(id, top) AS (
  SELECT value, value FROM json_each(:ids)
  UNION SELECT g.id, owner.top FROM owner CROSS JOIN guest AS g WHERE g.merged_into = owner.id)
SELECT 'in', owner.top, v.id, v.signed_in_at, NULL FROM owner CROSS JOIN visit AS v INDEXED BY visit_open
 WHERE v.guest_id = owner.id AND v.signed_out_at IS NULL AND v.voided_at IS NULL
UNION ALL
SELECT 'excluded', owner.top, e.id, e.ends_at, e.reason FROM owner CROSS JOIN exclusion AS e
 WHERE e.guest_id = owner.id AND e.ends_at > :now AND e.lifted_at IS NULL AND e.starts_at <= :now"""
_MESSAGES = """
UNION ALL
SELECT 'messages', owner.top, count(*), sum(CASE WHEN m.urgent THEN 1 ELSE 0 END), NULL
 FROM owner CROSS JOIN message AS m INDEXED BY message_open
 WHERE m.guest_id = owner.id AND m.delivered_at IS NULL AND m.not_passed_at IS NULL
   AND m.withdrawn_at IS NULL AND (m.relevant_until IS NULL OR m.relevant_until > :now)
 GROUP BY owner.top"""

OpenVisits = dict[str, tuple[str, datetime]]
Exclusions = dict[str, tuple[str, datetime, str]]


def _status(desk: DeskContext, guest_ids: list[str], now: datetime
            ) -> tuple[OpenVisits, Exclusions, dict[str, tuple[int, int]]]:
    # Roles without the message board see no counts.
    sees_messages = desk.actor is not None and can(desk.actor.role, Permission.MESSAGES)
    rows = desk.store.query(_OWNERS + (_MESSAGES if sees_messages else ""),
                            {"ids": json.dumps(guest_ids), "now": utc_text(now)})
    open_visits: OpenVisits = {}
    exclusions: Exclusions = {}
    waiting: dict[str, tuple[int, int]] = {}
    for kind, guest_id, record_id, at, extra in rows:
        if kind == "in":
            open_visits[guest_id] = (record_id, parse_utc(at))
        elif kind == "excluded":
            ends = parse_utc(at)
            if guest_id not in exclusions or ends > exclusions[guest_id][1]:
                exclusions[guest_id] = (record_id, ends, extra)
        else:
            n, u = waiting.get(guest_id, (0, 0))
            waiting[guest_id] = (n + record_id, u + int(at or 0))
    return open_visits, exclusions, waiting
