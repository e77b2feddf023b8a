"""What sync could not do, for a lead or manager to see and mark as seen, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from safespace_desk.db.models import SyncProblem
from safespace_desk.domain.errors import NotFound
from safespace_desk.domain.roles import Permission
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.sync.decisions import REASONS

SYNC = "sync"

# What each operation kind did, for a sentence ("A sign-in made here ...").
_WHAT = {
    "guest": "A change to a guest's record", "visit": "A sign-in or sign-out", "bed": "A bed given or freed",
    "exclusion": "An exclusion", "message": "A message", "log": "A shift log entry", "handover": "A handover",
    "triage": "A triage record", "staff": "A change to a staff account", "site": "A change to the site's settings",
    "retention": "The retention purge", "duty": "A duty change", "agency": "An agency change",
}


@dataclass(frozen=True)
class ProblemView:
    id: str
    at: datetime
    kind: str
    text: str
    resolved: bool
    guest_id: str | None = None
    guest_name: str | None = None


def _guest_names(session: object, ids: set[str]) -> dict[str, str]:
    from safespace_desk.db.models import Guest

    if not ids:
        return {}
    return {gid: name for gid, name in session.execute(  # type: ignore[attr-defined]
        select(Guest.id, Guest.preferred_name).where(Guest.id.in_(sorted(ids))))}


_CHANGED = {
    "visit_merged": "The guest had already been signed in at another desk: the two sign-ins were made one visit "
                    "(both ways they arrived are kept).",
    "bed_taken": "The bed given at this desk had been given to someone else at another desk first.",
    "bed_moved": "This desk moved the guest to the first free bed, because their bed was taken at another desk.",
    "no_bed": "No bed was free for a guest whose bed was taken at another desk: a lead must decide where they sleep.",
    "changed_since": "Another desk had already changed this record, so part of a change made here was not kept.",
}


def describe(kind: str, op_kind: str | None, reason: str) -> str:
    what = _WHAT.get((op_kind or "").split(".")[0], "A change") if op_kind else "A change"
    if kind == "rejected":
        why = REASONS.get(reason, reason.replace("_", " "))
        return f"{what} made at this desk was refused by the hub: {why}. The other desks do not have it."
    if kind == "changed":
        return _CHANGED.get(reason, f"{what} made at this desk was changed by the hub: "
                                    f"{REASONS.get(reason, reason.replace('_', ' '))}.")
    if kind == "flag":
        why = REASONS.get(reason, reason.replace("_", " "))
        return f"For a lead to check: {why}."
    if kind == "integrity":
        return ("A change from the server failed its integrity check and was not applied: it was not made by a "
                "desk of this hub as sent (the server or something in between may have altered it). Tell the "
                "hub's manager.")
    if kind == "replayed":
        return "A change from the server had been applied here already and came again; it was not applied twice."
    if kind == "audit":
        return ("The server did not accept this desk's audit log as a continuation of what it holds: the log on "
                "this desk may have been rewritten. Run “audit verify” and tell the hub's manager.")
    if kind == "new_epoch":
        return ("The hub's sync server was restored from a backup or replaced. This desk sent the server again "
                "the changes it had lost, and read what the other desks sent again; nothing on this desk was "
                "removed. Any desk that has been switched off since should sync soon, so the server gets its "
                "changes back too.")
    if kind == "restored":
        return ("This desk's records were restored from a backup (or its folder was copied): it carries on as a "
                "new desk of the hub; nothing it had not sent is lost.")
    return reason


def problems(desk: DeskContext, *, include_resolved: bool = False, limit: int = 200) -> list[ProblemView]:
    """What sync changed or could not do, newest first, with the guest each is about (a list of guests
    for a lead: audited when it names anyone)."""
    desk.require(Permission.OVERRIDE, "see sync problems")
    with desk.store.read() as session:
        query = select(SyncProblem).order_by(SyncProblem.at.desc()).limit(limit)
        if not include_resolved:
            query = query.where(SyncProblem.resolved_at.is_(None))
        rows = list(session.scalars(query))
        names = _guest_names(session, {p.about for p in rows if p.about})
        out = [ProblemView(p.id, p.at, p.kind, _with_detail(describe(p.kind, p.op_kind, p.reason), p.detail),
                           p.resolved_at is not None, p.about, names.get(p.about) if p.about else None)
               for p in rows]
    named = sum(1 for p in out if p.guest_name)
    if named:
        from safespace_desk.services.view_audit import record_list_view

        record_list_view(desk, "sync_attention", named)
    return out


def _with_detail(text: str, detail: str | None) -> str:
    if not detail:
        return text
    return f"{text[:-1]} ({detail})." if text.endswith(".") else f"{text} ({detail})"


def mark_seen(desk: DeskContext, problem_id: str) -> Changes:
    actor = desk.require(Permission.OVERRIDE, "mark sync problems as seen")
    with desk.unit_of_work() as uow:
        row = uow.session.get(SyncProblem, problem_id)
        if row is None:
            raise NotFound("That sync problem is no longer listed.")
        row.resolved_at, row.resolved_by = uow.now, actor.staff_id
        uow.audit("sync_problem_seen", SYNC, problem_id)
        uow.changed(SYNC, problem_id)
    return uow.changes
