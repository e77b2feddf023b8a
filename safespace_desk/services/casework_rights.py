"""Data rights for casework records: what a subject access export includes, what erasure removes,
and the retention purge of casework and plans. Called from services/data_rights.py.

Erasure follows the hub's rule: dates and kinds stay (so past figures do not change), every word
staff wrote about the person goes. Plans are the person's own words: they are deleted whole. Carers
and family are third parties: their names and numbers are deleted with the person's record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest
from safespace_desk.db.models_casework import (
    CaseEpisode,
    CircleMember,
    Closing,
    Contact,
    Escalation,
    FollowUp,
    GroupSession,
    ImportedRecord,
    OnwardReferral,
    Plan,
    PlanVersion,
    Referral,
    SessionAttendance,
    SupportGiven,
)

Row = Callable[[object], dict[str, Any]]
ERASED_TEXT = "[erased at the guest's request]"


def export_casework(session: Session, ids: list[str], row: Row) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """The person's casework records for a subject access export, and their ids (for the access log)."""
    def rows(model: Any, column: Any) -> list[Any]:
        return list(session.scalars(select(model).where(column.in_(ids))))

    plans = rows(Plan, Plan.guest_id)
    versions = list(session.scalars(select(PlanVersion).where(PlanVersion.plan_id.in_([p.id for p in plans]))
                                    .order_by(PlanVersion.plan_id, PlanVersion.version)))
    parts: dict[str, list[Any]] = {
        "referrals": rows(Referral, Referral.guest_id),
        "case_episodes": rows(CaseEpisode, CaseEpisode.guest_id),
        "contacts": rows(Contact, Contact.guest_id),
        "follow_ups": rows(FollowUp, FollowUp.guest_id),
        "plans": plans,
        "plan_versions": versions,
        "practical_support": rows(SupportGiven, SupportGiven.guest_id),
        "onward_referrals": rows(OnwardReferral, OnwardReferral.guest_id),
        "people_around": rows(CircleMember, CircleMember.guest_id),
        "escalations": rows(Escalation, Escalation.guest_id),
        "sessions_attended": rows(SessionAttendance, SessionAttendance.guest_id),
    }
    related = {getattr(r, "id", "") for records in parts.values() for r in records} - {""}
    return {name: [row(r) for r in records] for name, records in parts.items()}, related


def erase_casework(session: Session, ids: list[str]) -> None:
    for referral in session.scalars(select(Referral).where(Referral.guest_id.in_(ids))):
        referral.reason = ERASED_TEXT
        referral.factors = "[]"
        referral.decline_reason = _erased(referral.decline_reason)
    session.execute(update(CaseEpisode).where(CaseEpisode.guest_id.in_(ids)).values(closure_note=None))
    session.execute(update(Contact).where(Contact.guest_id.in_(ids)).values(notes=None, with_circle_id=None))
    session.execute(update(FollowUp).where(FollowUp.guest_id.in_(ids)).values(text=ERASED_TEXT))
    _delete_plans(session, select(Plan.id).where(Plan.guest_id.in_(ids)))
    session.execute(update(SupportGiven).where(SupportGiven.guest_id.in_(ids)).values(note=None))
    session.execute(update(OnwardReferral).where(OnwardReferral.guest_id.in_(ids)).values(organisation=None,
                                                                                          note=None))
    session.execute(delete(CircleMember).where(CircleMember.guest_id.in_(ids)))
    session.execute(update(Escalation).where(Escalation.guest_id.in_(ids)).values(note=None))
    session.execute(update(Guest).where(Guest.id.in_(ids)).values(ethnicity=None, named_worker_id=None))
    # An import key is a hash of the name as it was on the sheet.
    record_ids = select(Referral.id).where(Referral.guest_id.in_(ids)).union(
        select(Contact.id).where(Contact.guest_id.in_(ids)))
    session.execute(delete(ImportedRecord).where(ImportedRecord.record_id.in_(record_ids)))


def purge_casework(session: Session, cutoff: datetime, now: datetime) -> int:
    """Casework older than the cut-off: contacts, finished follow-ups, support, onward referrals,
    escalations, sessions, closings, and referrals and episodes of cases closed before it."""
    removed = 0
    old_contacts = select(Contact.id).where(Contact.at < cutoff)
    session.execute(delete(ImportedRecord).where(ImportedRecord.record_id.in_(old_contacts)))
    removed += _deleted(session, delete(Contact).where(Contact.at < cutoff))
    removed += _deleted(session, delete(FollowUp).where(
        or_(FollowUp.done_at < cutoff, FollowUp.cancelled_at < cutoff)))
    removed += _deleted(session, delete(SupportGiven).where(SupportGiven.at < cutoff))
    removed += _deleted(session, delete(OnwardReferral).where(OnwardReferral.referred_at < cutoff))
    removed += _deleted(session, delete(Escalation).where(Escalation.at < cutoff))
    old_sessions = select(GroupSession.id).where(GroupSession.starts_at < cutoff)
    session.execute(delete(SessionAttendance).where(SessionAttendance.session_id.in_(old_sessions)))
    removed += _deleted(session, delete(GroupSession).where(GroupSession.starts_at < cutoff))
    removed += _deleted(session, delete(Closing).where(Closing.at < cutoff))
    closed = select(CaseEpisode.id).where(CaseEpisode.closed_at < cutoff)
    old_referrals = select(Referral.id).where(Referral.received_at < cutoff, or_(
        Referral.episode_id.in_(closed), Referral.status.in_(("declined", "duplicate"))))
    session.execute(delete(ImportedRecord).where(ImportedRecord.record_id.in_(old_referrals)))
    removed += _deleted(session, delete(Referral).where(Referral.id.in_(old_referrals)))
    removed += _deleted(session, delete(CaseEpisode).where(CaseEpisode.closed_at < cutoff))
    return removed


def purge_plans(session: Session, cutoff: datetime, now: datetime) -> int:
    """Plans not written to since the cut-off, with all their versions."""
    recent = select(PlanVersion.plan_id).where(PlanVersion.written_at >= cutoff)
    stale = select(Plan.id).where(Plan.id.not_in(recent), Plan.created_at < cutoff)
    return _delete_plans(session, stale)


def _delete_plans(session: Session, plan_ids: Any) -> int:
    ids = list(session.scalars(plan_ids))
    if not ids:
        return 0
    # Versions are never updated (a trigger refuses it); deleting whole rows is how they go.
    session.execute(delete(PlanVersion).where(PlanVersion.plan_id.in_(ids)))
    return _deleted(session, delete(Plan).where(Plan.id.in_(ids)))


def _erased(text: str | None) -> str | None:
    return None if text is None else ERASED_TEXT


def _deleted(session: Session, statement: Any) -> int:
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount or 0
