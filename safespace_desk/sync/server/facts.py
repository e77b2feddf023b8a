"""What the conflict rules look up, kept beside the records in the same transaction: which visits are
open (per guest, and how many take a place in the building), who holds each bed each night, and
which guests were erased. Written as the records change (RecordBatch calls ``record_changed``), so a
rule sees the operations before it in the same push as well as those already committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from safespace_desk.sync.server.models import BedHold, OpenVisit, Tombstone


def _insert(conn: Connection, model: Any) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(model)


def visit_is_open(state: dict[str, Any] | None) -> bool:
    return state is not None and state.get("signed_out_at") is None and state.get("voided_at") is None


def in_building(state: dict[str, Any]) -> bool:
    return state.get("mode") in (None, "in_person")


def bed_held(state: dict[str, Any] | None) -> bool:
    return state is not None and state.get("released_at") is None and bool(state.get("night_of"))


class Facts:
    def __init__(self, conn: Connection, site_id: str) -> None:
        self.conn = conn
        self.site_id = site_id

    # --- looking up ------------------------------------------------------------------------------
    def open_visits(self, guest_ids: Iterable[str]) -> list[tuple[str, str, bool, str | None]]:
        """(visit id, guest id, in the building, signed in at) of each open visit of these guests."""
        ids = sorted(set(guest_ids))
        if not ids:
            return []
        return [tuple(r) for r in self.conn.execute(  # type: ignore[misc]
            select(OpenVisit.visit_id, OpenVisit.guest_id, OpenVisit.in_building, OpenVisit.signed_in_at)
            .where(OpenVisit.site_id == self.site_id, OpenVisit.guest_id.in_(ids)))]

    def in_building_count(self) -> int:
        return self.conn.execute(select(func.count()).select_from(OpenVisit).where(
            OpenVisit.site_id == self.site_id, OpenVisit.in_building.is_(True))).scalar_one()

    def bed_holder(self, night_of: str, label: str) -> str | None:
        return self.conn.execute(select(BedHold.assignment_id).where(
            BedHold.site_id == self.site_id, BedHold.night_of == night_of, BedHold.bed_label == label)).scalar()

    def erased(self, guest_ids: Iterable[str]) -> set[str]:
        ids = sorted({g for g in guest_ids if g})
        out: set[str] = set()
        for start in range(0, len(ids), 500):
            out.update(self.conn.execute(select(Tombstone.guest_id).where(
                Tombstone.site_id == self.site_id, Tombstone.guest_id.in_(ids[start:start + 500]))).scalars())
        return out

    def tombstones(self) -> list[str]:
        return list(self.conn.execute(select(Tombstone.guest_id).where(Tombstone.site_id == self.site_id)
                                      .order_by(Tombstone.position)).scalars())

    # --- keeping up ------------------------------------------------------------------------------
    def add_tombstones(self, guest_ids: Iterable[str], position: int) -> None:
        rows = [{"site_id": self.site_id, "guest_id": g, "position": position} for g in sorted(set(guest_ids))]
        if rows:
            self.conn.execute(_insert(self.conn, Tombstone).values(rows).on_conflict_do_nothing())

    def clear_all(self) -> None:
        for model in (OpenVisit, BedHold):
            self.conn.execute(delete(model).where(model.site_id == self.site_id))  # type: ignore[attr-defined]

    def record_changed(self, table: str, rid: str, before: dict[str, Any] | None,
                       after: dict[str, Any] | None) -> None:
        if table == "visit":
            was, now = visit_is_open(before), visit_is_open(after)
            if was and (not now or before.get("guest_id") != after.get("guest_id")  # type: ignore[union-attr]
                        or in_building(before) != in_building(after)):  # type: ignore[arg-type]
                self.conn.execute(delete(OpenVisit).where(OpenVisit.site_id == self.site_id,
                                                          OpenVisit.visit_id == rid))
                was = False
            if now and not was:
                assert after is not None
                self.conn.execute(_insert(self.conn, OpenVisit).values(
                    site_id=self.site_id, visit_id=rid, guest_id=after.get("guest_id") or "",
                    in_building=in_building(after), signed_in_at=after.get("signed_in_at")).on_conflict_do_nothing())
        elif table == "bed_assignment":
            if bed_held(before):
                assert before is not None
                self.conn.execute(delete(BedHold).where(
                    BedHold.site_id == self.site_id, BedHold.night_of == before["night_of"],
                    BedHold.bed_label == before.get("bed_label"), BedHold.assignment_id == rid))
            if bed_held(after):
                assert after is not None
                statement = _insert(self.conn, BedHold).values(
                    site_id=self.site_id, night_of=after["night_of"], bed_label=after.get("bed_label") or "",
                    assignment_id=rid)
                # A bed held twice can only come from a first desk's own records (its unique index
                # forbids it) or a rule's bug: the later holder is kept, as the desks would.
                self.conn.execute(statement.on_conflict_do_update(
                    index_elements=["site_id", "night_of", "bed_label"],
                    set_={"assignment_id": statement.excluded.assignment_id}))
