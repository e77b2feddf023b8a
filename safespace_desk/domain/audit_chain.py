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


# --- anchors: the chain's head kept outside the store ----------------------------------------------
#
# Anyone with the store's key can drop the triggers, rewrite entries and recompute every hash: the
# chain then checks out on its own. What they cannot change is a copy of the head kept elsewhere: in
# each backup's manifest, on each printed handover, on the sync server. Each hash covers every entry
# before it, so an entry whose hash no longer matches its anchor means the log was changed at or
# before that entry.

MIN_TYPED_HASH = 16  # hex digits of a hash typed from paper (64 bits): enough to catch a rewrite


@dataclass(frozen=True)
class AuditAnchor:
    seq: int
    hash: str  # the whole hash, or (typed from a printed handover) its first MIN_TYPED_HASH+ digits
    source: str  # where it was kept, named in the report ("the backup of ...", "the anchor typed")


@dataclass(frozen=True)
class AnchorProblem:
    anchor: AuditAnchor
    reason: str


def parse_anchor(text: str, source: str = "the anchor typed") -> AuditAnchor:
    """``SEQ:HASH`` as printed on a handover (spaces in the hash are ignored)."""
    seq_text, sep, hash_text = (text or "").strip().partition(":")
    digest = "".join(hash_text.split()).lower()
    if not sep or not seq_text.strip().isdigit() or int(seq_text) < 1:
        raise ValueError("an anchor is the entry number and its hash, as SEQ:HASH (e.g. 1234:3f2a9c0177de12ab)")
    if len(digest) < MIN_TYPED_HASH or len(digest) > 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"the hash of an anchor is {MIN_TYPED_HASH} to 64 hex digits (0-9, a-f)")
    return AuditAnchor(int(seq_text), digest, source)


def printed_anchor(seq: int, digest: str) -> str:
    """How a head is printed on paper: the entry and the first 20 hex digits in groups of four."""
    short = digest[:20]
    return f"{seq}:" + " ".join(short[i:i + 4] for i in range(0, len(short), 4))


def check_anchors(hashes: dict[int, str], last_seq: int, anchors: Iterable[AuditAnchor]) -> list[AnchorProblem]:
    """Problems with the log against each anchor: entries missing, or an entry whose hash differs.

    ``hashes`` holds the log's hash for (at least) every anchored entry; ``last_seq`` is its last."""
    problems = []
    for anchor in sorted(anchors, key=lambda a: a.seq):
        have = hashes.get(anchor.seq)
        if anchor.seq > last_seq:
            problems.append(AnchorProblem(anchor, f"entries {last_seq + 1} to {anchor.seq} are missing: "
                                                  f"{anchor.source} recorded entry {anchor.seq}, the log ends at "
                                                  f"{last_seq}"))
        elif have is None:
            problems.append(AnchorProblem(anchor, f"entry {anchor.seq} is missing ({anchor.source} recorded it)"))
        elif not have.startswith(anchor.hash.lower()):
            problems.append(AnchorProblem(anchor, f"the log was rewritten at or before entry {anchor.seq}: "
                                                  f"{anchor.source} recorded its hash as {anchor.hash[:16]}, the "
                                                  f"log now has {have[:16]}"))
    return problems
