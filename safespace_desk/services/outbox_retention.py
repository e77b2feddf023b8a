"""How long the outbox keeps its copies, and the retention purge reaching them.

Every staff action leaves an operation in the outbox: its arguments and the row changes sync sends,
so each is a copy of what the action wrote (a triage's notes, a guest's names). An operation is no
longer needed once it is *pushed*: the sync server has acknowledged it (sync/engine.py sets
``pushed_at``), or an enrolment sent the desk's whole state instead (sync/enrol.py marks what came
before as pushed, decision "base"). On a desk that is not enrolled in sync nothing is ever pushed
one by one: enrolling later sends the whole state, so there its operations are not needed either.

The purge removes operations no longer needed once they are older than the keep period (a setting,
30 days by default, counted from when they were pushed, or made on a desk not enrolled). The newest
operation always stays, emptied, because it numbers the next. Operations still needed (not yet
acknowledged by the server) are never removed; when the purge removes or anonymises the records such
an operation carries, its copy of them is emptied the same way, so nothing outlives its retention
period through the outbox.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from safespace_desk.db.models import Base, Guest, OutboxOp, Setting
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.erasure_reach import (
    GUEST_KEYS,
    erased_value,
    live_values,
    parse_json,
    row_changes,
    structural,
)

OUTBOX_KIND = "outbox"  # in the purge record: operations removed from the outbox
KEEP_DAYS_KEY = "outbox_keep_days"
DEFAULT_KEEP_DAYS = 30
MAX_KEEP_DAYS = 365
_ENROLLED_KEY = "sync.enrolled"  # kept by sync/state.py; read here, as services do not import sync
# Which table an operation's argument names a record of (the row changes name their table themselves).
_ARG_TABLES = {"guest_id": "guest", "visit_id": "visit", "exclusion_id": "exclusion", "message_id": "message",
               "triage_id": "triage", "entry_id": "shift_log", "handover_id": "handover"}


def keep_days(desk: DeskContext) -> int:
    desk.require_actor()
    with desk.store.read() as session:
        return _keep_days(session)


def set_keep_days(desk: DeskContext, days: int) -> Changes:
    """How many days operations sync no longer needs are kept (for a manager; 1 to 365)."""
    desk.require(Permission.DATA_RIGHTS, "set how long sent operations are kept")
    if not isinstance(days, int) or not 1 <= days <= MAX_KEEP_DAYS:
        raise ValidationError(f"Keep sent operations between 1 and {MAX_KEEP_DAYS} days.", field="outbox_keep_days")
    with desk.unit_of_work() as uow:
        row = uow.session.get(Setting, KEEP_DAYS_KEY)
        if row is None:
            uow.session.add(Setting(key=KEEP_DAYS_KEY, value=str(days)))
        else:
            row.value = str(days)
        uow.audit("outbox_keep_set", "site", detail=f"days={days}")
        uow.changed("retention")
    return uow.changes


def purge_outbox(session: Session, now: datetime) -> int:
    """Remove the operations no longer needed that are older than the keep period; returns how many."""
    cutoff = now - timedelta(days=_keep_days(session))
    newest = session.scalar(select(func.max(OutboxOp.seq)))
    if newest is None:
        return 0
    not_needed = OutboxOp.pushed_at < cutoff
    if not _enrolled(session):
        not_needed = or_(not_needed, and_(OutboxOp.pushed_at.is_(None), OutboxOp.at < cutoff))
    removed = session.execute(delete(OutboxOp).where(not_needed, OutboxOp.seq < newest)).rowcount or 0  # type: ignore[attr-defined]
    # The newest stays to number the next operation; past the keep period it keeps no copy either.
    session.execute(update(OutboxOp).where(OutboxOp.seq == newest, not_needed)
                    .values(args="{}", rows=None))
    return int(removed)


def scrub_removed_records(session: Session) -> int:
    """Empty the copies the remaining operations hold of records that are gone (purged) or whose
    guest is anonymised (erased, or not seen within the retention period). Returns how many changed."""
    rows = list(session.scalars(select(OutboxOp)))
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for table, key in _targets(row):
            wanted[table].add(key)
    present = {table: _present(session, table, keys) for table, keys in wanted.items()}
    erased = set(session.scalars(select(Guest.id).where(Guest.id.in_(list(wanted.get("guest", ()))),
                                                        Guest.erased_at.is_not(None))))

    def removed(table: str, key: str) -> bool:
        return key not in present.get(table, set()) or (table == "guest" and key in erased)

    changed = 0
    for row in rows:
        args, rows_text = _scrub_args(row.args, removed), _scrub_changes(session, row.rows, removed)
        if (args, rows_text) != (row.args, row.rows):
            row.args, row.rows = args, rows_text
            changed += 1
    return changed


# --- internals --------------------------------------------------------------------------------


def _keep_days(session: Session) -> int:
    row = session.get(Setting, KEEP_DAYS_KEY)
    try:
        return min(MAX_KEEP_DAYS, max(1, int(row.value))) if row else DEFAULT_KEEP_DAYS
    except ValueError:
        return DEFAULT_KEEP_DAYS


def _enrolled(session: Session) -> bool:
    row = session.get(Setting, _ENROLLED_KEY)
    return row is not None and json.loads(row.value) is True


def _targets(row: OutboxOp) -> list[tuple[str, str]]:
    """(table, key) of every record an operation carries or names."""
    out = []
    for change in row_changes(row.rows):
        if isinstance(change.get("k"), str):
            out.append((str(change.get("t")), change["k"]))
        values = change.get("v") or {}
        out += [("guest", values[k]) for k in GUEST_KEYS if isinstance(values.get(k), str)]
    args = parse_json(row.args)
    if isinstance(args, dict):
        out += [(table, args[k]) for k, table in _ARG_TABLES.items() if isinstance(args.get(k), str)]
    return out


def _present(session: Session, table_name: str, keys: set[str]) -> set[str]:
    table = Base.metadata.tables.get(table_name)
    if table is None or len(table.primary_key.columns) != 1:
        return set(keys)  # not a record with one key (settings, pairs): nothing to judge by
    column = next(iter(table.primary_key.columns))
    found: set[str] = set()
    key_list = sorted(keys)
    for start in range(0, len(key_list), 500):
        found.update(session.scalars(select(column).where(column.in_(key_list[start:start + 500]))))
    return found


def _scrub_args(text: str, removed: Any) -> str:
    args = parse_json(text)
    if not isinstance(args, dict):
        return text
    if not any(isinstance(args.get(k), str) and removed(table, args[k]) for k, table in _ARG_TABLES.items()):
        return text
    return json.dumps({k: (v if structural(k) else erased_value(v)) for k, v in args.items()},
                      sort_keys=True, ensure_ascii=False)


def _scrub_changes(session: Session, text: str | None, removed: Any) -> str | None:
    changes = row_changes(text)
    out, touched = [], False
    for change in changes:
        values = change.get("v") or {}
        key = change.get("k")
        gone = (isinstance(key, str) and removed(str(change.get("t")), key)) or any(
            isinstance(values.get(k), str) and removed("guest", values[k]) for k in GUEST_KEYS)
        if gone and any(not structural(k) and v is not None for k, v in values.items()):
            # A record still here (an anonymised guest's) gives its anonymised values, so an operation
            # sync has not sent yet stays valid to apply; a record gone gives placeholders.
            live = live_values(session, str(change.get("t")), key)
            change = {**{k: v for k, v in change.items() if k != "o"},  # the flags before: gone too
                      "v": {k: (v if structural(k) else live[k] if live is not None and k in live
                                else erased_value(v)) for k, v in values.items()}}
            touched = True
        out.append(change)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")) if touched else text
