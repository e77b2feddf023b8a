"""The server's rules: what it decides about an operation, by server order, on clear fields only.

``decide`` runs before the operation's rows are applied, against the records and facts as every
operation before it in the log left them, so the outcome depends only on the server's order, never on
desk clocks. Its answer is a ``Decision`` from the fixed list in sync/decisions.py:

- rejected (nothing applied, the desk that made it puts the hub's records back and tells a lead):
  a change to a record the hub does not have; anything about an erased guest; a bed someone else was
  given first (a bed given or moved); a sign-out, void, undo or unmerge of something another desk
  changed first; a message passed on twice or taken back after it was passed on; a message replaced
  or removed; a merge that would make a loop;
- amended (every desk applies it the same way): a second sign-in of a guest already in becomes part
  of the open visit (kept, voided, with ``merged_into``, its bed dropped); a bed taken first is
  dropped from a sign-in (the visit stands, its desk finds another bed or tells a lead);
- flagged (applied as sent, a lead told): the hub over its places with every desk's sign-ins;
  a guest in while excluded; two exclusions at once; anything done in the name of someone whose
  account an operation before it deactivated (a desk that had not heard yet let them work on).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from safespace_desk.domain.capacity import window_at
from safespace_desk.domain.site import SiteSettings
from safespace_desk.sync import decisions, protocol
from safespace_desk.sync.decisions import Decision
from safespace_desk.sync.server.facts import Facts, bed_held, in_building, visit_is_open
from safespace_desk.sync.server.records import RecordBatch, key_text

REASONS = decisions.REASONS
UNKNOWN_RECORD = decisions.UNKNOWN_RECORD

_SIGN_OUTS = {"visit.sign_out", "visit.void"}
# What may remove or rewrite a message whole: the retention purge and an erasure.
_REMOVERS = {"retention.purge", "guest.erase"}


def decide(op: protocol.Op, records: RecordBatch, facts: Facts | None = None) -> Decision:
    for row in op.rows:
        if row.a == "u" and not records.exists((row.t, key_text(row.k))):
            return Decision(rejected=decisions.UNKNOWN_RECORD)
    if facts is None:
        return Decision()
    if facts.erased(_guests_of(op, records)):
        return Decision(rejected=decisions.ERASED)
    return _Rules(op, records, facts).run()


def _guests_of(op: protocol.Op, records: RecordBatch) -> set[str]:
    from safespace_desk.sync import registry

    out = set()
    for row in op.rows:
        table = registry.synced_table(row.t)
        if table is None or table.guest_column is None:
            continue
        if table.name == "guest":
            out.add(key_text(row.k))
        value = row.c.get(table.guest_column)
        if isinstance(value, str):
            out.add(value)
        elif row.a != "i":
            known = records.guest_of(row.t, row.k)
            if known:
                out.add(known)
    if op.kind == "guest.merge":
        for row in op.rows:
            if row.t == "guest_merge":
                out.update(v for v in (row.c.get("kept_id"), row.c.get("merged_id")) if isinstance(v, str))
    return out


class _Rules:
    def __init__(self, op: protocol.Op, records: RecordBatch, facts: Facts) -> None:
        self.op, self.records, self.facts = op, records, facts
        self.d = Decision()

    def run(self) -> Decision:
        op = self.op
        if op.kind == "guest.erase":
            self._erasure_keeps()
        for index, row in enumerate(op.rows):
            if row.t == "message" and self._message(row):
                return self.d
            if row.t == "visit" and self._visit(index, row):
                return self.d
            if row.t == "guest_merge" and self._merge(row):
                return self.d
        for index, row in enumerate(op.rows):
            if row.t == "bed_assignment" and index not in self.d.drop and self._bed(index, row):
                return self.d
        for row in op.rows:
            if row.t == "exclusion" and row.a == "i":
                self._exclusion(row)
        if op.staff is not None:
            staff = self.records.clear("staff", op.staff)
            if staff is not None and staff.get("active") in (False, 0):
                self._flag(decisions.BY_DEACTIVATED_STAFF)
        return self.d

    def _reject(self, reason: str) -> bool:
        self.d = Decision(rejected=reason)
        return True

    def _amend(self, reason: str) -> None:
        self.d.reason = self.d.reason or reason

    def _flag(self, flag: str) -> None:
        if flag not in self.d.flags:
            self.d.flags.append(flag)

    # --- erasure: what happened to a record elsewhere stands ------------------------------------------
    def _erasure_keeps(self) -> None:
        """The erasing desk sends each record about the guest whole, as it stands there, so the
        record's older sealed changes are dropped (server/erasure.py). A delivery, a sign-out or a
        lift made at a desk it had not heard from yet is in the hub's record and not in that row: the
        hub's value is set again on it (clear, not personal), at the server and at every desk."""
        for index, row in enumerate(self.op.rows):
            keeps = decisions.ERASURE_KEEPS.get(row.t)
            if not keeps or row.a != "i":
                continue
            before = self.records.clear(row.t, row.k)
            if before is None:
                continue
            kept = {f: before[f] for f in sorted(keeps)
                    if before.get(f) is not None and row.c.get(f) is None}
            if kept:
                self.d.sets[index] = kept
                self._amend(decisions.ERASURE_KEPT)

    # --- messages: added once, passed on only forward -----------------------------------------------
    def _message(self, row: protocol.RowChange) -> bool:
        before = self.records.clear(row.t, row.k)
        if self.op.kind in _REMOVERS:
            return False
        if row.a == "d" or (row.a == "i" and before is not None):
            return self._reject(decisions.INSERT_ONLY)
        if row.a == "u" and before is not None and before.get("delivered_at") is not None:
            moves = {"delivered_at", "not_passed_at", "withdrawn_at"} & set(row.c)
            if moves:
                return self._reject(decisions.ALREADY_DELIVERED)
        return False

    # --- visits ------------------------------------------------------------------------------------
    def _visit(self, index: int, row: protocol.RowChange) -> bool:
        kind = self.op.kind
        before = self.records.clear(row.t, row.k)
        if row.a == "i" and before is None:
            after = dict(row.c)
            if visit_is_open(after) and kind in ("visit.sign_in", "visit.import"):
                self._sign_in(index, row, after)
            return False
        if before is None or row.a != "u":
            return False
        ends = {"signed_out_at", "voided_at"} & {k for k, v in row.c.items() if v is not None}
        if ends and not visit_is_open(before):
            if kind in _SIGN_OUTS:
                return self._reject(decisions.CHANGED_SINCE)
            self.d.drop.add(index)  # an exclusion's sign-out of a visit already closed elsewhere
            self._amend(decisions.CHANGED_SINCE)
            return False
        if kind == "visit.unsign_out":
            if before.get("signed_out_at") is None or before.get("voided_at") is not None:
                return self._reject(decisions.CHANGED_SINCE)
            guest = before.get("guest_id") or ""
            if self.facts.open_visits(self._identity(guest)):
                return self._reject(decisions.CHANGED_SINCE)
        return False

    def _sign_in(self, index: int, row: protocol.RowChange, visit: dict[str, Any]) -> None:
        guest = visit.get("guest_id") or ""
        visit_id = key_text(row.k)
        already = [v for v in self.facts.open_visits(self._identity(guest)) if v[0] != visit_id]
        if already:
            self.d.sets[index] = {"voided_at": visit.get("signed_in_at"), "merged_into": already[0][0]}
            for other, change in enumerate(self.op.rows):
                if change.t == "bed_assignment" and change.a == "i" and change.c.get("visit_id") == visit_id:
                    self.d.drop.add(other)
            self._amend(decisions.VISIT_MERGED)
            return
        if not in_building(visit):
            return
        places = self._places(visit.get("signed_in_at"))
        if places is not None and self.facts.in_building_count() + 1 > places:
            self._flag(decisions.OVER_CAPACITY)
        if self._excluded(guest, visit.get("signed_in_at")):
            self._flag(decisions.EXCLUDED_SIGNED_IN)

    # --- beds: one guest per bed per night ---------------------------------------------------------
    def _bed(self, index: int, row: protocol.RowChange) -> bool:
        before = self.records.clear(row.t, row.k)
        after = {**(before or {}), **row.c} if row.a != "d" else None
        if row.a == "i" and before is None:
            after = dict(row.c)
        if not bed_held(after) or (bed_held(before) and before is not None and after is not None
                                   and before.get("night_of") == after.get("night_of")
                                   and before.get("bed_label") == after.get("bed_label")):
            return False
        assert after is not None
        holder = self.facts.bed_holder(after["night_of"], after.get("bed_label") or "")
        if holder is None or holder == key_text(row.k):
            return False
        if self.op.kind == "bed.give":
            return self._reject(decisions.BED_TAKEN)
        self.d.drop.add(index)
        self._amend(decisions.BED_TAKEN)
        return False

    # --- exclusions --------------------------------------------------------------------------------
    def _exclusion(self, row: protocol.RowChange) -> None:
        guest = row.c.get("guest_id")
        if not isinstance(guest, str):
            return
        ids = self._identity(guest)
        signed_out_here = {key_text(r.k) for r in self.op.rows if r.t == "visit" and r.c.get("signed_out_at")}
        starts, ends = str(row.c.get("starts_at") or ""), str(row.c.get("ends_at") or "")
        # The same test as at a sign-in (the visit began before the exclusion ends), so the outcome
        # does not depend on which of the two the server took first.
        if any(in_b and v not in signed_out_here and str(at or "") < ends
               for v, _, in_b, at in self.facts.open_visits(ids)):
            self._flag(decisions.EXCLUDED_SIGNED_IN)
        for other in self._exclusions(ids):
            if other.get("id") != key_text(row.k) and other.get("lifted_at") is None \
                    and str(other.get("starts_at") or "") < ends and starts < str(other.get("ends_at") or ""):
                self._flag(decisions.TWO_EXCLUSIONS)
                break

    def _excluded(self, guest: str, at: Any) -> bool:
        """An exclusion not lifted that ends after the guest came in (however the desks' clocks ran)."""
        when = str(at or "")
        return any(e.get("lifted_at") is None and when < str(e.get("ends_at") or "")
                   for e in self._exclusions(self._identity(guest)))

    def _exclusions(self, ids: list[str]) -> list[dict[str, Any]]:
        return [values for _, values in self.records.about("exclusion", ids)]  # this push's changes too

    # --- merges: a redirect, never a loop ------------------------------------------------------------
    def _merge(self, row: protocol.RowChange) -> bool:
        if row.a == "i":
            kept, merged = row.c.get("kept_id"), row.c.get("merged_id")
            if not isinstance(kept, str) or not isinstance(merged, str):
                return False
            if merged in self._chain(kept):
                return self._reject(decisions.MERGE_CYCLE)
            state = self.records.clear("guest", merged)
            if state is not None and state.get("merged_into"):
                return self._reject(decisions.CHANGED_SINCE)
            return False
        before = self.records.clear(row.t, row.k)
        if row.a == "u" and row.c.get("undone_at") and before is not None and before.get("undone_at"):
            return self._reject(decisions.CHANGED_SINCE)
        return False

    def _chain(self, guest: str) -> list[str]:
        out = [guest]
        for _ in range(50):
            state = self.records.clear("guest", out[-1])
            nxt = state.get("merged_into") if state else None
            if not nxt or nxt in out:
                break
            out.append(nxt)
        return out

    def _identity(self, guest: str) -> list[str]:
        return self._chain(guest) if guest else []

    # --- the site's places -----------------------------------------------------------------------
    def _places(self, at: Any) -> int | None:
        rows = self.records.whole_table("site")
        if len(rows) != 1 or not at:
            return None
        site = rows[0][1]
        try:
            raw = site.get("settings")
            settings = _settings(raw) if isinstance(raw, str) else SiteSettings.from_json(raw or {})
            when = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
            return window_at(settings, ZoneInfo(str(site.get("timezone") or "UTC")), when).period.places
        except (ValueError, TypeError, KeyError, LookupError):
            return None


@lru_cache(maxsize=8)
def _settings(raw: str) -> SiteSettings:
    """The site's settings (read for every sign-in of a push; they seldom change)."""
    return SiteSettings.from_json(json.loads(raw))


def read_ahead(ops: list[protocol.Op], records: RecordBatch, facts: Facts) -> None:
    """Read what the rules will ask about these operations, many at a time, before deciding any of
    them: the guests they name (and their exclusions), their visits' open state and their beds."""
    from safespace_desk.sync import registry

    guests, visits, beds = set(), set(), set()
    for op in ops:
        for row in op.rows:
            table = registry.synced_table(row.t)
            if table is not None and table.guest_column is not None:
                value = key_text(row.k) if row.t == "guest" else row.c.get(table.guest_column)
                if isinstance(value, str):
                    guests.add(value)
            if row.t == "visit":
                visits.add(key_text(row.k))
            elif row.t == "bed_assignment" and isinstance(row.c.get("night_of"), str):
                beds.add((str(row.c["night_of"]), str(row.c.get("bed_label") or "")))
    records.load(("guest", g) for g in sorted(guests))
    records.load_about("exclusion", guests)
    facts.prefetch(guests, visits, beds)
