"""Typed SQLAlchemy 2 models. The schema itself is created by Alembic migrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from safespace_desk.db.types import UTCDateTime


class Base(DeclarativeBase):
    pass


# Tables that belong to this desk alone and never sync (sync/registry.py declares every other table).
# imported_visit and imported_record are local: their keys hash a name and a time (the server must not get them).
LOCAL_TABLES = frozenset({"alembic_version", "audit_log", "outbox", "imported_visit", "imported_record",
                          "sync_problem", "sync_origin"})
# desk_setting is this desk's own, except these keys, which are the hub's and sync.
SYNCED_SETTING_KEYS = frozenset({"retention_policy"})


class Setting(Base):
    """Small key/value facts about this desk, e.g. its device id."""

    __tablename__ = "desk_setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Site(Base):
    __tablename__ = "site"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # Site rules (capacity periods, beds, ratios, idle lock) as JSON; see services/site.py.
    settings: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    login: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Migration 0006: whether they count toward the staffing ratio (volunteers: as a manager sets),
    # and whether a volunteer may read support notes and plans.
    counts_in_ratio: Mapped[bool] = mapped_column(Boolean, default=True)
    may_read_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditEntry(Base):
    """Append-only and hash-chained (see domain/audit_chain.py). Triggers refuse edits."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    device_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64))
    entity_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    entity_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxOp(Base):
    """A named operation waiting to be pushed to the sync server.

    ``rows`` holds the row changes its unit of work made (services/row_capture.py), which is what
    sync sends. ``pushed_at`` is set when the server has acknowledged it (committed it, or decided
    against it: then ``decision`` and ``reason`` say so); a row with ``pushed_at`` set is no longer
    needed by sync (``position`` is where the server put it in the hub's change log). Rows made
    before sync was turned on have no ``rows``: enrolment sends the whole state instead and marks
    them pushed.
    """

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    device_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(64))
    args: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("staff.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    schema_version: Mapped[int] = mapped_column(Integer)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    op_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    rows: Mapped[str | None] = mapped_column(Text, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    position: Mapped[int | None] = mapped_column(Integer, nullable=True)  # in the hub's change log


class SyncProblem(Base):
    """Something sync could not do that a lead or manager should see: an operation the server
    refused, one that failed its integrity check, an audit chain the server did not accept."""

    __tablename__ = "sync_problem"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    op_kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    op_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Migration 0011: the guest it is about, a line of detail (a bed label), the operation.
    about: Mapped[str | None] = mapped_column(String(36), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)
    op_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class SyncOrigin(Base):
    """The newest operation applied here from each desk of the site, so a replayed one is refused."""

    __tablename__ = "sync_origin"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


# --- front desk (migration 0002) --------------------------------------------------------------


class Guest(Base):
    __tablename__ = "guest"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    preferred_name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    birth_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date
    gender: Mapped[str | None] = mapped_column(String(40), nullable=True)
    flags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of flag codes
    support_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    card_code: Mapped[str] = mapped_column(String(16), unique=True)
    merged_into: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    erasure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Migration 0006. The person's named worker (a peer or keyworker on the staff).
    named_worker_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # A guest record of someone now on the staff: colleagues see only what the desk needs, and
    # that staff member never edits their own record.
    restricted_staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    ethnicity: Mapped[str | None] = mapped_column(String(80), nullable=True)  # only if they wish to say


class GuestAlias(Base):
    __tablename__ = "guest_alias"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Visit(Base):
    __tablename__ = "visit"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    arrived_via: Mapped[str] = mapped_column(String(16))
    departed_to: Mapped[str | None] = mapped_column(String(200), nullable=True)
    staff_in: Mapped[str | None] = mapped_column(String(36), nullable=True)
    staff_out: Mapped[str | None] = mapped_column(String(36), nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    override_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # A mistaken sign-in is voided, never deleted.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    no_bed_night: Mapped[str | None] = mapped_column(String(10), nullable=True)
    no_bed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    no_bed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)  # from imported sign-in sheets
    # Migration 0006: in_person, online or phone. Only in-person visits take a place in the building.
    mode: Mapped[str] = mapped_column(String(16), default="in_person")
    # Migration 0011: signed in at two desks at once; the server kept the other visit open and this
    # one (voided) points at it, so how the guest arrived both times is kept.
    merged_into: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Migration 0012: the kind of place they went (domain/destinations.py), when on the site's list.
    departed_kind: Mapped[str | None] = mapped_column(String(24), nullable=True)


class BedAssignment(Base):
    __tablename__ = "bed_assignment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    visit_id: Mapped[str] = mapped_column(String(36), ForeignKey("visit.id"))
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    bed_label: Mapped[str] = mapped_column(String(40))
    night_of: Mapped[str] = mapped_column(String(10))  # local date the night began (ISO)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Exclusion(Base):
    __tablename__ = "exclusion"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lifted_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    lift_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class DutySpell(Base):
    """A staff member marked on duty (for the night ratio and the minimum staffing warning)."""

    __tablename__ = "duty_spell"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), ForeignKey("staff.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GuestMerge(Base):
    __tablename__ = "guest_merge"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kept_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    merged_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    merged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class NotDuplicate(Base):
    """A pair of guests a lead has reviewed and found to be different people."""

    __tablename__ = "not_duplicate"
    guest_a: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"), primary_key=True)
    guest_b: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"), primary_key=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


# --- messages, shift log, handovers, triage (migration 0003) ---------------------------------


class Agency(Base):
    __tablename__ = "agency"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Message(Base):
    __tablename__ = "message"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    for_name: Mapped[str] = mapped_column(String(200))  # as the agency gave it
    agency_id: Mapped[str] = mapped_column(String(36), ForeignKey("agency.id"))
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    relevant_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    delivery_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    not_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    not_passed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    not_passed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    withdraw_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Migration 0010: for a victim, say: never on the board's lists or printouts, only at their sign-in.
    discreet: Mapped[bool] = mapped_column(Boolean, default=False)


class ShiftLogEntry(Base):
    __tablename__ = "shift_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    guest_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Migration 0009: after a hard moment (domain/staff_care.py), whether a debrief was offered.
    debrief_offered: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class Handover(Base):
    __tablename__ = "handover"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shift_name: Mapped[str] = mapped_column(String(40))
    shift_start: Mapped[datetime] = mapped_column(UTCDateTime())
    shift_end: Mapped[datetime] = mapped_column(UTCDateTime())
    author_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    snapshot: Mapped[str] = mapped_column(Text)  # JSON, see services/handover.py
    text: Mapped[str] = mapped_column(Text)
    follow_ups: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Triage(Base):
    __tablename__ = "triage"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    presenting_need: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))
    paramedic_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- import, data rights and retention (migration 0004) ---------------------------------------


class ImportedVisit(Base):
    """A line of a sign-in sheet already imported, so importing the same file twice adds nothing."""

    __tablename__ = "imported_visit"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    visit_id: Mapped[str] = mapped_column(String(36), ForeignKey("visit.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DuplicateHint(Base):
    """Two records that may be one person (from an import or an 'add anyway'), for a lead's review."""

    __tablename__ = "duplicate_hint"
    guest_a: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"), primary_key=True)
    guest_b: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"), primary_key=True)
    why: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PurgeRecord(Base):
    """What the retention purge removed: when, which kind of record, how many, and the cut-off."""

    __tablename__ = "purge_log"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    record_kind: Mapped[str] = mapped_column(String(32))
    removed: Mapped[int] = mapped_column(Integer)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


# The casework tables live in their own module; importing it here puts them on Base.metadata.
from safespace_desk.db import models_casework as _casework  # noqa: E402,F401
from safespace_desk.db import models_hub_day as _hub_day  # noqa: E402,F401
from safespace_desk.db import models_partnership as _partnership  # noqa: E402,F401
