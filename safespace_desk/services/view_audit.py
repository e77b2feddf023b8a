"""Every view of a guest record or of a list of guests is audited, by the service that shows it.

What is recorded: who, when, which record (its id) or which list and how many rows it showed; never
a name. No caller can turn it off: the public reading services record their own view, and only the
services' internal helpers (used where the surrounding action is itself audited, such as writing a
handover from the lists it snapshots) read without recording.

Cost: a search-as-you-type keystroke must stay within a third of a frame, and an audit entry is an
encrypted write with a flush to disk. So a list view is recorded in memory at once (with its time and
the person) and written into the hash chain by the next unit of work on this desk, in that
transaction; if none comes within half a minute, the next view writes them itself; locking, switching
user and signing out are units of work, and closing the desk writes what is left. Opening one record
is written at once. The same person shown the same list with the same number of rows again within
five minutes (a screen refreshing itself) is recorded once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from safespace_desk.services.context import DeskContext, PendingView

REPEAT_WINDOW = timedelta(minutes=5)
WRITE_WITHIN = timedelta(seconds=30)
MAX_WAITING = 50
VIEWED = "viewed"
VIEWED_LIST = "viewed_list"
_LAST_KEY = "view_audit_last"

_Key = tuple[str, str, str | None, str | None, str | None]


def record_view(desk: DeskContext, entity_kind: str, entity_id: str, *, detail: str | None = None) -> None:
    """Staff opened one record: written to the audit now (the same record again within five
    minutes, as a screen refreshes after a change, is not recorded twice)."""
    if _note(desk, VIEWED, entity_kind, entity_id, detail):
        flush_views(desk)


def record_list_view(desk: DeskContext, list_name: str, shown: int, *, about: str | None = None,
                     about_kind: str = "guest") -> None:
    """Staff were shown a list of ``shown`` guests (or of one guest's records, ``about`` naming the
    guest by id). An empty list shows nobody and is not recorded."""
    if shown <= 0:
        return
    _note(desk, VIEWED_LIST, about_kind if about else None, about, f"list={list_name};shown={shown}")
    waiting = desk.pending_views
    if waiting and (len(waiting) >= MAX_WAITING or desk.clock.now() - waiting[0].at >= WRITE_WITHIN):
        flush_views(desk)


def flush_views(desk: DeskContext) -> None:
    """Write the views still waiting into the audit chain now. A damaged store takes no more writes
    (the desk goes on read-only): they stay in memory, as the views of a read-only desk."""
    if desk.pending_views and not desk.store.read_only:
        with desk.unit_of_work():
            pass  # unit_of_work writes the waiting views first


def _note(desk: DeskContext, action: str, entity_kind: str | None, entity_id: str | None,
          detail: str | None) -> bool:
    actor = desk.require_actor()
    now = desk.clock.now()
    last: dict[_Key, datetime] = desk.cache.setdefault(_LAST_KEY, {})
    key: _Key = (actor.staff_id, action, entity_kind, entity_id, detail)
    seen = last.get(key)
    if seen is not None and timedelta(0) <= now - seen < REPEAT_WINDOW:
        return False
    if len(last) > 1000:  # forget what is past the window, so a long shift does not grow it
        for old in [k for k, at in last.items() if now - at >= REPEAT_WINDOW]:
            del last[old]
    last[key] = now
    desk.pending_views.append(PendingView(now, actor.staff_id, action, entity_kind, entity_id, detail))
    return True
