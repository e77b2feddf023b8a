"""The audit hash chain: each entry's hash covers its own fields and the previous hash.

Changing, removing or reordering any entry breaks every link after it, which ``first_broken``
finds. Entries carry who/what/when and record ids, never the content of notes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditFields:
    seq: int
    at: str  # ISO 8601 UTC
    staff_id: str | None
    device_id: str
    action: str
    entity_kind: str | None
    entity_id: str | None
    detail: str | None


def entry_hash(prev_hash: str, fields: AuditFields) -> str:
    body = json.dumps(
        [prev_hash, fields.seq, fields.at, fields.staff_id, fields.device_id, fields.action,
         fields.entity_kind, fields.entity_id, fields.detail],
        separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def first_broken(entries: Iterable[tuple[AuditFields, str, str]]) -> ChainBreak | None:
    """Walk (fields, prev_hash, hash) in order; return the first entry that does not link."""
    expected_prev = GENESIS
    expected_seq: int | None = None
    for fields, prev_hash, stored_hash in entries:
        if expected_seq is not None and fields.seq != expected_seq:
            return ChainBreak(fields.seq, f"entry {expected_seq} is missing")
        if prev_hash != expected_prev:
            return ChainBreak(fields.seq, "it does not point at the entry before it")
        if entry_hash(prev_hash, fields) != stored_hash:
            return ChainBreak(fields.seq, "its contents were changed after it was written")
        expected_prev = stored_hash
        expected_seq = fields.seq + 1
    return None
