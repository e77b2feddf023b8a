"""Guests: add with only a name, edit, view (audited), find duplicates, merge and un-merge."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import DuplicateHint, Guest, GuestAlias, GuestMerge, NotDuplicate, Staff, Visit
from safespace_desk.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.guests import GuestDetails, GuestFlag, clean_guest_details, new_card_code
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import clean_text, fold
from safespace_desk.ids import new_id
from safespace_desk.services.context import Changes, DeskContext, UnitOfWork
from safespace_desk.services.guest_access import check_not_own_record, may_read_notes
from safespace_desk.services.guest_index import GuestIndex
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_list_view, record_view

GUEST = "guest"
_INDEX_KEY = "guest_index"


@dataclass(frozen=True)
class GuestRecord:
    id: str
    preferred_name: str
    aliases: tuple[str, ...]
    legal_name: str | None
    birth_year: int | None
    birth_date: date | None
    gender: str | None
    flags: frozenset[GuestFlag]
    support_notes: str | None
    card_code: str
    merged_into: str | None
    created_at: datetime
    last_seen_at: datetime | None
    # Crisis services (issue 11): someone now on the staff, the named worker, ethnicity if they said.
    restricted_staff_id: str | None = None
    named_worker_id: str | None = None
    ethnicity: str | None = None
    notes_hidden: bool = False  # support notes withheld from this reader (not that there are none)

    @property
    def restricted(self) -> bool:
        return self.restricted_staff_id is not None

    def details(self) -> GuestDetails:
        return GuestDetails(self.preferred_name, self.aliases, self.legal_name, self.birth_year,
                            self.birth_date, self.gender, self.flags, self.support_notes)


@dataclass(frozen=True)
class HealthCheckRecord:
    """What a health check needs of a guest (the paramedic's view): who they are called and their
    flags. Never the legal name, date of birth, support notes, exclusions or visits."""

    id: str
    preferred_name: str
    aliases: tuple[str, ...]
    flags: frozenset[GuestFlag]


@dataclass(frozen=True)
class DuplicatePair:
    first_id: str
    first_name: str
    second_id: str
    second_name: str
    why: str


def guest_index(desk: DeskContext) -> GuestIndex:
    index = desk.cache.get(_INDEX_KEY)
    if index is None:
        with desk.store.read() as session:
            index = GuestIndex.build(session)
        desk.cache[_INDEX_KEY] = index
    return index


def refresh_index(desk: DeskContext, guest_ids: set[str]) -> None:
    index = desk.cache.get(_INDEX_KEY)
    if index is not None and guest_ids:
        with desk.store.read() as session:
            index.refresh(session, guest_ids)


def _today(desk: DeskContext) -> date:
    return desk.clock.now().astimezone(get_site(desk).zone).date()


def add_guest(desk: DeskContext, details: GuestDetails) -> tuple[GuestRecord, Changes]:
    """Register a guest. Only a name (a nickname is fine) is required."""
    desk.require(Permission.FRONT_DESK, "add guests")
    details = clean_guest_details(details, today=_today(desk))
    guest_id = new_id()
    with desk.unit_of_work() as uow:
        row = Guest(id=guest_id, card_code=_unused_card_code(uow.session), created_at=uow.now,
                    updated_at=uow.now)
        _apply(uow, row, details)
        uow.session.add(row)
        _replace_aliases(uow, guest_id, details.aliases)
        uow.audit("guest_added", GUEST, guest_id)
        uow.outbox("guest.add", guest_id=guest_id, card_code=row.card_code, **_details_json(details))
        uow.changed(GUEST, guest_id)
    refresh_index(desk, {guest_id})
    return _read_record(desk, guest_id), uow.changes  # just added (and audited so) by this person


def update_guest(desk: DeskContext, guest_id: str, details: GuestDetails) -> Changes:
    actor = desk.require(Permission.FRONT_DESK, "edit guests")
    details = clean_guest_details(details, today=_today(desk))
    with desk.unit_of_work() as uow:
        row = _live(uow.session, guest_id)
        check_not_own_record(actor, row)
        if not may_read_notes(uow.session, actor, row):
            # The form never showed this reader the notes: keep them, never blank them by accident.
            details = replace(details, support_notes=row.support_notes)
        changed_fields = _apply(uow, row, details)
        _replace_aliases(uow, guest_id, details.aliases)
        row.updated_at = uow.now
        # Field names only: the audit never holds what the notes say.
        uow.audit("guest_updated", GUEST, guest_id, detail=",".join(changed_fields) or None)
        uow.outbox("guest.update", guest_id=guest_id, **_details_json(details))
        uow.changed(GUEST, guest_id)
    refresh_index(desk, {guest_id})
    return uow.changes


def after_remote_changes(desk: DeskContext, changes: Changes) -> None:
    """Other desks' changes were written into this store (sync): what this desk keeps in memory
    about guests is brought up to date (a merge or erasure elsewhere rebuilds the search index)."""
    if changes.touches("guest_merge") or len(changes.ids) > 500:
        _reset_index(desk)
    elif changes.touches(GUEST, "visit"):
        refresh_index(desk, set(changes.ids))


def get_guest(desk: DeskContext, guest_id: str) -> GuestRecord:
    """The full record, for front-desk roles and managers. Every view is audited (who looked at
    whom, and when); the paramedic reads ``health_check_record`` instead. Support notes only for
    readers who may see them (not volunteers unless allowed; restricted records: managers)."""
    desk.require(Permission.READ_GUEST_RECORD, "open a guest's full record")
    record = _read_record(desk, guest_id)
    record_view(desk, GUEST, guest_id)
    return record


def health_check_record(desk: DeskContext, guest_id: str) -> HealthCheckRecord:
    """A guest's names and flags, for any role (the paramedic's health check); audited as a view."""
    desk.require_actor()
    with desk.store.read() as session:
        row = session.get(Guest, guest_id)
        if row is None:
            raise NotFound("That guest record no longer exists.")
        aliases = tuple(session.scalars(select(GuestAlias.name).where(GuestAlias.guest_id == guest_id)
                                        .order_by(GuestAlias.created_at)))
        record = HealthCheckRecord(row.id, row.preferred_name, aliases, _flags(row.flags))
    record_view(desk, GUEST, guest_id, detail="health_check")
    return record


def _read_record(desk: DeskContext, guest_id: str) -> GuestRecord:
    actor = desk.require_actor()
    with desk.store.read() as session:
        row = session.get(Guest, guest_id)
        if row is None:
            raise NotFound("That guest record no longer exists.")
        aliases = tuple(session.scalars(select(GuestAlias.name).where(GuestAlias.guest_id == guest_id)
                                        .order_by(GuestAlias.created_at)))
        record = _record(row, aliases)
        if not may_read_notes(session, actor, row):
            record = replace(record, support_notes=None, notes_hidden=True)
        return record


def mark_restricted(desk: DeskContext, guest_id: str, staff_id: str | None) -> Changes:
    """A manager marks the guest record of someone now on the staff as restricted (or lifts it)."""
    actor = desk.require(Permission.MANAGE_STAFF, "restrict guest records")
    with desk.unit_of_work() as uow:
        row = _live(uow.session, guest_id)
        if staff_id is not None:
            if staff_id == actor.staff_id:
                raise RuleViolation("Another manager restricts a record that is your own.")
            if uow.session.get(Staff, staff_id) is None:
                raise NotFound("That staff account no longer exists.")
        elif row.restricted_staff_id == actor.staff_id:
            raise PermissionDenied("This is your own record: another manager lifts the restriction.")
        row.restricted_staff_id = staff_id
        row.updated_at = uow.now
        uow.audit("guest_restricted" if staff_id else "guest_unrestricted", GUEST, row.id)
        uow.outbox("guest.restrict", guest_id=row.id, staff_id=staff_id)
        uow.changed(GUEST, row.id)
    return uow.changes


def set_ethnicity(desk: DeskContext, guest_id: str, ethnicity: str | None) -> Changes:
    """Only if the person wishes to say, in their words; counted for commissioners' reach figures."""
    actor = desk.require(Permission.CASEWORK, "record ethnicity")
    text = clean_text(ethnicity, field="ethnicity", label="Ethnicity", max_len=80) or None
    with desk.unit_of_work() as uow:
        row = _live(uow.session, guest_id)
        check_not_own_record(actor, row)
        row.ethnicity = text
        row.updated_at = uow.now
        uow.audit("guest_updated", GUEST, row.id, detail="ethnicity")
        uow.outbox("guest.ethnicity", guest_id=row.id, ethnicity=text)
        uow.changed(GUEST, row.id)
    return uow.changes


def possible_duplicates(desk: DeskContext, name: str, *, exclude_id: str | None = None,
                        limit: int = 5) -> list[tuple[str, str]]:
    """Existing guests whose names are close to ``name``: (guest id, name) for the add form."""
    desk.require(Permission.READ_GUEST_RECORD, "look for existing guests")
    out = _possible_duplicates(desk, name, exclude_id=exclude_id, limit=limit)
    record_list_view(desk, "possible_duplicates", len(out))
    return out


def _possible_duplicates(desk: DeskContext, name: str, *, exclude_id: str | None, limit: int) -> list[tuple[str, str]]:
    folded = " ".join(fold(name).split())
    if len(folded) < 2:
        return []
    out = []
    for match in guest_index(desk).search(name, limit=limit * 3):
        if match.guest.id == exclude_id:
            continue
        # Only close calls: the whole name starts the same, or the spelling is very close.
        if match.tier <= 1 or fold(match.matched_name).startswith(folded[:3]):
            out.append((match.guest.id, match.guest.name))
        if len(out) >= limit:
            break
    return out


def duplicate_review(desk: DeskContext, limit: int = 100) -> list[DuplicatePair]:
    """Pairs of live records that may be one person, for a lead to merge or dismiss.

    Flagged: pairs hinted when added (an import's close spellings); the same full name of two or
    more words, or the same single name with the same year of birth (accents and case ignored);
    the same legal name. Two people both called "Jo" with nothing else in common are common at a
    hub and are not flagged. Pairs a lead has marked as different people are left out."""
    desk.require(Permission.FRONT_DESK, "review duplicates")
    pairs = _duplicate_pairs(desk, limit)
    record_list_view(desk, "duplicate_review", len(pairs))
    return pairs


def _duplicate_pairs(desk: DeskContext, limit: int) -> list[DuplicatePair]:
    with desk.store.read() as session:
        rows = session.execute(select(Guest.id, Guest.preferred_name, Guest.legal_name, Guest.birth_year)
                               .where(Guest.merged_into.is_(None), Guest.erased_at.is_(None))).all()
        dismissed = {(a, b) for a, b in session.execute(select(NotDuplicate.guest_a, NotDuplicate.guest_b))}
        live_names = {gid: name for gid, name, _, _ in rows}
        hinted = [(a, b, why) for a, b, why in session.execute(
            select(DuplicateHint.guest_a, DuplicateHint.guest_b, DuplicateHint.why))
            if a in live_names and b in live_names]
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for guest_id, name, legal, birth_year in rows:
        folded = " ".join(fold(name).split())
        if " " in folded:
            groups.setdefault(("name", folded), []).append((guest_id, name))
        elif birth_year is not None:
            groups.setdefault(("name", f"{folded}|{birth_year}"), []).append((guest_id, name))
        if legal:
            groups.setdefault(("legal", " ".join(fold(legal).split())), []).append((guest_id, name))
    pairs: list[DuplicatePair] = []
    seen: set[tuple[str, str]] = set()
    for a, b, why in hinted:  # flagged when they were added (an import, or "add anyway")
        key = (min(a, b), max(a, b))
        if key not in seen and key not in dismissed:
            seen.add(key)
            pairs.append(DuplicatePair(a, live_names[a], b, live_names[b], why))
    for (kind, _), members in sorted(groups.items()):
        for i, (a_id, a_name) in enumerate(members):
            for b_id, b_name in members[i + 1:]:
                key = (min(a_id, b_id), max(a_id, b_id))
                if key in seen or key in dismissed:
                    continue
                seen.add(key)
                pairs.append(DuplicatePair(a_id, a_name, b_id, b_name,
                                           "same name" if kind == "name" else "same legal name"))
                if len(pairs) >= limit:
                    return pairs
    return pairs


def mark_not_duplicate(desk: DeskContext, first_id: str, second_id: str) -> Changes:
    desk.require(Permission.OVERRIDE, "decide on duplicates")
    a, b = sorted((first_id, second_id))
    with desk.unit_of_work() as uow:
        if uow.session.get(NotDuplicate, (a, b)) is None:
            uow.session.add(NotDuplicate(guest_a=a, guest_b=b, decided_at=uow.now,
                                         decided_by=uow.staff_id))
            uow.audit("marked_not_duplicate", GUEST, a, detail=f"other={b}")
            uow.outbox("guest.not_duplicate", guest_a=a, guest_b=b)
        uow.changed(GUEST, a)
        uow.changed(GUEST, b)
    return uow.changes


def merge_guests(desk: DeskContext, keep_id: str, merge_id: str) -> tuple[str, Changes]:
    """A lead merges ``merge_id`` into ``keep_id``. Both histories are kept; returns the merge id."""
    desk.require(Permission.OVERRIDE, "merge guest records")
    if keep_id == merge_id:
        raise ValidationError("Choose two different records to merge.", field="merge")
    merge_record_id = new_id()
    with desk.unit_of_work() as uow:
        keep = _live(uow.session, keep_id)
        gone = _live(uow.session, merge_id)
        open_visits = uow.session.scalar(
            select(func.count()).select_from(Visit).where(
                Visit.guest_id.in_(identity_ids(uow.session, keep_id) + identity_ids(uow.session, merge_id)),
                Visit.signed_out_at.is_(None), Visit.voided_at.is_(None)))
        if open_visits and open_visits > 1:
            raise RuleViolation("Both records are signed in. Sign one out before merging.")
        gone.merged_into = keep.id
        gone.updated_at = uow.now
        keep.updated_at = uow.now
        if gone.last_seen_at and (keep.last_seen_at is None or gone.last_seen_at > keep.last_seen_at):
            keep.last_seen_at = gone.last_seen_at
        uow.session.add(GuestMerge(id=merge_record_id, kept_id=keep_id, merged_id=merge_id,
                                   merged_at=uow.now, merged_by=uow.staff_id))
        uow.audit("guests_merged", GUEST, keep_id, detail=f"merged={merge_id}")
        uow.outbox("guest.merge", merge_id=merge_record_id, kept_id=keep_id, merged_id=merge_id)
        uow.changed(GUEST, keep_id)
        uow.changed(GUEST, merge_id)
    _reset_index(desk)
    return merge_record_id, uow.changes


def undo_merge(desk: DeskContext, merge_record_id: str) -> Changes:
    """A lead reverses a merge: the merged record is live again, with its own history."""
    desk.require(Permission.OVERRIDE, "undo a merge")
    with desk.unit_of_work() as uow:
        merge = uow.session.get(GuestMerge, merge_record_id)
        if merge is None or merge.undone_at is not None:
            raise NotFound("That merge does not exist or was already undone.")
        gone = uow.session.get(Guest, merge.merged_id)
        assert gone is not None
        if gone.merged_into != merge.kept_id:
            raise RuleViolation("That record has changed since the merge; undo later merges first.")
        gone.merged_into = None
        gone.updated_at = uow.now
        merge.undone_at = uow.now
        merge.undone_by = uow.staff_id
        uow.audit("merge_undone", GUEST, merge.kept_id, detail=f"merged={merge.merged_id}")
        uow.outbox("guest.unmerge", merge_id=merge_record_id)
        uow.changed(GUEST, merge.kept_id)
        uow.changed(GUEST, merge.merged_id)
    _reset_index(desk)
    return uow.changes


def merges_of(desk: DeskContext, guest_id: str) -> list[tuple[str, str, str, datetime]]:
    """Live merges into this guest: (merge id, merged guest id, merged name, when)."""
    desk.require(Permission.READ_GUEST_RECORD, "see a guest's merged records")
    with desk.store.read() as session:
        rows = session.execute(
            select(GuestMerge.id, GuestMerge.merged_id, Guest.preferred_name, GuestMerge.merged_at)
            .join(Guest, Guest.id == GuestMerge.merged_id)
            .where(GuestMerge.kept_id == guest_id, GuestMerge.undone_at.is_(None))
            .order_by(GuestMerge.merged_at.desc())).all()
    record_list_view(desk, "merged_records", len(rows), about=guest_id)
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def identity_ids(session: Session, guest_id: str) -> list[str]:
    """This guest and every record merged into them (directly or through earlier merges)."""
    ids = [guest_id]
    frontier = [guest_id]
    while frontier:
        children = list(session.scalars(select(Guest.id).where(Guest.merged_into.in_(frontier))))
        children = [c for c in children if c not in ids]
        ids.extend(children)
        frontier = children
    return ids


def merged_owners(session: Session, guest_ids: list[str]) -> dict[str, str]:
    """Each of these guests mapped to itself, and every record merged into one of them (directly
    or through earlier merges: A into B, then B into C) mapped to that guest."""
    owner = {g: g for g in guest_ids}
    frontier = list(guest_ids)
    while frontier:
        children = session.execute(select(Guest.id, Guest.merged_into).where(Guest.merged_into.in_(frontier))).all()
        frontier = []
        for child, parent in children:
            if child not in owner and parent is not None:
                owner[child] = owner[parent]
                frontier.append(child)
    return owner


def resolve_live(session: Session, guest_id: str) -> Guest:
    """Follow merges up to the record that is live now."""
    row = session.get(Guest, guest_id)
    hops = 0
    while row is not None and row.merged_into is not None and hops < 50:
        row = session.get(Guest, row.merged_into)
        hops += 1
    if row is None:
        raise NotFound("That guest record no longer exists.")
    return row


# --- internals --------------------------------------------------------------------------------


def _reset_index(desk: DeskContext) -> None:
    desk.cache.pop(_INDEX_KEY, None)


def _live(session: Session, guest_id: str) -> Guest:
    row = session.get(Guest, guest_id)
    if row is None:
        raise NotFound("That guest record no longer exists.")
    if row.merged_into is not None:
        raise RuleViolation("That record was merged into another; open the merged record instead.")
    return row


def _unused_card_code(session: Session) -> str:
    while True:
        code = new_card_code()
        if session.scalar(select(Guest.id).where(Guest.card_code == code)) is None:
            return code


def _apply(uow: UnitOfWork, row: Guest, details: GuestDetails) -> list[str]:
    new_values = {
        "preferred_name": details.preferred_name,
        "legal_name": details.legal_name,
        "birth_year": details.birth_year,
        "birth_date": details.birth_date.isoformat() if details.birth_date else None,
        "gender": details.gender,
        "flags": json.dumps(sorted(f.value for f in details.flags)),
        "support_notes": details.support_notes,
    }
    changed = [k for k, v in new_values.items() if getattr(row, k, None) != v]
    for key, value in new_values.items():
        setattr(row, key, value)
    return changed


def _replace_aliases(uow: UnitOfWork, guest_id: str, aliases: tuple[str, ...]) -> None:
    existing = {a.name: a for a in uow.session.scalars(select(GuestAlias).where(GuestAlias.guest_id == guest_id))}
    for name, alias in existing.items():
        if name not in aliases:
            uow.session.delete(alias)
    for name in aliases:
        if name not in existing:
            uow.session.add(GuestAlias(id=new_id(), guest_id=guest_id, name=name, created_at=uow.now))


def _details_json(details: GuestDetails) -> dict[str, object]:
    return {
        "preferred_name": details.preferred_name,
        "aliases": list(details.aliases),
        "legal_name": details.legal_name,
        "birth_year": details.birth_year,
        "birth_date": details.birth_date.isoformat() if details.birth_date else None,
        "gender": details.gender,
        "flags": sorted(f.value for f in details.flags),
        "support_notes": details.support_notes,
    }


def _record(row: Guest, aliases: tuple[str, ...]) -> GuestRecord:
    return GuestRecord(
        id=row.id, preferred_name=row.preferred_name, aliases=aliases, legal_name=row.legal_name,
        birth_year=row.birth_year,
        birth_date=date.fromisoformat(row.birth_date) if row.birth_date else None,
        gender=row.gender, flags=_flags(row.flags),
        support_notes=row.support_notes, card_code=row.card_code, merged_into=row.merged_into,
        created_at=row.created_at, last_seen_at=row.last_seen_at, restricted_staff_id=row.restricted_staff_id,
        named_worker_id=row.named_worker_id, ethnicity=row.ethnicity)


def _flags(flags_json: str | None) -> frozenset[GuestFlag]:
    return frozenset(GuestFlag(f) for f in json.loads(flags_json or "[]") if f in GuestFlag._value2member_map_)
