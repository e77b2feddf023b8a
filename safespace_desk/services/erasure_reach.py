"""Erasure reaches every copy of a guest inside the store, not only their own rows.

Copies live in four places: the outbox (each operation's arguments and the row changes it carries
for sync), handover snapshots (names, exclusion reasons, log lines), free text staff wrote (the
shift log, handover notes, other guests' messages) and the in-memory search index (rebuilt by the
caller). ``reach_erased_guest`` runs inside the erasure's unit of work, after the guest's own rows
were anonymised, with the names collected before (``trace_guest``).

What counts as the guest's name: every name they went by, now and before (preferred, legal, other
names, the names agencies gave for their messages, and earlier names found in the outbox's history),
matched as search matches (case and accents ignored), whole words only. Text written about the guest
(a log entry linked to them) loses each word of their names too; other text loses their full names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Base, Guest, GuestAlias, Handover, Message, OutboxOp, ShiftLogEntry
from safespace_desk.domain.name_redaction import NameRedactor
from safespace_desk.services.row_capture import wire_value

ERASED_TEXT = "[erased at the guest's request]"
ERASED_NAME = "Erased guest"
# Columns and arguments that say which guest a row or an operation is about.
GUEST_KEYS = ("guest_id", "kept_id", "merged_id", "guest_a", "guest_b")
# Arguments and columns that are not personal: ids, times, states and kinds (what sync keeps in clear).
_STRUCTURAL = frozenset({
    "id", "at", "by", "kind", "category", "urgent", "outcome", "arrived_via", "bed", "bed_label", "night_of",
    "role", "mode", "shift_name", "relevant_until", "status", "decision", "reactivated", "removed", "cutoff",
    "hours", "version", "number", "active", "minutes", "action", "op", "t", "k", "a",
})


def structural(key: str) -> bool:
    return key in _STRUCTURAL or key.endswith(("_id", "_ids", "_at", "_by", "_start", "_end"))


@dataclass
class GuestTrace:
    """The guest being erased: their record ids and every name they went by."""

    ids: set[str]
    names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.names.discard(ERASED_NAME)
        self.about = NameRedactor(self.names, words=True)  # text written about them
        self.anywhere = NameRedactor(self.names)  # everyone else's text


def trace_guest(session: Session, ids: list[str]) -> GuestTrace:
    """Collect the guest's names before their record is anonymised."""
    names: set[str] = set()
    for preferred, legal in session.execute(select(Guest.preferred_name, Guest.legal_name).where(Guest.id.in_(ids))):
        names.update(n for n in (preferred, legal) if n)
    names.update(session.scalars(select(GuestAlias.name).where(GuestAlias.guest_id.in_(ids))))
    names.update(n for n in session.scalars(select(Message.for_name).where(Message.guest_id.in_(ids))) if n)
    # Names they had before a change of name are only in the history the outbox keeps.
    for row in _outbox_rows_mentioning(session, ids):
        for change in row_changes(row.rows):
            values = change.get("v") or {}
            if (change.get("t") == "guest" and str(change.get("k")) in ids) or (
                    change.get("t") == "guest_alias" and values.get("guest_id") in ids):
                names.update(v for k, v in values.items() if k in ("preferred_name", "legal_name", "name")
                             and isinstance(v, str))
        args = parse_json(row.args)
        if isinstance(args, dict) and args.get("guest_id") in ids and str(row.op).startswith("guest."):
            names.update(v for k, v in args.items() if k in ("preferred_name", "legal_name") and isinstance(v, str))
            names.update(a for a in args.get("aliases") or [] if isinstance(a, str))
    return GuestTrace(set(ids), {n for n in names if n.strip()})


def reach_erased_guest(session: Session, trace: GuestTrace) -> None:
    """Remove the erased guest from every copy inside the store (see the module's note)."""
    _scrub_shift_log(session, trace)
    _scrub_handovers(session, trace)
    _scrub_other_messages(session, trace)
    for guest in session.scalars(select(Guest).where(Guest.id.in_(trace.ids), Guest.erasure_reason.is_not(None))):
        guest.erasure_reason = trace.anywhere.redact(guest.erasure_reason or "")
    scrub_outbox(session, trace)


# --- free text ----------------------------------------------------------------------------------


def _scrub_shift_log(session: Session, trace: GuestTrace) -> None:
    for entry in session.scalars(select(ShiftLogEntry)):
        redactor = trace.about if entry.guest_id in trace.ids else trace.anywhere
        text = redactor.redact(entry.text)
        if text != entry.text:
            entry.text = text


def _scrub_handovers(session: Session, trace: GuestTrace) -> None:
    for handover in session.scalars(select(Handover)):
        text = trace.anywhere.redact(handover.text)
        follow_ups = trace.anywhere.redact(handover.follow_ups) if handover.follow_ups else handover.follow_ups
        snapshot = scrub_snapshot(handover.snapshot, trace)
        if (text, follow_ups, snapshot) != (handover.text, handover.follow_ups, handover.snapshot):
            handover.text, handover.follow_ups, handover.snapshot = text, follow_ups, snapshot


def scrub_snapshot(text: str, trace: GuestTrace) -> str:
    """A handover snapshot (JSON) with the guest's entries erased and their names gone from the rest.

    An entry carries the guest's id (snapshots from 2026-12 on); an older one is the guest's if its
    name is one of theirs."""
    try:
        data = json.loads(text)
    except ValueError:
        return trace.anywhere.redact(text)
    if not isinstance(data, dict):
        return text
    for section, entries in data.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            # By id; by name only in an entry older than ids in snapshots (another guest of the same
            # name keeps theirs).
            theirs = entry.get("guest_id") in trace.ids if entry.get("guest_id") else any(
                isinstance(entry.get(k), str) and _is_their_name(trace, entry[k]) for k in _NAME_KEYS)
            if theirs and isinstance(entry.get("flags"), list):
                entry["flags"] = []  # "DA risk" beside an erased name is still about them
            for key, value in list(entry.items()):
                if not isinstance(value, str) or structural(key) or key in ("since", "time_left"):
                    continue
                if key in _NAME_KEYS:
                    entry[key] = ERASED_NAME if theirs else trace.anywhere.redact(value)
                elif theirs and section in ("exclusions", "follow_ups", "expected"):
                    entry[key] = ERASED_TEXT  # an exclusion's reason, a follow-up's words: about them
                else:
                    entry[key] = (trace.about if theirs else trace.anywhere).redact(value)
    return json.dumps(data, ensure_ascii=False)


# Where a snapshot entry names its person ("who": an expected arrival, from 2026-12).
_NAME_KEYS = ("name", "for_name", "guest", "who")


def _is_their_name(trace: GuestTrace, value: str) -> bool:
    return bool(value.strip()) and trace.anywhere.redact(value).strip() == "[name erased]"


def _scrub_other_messages(session: Session, trace: GuestTrace) -> None:
    """Other guests' messages that name the erased guest ("tell Kez's friend Jo..."). The name a message
    is for is scrubbed only where no guest is linked: linked to another guest, it is that guest's name
    (two people can share one)."""
    others = session.scalars(select(Message).where(or_(Message.guest_id.is_(None),
                                                       Message.guest_id.not_in(list(trace.ids)))))
    for message in others:
        columns = ("body", "delivery_note", "not_passed_reason", "withdraw_reason", "contact")
        for column in (*columns, "for_name") if message.guest_id is None else columns:
            value = getattr(message, column)
            if value:
                redacted = trace.anywhere.redact(value)
                if redacted != value:
                    setattr(message, column, redacted)


# --- the outbox -----------------------------------------------------------------------------------


def scrub_outbox(session: Session, trace: GuestTrace) -> int:
    """Every operation about the guest loses what was personal in it; every other one loses their
    names. Pushed or not: what sync has not sent yet stays valid to apply (row values about the guest
    become the anonymised values the records hold now). Returns how many operations changed."""
    related = _related_ids(session, trace)
    ids = re.compile("|".join(re.escape(i) for i in sorted(related)))
    changed = 0
    for row in session.scalars(select(OutboxOp).order_by(OutboxOp.seq)).yield_per(500):
        blob = row.args + (row.rows or "")
        if ids.search(blob) is None and not trace.anywhere.mentions(blob):
            continue  # neither about them nor naming them: not even parsed
        args, rows = _scrub_args(row.args, trace, related), _scrub_rows(session, row.rows, trace, related)
        if (args, rows) != (row.args, row.rows):
            row.args, row.rows = args, rows
            changed += 1
    return changed


def _related_ids(session: Session, trace: GuestTrace) -> set[str]:
    """The guest's ids and the ids of records about them that operations may name on their own
    (a visit, an exclusion, a message, a triage, a log entry, a plan...)."""
    related = set(trace.ids)
    for table in Base.metadata.sorted_tables:
        if "guest_id" in table.c and "id" in table.c and table.name not in ("outbox",):
            related.update(session.execute(select(table.c.id).where(table.c.guest_id.in_(list(trace.ids)))).scalars())
    return related


def _about(values: dict[str, Any], related: set[str]) -> bool:
    return any(isinstance(v, str) and v in related for k, v in values.items() if k == "id" or k.endswith("_id")
               or k in GUEST_KEYS)


def _scrub_args(text: str, trace: GuestTrace, related: set[str]) -> str:
    args = parse_json(text)
    if not isinstance(args, dict):
        return text
    if _about(args, related):
        scrubbed = {k: (v if structural(k) else erased_value(v)) for k, v in args.items()}
    else:
        scrubbed = {k: (v if structural(k) else _redact_names(v, k, trace)) for k, v in args.items()}
    return text if scrubbed == args else json.dumps(scrubbed, sort_keys=True, ensure_ascii=False)


def _scrub_rows(session: Session, text: str | None, trace: GuestTrace, related: set[str]) -> str | None:
    changes = row_changes(text)
    if not changes:
        return text
    out = []
    for change in changes:
        values = dict(change.get("v") or {})
        table = str(change.get("t"))
        key = change.get("k")
        if _about({**values, "id": key if isinstance(key, str) else None}, related):
            live = live_values(session, table, key)
            values = {k: (v if structural(k) else live.get(k, erased_value(v)) if live is not None
                          else erased_value(v)) for k, v in values.items()}
            change = {k: v for k, v in change.items() if k != "o"}  # the flags they had before: gone too
        else:
            values = _names_redacted(session, table, key, values, trace)
        out.append({**change, "v": values})
    return text if out == changes else json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _names_redacted(session: Session, table: str, key: Any, values: dict[str, Any], trace: GuestTrace
                    ) -> dict[str, Any]:
    """Another record's change, less the erased guest's names, except where the record holds the value
    still: what the store kept (another guest's own name, the same as the erased one's) is sent as it
    is, or the other desks would hold a name this desk does not (the chaos run's seed 7)."""
    redacted = {k: (v if structural(k) else _redact_names(v, k, trace)) for k, v in values.items()}
    if redacted == values:
        return values
    live = live_values(session, table, key) or {}
    return {k: (v if k in live and live[k] == v else redacted[k]) for k, v in values.items()}


def live_values(session: Session, table_name: str, key: Any) -> dict[str, Any] | None:
    """The row as it is now (already anonymised), or None if it is gone."""
    table: Table | None = Base.metadata.tables.get(table_name)
    if table is None:
        return None
    primary = list(table.primary_key.columns)
    keys = key if isinstance(key, list) else [key]
    if len(keys) != len(primary):
        return None
    found = session.execute(select(table).where(and_(*(c == k for c, k in zip(primary, keys, strict=True))))).first()
    if found is None:
        return None
    return {k: wire_value(v) for k, v in found._mapping.items()}


def erased_value(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return ERASED_TEXT
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return None  # a number (a year of birth) is as personal as a word


def _redact_names(value: Any, key: str, trace: GuestTrace) -> Any:
    if isinstance(value, str):
        if key == "snapshot" and value.startswith("{"):
            return scrub_snapshot(value, trace)
        return trace.anywhere.redact(value)
    if isinstance(value, list):
        return [_redact_names(v, key, trace) for v in value]
    if isinstance(value, dict):
        if key == "snapshot":
            return json.loads(scrub_snapshot(json.dumps(value, ensure_ascii=False), trace))
        return {k: (v if structural(k) else _redact_names(v, k, trace)) for k, v in value.items()}
    return value


def _outbox_rows_mentioning(session: Session, ids: list[str]) -> Iterator[OutboxOp]:
    """Operations whose arguments or row changes name one of ``ids`` (found by SQLite, not parsed)."""
    mentions = [or_(OutboxOp.args.contains(i), OutboxOp.rows.contains(i)) for i in ids]
    yield from session.scalars(select(OutboxOp).where(or_(*mentions)).order_by(OutboxOp.seq))


def row_changes(text: str | None) -> list[dict[str, Any]]:
    data = parse_json(text) if text else None
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def parse_json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None
