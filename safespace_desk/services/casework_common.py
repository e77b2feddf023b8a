"""What the casework services share: the kinds of change they report, the person behind an id,
and (re-exported from guest_access) who may read what about whom."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest, Staff
from safespace_desk.domain.roles import Permission
from safespace_desk.services.context import Actor, DeskContext
from safespace_desk.services.guest_access import (  # noqa: F401 (re-exported for the casework services)
    RESTRICTED_NOTE,
    check_may_write_about,
    check_not_own_record,
    holds,
    may_read_notes,
)
from safespace_desk.services.guests import resolve_live

REFERRAL = "referral"
CASE = "case"
CONTACT = "contact"
FOLLOW_UP = "follow_up"
PLAN = "plan"
SUPPORT = "support"
ONWARD = "onward"
CIRCLE = "circle"
ESCALATION = "escalation"
SESSION = "session"
CLOSING = "closing"


def live_person(session: Session, guest_id: str) -> Guest:
    return resolve_live(session, guest_id)


def staff_names(session: Session) -> dict[str, str]:
    return {sid: name for sid, name in session.execute(select(Staff.id, Staff.name))}


def require_casework(desk: DeskContext, action: str) -> Actor:
    return desk.require(Permission.CASEWORK, action)
