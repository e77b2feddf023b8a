"""The server's decisions on an operation: a fixed list, read alike by the server and every desk.

An operation is accepted as sent, accepted with an amendment, or rejected. An amendment names row
changes of the operation (by index) that are not applied, fields the server sets (only those on
SERVER_FIELDS, in clear), and flags for a lead; every desk applies the operation through
``amended_rows`` so all of them, and the server's snapshot, hold the same records. A rejected
operation never reaches another desk; the desk that made it puts back the server's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Rejections (the whole operation is not applied; its seq still advances).
UNKNOWN_RECORD = "unknown_record"
ERASED = "erased"
BED_TAKEN = "bed_taken"
CHANGED_SINCE = "changed_since"
ALREADY_DELIVERED = "already_delivered"
INSERT_ONLY = "insert_only"
MERGE_CYCLE = "merge_cycle"
# Amendments (accepted with a change).
VISIT_MERGED = "visit_merged"
ERASURE_KEPT = "erasure_kept"
# Flags (accepted as sent; a lead should look).
OVER_CAPACITY = "over_capacity"
EXCLUDED_SIGNED_IN = "excluded_signed_in"
TWO_EXCLUSIONS = "two_exclusions"
BY_DEACTIVATED_STAFF = "by_deactivated_staff"

REASONS = {
    UNKNOWN_RECORD: "it changes a record the hub no longer has (removed by another desk's retention purge, "
                    "or never sent)",
    ERASED: "it is about a guest whose data was erased",
    BED_TAKEN: "that bed was given to someone else at another desk first",
    CHANGED_SINCE: "another desk changed the same record first",
    ALREADY_DELIVERED: "the message had already been passed on",
    INSERT_ONLY: "messages are only ever added, never replaced or removed",
    MERGE_CYCLE: "the two records were already merged the other way",
    VISIT_MERGED: "the guest was already signed in at another desk: the two sign-ins are one visit",
    ERASURE_KEPT: "the erasure kept what another desk had done meanwhile (a message passed on, a visit closed)",
    OVER_CAPACITY: "the hub is over its places with the sign-ins of every desk together",
    EXCLUDED_SIGNED_IN: "the guest was signed in while excluded",
    TWO_EXCLUSIONS: "two exclusions were issued for the guest: the later end applies until a lead lifts one",
    BY_DEACTIVATED_STAFF: "it was done in the name of a staff member whose account had been deactivated (at a desk "
                          "that had not heard yet): check it",
}

# What an erasure keeps of a record as the hub holds it (server/rules.py): the times and names of
# what happened to it (passed on, signed out, lifted, done...), clear, none of them personal. The
# erasing desk sends each record about the guest whole as it stands there; one of these another desk
# set that it had not heard of yet would otherwise go back everywhere.
ERASURE_KEEPS: dict[str, frozenset[str]] = {table: frozenset(fields.split()) for table, fields in {
    "message": "linked_at delivered_at delivered_by not_passed_at not_passed_by withdrawn_at withdrawn_by",
    "visit": "signed_out_at staff_out voided_at voided_by no_bed_night no_bed_by merged_into",
    "bed_assignment": "released_at",
    "exclusion": "lifted_at lifted_by",
    "expected_arrival": "visit_id arrived_at not_arrived_at closed_by",
    "follow_up": "done_at done_by done_contact_id cancelled_at cancelled_by",
    "keep_apart": "ended_at ended_by",
    "case_episode": "closed_at closed_by",
    "appointment": "outcome_at outcome_by",
    "contact": "voided_at voided_by",
    "support_given": "voided_at voided_by",
    "circle_member": "removed_at removed_by",
}.items()}

# What the server may set on a record of an operation it amends (clear fields only): a second
# sign-in's merge into the open visit, and what an erasure keeps.
SERVER_FIELDS = {table: fields | ({"voided_at", "merged_into"} if table == "visit" else frozenset())
                 for table, fields in ERASURE_KEEPS.items()}
SERVER_KIND = "server"


@dataclass
class Decision:
    rejected: str | None = None
    reason: str | None = None  # why it was amended (the first change made)
    drop: set[int] = field(default_factory=set)
    sets: dict[int, dict[str, Any]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    redacted: bool = False

    def amended(self) -> bool:
        return bool(self.drop or self.sets or self.flags or self.redacted)

    def amend_json(self) -> dict[str, Any] | None:
        if not self.amended():
            return None
        out: dict[str, Any] = {"r": self.reason or (self.flags[0] if self.flags else "")}
        if self.drop:
            out["drop"] = sorted(self.drop)
        if self.sets:
            out["set"] = [[i, v] for i, v in sorted(self.sets.items())]
        if self.flags:
            out["flags"] = list(self.flags)
        if self.redacted:
            out["redacted"] = True
        return out


Rows = list[tuple[str, Any, str, dict[str, Any]]]


def amended_rows(rows: list[tuple[str, Any, str, dict[str, Any]] | None], amend: dict[str, Any] | None) -> Rows:
    """An operation's opened row changes as the server accepted them (a row redacted after an erasure
    is None and goes; the others keep their places, which the amendment's indexes name)."""
    if not amend:
        return [r for r in rows if r is not None]
    drop = set(amend.get("drop") or ())
    sets = {int(i): v for i, v in amend.get("set") or ()}
    out = []
    for index, row in enumerate(rows):
        if index in drop or row is None:
            continue
        table, key, action, values = row
        extra = sets.get(index)
        if extra:
            allowed = SERVER_FIELDS.get(table, frozenset())
            values = {**values, **{k: v for k, v in extra.items() if k in allowed}}
        out.append((table, key, action, values))
    return out


def server_values(table: str, clear: dict[str, Any]) -> dict[str, Any]:
    """The fields of a change the server made itself (in a snapshot), limited to SERVER_FIELDS."""
    allowed = SERVER_FIELDS.get(table, frozenset())
    return {k: v for k, v in clear.items() if k in allowed}
