"""Staying-well and crisis plans: written with the person, versioned, printable.

Every save is a new version (a trigger in the store refuses to change one), so who wrote what and
when is always kept. A plan the person asked to keep private is sealed like clinical notes: its words
are sealed to the clinical key (services/clinical.py) in the table, the outbox and so in what sync
sends, by whoever writes it (a peer need not hold the key); only readers who hold the key (managers)
open it. Once the latest version is sealed, no version of that plan opens for anyone else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models_casework import Plan, PlanVersion
from safespace_desk.domain.errors import NotFound, PermissionDenied, RuleViolation
from safespace_desk.domain.plans import SECTION_KEYS, PlanKind, clean_sections
from safespace_desk.domain.roles import Permission, can
from safespace_desk.ids import new_id
from safespace_desk.services import clinical
from safespace_desk.services.casework_common import (
    PLAN,
    check_may_write_about,
    holds,
    live_person,
    may_read_notes,
    require_casework,
    staff_names,
)
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import GUEST, identity_ids
from safespace_desk.services.site import get_site
from safespace_desk.services.view_audit import record_view


@dataclass(frozen=True)
class PlanWritten:
    plan_id: str
    version: int
    changes: Changes
    written_at: datetime


@dataclass(frozen=True)
class PlanSummary:
    plan_id: str
    kind: PlanKind
    versions: int
    updated_at: datetime
    updated_by_name: str | None
    sealed: bool
    readable: bool  # this reader may open it


@dataclass(frozen=True)
class PlanVersionInfo:
    version: int
    written_at: datetime
    written_by_name: str | None
    sealed: bool
    with_person: bool
    changed: tuple[str, ...]  # section keys that differ from the version before


@dataclass(frozen=True)
class PlanView:
    plan_id: str
    guest_id: str
    guest_name: str
    kind: PlanKind
    version: int
    latest_version: int
    sections: dict[str, str]
    sealed: bool
    with_person: bool
    written_at: datetime
    written_by_name: str | None
    helpline: str  # printed on the plan: where to turn when the service is closed


def write_plan(desk: DeskContext, guest_id: str, kind: PlanKind | str, sections: dict[str, str | None], *,
               sealed: bool = False, with_person: bool = True) -> PlanWritten:
    """Save a new version of the person's plan of this kind (the first save creates the plan)."""
    actor = require_casework(desk, "write plans")
    plan_kind = PlanKind(kind)
    text = clean_sections(sections)
    with desk.unit_of_work() as uow:
        guest = live_person(uow.session, guest_id)
        check_may_write_about(uow.session, actor, guest, "write their plan")
        if not (holds(uow.session, actor, Permission.WRITE_PLANS) and may_read_notes(uow.session, actor, guest)):
            raise PermissionDenied("Your account cannot write plans. Ask a manager.")
        plan = _plan_of(uow.session, identity_ids(uow.session, guest.id), plan_kind)
        if plan is None:
            plan = Plan(id=new_id(), guest_id=guest.id, kind=plan_kind.value, created_at=uow.now,
                        created_by=uow.staff_id)
            uow.session.add(plan)
            latest = None
        else:
            latest = _latest(uow.session, plan.id)
        if latest is not None and latest.sealed and not _opens_sealed(desk):
            raise PermissionDenied("This plan is sealed at the person's request: a manager updates it.")
        number = (latest.version if latest else 0) + 1
        version_id = new_id()
        # Sealed before it is written: the table, the outbox's copy and sync hold only ciphertext.
        body = (clinical.seal_for_clinical(uow.session, version_id, "sections", json.dumps(text)) if sealed
                else json.dumps(text))
        uow.session.add(PlanVersion(id=version_id, plan_id=plan.id, version=number, sections=body,
                                    sealed=sealed, with_person=with_person, written_at=uow.now,
                                    written_by=uow.staff_id))
        uow.audit("plan_written", PLAN, plan.id, detail=f"kind={plan_kind.value};version={number};sealed={int(sealed)}")
        uow.outbox("plan.write", plan_id=plan.id, guest_id=guest.id, kind=plan_kind.value, version=number,
                   sections=body if sealed else text, sealed=sealed, with_person=with_person, at=uow.now)
        uow.changed(PLAN, plan.id)
        uow.changed(GUEST, guest.id)
        plan_id, written_at = plan.id, uow.now
    return PlanWritten(plan_id, number, uow.changes, written_at)


def plans_of(desk: DeskContext, guest_id: str) -> list[PlanSummary]:
    """The person's plans without their contents (anyone doing casework may see that one exists)."""
    actor = require_casework(desk, "see plans")
    with desk.store.read() as session:
        guest = live_person(session, guest_id)
        readable = may_read_notes(session, actor, guest)
        names = staff_names(session)
        out = []
        for plan in session.scalars(select(Plan).where(Plan.guest_id.in_(identity_ids(session, guest.id)))
                                    .order_by(Plan.kind)):
            latest = _latest(session, plan.id)
            assert latest is not None
            count = session.scalar(select(func.count()).select_from(PlanVersion)
                                   .where(PlanVersion.plan_id == plan.id)) or 0
            out.append(PlanSummary(plan.id, PlanKind(plan.kind), count, latest.written_at,
                                   names.get(latest.written_by) if latest.written_by else None, latest.sealed,
                                   readable and (not latest.sealed or _opens_sealed(desk))))
        return out


def read_plan(desk: DeskContext, plan_id: str, version: int | None = None) -> PlanView:
    """One version of a plan (the latest by default). The view is audited; a sealed version opens only
    for clinical readers."""
    actor = require_casework(desk, "read plans")
    helpline = get_site(desk).settings.profile.helpline
    with desk.store.read() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("That plan does not exist.")
        guest = live_person(session, plan.guest_id)
        if not may_read_notes(session, actor, guest):
            raise PermissionDenied("Your account cannot read plans. Ask a manager.")
        latest = _latest(session, plan.id)
        assert latest is not None
        row = latest if version is None else session.scalars(select(PlanVersion).where(
            PlanVersion.plan_id == plan.id, PlanVersion.version == version)).first()
        if row is None:
            raise NotFound(f"This plan has no version {version}.")
        if (row.sealed or latest.sealed) and not _opens_sealed(desk):
            raise PermissionDenied("This plan is sealed at the person's request: only managers can open it.")
        sections = _sections(desk, row)
        if sections is None:
            raise RuleViolation("This version was sealed with a clinical key this desk does not hold (another "
                                "desk's): open it there, or ask a manager to share one key.")
        names = staff_names(session)
        view = PlanView(plan.id, guest.id, guest.preferred_name, PlanKind(plan.kind), row.version, latest.version,
                        sections, row.sealed, row.with_person, row.written_at,
                        names.get(row.written_by) if row.written_by else None, helpline)
    record_view(desk, PLAN, plan_id, detail=f"version={view.version}")
    return view


def plan_history(desk: DeskContext, plan_id: str) -> list[PlanVersionInfo]:
    """Every version, newest first: who, when, and which sections changed (not their words)."""
    actor = require_casework(desk, "see plan history")
    with desk.store.read() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("That plan does not exist.")
        if not may_read_notes(session, actor, live_person(session, plan.guest_id)):
            raise PermissionDenied("Your account cannot read plans. Ask a manager.")
        names = staff_names(session)
        versions = session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                                   .order_by(PlanVersion.version)).all()
        out: list[PlanVersionInfo] = []
        before: dict[str, str] = {}
        for v in versions:
            # A sealed version's words open only with the clinical key; without it, which sections
            # changed is not known (none are named).
            sections = _sections(desk, v) if not v.sealed or _opens_sealed(desk) else None
            changed = tuple(k for k in SECTION_KEYS if sections.get(k) != before.get(k)) if sections is not None else ()
            out.append(PlanVersionInfo(v.version, v.written_at, names.get(v.written_by) if v.written_by else None,
                                       v.sealed, v.with_person, changed))
            before = sections or {}
    return list(reversed(out))


def opens_sealed(desk: DeskContext) -> bool:
    """Whether the person at this desk can open a plan sealed at the person's request (to say so before
    they seal one they will not be able to open again)."""
    return _opens_sealed(desk)


def _opens_sealed(desk: DeskContext) -> bool:
    """Whether the person at this desk opens sealed plans: a role that reads clinical text, holding the key."""
    actor = desk.require_actor()
    return can(actor.role, Permission.READ_TRIAGE_NOTES) and desk.clinical_key is not None


def _sections(desk: DeskContext, row: PlanVersion) -> dict[str, str] | None:
    """The version's sections, opened if sealed; None if they do not open with this desk's key."""
    if not row.sealed or not clinical.is_sealed(row.sections):
        return dict(json.loads(row.sections))
    opened = clinical.open_field(desk, row.id, "sections", row.sections)
    return None if opened is None or opened == clinical.UNREADABLE else dict(json.loads(opened))


def _plan_of(session: Session, ids: list[str], kind: PlanKind) -> Plan | None:
    return session.scalars(select(Plan).where(Plan.guest_id.in_(ids), Plan.kind == kind.value)
                           .order_by(Plan.created_at)).first()


def _latest(session: Session, plan_id: str) -> PlanVersion | None:
    return session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                           .order_by(PlanVersion.version.desc()).limit(1)).first()
