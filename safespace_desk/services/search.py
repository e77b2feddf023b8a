"""Find a guest in two or three keystrokes, or by scanning their card, with status at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from safespace_desk.db.models import Exclusion, Visit
from safespace_desk.domain.guests import GuestFlag, looks_like_card_code
from safespace_desk.domain.roles import Permission, can
from safespace_desk.services.context import DeskContext
from safespace_desk.services.guests import guest_index, merged_owners
from safespace_desk.services.messages import waiting_counts

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


def find_guests(desk: DeskContext, query: str, limit: int = MAX_RESULTS) -> list[GuestHit]:
    """Names, aliases and legal names; prefix, word-start and typo-tolerant; accents and case ignored;
    the most recently seen first. A card code (as typed by a barcode scanner) finds its guest at once."""
    desk.require_actor()
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


def _with_status(desk: DeskContext, rows: list[tuple[str, str, str | None, tuple[str, ...], float]], *,
                 by_card: bool = False) -> list[GuestHit]:
    if not rows:
        return []
    now = desk.clock.now()
    ids = [r[0] for r in rows]
    with desk.store.read() as session:
        # Merged-away records count as the live guest: follow them (through any chain of merges).
        owner = merged_owners(session, ids)
        all_ids = list(owner)
        open_visits = {}
        for visit_id, guest_id, signed_in_at in session.execute(
                select(Visit.id, Visit.guest_id, Visit.signed_in_at).where(
                    Visit.guest_id.in_(all_ids), Visit.signed_out_at.is_(None), Visit.voided_at.is_(None))):
            open_visits[owner[guest_id]] = (visit_id, signed_in_at)
        exclusions: dict[str, tuple[str, datetime, str]] = {}
        for ex_id, guest_id, ends, reason in session.execute(
                select(Exclusion.id, Exclusion.guest_id, Exclusion.ends_at, Exclusion.reason).where(
                    Exclusion.guest_id.in_(all_ids), Exclusion.lifted_at.is_(None),
                    Exclusion.starts_at <= now, Exclusion.ends_at > now)):
            key = owner[guest_id]
            if key not in exclusions or ends > exclusions[key][1]:
                exclusions[key] = (ex_id, ends, reason)
    waiting = _messages_waiting(desk, ids)
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


def _messages_waiting(desk: DeskContext, guest_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(waiting, urgent) per guest; roles without the message board see no counts."""
    if desk.actor is None or not can(desk.actor.role, Permission.MESSAGES):
        return {}
    return waiting_counts(desk, guest_ids)
