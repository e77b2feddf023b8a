"""The server's rules: what it decides about an operation, by server order, on clear fields only.

A decision is one of a fixed list (desks show each in their own words). ``None`` means accepted.
Sync I has one rule: an operation that changes a record the hub does not have (another desk's
retention purge removed it, or it was never sent) is rejected, recorded with its reason, and its
desk is told; its seq still advances. The conflict rules of several desks at once (a bed given twice,
two sign-ins of one guest) come next, in this module.
"""

from __future__ import annotations

from safespace_desk.sync import protocol
from safespace_desk.sync.server.records import RecordBatch, key_text

UNKNOWN_RECORD = "unknown_record"

REASONS = {
    UNKNOWN_RECORD: "it changes a record the hub no longer has (removed by another desk's retention purge, "
                    "or never sent)",
}


def decide(op: protocol.Op, records: RecordBatch) -> str | None:
    for row in op.rows:
        if row.a == "u" and not records.exists((row.t, key_text(row.k))):
            return UNKNOWN_RECORD
    return None
