"""Importing visits from sign-in sheets (CSV), all or nothing, safe to run twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import insert, select

from safespace_desk.db.models import BedAssignment, DuplicateHint, Guest, ImportedVisit, Visit
from safespace_desk.domain.capacity import window_at
from safespace_desk.domain.guests import GuestDetails, new_card_code
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.sign_in_sheet import LineError, SheetLine, decode, parse_sheet
from safespace_desk.domain.text import fold
from safespace_desk.ids import new_id
from safespace_desk.services.context import DeskContext, UnitOfWork
from safespace_desk.services.guests import GUEST, _details_json, guest_index, refresh_index
from safespace_desk.services.site import SiteInfo, get_site

Progress = Callable[[int, int], None]
NO_TIME_OUT = "time out not recorded; closed at the end of that period"


@dataclass(frozen=True)
class UncertainMatch:
    name: str
    candidates: list[str]  # names of existing guests it may be


@dataclass
class ImportReport:
    lines_read: int = 0
    errors: list[LineError] = field(default_factory=list)
    visits_added: int = 0
    already_imported: int = 0
    guests_matched: int = 0
    new_guests: list[str] = field(default_factory=list)
    uncertain: list[UncertainMatch] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} lines have problems; nothing was imported. Fix them and try again.")
        if not self.dry_run and not self.visits_added:
            return f"Nothing new to import: all {self.already_imported} visits in this file were imported before."
        verb = "Would import" if self.dry_run else "Imported"
        text = (f"{verb} {self.visits_added} visits ({self.already_imported} already imported) for "
                f"{self.guests_matched} existing and {len(self.new_guests)} new guests.")
        if self.uncertain:
            names = "name" if len(self.uncertain) == 1 else "names"
            text += f" {len(self.uncertain)} {names} may match existing guests: they are listed for review."
        return text


def import_visits(desk: DeskContext, raw: bytes, *, mapping: dict[str, str] | None = None, dry_run: bool = False,
                  progress: Progress | None = None) -> ImportReport:
    """Read a sign-in sheet and add its visits. Any line with a problem means nothing is written.

    Names match an existing guest when exactly one has that name or alias (accents and case
    ignored). A name that is close to existing guests (or shared by several) becomes a new guest
    and the pair goes to the duplicate review list for a lead to merge or dismiss."""
    desk.require(Permission.DATA_RIGHTS, "import sign-in sheets")
    site = get_site(desk)
    parsed = parse_sheet(decode(raw), site.zone, mapping, now=desk.clock.now())
    report = ImportReport(lines_read=len(parsed.lines) + len(parsed.errors), errors=parsed.errors,
                          dry_run=dry_run)
    if parsed.errors:
        return report
    all_keys = [line.key for line in parsed.lines]
    known: set[str] = set()
    with desk.store.read() as session:
        for start in range(0, len(all_keys), 900):  # stay under SQLite's bound-parameter limit
            known.update(session.scalars(select(ImportedVisit.key).where(
                ImportedVisit.key.in_(all_keys[start:start + 900]))))
    fresh = []
    for line in parsed.lines:
        if line.key not in known:  # imported before, or a line repeated in this same file
            known.add(line.key)
            fresh.append(line)
    report.already_imported = len(parsed.lines) - len(fresh)
    matches, hints = match_names(desk, fresh, report)
    report.visits_added = len(fresh)
    if dry_run or not fresh:
        return report
    _write(desk, site, fresh, matches, hints, progress)
    report.written = True
    refresh_index(desk, set(matches.values()))
    return report


class NamedLine(Protocol):
    """A line of any sheet (sign-ins, referrals, contacts): what name matching needs."""

    @property
    def name(self) -> str: ...


class MatchReport(Protocol):
    guests_matched: int
    new_guests: list[str]
    uncertain: list[UncertainMatch]


def match_names(desk: DeskContext, lines: Sequence[NamedLine],
                report: MatchReport) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """folded name -> guest id (existing, or a new id); plus (new id, existing id, why) hints.
    Shared by every sheet import (sign-ins here; referrals and contacts in casework_import.py)."""
    index = guest_index(desk)
    matches: dict[str, str] = {}
    hints: list[tuple[str, str, str]] = []
    for line in lines:
        key = " ".join(fold(line.name).split())
        if key in matches:
            continue
        candidates = index.search(line.name, limit=10)
        exact = [m for m in candidates
                 if any(folded.strip() == key for _, folded in m.guest.names)]
        if len(exact) == 1:
            matches[key] = exact[0].guest.id
            report.guests_matched += 1
            continue
        new_guest = new_id()
        matches[key] = new_guest
        report.new_guests.append(line.name)
        close = [m.guest for m in exact] or index.similar(line.name)
        if close:
            report.uncertain.append(UncertainMatch(line.name, [g.name for g in close]))
            hints.extend((new_guest, g.id, f"imported “{line.name}”") for g in close)
    return matches, hints


def add_matched_guests(uow: UnitOfWork, lines: Sequence[NamedLine], matches: dict[str, str],
                       hints: list[tuple[str, str, str]]) -> int:
    """Insert the new guests ``match_names`` made up (named as on their first line), each with its
    outbox operation, and the duplicate hints for a lead's review. Returns how many were new."""
    existing = set(uow.session.scalars(select(Guest.id).where(Guest.id.in_(list(matches.values())))))
    names: dict[str, str] = {}
    for line in lines:
        names.setdefault(" ".join(fold(line.name).split()), line.name)
    new_guests = [{"id": gid, "preferred_name": names[key], "card_code": new_card_code(), "flags": "[]",
                   "created_at": uow.now, "updated_at": uow.now}
                  for key, gid in matches.items() if gid not in existing]
    if new_guests:
        uow.session.execute(insert(Guest), new_guests)
    for guest in new_guests:  # before the records that point at them, as add_guest would
        uow.outbox("guest.add", guest_id=guest["id"], card_code=guest["card_code"],
                   **_details_json(GuestDetails(preferred_name=str(guest["preferred_name"]))))
    for a, b, why in hints:
        uow.session.add(DuplicateHint(guest_a=min(a, b), guest_b=max(a, b), why=why, created_at=uow.now))
    return len(new_guests)


def _write(desk: DeskContext, site: SiteInfo, lines: list[SheetLine], matches: dict[str, str],
           hints: list[tuple[str, str, str]], progress: Progress | None) -> None:
    with desk.unit_of_work() as uow:
        new_guests = add_matched_guests(uow, lines, matches, hints)
        visits, beds, keys = [], [], []
        last_seen: dict[str, datetime] = {}
        for done, line in enumerate(lines, start=1):
            guest_id = matches[" ".join(fold(line.name).split())]
            visit_id = new_id()
            window = window_at(site.settings, site.zone, line.signed_in_at)
            signed_out = line.signed_out_at or window.ends_at
            notes = line.notes if line.signed_out_at else "; ".join(filter(None, [line.notes, NO_TIME_OUT]))
            visits.append({"id": visit_id, "guest_id": guest_id, "signed_in_at": line.signed_in_at,
                           "signed_out_at": signed_out, "arrived_via": line.arrived_via.value,
                           "staff_in": uow.staff_id, "notes": notes})
            if line.bed and window.period.beds and window.night_of:
                beds.append({"id": new_id(), "visit_id": visit_id, "guest_id": guest_id, "bed_label": line.bed,
                             "night_of": window.night_of, "assigned_at": line.signed_in_at,
                             "assigned_by": uow.staff_id, "released_at": signed_out})
            keys.append({"key": line.key, "visit_id": visit_id, "imported_at": uow.now})
            if guest_id not in last_seen or line.signed_in_at > last_seen[guest_id]:
                last_seen[guest_id] = line.signed_in_at
            uow.outbox("visit.import", visit_id=visit_id, guest_id=guest_id, at=line.signed_in_at,
                       signed_out_at=signed_out, arrived_via=line.arrived_via.value, bed=line.bed)
            if progress and done % 500 == 0:
                progress(done, len(lines))
        uow.session.execute(insert(Visit), visits)
        if beds:
            uow.session.execute(insert(BedAssignment), beds)
        uow.session.execute(insert(ImportedVisit), keys)
        for guest_id, seen in last_seen.items():
            row = uow.session.get(Guest, guest_id)
            if row is not None and (row.last_seen_at is None or seen > row.last_seen_at):
                row.last_seen_at = seen
        uow.audit("visits_imported", GUEST, detail=json.dumps({"visits": len(visits), "new_guests": new_guests}))
        uow.changed("visit")
        uow.changed(GUEST)
    if progress:
        progress(len(lines), len(lines))
