"""Importing visits from sign-in sheets (CSV), all or nothing, safe to run twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, cast

from sqlalchemy import Table, insert, select

from safespace_desk.db.models import BedAssignment, DuplicateHint, Guest, ImportedVisit, Visit
from safespace_desk.db.store import CACHE_KIB
from safespace_desk.db.types import utc_text
from safespace_desk.domain.capacity import window_at
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.guests import new_card_code
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.sign_in_sheet import LineError, SheetLine, folded_name, read_sheet
from safespace_desk.ids import new_id
from safespace_desk.services.context import DeskContext, UnitOfWork
from safespace_desk.services.guest_index import GuestIndex
from safespace_desk.services.guests import GUEST, guest_index, refresh_index
from safespace_desk.services.row_capture import UPDATE, write_inserts
from safespace_desk.services.sheet_files import SheetSource, inspect_sheet, open_text
from safespace_desk.services.site import SiteInfo, get_site

Progress = Callable[[int, int], None]
NO_TIME_OUT = "time out not recorded; closed at the end of that period"
# Lines written (and sent to sync as one operation) at a time: a thousand visits with their beds
# are about three thousand row changes, far under sync's limit per operation.
CHUNK_LINES = 1000
IMPORT_CACHE_KIB = 160 * 1024  # the page cache while an import runs (the store's own is CACHE_KIB)


@dataclass(frozen=True)
class Candidate:
    """An existing guest a name in the file may be, with what tells two of one name apart (finding 7:
    "May be: Jonno, Jonno"): only what the desk shows about a guest anyway."""

    name: str
    other_names: tuple[str, ...]
    last_seen_at: datetime | None
    card_code: str


@dataclass(frozen=True)
class UncertainMatch:
    name: str
    candidates: list[str]  # names of existing guests it may be
    details: tuple[Candidate, ...] = ()  # the same guests, in the same order


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
    sha256: str = ""  # of the file read: the import after a dry run must read the same file

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


def import_visits(desk: DeskContext, source: SheetSource, *, mapping: dict[str, str] | None = None,
                  dry_run: bool = False, progress: Progress | None = None,
                  expect_sha256: str | None = None) -> ImportReport:
    """Read a sign-in sheet (a file, or its bytes) and add its visits. Any line with a problem
    means nothing is written, and every such line is listed.

    Names match an existing guest when exactly one has that name or alias (accents and case
    ignored). A name that is close to existing guests (or shared by several) becomes a new guest
    and the pair goes to the duplicate review list for a lead to merge or dismiss.

    The file is read a thousand lines at a time, each thousand written as it comes (one sync
    operation each), all in one transaction: committed only if every line was good, else rolled
    back. A dry run is the same import rolled back at the end, so it finds exactly what the import
    would do (lines imported before, or repeated in the file, included) and memory stays flat.
    ``expect_sha256`` (the dry run's ``report.sha256``) refuses a file that changed since."""
    desk.require(Permission.DATA_RIGHTS, "import sign-in sheets")
    site = get_site(desk)
    sheet = inspect_sheet(source)
    if expect_sha256 is not None and sheet.sha256 != expect_sha256:
        raise ValidationError("The file has changed since its dry run. Run the dry run again.", field="file")
    report = ImportReport(dry_run=dry_run, sha256=sheet.sha256)
    index = guest_index(desk)
    matched: set[str] = set()
    try:
        with open_text(source, sheet) as text, desk.unit_of_work() as uow, _bigger_cache(uow):
            rows = text.rows()
            run = _Run(uow, site, index, report, matched)
            for item in read_sheet(rows, site.zone, mapping, now=desk.clock.now()):
                report.lines_read += 1
                if isinstance(item, LineError):
                    report.errors.append(item)
                elif not report.errors and run.add(item) and progress:
                    # (after a problem nothing will be written: the rest is only read, for its problems)
                    progress(rows.physical_line, sheet.line_breaks)
            text.check_unchanged()
            if not report.errors:
                run.flush()
                run.finish()
            if report.errors or dry_run or not report.visits_added:
                raise _RollBack
    except _RollBack:
        pass
    else:
        report.written = True
        refresh_index(desk, matched)
    if progress:
        progress(sheet.line_breaks, sheet.line_breaks)
    return report


@contextmanager
def _bigger_cache(uow: UnitOfWork) -> Iterator[None]:
    """A larger page cache for the import's transaction, put back after it. A million lines write
    more pages than the store's usual cache holds, and every page pushed out is encrypted, written
    and read back (half the time of a 300,000-line import). Capped: memory stops growing there."""
    connection = uow.session.connection()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")


class _RollBack(Exception):
    """Leaves the unit of work without committing: a dry run, or a file with problems."""


class _Run:
    """One import's writing, a chunk of lines at a time, inside its unit of work."""

    def __init__(self, uow: UnitOfWork, site: SiteInfo, index: GuestIndex, report: ImportReport,
                 matched: set[str]) -> None:
        self.uow, self.site, self.index, self.report = uow, site, index, report
        self.matches: dict[str, str] = {}  # folded name -> guest id (one per name, not per line)
        self.matched = matched
        self.chunk: list[SheetLine] = []
        self.last_seen: dict[str, datetime] = {}
        self.new_guests = 0

    def add(self, line: SheetLine) -> bool:
        """True when this line filled a chunk, which is then written."""
        self.chunk.append(line)
        if len(self.chunk) < CHUNK_LINES:
            return False
        self.flush()
        return True

    def flush(self) -> None:
        lines, self.chunk = self.chunk, []
        if not lines:
            return
        keyed: dict[str, SheetLine] = {}
        for line in lines:
            keyed.setdefault(line.key, line)  # a line repeated within these thousand
        # Imported before, or earlier in this same file (a thousand bound keys: through the driver,
        # as SQLAlchemy's expansion of a thousand parameters cost more than the look-up).
        known = {key for (key,) in self.uow.session.connection().exec_driver_sql(
            f"SELECT key FROM imported_visit WHERE key IN ({', '.join('?' * len(keyed))})", tuple(keyed))}
        fresh = [(key, line) for key, line in keyed.items() if key not in known]
        self.report.already_imported += len(lines) - len(fresh)
        self.report.visits_added += len(fresh)
        if not fresh:
            return
        unmatched = [line for _, line in fresh if folded_name(line.name) not in self.matches]
        if unmatched:
            matches, hints = match_names(self.index, unmatched, self.report)
            self.matches.update(matches)
            self.matched.update(matches.values())
            self.new_guests += add_matched_guests(self.uow, unmatched, matches, hints)
        self._write(fresh)

    def _write(self, lines: list[tuple[str, SheetLine]]) -> None:
        uow, site = self.uow, self.site
        # Written through the driver with times already in the store's text form: the ORM's cost per
        # row was most of an import's time. write_inserts returns the row changes sync sends.
        now = _utc_text(uow.now)
        visits, beds, keys = [], [], []
        for key, line in lines:
            guest_id = self.matches[folded_name(line.name)]
            visit_id = new_id()
            window = window_at(site.settings, site.zone, line.signed_in_at)
            signed_in = _utc_text(line.signed_in_at)
            signed_out = _utc_text(line.signed_out_at or window.ends_at)
            notes = line.notes if line.signed_out_at else "; ".join(filter(None, [line.notes, NO_TIME_OUT]))
            visits.append({"id": visit_id, "guest_id": guest_id, "signed_in_at": signed_in,
                           "signed_out_at": signed_out, "arrived_via": line.arrived_via.value,
                           "staff_in": uow.staff_id, "notes": notes})
            if line.bed and window.period.beds and window.night_of:
                beds.append({"id": new_id(), "visit_id": visit_id, "guest_id": guest_id, "bed_label": line.bed,
                             "night_of": window.night_of, "assigned_at": signed_in,
                             "assigned_by": uow.staff_id, "released_at": signed_out})
            keys.append({"key": key, "visit_id": visit_id, "imported_at": now})
            if guest_id not in self.last_seen or line.signed_in_at > self.last_seen[guest_id]:
                self.last_seen[guest_id] = line.signed_in_at
        session = uow.session
        written = write_inserts(session, _VISIT, visits) + write_inserts(session, _BED, beds)
        write_inserts(session, _KEY, keys)  # this desk's own: not synced
        # One operation per chunk, carrying its rows (sync's limit is far above a chunk's).
        uow.outbox_with("visit.import", written, visits=len(visits), first_line=lines[0][1].line,
                        last_line=lines[-1][1].line)

    def finish(self) -> None:
        """Guests' last visit moved on where the sheet has a later one (one last operation for
        those); the audit entry."""
        uow = self.uow
        ids = list(self.last_seen)
        changes = []
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            current = dict(uow.session.execute(select(Guest.id, Guest.last_seen_at).where(Guest.id.in_(batch))).all())
            later = [(utc_text(self.last_seen[g]), g) for g in batch if g in current and _later(self.last_seen[g], current[g])]
            if later:
                uow.session.connection().exec_driver_sql("UPDATE guest SET last_seen_at = ? WHERE id = ?", later)
                changes += [{"t": "guest", "k": g, "a": UPDATE, "v": {"last_seen_at": seen}} for seen, g in later]
        if changes:
            uow.outbox_with("visit.import", changes, last_seen=len(changes))
        uow.audit("visits_imported", GUEST, detail=json.dumps({"visits": self.report.visits_added,
                                                                "new_guests": self.new_guests}))
        uow.changed("visit")
        uow.changed(GUEST)


_VISIT, _BED, _KEY = (cast(Table, model.__table__) for model in (Visit, BedAssignment, ImportedVisit))


def _utc_text(value: datetime) -> str:
    """db.types.utc_text, quicker for a time already in UTC (as a sheet's times are once read)."""
    return value.isoformat(timespec="microseconds")[:-6] + "Z" if value.tzinfo is UTC else utc_text(value)


def _later(seen: datetime, before: datetime | None) -> bool:
    return before is None or seen > before


class NamedLine(Protocol):
    """A line of any sheet (sign-ins, referrals, contacts): what name matching needs."""

    @property
    def name(self) -> str: ...


class MatchReport(Protocol):
    guests_matched: int
    new_guests: list[str]
    uncertain: list[UncertainMatch]


def match_names(index: GuestIndex, lines: Sequence[NamedLine],
                report: MatchReport) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """folded name -> guest id (existing, or a new id); plus (new id, existing id, why) hints.
    Shared by every sheet import (sign-ins here; referrals and contacts in casework_import.py)."""
    matches: dict[str, str] = {}
    hints: list[tuple[str, str, str]] = []
    for line in lines:
        key = folded_name(line.name)
        if key in matches:
            continue
        exact = index.named(line.name)
        if len(exact) == 1:
            matches[key] = exact[0].id
            report.guests_matched += 1
            continue
        new_guest = new_id()
        matches[key] = new_guest
        report.new_guests.append(line.name)
        close = exact or index.similar(line.name)
        if close:
            details = tuple(Candidate(g.name, tuple(shown for shown, _ in g.names if shown != g.name),
                                      datetime.fromtimestamp(g.last_seen_ts, UTC) if g.last_seen_ts else None,
                                      g.card_code) for g in close)
            report.uncertain.append(UncertainMatch(line.name, [g.name for g in close], details))
            hints.extend((new_guest, g.id, f"imported “{line.name}”") for g in close)
    return matches, hints


def add_matched_guests(uow: UnitOfWork, lines: Sequence[NamedLine], matches: dict[str, str],
                       hints: list[tuple[str, str, str]]) -> int:
    """Insert the new guests ``match_names`` made up (named as on their first line), with their
    outbox operation, and the duplicate hints for a lead's review. Returns how many were new."""
    existing = set(uow.session.scalars(select(Guest.id).where(Guest.id.in_(list(matches.values())))))
    names: dict[str, str] = {}
    for line in lines:
        names.setdefault(folded_name(line.name), line.name)
    new_guests = [{"id": gid, "preferred_name": names[key], "card_code": new_card_code(), "flags": "[]",
                   "created_at": uow.now, "updated_at": uow.now}
                  for key, gid in matches.items() if gid not in existing]
    if new_guests:
        # One operation for the new guests of these lines (it carries their rows), before the
        # records that point at them. One per guest cost more than the thousand lines' visits.
        uow.session.execute(insert(Guest), new_guests)
        uow.outbox("guest.add", guests=[{"guest_id": g["id"], "card_code": g["card_code"]} for g in new_guests])
    for a, b, why in hints:
        uow.session.add(DuplicateHint(guest_a=min(a, b), guest_b=max(a, b), why=why, created_at=uow.now))
    return len(new_guests)
