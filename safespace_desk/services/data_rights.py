"""Data rights (UK GDPR): everything held about one guest, erasure, and retention with a purge.

All of it is for managers only and audited. Erasure anonymises: the record stays (so figures and
the audit trail still add up) but nothing in it identifies the person any more. See
docs/decisions.md for what is kept and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, or_, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import (
    AuditEntry,
    BedAssignment,
    DuplicateHint,
    Exclusion,
    Guest,
    GuestAlias,
    Handover,
    ImportedVisit,
    Message,
    NotDuplicate,
    PurgeRecord,
    Setting,
    ShiftLogEntry,
    Staff,
    Triage,
    Visit,
)
from safespace_desk.db.types import parse_utc, utc_text
from safespace_desk.domain.errors import NotFound
from safespace_desk.domain.guests import new_card_code
from safespace_desk.domain.retention import RETENTION_KINDS, RetentionPolicy, cutoff_for
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services import backups, clinical
from safespace_desk.services.casework_rights import (
    erase_casework,
    export_casework,
    purge_casework,
    purge_plans,
)
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.erasure_reach import reach_erased_guest, trace_guest
from safespace_desk.services.guests import GUEST, _reset_index, identity_ids
from safespace_desk.services.hub_day_rights import (
    export_hub_day,
    forget_hub_day,
    release_purged_visits,
    scrub_hub_day,
)
from safespace_desk.services.outbox_retention import OUTBOX_KIND, purge_outbox, scrub_removed_records
from safespace_desk.services.partnership import export_partnership, forget_partnership, scrub_other_actions

ERASED_NAME = "Erased guest"
ERASED_TEXT = "[erased at the guest's request]"
RETENTION_KEY = "retention_policy"
LAST_PURGE_KEY = "last_purge_at"


def export_guest(desk: DeskContext, guest_id: str) -> dict[str, Any]:
    """Everything held about a guest (and records merged into theirs), with who viewed it."""
    desk.require(Permission.DATA_RIGHTS, "export a guest's data")
    with desk.store.read() as session:
        ids = identity_ids(session, guest_id)
        if session.get(Guest, guest_id) is None:
            raise NotFound("That guest record does not exist.")
        staff = {s.id: s.name for s in session.scalars(select(Staff))}
        name = staff.get

        guests = [_row(g, staff) for g in session.scalars(select(Guest).where(Guest.id.in_(ids)))]
        aliases = [{"name": a.name, "added": utc_text(a.created_at)}
                   for a in session.scalars(select(GuestAlias).where(GuestAlias.guest_id.in_(ids)))]
        visits = session.scalars(select(Visit).where(Visit.guest_id.in_(ids)).order_by(Visit.signed_in_at)).all()
        visit_ids = [v.id for v in visits]
        beds = session.scalars(select(BedAssignment).where(BedAssignment.guest_id.in_(ids))).all()
        exclusions = session.scalars(select(Exclusion).where(Exclusion.guest_id.in_(ids))).all()
        messages = session.scalars(select(Message).where(Message.guest_id.in_(ids))).all()
        log = session.scalars(select(ShiftLogEntry).where(ShiftLogEntry.guest_id.in_(ids))).all()
        triage = session.scalars(select(Triage).where(Triage.guest_id.in_(ids))).all()
        casework, casework_ids = export_casework(session, ids, lambda record: _row(record, staff))
        # The person's own plans, sealed at their request, are opened for them (as triage is).
        casework["plan_versions"] = [clinical.opened_row(desk, "plan_version", r) for r in casework["plan_versions"]]
        partnership = export_partnership(session, ids, lambda record: _row(record, staff))
        hub_day = export_hub_day(session, ids, lambda record: _row(record, staff))
        related = set(ids) | set(visit_ids) | {e.id for e in exclusions} | {m.id for m in messages} \
            | {t.id for t in triage} | {entry.id for entry in log} | casework_ids
        audit = session.scalars(select(AuditEntry).where(AuditEntry.entity_id.in_(list(related)))
                                .order_by(AuditEntry.seq)).all()
        export = {
            "format": "safespace-desk-subject-access",
            "version": 1,
            "exported_at": utc_text(desk.clock.now()),
            "guest_records": guests,
            "aliases": aliases,
            "visits": [_row(v, staff) for v in visits],
            "beds": [_row(b, staff) for b in beds],
            "exclusions": [_row(e, staff) for e in exclusions],
            "messages": [_row(m, staff) for m in messages],
            "shift_log": [_row(entry, staff) for entry in log],
            "triage": [clinical.opened_row(desk, "triage", _row(t, staff)) for t in triage],
            **casework,
            **partnership,
            **hub_day,
            "access_log": [{"when": a.at, "staff": name(a.staff_id or "", None), "action": a.action,
                            "record": a.entity_kind} for a in audit],
        }
    with desk.unit_of_work() as uow:
        uow.audit("subject_access_export", GUEST, guest_id)
    return export


def erase_guest(desk: DeskContext, guest_id: str, reason: str) -> Changes:
    """Anonymise a guest (and records merged into theirs), with the reason recorded."""
    desk.require(Permission.DATA_RIGHTS, "erase a guest's data")
    reason = clean_text(reason, field="reason", label="Reason", max_len=SHORT_TEXT_MAX, required=True)
    with desk.unit_of_work() as uow:
        if uow.session.get(Guest, guest_id) is None:
            raise NotFound("That guest record does not exist.")
        ids = identity_ids(uow.session, guest_id)
        trace = trace_guest(uow.session, ids)  # every name they went by, before they go
        _anonymise(uow.session, ids, uow.now)
        _erase_free_text(uow.session, ids)
        erase_casework(uow.session, ids)
        kept = uow.session.get(Guest, guest_id)
        assert kept is not None
        kept.erasure_reason = reason
        # The copies: other texts naming them, handover snapshots, the shift log, then the outbox (last:
        # it keeps what the records still hold, so it must see them scrubbed).
        scrub_other_actions(uow.session, trace.anywhere.redact, ids)
        scrub_hub_day(uow.session, trace.anywhere.redact, set(ids))
        reach_erased_guest(uow.session, trace)
        # The audit says that and when, never the reason's words (it cannot be edited later).
        uow.audit("guest_erased", GUEST, guest_id, detail=json.dumps({"records": len(ids)}))
        uow.outbox("guest.erase", guest_id=guest_id, at=uow.now)
        uow.changed(GUEST, guest_id)
    _reset_index(desk)
    return uow.changes


def retention_policy(desk: DeskContext) -> RetentionPolicy:
    desk.require_actor()
    with desk.store.read() as session:
        row = session.get(Setting, RETENTION_KEY)
        return RetentionPolicy.from_json(json.loads(row.value)) if row else RetentionPolicy()


def set_retention_policy(desk: DeskContext, policy: RetentionPolicy) -> Changes:
    desk.require(Permission.DATA_RIGHTS, "set retention periods")
    policy.check()
    with desk.unit_of_work() as uow:
        row = uow.session.get(Setting, RETENTION_KEY)
        value = json.dumps(policy.to_json())
        if row is None:
            uow.session.add(Setting(key=RETENTION_KEY, value=value))
        else:
            row.value = value
        uow.audit("retention_policy_set", "site", detail=value)
        uow.outbox("retention.policy", policy=policy.to_json())
        uow.changed("retention")
    return uow.changes


@dataclass(frozen=True)
class PurgeResult:
    kind: str
    removed: int
    cutoff: datetime


def purge_expired(desk: DeskContext, *, automatic: bool = False) -> list[PurgeResult]:
    """Remove (or, for guests, anonymise) records older than their retention period, and record
    what was removed. Runs by itself once a day while the app is open."""
    if not automatic:
        desk.require(Permission.DATA_RIGHTS, "run the retention purge")
    policy = retention_policy(desk)
    now = desk.clock.now()
    results: list[PurgeResult] = []
    with desk.unit_of_work() as uow:
        for kind in RETENTION_KINDS:
            months = policy.months(kind)
            if months is None:
                continue
            cutoff = cutoff_for(now, months)
            removed = _PURGERS[kind](uow.session, cutoff, now)
            if removed:
                uow.session.add(PurgeRecord(id=new_id(), at=now, record_kind=kind, removed=removed, cutoff=cutoff,
                                            staff_id=uow.staff_id))
                # One operation per kind of record, carrying what this kind's purge removed.
                uow.outbox("retention.purge", kind=kind, removed=removed, cutoff=cutoff)
                results.append(PurgeResult(kind, removed, cutoff))
        # The outbox's copies: operations sync no longer needs go after their keep period, and those
        # it still needs lose what they held of the records just removed or anonymised.
        sent = purge_outbox(uow.session, now)  # in the audit entry below, not among the records
        scrub_removed_records(uow.session)
        row = uow.session.get(Setting, LAST_PURGE_KEY)
        if row is None:
            uow.session.add(Setting(key=LAST_PURGE_KEY, value=utc_text(now)))
        else:
            row.value = utc_text(now)
        uow.audit("retention_purge", "site",
                  detail=json.dumps({r.kind: r.removed for r in results} | ({OUTBOX_KIND: sent} if sent else {})))
        if results:
            uow.changed(GUEST)
            uow.changed("visit")
    if any(r.kind == "guests" for r in results):
        _reset_index(desk)
    # Copies of the whole store (old backups, folders a restore left) go once past their keep period.
    backups.prune_old_copies(desk, automatic=True)
    return results


def purge_history(desk: DeskContext, limit: int = 200) -> list[PurgeResult]:
    desk.require(Permission.DATA_RIGHTS, "see the purge record")
    with desk.store.read() as session:
        rows = session.scalars(select(PurgeRecord).order_by(PurgeRecord.at.desc()).limit(limit))
        return [PurgeResult(r.record_kind, r.removed, r.cutoff) for r in rows]


def purge_due(desk: DeskContext) -> bool:
    with desk.store.read() as session:
        row = session.get(Setting, LAST_PURGE_KEY)
    if row is None:
        return True
    return (desk.clock.now() - parse_utc(row.value)).total_seconds() >= 24 * 3600


# --- internals --------------------------------------------------------------------------------


def _row(obj: object, staff: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in obj.__table__.columns:  # type: ignore[attr-defined]
        value = getattr(obj, column.key)
        if isinstance(value, datetime):
            value = utc_text(value)
        out[column.key] = value
        if column.key.endswith("_by") or column.key in ("staff_in", "staff_out", "staff_id", "paramedic_id",
                                                         "author_id", "assigned_to", "facilitator_id",
                                                         "named_worker_id"):
            out[column.key + "_name"] = staff.get(value) if value else None
    return out


def _anonymise(session: Session, ids: list[str], now: datetime) -> None:
    for guest in session.scalars(select(Guest).where(Guest.id.in_(ids))):
        guest.preferred_name = ERASED_NAME
        guest.legal_name = None
        guest.birth_year = None
        guest.birth_date = None
        guest.gender = None
        guest.flags = "[]"
        guest.support_notes = None
        guest.ethnicity = None
        guest.named_worker_id = None
        guest.restricted_staff_id = None
        guest.card_code = new_card_code()  # an old card must not find the record any more
        guest.erased_at = now
        guest.updated_at = now
    session.execute(delete(GuestAlias).where(GuestAlias.guest_id.in_(ids)))
    # A duplicate hint's "why" quotes the name as it was imported.
    session.execute(delete(DuplicateHint).where(or_(DuplicateHint.guest_a.in_(ids), DuplicateHint.guest_b.in_(ids))))
    for message in session.scalars(select(Message).where(Message.guest_id.in_(ids))):
        message.body = ERASED_TEXT
        message.for_name = ERASED_NAME
        message.contact = None
        message.delivery_note = None
    # The actions agreed about them at partnership meetings lose their words (free text about a named person).
    forget_partnership(session, ids)
    forget_hub_day(session, ids)


def _erase_free_text(session: Session, ids: list[str]) -> None:
    """On a request for erasure, the free text staff wrote about the person goes too; the dates
    (and that an override, an exclusion or a triage happened) stay, so past figures do not change.
    (The retention purge does not call this: triage notes keep their own, longer period.)"""
    for message in session.scalars(select(Message).where(Message.guest_id.in_(ids))):
        message.not_passed_reason = _erased(message.not_passed_reason)
        message.withdraw_reason = _erased(message.withdraw_reason)
    for visit in session.scalars(select(Visit).where(Visit.guest_id.in_(ids))):
        visit.notes = None
        visit.departed_to = None
        visit.override_reason = _erased(visit.override_reason)
        visit.no_bed_reason = _erased(visit.no_bed_reason)
    for exclusion in session.scalars(select(Exclusion).where(Exclusion.guest_id.in_(ids))):
        exclusion.reason = ERASED_TEXT
        exclusion.lift_reason = _erased(exclusion.lift_reason)
    for assessment in session.scalars(select(Triage).where(Triage.guest_id.in_(ids))):
        assessment.presenting_need = ERASED_TEXT
        assessment.notes = None


def _erased(text: str | None) -> str | None:
    return None if text is None else ERASED_TEXT


def _purge_visits(session: Session, cutoff: datetime, now: datetime) -> int:
    # Finished visits by when they ended; sign-ins undone by staff (never signed out) by when undone.
    expired = or_(Visit.signed_out_at < cutoff, Visit.voided_at < cutoff)
    old = select(Visit.id).where(expired)
    session.execute(delete(BedAssignment).where(BedAssignment.visit_id.in_(old)))
    session.execute(delete(ImportedVisit).where(ImportedVisit.visit_id.in_(old)))
    release_purged_visits(session, old)
    return _deleted(session, delete(Visit).where(expired))


def _purge_messages(session: Session, cutoff: datetime, now: datetime) -> int:
    finished = or_(Message.delivered_at.is_not(None), Message.not_passed_at.is_not(None),
                   Message.withdrawn_at.is_not(None), Message.relevant_until <= now)
    return _deleted(session, delete(Message).where(Message.created_at < cutoff, finished))


def _purge_log(session: Session, cutoff: datetime, now: datetime) -> int:
    return _deleted(session, delete(ShiftLogEntry).where(ShiftLogEntry.at < cutoff))


def _purge_handovers(session: Session, cutoff: datetime, now: datetime) -> int:
    return _deleted(session, delete(Handover).where(Handover.created_at < cutoff,
                                                  Handover.acknowledged_at.is_not(None)))


def _purge_triage(session: Session, cutoff: datetime, now: datetime) -> int:
    return _deleted(session, delete(Triage).where(Triage.at < cutoff))


def _purge_exclusions(session: Session, cutoff: datetime, now: datetime) -> int:
    return _deleted(session, delete(Exclusion).where(Exclusion.ends_at < cutoff))


def _purge_guests(session: Session, cutoff: datetime, now: datetime) -> int:
    """Guests not seen since the cut-off are anonymised (their remaining history stays counted)."""
    stale = list(session.scalars(select(Guest.id).where(
        Guest.erased_at.is_(None),
        or_(Guest.last_seen_at < cutoff, (Guest.last_seen_at.is_(None)) & (Guest.created_at < cutoff)))))
    if not stale:
        return 0
    # A record merged into another is the same person: it is stale only if the live record is.
    parent = {c: p for c, p in session.execute(select(Guest.id, Guest.merged_into)
                                               .where(Guest.merged_into.is_not(None))) if p}
    stale_set = set(stale)
    stale = [g for g in stale if _live_root(g, parent) in stale_set]
    still_in = set(session.scalars(select(Visit.guest_id).where(Visit.guest_id.in_(stale),
                                                                Visit.signed_out_at.is_(None),
                                                                Visit.voided_at.is_(None))))
    stale = [g for g in stale if g not in still_in]
    for start in range(0, len(stale), 500):
        chunk = stale[start:start + 500]
        _anonymise(session, chunk, now)
        session.execute(delete(DuplicateHint).where(or_(DuplicateHint.guest_a.in_(chunk),
                                                        DuplicateHint.guest_b.in_(chunk))))
        session.execute(delete(NotDuplicate).where(or_(NotDuplicate.guest_a.in_(chunk),
                                                       NotDuplicate.guest_b.in_(chunk))))
    return len(stale)


def _live_root(guest_id: str, parent: dict[str, str]) -> str:
    hops = 0
    while guest_id in parent and hops < 50:
        guest_id, hops = parent[guest_id], hops + 1
    return guest_id


def _deleted(session: Session, statement: Delete) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount or 0


_PURGERS = {
    "visits": _purge_visits,
    "messages": _purge_messages,
    "shift_log": _purge_log,
    "handovers": _purge_handovers,
    "triage": _purge_triage,
    "exclusions": _purge_exclusions,
    "guests": _purge_guests,
    "casework": purge_casework,
    "plans": purge_plans,
}

