"""Importing a crisis service's referrals and contacts from CSV sheets: a dry run, line-numbered
errors, all or nothing, and safe to run twice (as ``import visits``).

Names are matched as a sign-in sheet's are (services/importer.py). Referrals are applied in time
order with the desk's own rules (services/referrals.py): a person's first referral opens their case,
a referral after the case closed re-opens it (a repeat), one while it is open is a duplicate.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest
from safespace_desk.db.models_casework import CaseEpisode, Contact, ImportedRecord
from safespace_desk.domain.casework import ReferralKind, ReferralStatus
from safespace_desk.domain.casework_sheets import (
    IMPORTED,
    ContactLine,
    ReferralLine,
    parse_contacts,
    parse_referrals,
)
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.sign_in_sheet import LineError
from safespace_desk.domain.text import fold
from safespace_desk.ids import new_id
from safespace_desk.services.casework_common import CASE, CONTACT, REFERRAL
from safespace_desk.services.context import DeskContext, UnitOfWork
from safespace_desk.services.guests import GUEST, guest_index, identity_ids, refresh_index
from safespace_desk.services.importer import UncertainMatch, add_matched_guests, match_names
from safespace_desk.services.referrals import add_referral, open_episode_for
from safespace_desk.services.sheet_files import SheetSource, read_whole
from safespace_desk.services.site import get_site

Progress = Callable[[int, int], None]


@dataclass
class CaseworkImportReport:
    what: str  # "referrals" or "contacts"
    lines_read: int = 0
    errors: list[LineError] = field(default_factory=list)
    added: int = 0
    already_imported: int = 0
    guests_matched: int = 0
    new_guests: list[str] = field(default_factory=list)
    uncertain: list[UncertainMatch] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)  # referrals: new, repeat, duplicate
    reopened: int = 0
    written: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        if self.errors:
            return f"{len(self.errors)} lines have problems; nothing was imported. Fix them and try again."
        if not self.dry_run and not self.added:
            return f"Nothing new to import: all {self.already_imported} {self.what} in this file were imported before."
        verb = "Would import" if self.dry_run else "Imported"
        text = (f"{verb} {self.added} {self.what} ({self.already_imported} already imported) for "
                f"{self.guests_matched} existing and {len(self.new_guests)} new people.")
        if self.kinds:
            text += (f" {self.kinds.get('new', 0)} new, {self.kinds.get('repeat', 0)} repeat "
                     f"({self.reopened} re-opened a case), {self.kinds.get('duplicate', 0)} duplicate.")
        if self.uncertain:
            text += f" {len(self.uncertain)} names may match existing people: they are listed for review."
        return text


def import_referrals(desk: DeskContext, source: SheetSource, *, mapping: dict[str, str] | None = None,
                     dry_run: bool = False, progress: Progress | None = None) -> CaseworkImportReport:
    desk.require(Permission.DATA_RIGHTS, "import referrals")
    site = get_site(desk)
    lines, errors = parse_referrals(read_whole(source), site.zone, mapping, now=desk.clock.now())
    report = CaseworkImportReport("referrals", len(lines) + len(errors), errors, dry_run=dry_run)
    if errors:
        return report
    fresh, matches, hints = _fresh(desk, lines, report)
    if dry_run or not fresh:
        return report
    ordered = sorted(fresh, key=lambda line: line.received_at)
    with desk.unit_of_work() as uow:
        add_matched_guests(uow, ordered, matches, hints)
        for done, line in enumerate(ordered, start=1):
            guest = uow.session.get(Guest, matches[_folded(line.name)])
            assert guest is not None
            _apply_referral(uow, guest, line, report)
            _progress(progress, done, len(ordered))
        uow.audit("referrals_imported", REFERRAL, detail=json.dumps({"referrals": len(ordered), **report.kinds}))
    report.written = True
    refresh_index(desk, set(matches.values()))
    return report


def import_contacts(desk: DeskContext, source: SheetSource, *, mapping: dict[str, str] | None = None,
                    dry_run: bool = False, progress: Progress | None = None) -> CaseworkImportReport:
    desk.require(Permission.DATA_RIGHTS, "import contacts")
    site = get_site(desk)
    lines, errors = parse_contacts(read_whole(source), site.zone, mapping, now=desk.clock.now())
    report = CaseworkImportReport("contacts", len(lines) + len(errors), errors, dry_run=dry_run)
    if errors:
        return report
    fresh, matches, hints = _fresh(desk, lines, report)
    if dry_run or not fresh:
        return report
    with desk.unit_of_work() as uow:
        add_matched_guests(uow, fresh, matches, hints)
        for done, line in enumerate(sorted(fresh, key=lambda item: item.at), start=1):
            guest_id = matches[_folded(line.name)]
            contact = Contact(id=new_id(), guest_id=guest_id, at=line.at, kind=line.kind.value, minutes=line.minutes,
                              outcome=line.outcome.value if line.outcome else None, notes=line.notes,
                              episode_id=_episode_at(uow.session, identity_ids(uow.session, guest_id), line.at),
                              staff_id=uow.staff_id, created_at=uow.now)
            uow.session.add(contact)
            uow.session.add(ImportedRecord(key=line.key, kind="contact", record_id=contact.id, imported_at=uow.now))
            uow.outbox("contact.import", contact_id=contact.id, guest_id=guest_id, at=line.at, kind=contact.kind,
                       minutes=line.minutes, outcome=contact.outcome, notes=line.notes, episode_id=contact.episode_id)
            _progress(progress, done, len(fresh))
        uow.audit("contacts_imported", CONTACT, detail=json.dumps({"contacts": len(fresh)}))
        uow.changed(CONTACT)
        uow.changed(GUEST)
    report.written = True
    refresh_index(desk, set(matches.values()))
    return report


L = TypeVar("L", ReferralLine, ContactLine)


def _fresh(desk: DeskContext, lines: Sequence[L],
           report: CaseworkImportReport) -> tuple[list[L], dict[str, str], list[tuple[str, str, str]]]:
    """Lines not imported before (nor repeated earlier in this file), and their names matched to
    people: (lines, folded name -> guest id, duplicate hints)."""
    keys = [line.key for line in lines]
    known: set[str] = set()
    with desk.store.read() as session:
        for start in range(0, len(keys), 900):  # stay under SQLite's bound-parameter limit
            known.update(session.scalars(select(ImportedRecord.key).where(ImportedRecord.key.in_(keys[start:start + 900]))))
    fresh = []
    for line in lines:
        if line.key not in known:
            known.add(line.key)
            fresh.append(line)
    report.already_imported = len(lines) - len(fresh)
    report.added = len(fresh)
    matches, hints = match_names(guest_index(desk), fresh, report)
    return fresh, matches, hints


def _apply_referral(uow: UnitOfWork, guest: Guest, line: ReferralLine, report: CaseworkImportReport) -> None:
    referral = add_referral(uow, guest, line.source, line.reason, list(line.factors), line.received_at)
    uow.session.add(ImportedRecord(key=line.key, kind="referral", record_id=referral.id, imported_at=uow.now))
    kind = ReferralKind(referral.kind)
    report.kinds[kind.value] = report.kinds.get(kind.value, 0) + 1
    if kind is ReferralKind.DUPLICATE or line.decision is ReferralStatus.WAITING:
        return
    referral.decided_at = line.received_at
    referral.decided_by = uow.staff_id
    if line.decision is ReferralStatus.DECLINED:
        referral.status = ReferralStatus.DECLINED.value
        referral.decline_reason = line.decline_reason
        uow.outbox("referral.decline", referral_id=referral.id, at=line.received_at, reason=line.decline_reason)
        return
    episode, opened = open_episode_for(uow, guest, referral.id, line.received_at)
    report.reopened += int(opened and episode.number > 1)
    referral.status = ReferralStatus.ACCEPTED.value
    referral.episode_id = episode.id
    uow.outbox("referral.accept", referral_id=referral.id, episode_id=episode.id, number=episode.number,
               opened=opened, at=line.received_at)
    if line.closed_at is not None and episode.closed_at is None:
        episode.closed_at = line.closed_at
        episode.closed_by = uow.staff_id
        episode.closure_reason = line.closure_reason.value
        episode.closure_note = IMPORTED
        uow.audit("case_closed", CASE, episode.id, detail=f"reason={line.closure_reason.value};imported")
        uow.outbox("case.close", episode_id=episode.id, at=line.closed_at, reason=line.closure_reason.value,
                   note=IMPORTED)
    uow.changed(CASE, episode.id)


def _episode_at(session: Session, ids: list[str], at: datetime) -> str | None:
    """The episode that was open at ``at``, if any (a contact belongs to it)."""
    return session.scalar(select(CaseEpisode.id).where(
        CaseEpisode.guest_id.in_(ids), CaseEpisode.opened_at <= at,
        (CaseEpisode.closed_at.is_(None)) | (CaseEpisode.closed_at > at)).limit(1))


def _folded(name: str) -> str:
    return " ".join(fold(name).split())


def _progress(progress: Progress | None, done: int, total: int) -> None:
    if progress and (done % 500 == 0 or done == total):
        progress(done, total)
