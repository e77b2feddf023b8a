"""What the conflict rules look up, kept beside the records in the same transaction: which visits are
open (per guest, and how many take a place in the building), who holds each bed each night, and
which guests were erased. Changed as the records change (RecordBatch calls ``record_changed``), so a
rule sees the operations before it in the same push as well as those already committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from safespace_desk.sync.server.db import among
from safespace_desk.sync.server.models import BedHold, OpenVisit, Tombstone


def _insert(conn: Connection, model: Any) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(model)


def visit_is_open(state: dict[str, Any] | None) -> bool:
    return state is not None and state.get("signed_out_at") is None and state.get("voided_at") is None


def in_building(state: dict[str, Any]) -> bool:
    return state.get("mode") in (None, "in_person")


def bed_held(state: dict[str, Any] | None) -> bool:
    return state is not None and state.get("released_at") is None and bool(state.get("night_of"))


VisitRow = tuple[str, bool, str | None]  # (guest id, in the building, signed in at) of an open visit
BedKey = tuple[str, str]  # (night of, bed label)


def _in_building_weight(row: VisitRow | None) -> int:
    return 1 if row is not None and row[1] else 0


class Facts:
    """The facts of one site for one transaction, kept in memory and written back together.

    A push asks them for every operation (is this guest's visit open, how many are in, who holds the
    bed): one query each was most of a push's time. A push holds the site's lock, so nothing else
    changes them meanwhile: each is read once (``prefetch`` reads many at a time), answered from memory
    afterwards, changed in memory as the records change, and written with ``write`` (RecordBatch.write
    calls it) in the same transaction."""

    def __init__(self, conn: Connection, site_id: str) -> None:
        self.conn = conn
        self.site_id = site_id
        self._forget()

    def _forget(self) -> None:
        # Open visits: as they stand now, and as the table holds them (for write); a key present with
        # None is known not to be open. Only loaded keys are here.
        self._visits: dict[str, VisitRow | None] = {}
        self._stored_visits: dict[str, VisitRow | None] = {}
        self._by_guest: dict[str, set[str]] = {}
        self._guests_loaded: set[str] = set()
        self._in_building_stored: int | None = None
        self._in_building_change = 0
        self._beds: dict[BedKey, str | None] = {}
        self._stored_beds: dict[BedKey, str | None] = {}
        self._erased: dict[str, bool] = {}

    # --- reading ahead -----------------------------------------------------------------------------
    def prefetch(self, guest_ids: Iterable[str] = (), visit_ids: Iterable[str] = (),
                 beds: Iterable[BedKey] = ()) -> None:
        """Read what the rules will ask about these guests, visits and beds, many at a time."""
        guests = sorted({g for g in guest_ids if g})
        self._load_guests(guests)
        self._load_erased(guests)
        self._load_visits(sorted(set(visit_ids)))
        self._load_beds(list(dict.fromkeys(beds)))

    def _load_guests(self, guest_ids: list[str]) -> None:
        missing = [g for g in guest_ids if g not in self._guests_loaded]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            for visit_id, guest_id, in_b, signed_in_at in self.conn.execute(
                    select(OpenVisit.visit_id, OpenVisit.guest_id, OpenVisit.in_building, OpenVisit.signed_in_at)
                    .where(OpenVisit.site_id == self.site_id, among(self.conn, OpenVisit.guest_id, chunk))):
                self._known_visit(visit_id, (guest_id, bool(in_b), signed_in_at))
            self._guests_loaded.update(chunk)

    def _load_visits(self, visit_ids: list[str]) -> None:
        missing = [v for v in visit_ids if v not in self._visits]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            found = {visit_id: (guest_id, bool(in_b), signed_in_at) for visit_id, guest_id, in_b, signed_in_at
                     in self.conn.execute(
                         select(OpenVisit.visit_id, OpenVisit.guest_id, OpenVisit.in_building, OpenVisit.signed_in_at)
                         .where(OpenVisit.site_id == self.site_id, among(self.conn, OpenVisit.visit_id, chunk)))}
            for visit_id in chunk:
                self._known_visit(visit_id, found.get(visit_id))

    def _known_visit(self, visit_id: str, row: VisitRow | None) -> None:
        """A visit as the table holds it (what memory changed since wins)."""
        if visit_id in self._visits:
            return
        self._visits[visit_id] = self._stored_visits[visit_id] = row
        if row is not None:
            self._by_guest.setdefault(row[0], set()).add(visit_id)

    def _load_erased(self, guest_ids: list[str]) -> None:
        missing = [g for g in guest_ids if g not in self._erased]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            found = set(self.conn.execute(select(Tombstone.guest_id).where(
                Tombstone.site_id == self.site_id, among(self.conn, Tombstone.guest_id, chunk))).scalars())
            self._erased.update((g, g in found) for g in chunk)

    def _load_beds(self, keys: list[BedKey]) -> None:
        missing = [k for k in keys if k not in self._beds]
        for start in range(0, len(missing), 200):
            chunk = missing[start:start + 200]
            found = {(night, label): holder for night, label, holder in self.conn.execute(
                select(BedHold.night_of, BedHold.bed_label, BedHold.assignment_id).where(
                    BedHold.site_id == self.site_id, tuple_(BedHold.night_of, BedHold.bed_label).in_(chunk)))}
            for key in chunk:
                self._beds[key] = self._stored_beds[key] = found.get(key)

    # --- looking up ------------------------------------------------------------------------------
    def open_visits(self, guest_ids: Iterable[str]) -> list[tuple[str, str, bool, str | None]]:
        """(visit id, guest id, in the building, signed in at) of each open visit of these guests,
        oldest first."""
        ids = sorted(set(guest_ids))
        if not ids:
            return []
        self._load_guests(ids)
        out = []
        for guest_id in ids:
            for visit_id in self._by_guest.get(guest_id, ()):
                row = self._visits[visit_id]
                assert row is not None
                out.append((visit_id, row[0], row[1], row[2]))
        return sorted(out, key=lambda v: (v[3] or "", v[0]))

    def in_building_count(self) -> int:
        if self._in_building_stored is None:  # the table as it stood when this push began
            self._in_building_stored = self.conn.execute(select(func.count()).select_from(OpenVisit).where(
                OpenVisit.site_id == self.site_id, OpenVisit.in_building.is_(True))).scalar_one()
        return self._in_building_stored + self._in_building_change

    def bed_holder(self, night_of: str, label: str) -> str | None:
        self._load_beds([(night_of, label)])
        return self._beds[(night_of, label)]

    def erased(self, guest_ids: Iterable[str]) -> set[str]:
        ids = sorted({g for g in guest_ids if g})
        self._load_erased(ids)
        return {g for g in ids if self._erased[g]}

    def tombstones(self) -> list[str]:
        return list(self.conn.execute(select(Tombstone.guest_id).where(Tombstone.site_id == self.site_id)
                                      .order_by(Tombstone.position)).scalars())

    # --- keeping up ------------------------------------------------------------------------------
    def add_tombstones(self, guest_ids: Iterable[str], position: int) -> None:
        ids = sorted(set(guest_ids))
        rows = [{"site_id": self.site_id, "guest_id": g, "position": position} for g in ids]
        if rows:
            self.conn.execute(_insert(self.conn, Tombstone).values(rows).on_conflict_do_nothing())
            self._erased.update((g, True) for g in ids)

    def clear_all(self) -> None:
        """No open visit and no bed held (the first desk starts its upload again); written at once."""
        for model in (OpenVisit, BedHold):
            self.conn.execute(delete(model).where(model.site_id == self.site_id))  # type: ignore[attr-defined]
        self._forget()

    def record_changed(self, table: str, rid: str, before: dict[str, Any] | None,
                       after: dict[str, Any] | None) -> None:
        if table == "visit":
            was, now = visit_is_open(before), visit_is_open(after)
            if was and (not now or before.get("guest_id") != after.get("guest_id")  # type: ignore[union-attr]
                        or in_building(before) != in_building(after)):  # type: ignore[arg-type]
                self._set_visit(rid, None)
                was = False
            if now and not was:
                assert after is not None
                self._load_visits([rid])
                if self._visits[rid] is None:  # as the table's insert that does nothing on a conflict
                    self._set_visit(rid, (after.get("guest_id") or "", in_building(after), after.get("signed_in_at")))
        elif table == "bed_assignment":
            if bed_held(before):
                assert before is not None
                key = (before["night_of"], before.get("bed_label") or "")
                self._load_beds([key])
                if self._beds[key] == rid:
                    self._beds[key] = None
            if bed_held(after):
                # A bed held twice can only come from a first desk's own records (its unique index
                # forbids it) or a rule's bug: the later holder is kept, as the desks would.
                assert after is not None
                key = (after["night_of"], after.get("bed_label") or "")
                self._load_beds([key])
                self._beds[key] = rid

    def _set_visit(self, visit_id: str, row: VisitRow | None) -> None:
        self._load_visits([visit_id])
        old = self._visits[visit_id]
        if old is not None:
            self._by_guest[old[0]].discard(visit_id)
        if row is not None:
            self._by_guest.setdefault(row[0], set()).add(visit_id)
        self._visits[visit_id] = row
        self._in_building_change += _in_building_weight(row) - _in_building_weight(old)

    def write(self) -> None:
        """What changed in memory, into the tables (a few statements for the whole push)."""
        visits = [v for v, row in self._visits.items() if row != self._stored_visits[v]]
        beds = [k for k, holder in self._beds.items() if holder != self._stored_beds[k]]
        for start in range(0, len(visits), 500):
            self.conn.execute(delete(OpenVisit).where(OpenVisit.site_id == self.site_id,
                                                      among(self.conn, OpenVisit.visit_id, visits[start:start + 500])))
        opened = [{"site_id": self.site_id, "visit_id": v, "guest_id": row[0], "in_building": row[1],
                   "signed_in_at": row[2]} for v in visits if (row := self._visits[v]) is not None]
        if opened:
            self.conn.execute(insert(OpenVisit), opened)
        for start in range(0, len(beds), 200):
            self.conn.execute(delete(BedHold).where(
                BedHold.site_id == self.site_id, tuple_(BedHold.night_of, BedHold.bed_label).in_(beds[start:start + 200])))
        held = [{"site_id": self.site_id, "night_of": k[0], "bed_label": k[1], "assignment_id": holder}
                for k in beds if (holder := self._beds[k]) is not None]
        if held:
            self.conn.execute(insert(BedHold), held)
        self._stored_visits.update((v, self._visits[v]) for v in visits)
        self._stored_beds.update((k, self._beds[k]) for k in beds)
        if self._in_building_stored is not None:
            self._in_building_stored += self._in_building_change
        self._in_building_change = 0
