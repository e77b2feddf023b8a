"""Who may read what about whom: checked in the services for every read and write, not by screens.

Need-to-know (DESIGN.md section 5):
- Support notes, contact notes and plans are read by desk staff, leads and managers; a volunteer
  reads them only if a manager allowed it for that volunteer (Staff.may_read_notes).
- A guest record marked restricted belongs to someone now on the staff (peers who once used the
  service are common): colleagues other than managers see only what the desk needs, and that staff
  member never edits their own record (not even a manager).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import Guest, Staff
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.roles import VOLUNTEER_ALLOWANCE, Permission, Role, can
from safespace_desk.services.context import Actor

RESTRICTED_NOTE = "Restricted record: only managers see the details."


def holds(session: Session, actor: Actor, permission: Permission) -> bool:
    """The role's permission, or for a volunteer what a manager allowed that person."""
    if can(actor.role, permission):
        return True
    if actor.role is Role.VOLUNTEER and permission in VOLUNTEER_ALLOWANCE:
        return bool(session.scalar(select(Staff.may_read_notes).where(Staff.id == actor.staff_id)))
    return False


def may_read_notes(session: Session, actor: Actor, guest: Guest) -> bool:
    """Support notes, contact notes, plans, referral reasons: about this person, for this reader."""
    if guest.restricted_staff_id is not None and actor.role is not Role.MANAGER:
        return False
    if guest.restricted_staff_id == actor.staff_id:
        return False  # their own record: they ask for it as anyone would (a subject access request)
    return holds(session, actor, Permission.READ_NOTES)


def check_not_own_record(actor: Actor, guest: Guest) -> None:
    if guest.restricted_staff_id is not None and guest.restricted_staff_id == actor.staff_id:
        raise PermissionDenied("This is your own record: a colleague records anything about you.")


def check_may_write_about(session: Session, actor: Actor, guest: Guest, action: str) -> None:
    """Writing about a restricted record is for managers (and never the person themselves)."""
    check_not_own_record(actor, guest)
    if guest.restricted_staff_id is not None and actor.role is not Role.MANAGER:
        raise PermissionDenied(f"This record is restricted: ask a manager to {action}.")
