"""Health triage by the hub's paramedic. Clinical notes are need-to-know: paramedic and manager
roles read them; everyone else sees only that a triage took place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from safespace_desk.db.models import Guest, Staff, Triage
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from safespace_desk.domain.messages import TriageOutcome
from safespace_desk.domain.roles import Permission, can
from safespace_desk.domain.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services import clinical
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import identity_ids, resolve_live
from safespace_desk.services.view_audit import record_list_view

TRIAGE = "triage"


@dataclass(frozen=True)
class TriageView:
    id: str
    guest_id: str
    guest_name: str
    at: datetime
    paramedic_name: str | None
    # None when the reader may not see clinical detail: only the fact of a triage is shown.
    presenting_need: str | None
    notes: str | None
    outcome: TriageOutcome | None

    @property
    def restricted(self) -> bool:
        return self.outcome is None


def record_triage(desk: DeskContext, guest_id: str, *, presenting_need: str, outcome: TriageOutcome | str,
                  notes: str | None = None, at: datetime | None = None) -> tuple[str, Changes]:
    desk.require(Permission.RECORD_TRIAGE, "record triage assessments")
    need = clean_text(presenting_need, field="presenting_need", label="Presenting need",
                      max_len=SHORT_TEXT_MAX, required=True)
    notes = clean_text(notes, field="notes", label="Notes", max_len=LONG_TEXT_MAX, multiline=True) or None
    try:
        outcome = TriageOutcome(outcome)
    except ValueError:
        raise ValidationError("Choose an outcome.", field="outcome") from None
    now = desk.clock.now()
    when = require_aware(at, "The time of the assessment", field="at") if at is not None else now
    if when > now:
        raise ValidationError("The assessment time cannot be in the future.", field="at")
    triage_id = new_id()
    # Sealed with the clinical key before anything is written: the table, the outbox and sync hold only
    # ciphertext, which no desk user's key opens (services/clinical.py).
    need = clinical.seal(desk, triage_id, "presenting_need", need) or ""
    notes = clinical.seal(desk, triage_id, "notes", notes)
    with desk.unit_of_work() as uow:
        guest = resolve_live(uow.session, guest_id)
        uow.session.add(Triage(id=triage_id, guest_id=guest.id, at=when, presenting_need=need, notes=notes,
                               outcome=outcome.value, paramedic_id=uow.staff_id, created_at=now))
        # The audit names the record, never its clinical content.
        uow.audit("triage_recorded", TRIAGE, triage_id, detail=f"guest={guest.id}")
        uow.outbox("triage.record", triage_id=triage_id, guest_id=guest.id, at=when, presenting_need=need,
                   notes=notes, outcome=outcome.value)
        uow.changed(TRIAGE, triage_id)
    return triage_id, uow.changes


def list_triage(desk: DeskContext, *, guest_id: str | None = None, mine_only: bool = False,
                since: datetime | None = None, limit: int = 200) -> list[TriageView]:
    """Triage records, newest first; clinical detail only for roles that may read it."""
    actor = desk.require_actor()
    if since is not None:
        require_aware(since, "The start of the triage records asked for", field="since")
    may_read = can(actor.role, Permission.READ_TRIAGE_NOTES)
    q = (select(Triage, Guest.preferred_name, Staff.name).join(Guest, Guest.id == Triage.guest_id)
         .outerjoin(Staff, Staff.id == Triage.paramedic_id).order_by(Triage.at.desc()).limit(limit))
    with desk.store.read() as session:
        if guest_id:
            q = q.where(Triage.guest_id.in_(identity_ids(session, guest_id)))
        if mine_only:
            q = q.where(Triage.paramedic_id == actor.staff_id)
        if since is not None:
            q = q.where(Triage.at >= since)
        rows = session.execute(q).all()
    record_list_view(desk, "triage_mine" if mine_only else "triage", len(rows), about=guest_id)
    return [TriageView(t.id, t.guest_id, name, t.at, who,
                       _open(desk, t, "presenting_need") if may_read else None,
                       _open(desk, t, "notes") if may_read else None,
                       TriageOutcome(t.outcome) if may_read else None) for t, name, who in rows]


def _open(desk: DeskContext, row: Triage, field: str) -> str | None:
    return clinical.open_field(desk, row.id, field, getattr(row, field))


def open_triage(desk: DeskContext, triage_id: str) -> TriageView:
    """One triage record with its notes (paramedic and manager only); the view is audited."""
    desk.require(Permission.READ_TRIAGE_NOTES, "read triage notes")
    with desk.store.read() as session:
        row = session.execute(select(Triage, Guest.preferred_name, Staff.name)
                              .join(Guest, Guest.id == Triage.guest_id)
                              .outerjoin(Staff, Staff.id == Triage.paramedic_id)
                              .where(Triage.id == triage_id)).first()
    if row is None:
        raise NotFound("That triage record does not exist.")
    t, name, who = row
    desk.record("viewed", TRIAGE, triage_id)
    return TriageView(t.id, t.guest_id, name, t.at, who, _open(desk, t, "presenting_need"), _open(desk, t, "notes"),
                      TriageOutcome(t.outcome))


def require_clinical(desk: DeskContext) -> None:
    actor = desk.require_actor()
    if not can(actor.role, Permission.READ_TRIAGE_NOTES):
        raise PermissionDenied("Triage notes are for the paramedic and managers only.")
