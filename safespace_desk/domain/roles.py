"""Staff roles and what each may do (need-to-know, after the Caldicott principles)."""

from __future__ import annotations

from enum import StrEnum

from safespace_desk.domain.errors import PermissionDenied


class Role(StrEnum):
    DESK = "desk"
    LEAD = "lead"
    MANAGER = "manager"
    PARAMEDIC = "paramedic"
    # Reads less than staff: no support notes, contact notes or plans unless a manager allows it
    # for that person (Staff.may_read_notes); counts toward the staffing ratio only if set so.
    VOLUNTEER = "volunteer"

    @property
    def label(self) -> str:
        return {
            Role.DESK: "Desk staff",
            Role.LEAD: "Shift lead",
            Role.MANAGER: "Manager",
            Role.PARAMEDIC: "Paramedic",
            Role.VOLUNTEER: "Volunteer",
        }[self]


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    VERIFY_AUDIT = "verify_audit"
    READ_RAW_KEY = "read_raw_key"
    OVERRIDE = "override"  # sign in over capacity or despite an exclusion, lift exclusions
    FRONT_DESK = "front_desk"
    # The whole guest record: legal name, support notes, exclusions and their reasons, visits and what
    # was noted on them. The paramedic sees what a health check needs instead (name, other names,
    # flags, messages, triage): see services/guests.health_check_record and search.pick_guests.
    READ_GUEST_RECORD = "read_guest_record"
    READ_TRIAGE_NOTES = "read_triage_notes"
    RECORD_TRIAGE = "record_triage"
    MANAGE_SITE = "manage_site"
    MESSAGES = "messages"  # read the board, leave and pass on messages
    SHIFT_LOG = "shift_log"  # write and read the shift log and handovers
    REPORTS = "reports"  # monthly figures and exports for funders
    # The partnership's by-name list (names with counts, the actions agreed) and the impact estimate's
    # unit costs: managers only (issue 12).
    PARTNERSHIP = "partnership"
    DATA_RIGHTS = "data_rights"  # subject access exports, erasure, retention, backups
    # Crisis services and havens (issue 11).
    CASEWORK = "casework"  # receive referrals, log contacts, follow-ups, support, sessions, escalate
    DECIDE_CASES = "decide_cases"  # accept or decline referrals, close cases, name a worker
    READ_NOTES = "read_notes"  # support notes, contact notes and plans (volunteers: only if allowed)
    WRITE_PLANS = "write_plans"  # staying-well and crisis plans (volunteers: only if allowed)


_DESK = {Permission.FRONT_DESK, Permission.READ_GUEST_RECORD, Permission.MESSAGES, Permission.SHIFT_LOG,
         Permission.CASEWORK, Permission.DECIDE_CASES, Permission.READ_NOTES, Permission.WRITE_PLANS}
_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.DESK: frozenset(_DESK),
    Role.LEAD: frozenset(_DESK | {Permission.OVERRIDE}),
    # Managers read triage notes (Caldicott guardian duty) but do not record assessments.
    Role.MANAGER: frozenset(set(Permission) - {Permission.RECORD_TRIAGE}),
    Role.PARAMEDIC: frozenset({Permission.READ_TRIAGE_NOTES, Permission.RECORD_TRIAGE, Permission.MESSAGES}),
    # Volunteers read the record as the desk does, less notes and plans (services/guest_access.py).
    Role.VOLUNTEER: frozenset({Permission.FRONT_DESK, Permission.READ_GUEST_RECORD, Permission.MESSAGES,
                               Permission.SHIFT_LOG, Permission.CASEWORK}),
}
# What a manager may allow one volunteer (Staff.may_read_notes): reading and writing notes and plans.
VOLUNTEER_ALLOWANCE = frozenset({Permission.READ_NOTES, Permission.WRITE_PLANS})


def can(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


def require(role: Role, permission: Permission, action: str) -> None:
    """Raise PermissionDenied, naming the action, unless ``role`` may do it."""
    if not can(role, permission):
        raise PermissionDenied(f"{role.label} accounts cannot {action}. Ask a manager.")
