"""Staff roles and what each may do (need-to-know, after the Caldicott principles)."""

from __future__ import annotations

from enum import StrEnum

from safespace_desk.domain.errors import PermissionDenied


class Role(StrEnum):
    DESK = "desk"
    LEAD = "lead"
    MANAGER = "manager"
    PARAMEDIC = "paramedic"

    @property
    def label(self) -> str:
        return {
            Role.DESK: "Desk staff",
            Role.LEAD: "Shift lead",
            Role.MANAGER: "Manager",
            Role.PARAMEDIC: "Paramedic",
        }[self]


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    VERIFY_AUDIT = "verify_audit"
    READ_RAW_KEY = "read_raw_key"
    OVERRIDE = "override"  # sign in over capacity or despite an exclusion, lift exclusions
    FRONT_DESK = "front_desk"
    READ_TRIAGE_NOTES = "read_triage_notes"
    RECORD_TRIAGE = "record_triage"
    MANAGE_SITE = "manage_site"
    MESSAGES = "messages"  # read the board, leave and pass on messages
    SHIFT_LOG = "shift_log"  # write and read the shift log and handovers
    REPORTS = "reports"  # monthly figures and exports for funders
    DATA_RIGHTS = "data_rights"  # subject access exports, erasure, retention, backups


_DESK = {Permission.FRONT_DESK, Permission.MESSAGES, Permission.SHIFT_LOG}
_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.DESK: frozenset(_DESK),
    Role.LEAD: frozenset(_DESK | {Permission.OVERRIDE}),
    # Managers read triage notes (Caldicott guardian duty) but do not record assessments.
    Role.MANAGER: frozenset(set(Permission) - {Permission.RECORD_TRIAGE}),
    Role.PARAMEDIC: frozenset({Permission.READ_TRIAGE_NOTES, Permission.RECORD_TRIAGE, Permission.MESSAGES}),
}


def can(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


def require(role: Role, permission: Permission, action: str) -> None:
    """Raise PermissionDenied, naming the action, unless ``role`` may do it."""
    if not can(role, permission):
        raise PermissionDenied(f"{role.label} accounts cannot {action}. Ask a manager.")
