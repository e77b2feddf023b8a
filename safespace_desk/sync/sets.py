"""Set-valued fields travel as what was added and removed, not as the whole set.

A guest's flags are one column holding a JSON list. Sent whole, two desks that each add a flag
offline would lose one of them (the later write wins the whole list). So ``guest.update`` (version 2)
sends ``flags.delta`` = {"+": [added], "-": [removed]} instead of ``flags``, computed from the old value the
unit of work saw (services/row_capture.py keeps it as the change's "o"), and every desk applies it to
the set it has. Where the order matters (one desk adds a flag while another removes the same one),
the server's order decides at every desk: a desk whose own change to that flag came later in the
server's order keeps its own (apply.py's write checkpoint, element by element).

The server sees only the name ``flags.delta`` (sealed values, as for ``flags``); it never lets a later
change of a set hide an earlier one (server/records.py: deltas are dropped only under a later whole
value), so a joining desk's snapshot rebuilds the same set.
"""

from __future__ import annotations

import json
from typing import Any

from safespace_desk.services.row_capture import SENDS_SET_CHANGES, SET_COLUMNS

MARK = ".delta"
# Kinds that send set columns as deltas (from their version in sync/registry.py).
DELTA_KINDS = SENDS_SET_CHANGES


def delta_name(column: str) -> str:
    return column + MARK


def is_delta(name: str) -> bool:
    return name.endswith(MARK)


def base_name(name: str) -> str:
    return name[:-len(MARK)] if is_delta(name) else name


def _members(value: Any) -> list[str]:
    if value is None:
        return []
    items = json.loads(value) if isinstance(value, str) else value
    return [str(item) for item in items]


def as_sent(kind: str, change: dict[str, Any]) -> dict[str, Any]:
    """An outbox row change as it travels: a set column it updated (with its old value known) as a
    delta. Other changes, and other kinds, unchanged."""
    old = change.get("o")
    columns = SET_COLUMNS.get(change["t"], frozenset())
    if kind not in DELTA_KINDS or change["a"] != "u" or not old or not columns & set(change["v"]):
        return change
    values = dict(change["v"])
    for column in columns & set(values) & set(old):
        before, after = set(_members(old[column])), set(_members(values.pop(column)))
        if before != after:
            values[delta_name(column)] = {"+": sorted(after - before), "-": sorted(before - after)}
    return {**change, "v": values}


def touched(change: dict[str, Any]) -> dict[str, set[str]]:
    """A change's set columns and the members it added or removed (a whole new value touches all of
    the old and the new members)."""
    out: dict[str, set[str]] = {}
    columns = SET_COLUMNS.get(change["t"], frozenset())
    for name, value in change["v"].items():
        if is_delta(name) and base_name(name) in columns:
            out[base_name(name)] = {*value.get("+", ()), *value.get("-", ())}
        elif name in columns:
            old = (change.get("o") or {}).get(name)
            out[name] = set(_members(value)) ^ set(_members(old)) if old is not None else set(_members(value))
    return out


def member_key(column: str, member: str) -> str:
    """The name a member's change is known by in the write checkpoint's bookkeeping."""
    return f"{column}{MARK}:{member}"


def without_members(delta: dict[str, Any], keep_out: set[str]) -> dict[str, Any] | None:
    """The delta less the members in ``keep_out``; None when nothing is left."""
    added = [m for m in delta.get("+", ()) if m not in keep_out]
    removed = [m for m in delta.get("-", ()) if m not in keep_out]
    return {"+": added, "-": removed} if added or removed else None


def applied(current: Any, delta: dict[str, Any]) -> str:
    """The set's stored value (sorted JSON) after the delta."""
    members = set(_members(current))
    members |= {str(m) for m in delta.get("+", ())}
    members -= {str(m) for m in delta.get("-", ())}
    return json.dumps(sorted(members))


def merge_values(values: dict[str, Any], change: dict[str, Any]) -> None:
    """``values.update(change)`` where a delta in ``change`` applies to the whole value in ``values``
    (a record's changes opened in log order: its insert, then what came after)."""
    for name, value in change.items():
        if is_delta(name):
            column = base_name(name)
            values[column] = applied(values.get(column), value)
        else:
            values[name] = value
